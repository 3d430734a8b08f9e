// C interface of libpiikit_spm.so (see src/spm_shim.cc for why it exists). Internal header.
#pragma once

#include <stddef.h>

extern "C" {
typedef void (*piikit_spm_bytes_fn)(void* ctx, const char* data, size_t n);
// One piece: its id and its [begin, end) byte offsets in the encoded text.
typedef void (*piikit_spm_piece_fn)(void* ctx, int id, size_t begin, size_t end);

void* piikit_spm_load(const char* data, size_t n, char* err, size_t errcap);
void piikit_spm_free(void* handle);
int piikit_spm_piece_size(const void* handle);
void piikit_spm_id_to_piece(const void* handle, int id, piikit_spm_bytes_fn emit, void* ctx);
int piikit_spm_encode(const void* handle, const char* text, size_t n, piikit_spm_piece_fn emit,
                      void* ctx);
int piikit_spm_train(const char* const* keys, const char* const* values, size_t num_args,
                     const char* const* texts, const size_t* lens, size_t num_texts,
                     unsigned seed, piikit_spm_bytes_fn emit_model, void* ctx, char* err,
                     size_t errcap);
}
