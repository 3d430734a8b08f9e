// Model inputs from samples: encoding with token labels, length-bucketed batches and dynamic
// padding into tensors.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <vector>

#include "piikit/model_config.h"
#include "piikit/sample.h"
#include "piikit/tokenizer.h"

namespace piikit {

// Coreference token labels: NO_COREF = 0, CLUSTER_k = k + 1.
inline constexpr int32_t kNoCoref = 0;

// One sample ready for the model.
struct EncodedExample {
  Encoding encoding;            // [CLS] tokens [SEP], at most max_length tokens
  std::vector<int32_t> labels;  // BIO label per token; kIgnoreLabel (-100) on [CLS]/[SEP]
  std::vector<int32_t> coref;   // coref label per token (see coref_token_labels); empty = none
  std::vector<int64_t> chars;   // size() * kCharsPerToken char-CNN ids (char_ids_for); empty = none
  std::size_t size() const { return encoding.size(); }
};

// Coreference labels for `encoding`: CLUSTER_k = k + 1 on every token overlapping a mention of
// cluster k (clusters in the order of `clusters`), NO_COREF elsewhere, kIgnoreLabel on special
// tokens and on clusters that do not fit (k + 1 >= coref_classes). coref_classes counts NO_COREF.
std::vector<int32_t> coref_token_labels(const Encoding& encoding,
                                        const std::vector<CorefCluster>& clusters,
                                        int coref_classes);

// encode_for_model(text, max_length) + align_labels; coref labels when coref_classes > 0;
// char-CNN ids when char_cnn.
EncodedExample encode_example(const Sample& sample, const Tokenizer& tokenizer, int max_length,
                              int coref_classes, bool char_cnn);

// Groups example indices into batches of at most batch_size examples of similar lengths.
// shuffle = true (training): a seeded shuffle, then pools of kPoolBatches batches are each sorted
// by length and cut into batches, and the batch order is shuffled; the same (lengths, batch_size,
// seed) always give the same batches. shuffle = false (evaluation): sorted by length, no seed.
// Every index appears in exactly one batch. Throws std::invalid_argument for batch_size < 1.
inline constexpr int kPoolBatches = 50;
std::vector<std::vector<std::size_t>> make_batches(const std::vector<std::size_t>& lengths,
                                                   int batch_size, uint64_t seed, bool shuffle);

// A padded batch, on `device`. T = the longest example of the batch (dynamic padding).
struct Batch {
  torch::Tensor ids;     // (B, T) int64; kPadId (0) on padding
  torch::Tensor mask;    // (B, T) bool; true on real tokens
  torch::Tensor labels;  // (B, T) int64; kIgnoreLabel on padding and special tokens
  torch::Tensor coref;   // (B, T) int64 like labels, or undefined when the examples have none
  torch::Tensor chars;   // (B, T, kCharsPerToken) int64, 0 on padding; undefined without char ids
  int64_t num_tokens = 0;  // real tokens in the batch (sum of lengths, specials included)
};

Batch collate(const std::vector<EncodedExample>& examples, const std::vector<std::size_t>& indices,
              torch::Device device);

// Token dropout (training.token_dropout): a copy of `ids` in which each ordinary token (id >=
// kNumSpecialIds; never padding, [CLS] or [SEP]) is replaced by kUnkId with probability `p`,
// drawn from torch's generator (the trainer seeds it per step, so resumed runs repeat the draws).
// Labels are left as they are: the model must tag a hidden value from its context.
torch::Tensor drop_tokens(const torch::Tensor& ids, double p);

}  // namespace piikit
