// libpiikit_spm.so: the only code that touches sentencepiece, behind a C interface.
//
// Why a separate library: Debian's libsentencepiece carries its own copy of protobuf-lite (3.14),
// and libtorch links the system libprotobuf (3.21). Loaded side by side in one global symbol
// scope, one library's protobuf symbols bind to the other's: programs crash before main() or abort
// in protobuf's version check. piikit therefore never links sentencepiece into a process; this
// shim is dlopen()ed with RTLD_LOCAL | RTLD_DEEPBIND (src/spm_backend.cc), so sentencepiece
// resolves protobuf symbols to its own copy and nothing else sees them. Only C types cross the
// boundary; results come back through callbacks, so no allocation crosses it.
#include <sentencepiece_processor.h>
#include <sentencepiece_trainer.h>

#include <cstring>
#include <string>
#include <unordered_map>
#include <vector>

#include "spm_shim.h"

namespace {

void set_error(char* err, size_t cap, const std::string& message) {
  if (err == nullptr || cap == 0) return;
  std::size_t n = std::min(cap - 1, message.size());
  std::memcpy(err, message.data(), n);
  err[n] = '\0';
}

class VectorIterator : public sentencepiece::SentenceIterator {
 public:
  VectorIterator(const char* const* texts, const size_t* lens, size_t n)
      : texts_(texts), lens_(lens), n_(n) {
    if (n_ > 0) current_.assign(texts_[0], lens_[0]);
  }
  bool done() const override { return index_ >= n_; }
  void Next() override {
    if (++index_ < n_) current_.assign(texts_[index_], lens_[index_]);
  }
  const std::string& value() const override { return current_; }
  sentencepiece::util::Status status() const override { return {}; }

 private:
  const char* const* texts_;
  const size_t* lens_;
  size_t n_;
  size_t index_ = 0;
  std::string current_;
};

}  // namespace

extern "C" {

void* piikit_spm_load(const char* data, size_t n, char* err, size_t errcap) {
  try {
    auto* spm = new sentencepiece::SentencePieceProcessor();
    const auto status = spm->LoadFromSerializedProto(std::string_view(data, n));
    if (!status.ok()) {
      set_error(err, errcap, status.ToString());
      delete spm;
      return nullptr;
    }
    return spm;
  } catch (const std::exception& e) {
    set_error(err, errcap, e.what());
    return nullptr;
  }
}

void piikit_spm_free(void* handle) { delete static_cast<sentencepiece::SentencePieceProcessor*>(handle); }

int piikit_spm_piece_size(const void* handle) {
  return static_cast<const sentencepiece::SentencePieceProcessor*>(handle)->GetPieceSize();
}

void piikit_spm_id_to_piece(const void* handle, int id, piikit_spm_bytes_fn emit, void* ctx) {
  const std::string& piece =
      static_cast<const sentencepiece::SentencePieceProcessor*>(handle)->IdToPiece(id);
  emit(ctx, piece.data(), piece.size());
}

int piikit_spm_encode(const void* handle, const char* text, size_t n, piikit_spm_piece_fn emit,
                      void* ctx) {
  try {
    const auto spt = static_cast<const sentencepiece::SentencePieceProcessor*>(handle)
                         ->EncodeAsImmutableProto(std::string_view(text, n));
    for (const auto& piece : spt.pieces()) emit(ctx, static_cast<int>(piece.id()), piece.begin(), piece.end());
    return 0;
  } catch (const std::exception&) {
    return -1;
  }
}

int piikit_spm_train(const char* const* keys, const char* const* values, size_t num_args,
                     const char* const* texts, const size_t* lens, size_t num_texts,
                     unsigned seed, piikit_spm_bytes_fn emit_model, void* ctx, char* err,
                     size_t errcap) {
  try {
    std::unordered_map<std::string, std::string> args;
    for (size_t i = 0; i < num_args; ++i) args[keys[i]] = values[i];
    VectorIterator iterator(texts, lens, num_texts);
    sentencepiece::SetRandomGeneratorSeed(seed);
    std::string model;
    const auto status = sentencepiece::SentencePieceTrainer::Train(args, &iterator, &model);
    if (!status.ok()) {
      set_error(err, errcap, status.ToString());
      return -1;
    }
    emit_model(ctx, model.data(), model.size());
    return 0;
  } catch (const std::exception& e) {
    set_error(err, errcap, e.what());
    return -1;
  }
}

}  // extern "C"
