// Subword tokenizer with character offsets, and the bridge between character spans and token
// labels (alignment for training, decoding for inference).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "piikit/sample.h"

namespace piikit {

// Fixed special-token ids, whatever the vocabulary.
inline constexpr int32_t kPadId = 0;
inline constexpr int32_t kUnkId = 1;
inline constexpr int32_t kClsId = 2;
inline constexpr int32_t kSepId = 3;

// A tokenized text. offsets[i] = [start, end) in code points of the original text for token i;
// special tokens ([CLS], [SEP]) have start == end == -1.
struct Encoding {
  std::vector<int32_t> ids;
  std::vector<std::pair<int64_t, int64_t>> offsets;
  std::size_t size() const { return ids.size(); }
};

struct TokenizerTrainOptions {
  int vocab_size = 8000;
  std::string model_type = "unigram";  // sentencepiece: unigram | bpe
  uint64_t seed = 1;
};

class Tokenizer {
 public:
  Tokenizer();
  ~Tokenizer();
  Tokenizer(Tokenizer&&) noexcept;
  Tokenizer& operator=(Tokenizer&&) noexcept;

  // Trains on the texts (e.g. the training split). Deterministic for the same input and options.
  static Tokenizer train(const std::vector<std::string>& texts, const TokenizerTrainOptions& options);
  // Loads a tokenizer directory written by save(), or a BERT-style WordPiece vocab.txt (a file).
  static Tokenizer load(const std::string& path);
  // Writes the tokenizer into `dir` (created if needed), atomically per file.
  void save(const std::string& dir) const;

  // Tokens of `text` without special tokens.
  Encoding encode(std::string_view text) const;
  // [CLS] tokens [SEP], truncated so the total is at most max_length (>= 3).
  Encoding encode_for_model(std::string_view text, int max_length) const;

  int32_t vocab_size() const;
  std::string id_to_piece(int32_t id) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Token labels for an encoding: B-X on the first token of an entity, I-X on the following ones,
// O elsewhere, kIgnoreLabel (-100) on special tokens. See docs/tokenizer.md for tokens that
// straddle an entity boundary.
std::vector<int32_t> align_labels(const Encoding& encoding, const std::vector<Entity>& entities);

// Token labels -> entities in code points of `text`. Invalid BIO is repaired (an I-X after O or
// after another type starts a new entity); whitespace around an entity is trimmed.
std::vector<Entity> decode_labels(const Encoding& encoding, const std::vector<int32_t>& labels,
                                  std::string_view text);

// Sliding windows for inference over long texts: windows of at most max_length tokens (including
// [CLS]/[SEP]) with `stride` tokens of overlap between neighbours.
struct Window {
  std::size_t first_token = 0;  // index into the un-specialed encoding
  std::size_t num_tokens = 0;
};
std::vector<Window> make_windows(std::size_t num_tokens, int max_length, int stride);

}  // namespace piikit
