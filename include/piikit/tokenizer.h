// Subword tokenizer with character offsets, and the bridge between character spans and token
// labels (alignment for training, decoding for inference, sliding windows for long texts).
//
// Two back ends behind one class: a sentencepiece unigram/BPE model trained by piikit (identity
// normalization, byte fallback), or a BERT-style WordPiece vocab.txt brought by the user. Both
// run after the same pre-tokenization (white space dropped; punctuation, currency signs and Han
// ideographs split off), so token boundaries fall where PII spans begin and end.
// docs/tokenizer.md has the rules and the measured figures.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "piikit/sample.h"

namespace piikit {

// Fixed special-token ids, whatever the vocabulary (sentencepiece: pad/unk/bos/eos ids;
// WordPiece: remapped, see Tokenizer::load).
inline constexpr int32_t kPadId = 0;
inline constexpr int32_t kUnkId = 1;
inline constexpr int32_t kClsId = 2;
inline constexpr int32_t kSepId = 3;
inline constexpr int32_t kNumSpecialIds = 4;
// Default model input length in tokens, [CLS] and [SEP] included.
inline constexpr int kDefaultMaxLength = 512;

// A tokenized text. offsets[i] = [start, end) in code points of the original text for token i;
// special tokens ([CLS], [SEP]) have start == end == -1. Every other token has start < end.
// Offsets are non-decreasing in start. Two tokens share a code point only when one character
// is spelled with several byte-fallback pieces (an emoji unknown to the vocabulary).
struct Encoding {
  std::vector<int32_t> ids;
  std::vector<std::pair<int64_t, int64_t>> offsets;
  std::size_t size() const { return ids.size(); }
};

struct TokenizerTrainOptions {
  int vocab_size = 8000;               // upper bound (soft: a small corpus gives fewer pieces)
  std::string model_type = "bpe";      // sentencepiece: bpe | unigram (see docs/tokenizer.md)
  uint64_t seed = 1;                   // sentencepiece's random generator
  double character_coverage = 0.9995;  // rarer characters are spelled with byte pieces
  int num_threads = 1;                 // sentencepiece trainer threads
  // Training sentences (about one per text) beyond this many are subsampled, seeded by `seed`;
  // 0 = use all. 20k and 50k generated samples gave the same tokens/sample (docs/tokenizer.md)
  // while training time grows faster than linearly.
  std::size_t max_sentences = 30000;
};

// Options for a WordPiece vocab.txt (BERT basic tokenization + greedy longest match with ##).
struct WordPieceOptions {
  // Lower-case before lookup. nullopt: detected from the vocabulary (lower-case when no entry
  // outside [brackets] holds an upper-case letter).
  std::optional<bool> lowercase;
  bool strip_accents = false;    // é -> e before lookup (Latin letters); accents kept by default
  int max_chars_per_word = 100;  // longer words become one [UNK]
};

class Tokenizer {
 public:
  Tokenizer();
  ~Tokenizer();
  Tokenizer(Tokenizer&&) noexcept;
  Tokenizer& operator=(Tokenizer&&) noexcept;

  // Trains a sentencepiece model on the texts (e.g. the training split). Deterministic for the
  // same input and options. Throws std::invalid_argument for bad options, invalid UTF-8 (text
  // index and byte offset) or a vocabulary too small for the corpus' characters.
  static Tokenizer train(const std::vector<std::string>& texts,
                         const TokenizerTrainOptions& options);
  // Loads a tokenizer directory written by save(), or a BERT-style WordPiece vocab.txt (a file).
  // Throws DataError naming the file (and line) on a missing, malformed or unknown input.
  static Tokenizer load(const std::string& path);
  static Tokenizer load_wordpiece(const std::string& vocab_path, const WordPieceOptions& options);
  // Writes the tokenizer into `dir` (created if needed), atomically per file:
  // tokenizer.json (kind and options) plus spm.model or vocab.txt.
  void save(const std::string& dir) const;

  // Tokens of `text` without special tokens. Throws std::invalid_argument with the byte offset
  // of the first bad sequence if `text` is not valid UTF-8. Never throws on valid UTF-8.
  Encoding encode(std::string_view text) const;
  // [CLS] tokens [SEP], truncated so the total is at most max_length (>= 3).
  Encoding encode_for_model(std::string_view text, int max_length = kDefaultMaxLength) const;

  // Number of model ids: every id in an Encoding is in [0, vocab_size()).
  int32_t vocab_size() const;
  // The piece for a model id ("▁john", "##son", "[CLS]", "<0xF0>"); throws out_of_range.
  std::string id_to_piece(int32_t id) const;
  // "sentencepiece" or "wordpiece".
  std::string kind() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// A readable dump, one line per token: "<id>\t<piece>\t<start>\t<end>\t<surface>\n", where
// surface is the text's code points [start, end) with \\ \n \r \t and other control characters
// escaped (\xHH); special tokens show start = end = -1 and an empty surface. Used by
// `piikit tokenizer encode` and by the golden-file tests (tests/data/tokenizer/*.out).
std::string format_tokens(const Tokenizer& tokenizer, const Encoding& encoding,
                          std::string_view text);

// Token labels for an encoding: B-X on the first token of an entity, I-X on the following ones,
// O elsewhere, kIgnoreLabel (-100) on special tokens. A token belongs to the entity that covers
// the most of its code points if that is at least half of them (ties: the earlier entity);
// punctuation next to an entity is therefore O unless the span includes it. Entities may come
// in any order; throws std::invalid_argument for an entity with start < 0, end <= start or a
// type outside [0, kNumTypes).
std::vector<int32_t> align_labels(const Encoding& encoding, const std::vector<Entity>& entities);

// Token labels -> entities in code points of `text`, sorted by start. Invalid BIO is repaired
// (an I-X after O or after another type starts a new entity); kIgnoreLabel counts as O; white
// space and separators around an entity are trimmed. Throws std::invalid_argument if sizes
// differ, a label is outside [0, kNumLabels) and not -100, or an offset lies outside `text`.
std::vector<Entity> decode_labels(const Encoding& encoding, const std::vector<int32_t>& labels,
                                  std::string_view text);

// How each token joins the one before it (a piikit::Junction of viterbi.h, one per token):
//  - kJunctionInWord: the two touch and the characters on both sides of the cut are word
//    characters (not white space, punctuation or a Han ideograph): the pre-tokenizer put them in
//    one chunk and the cut is a subword split. Aligned entities never start or end there.
//  - kJunctionSameLine: on one line, touching across punctuation ("anna" "." "doe") or with only
//    spaces between ("5500" "0000"): an entity may end or start there, but not end and restart
//    as the same type (that is one entity cut in pieces).
//  - kJunctionGap: a line break between them, or a special token.
// The decoder enforces both (constrained_viterbi); a test checks aligned gold labels never break them.
// Decodes only the code points the tokens cover; throws std::invalid_argument like decode_labels
// for offsets past the text or invalid UTF-8 there.
std::vector<uint8_t> token_junctions(const Encoding& encoding, std::string_view text);

// Sliding windows for inference over long texts: windows of at most max_length tokens (including
// [CLS]/[SEP], so max_length - 2 text tokens) with `stride` tokens of overlap between neighbours.
// Windows cover [0, num_tokens) in order; the last one ends at num_tokens; no windows for 0
// tokens. Throws std::invalid_argument unless max_length >= 3 and 0 <= stride < max_length - 2.
struct Window {
  std::size_t first_token = 0;  // index into the un-specialed encoding
  std::size_t num_tokens = 0;
};
std::vector<Window> make_windows(std::size_t num_tokens, int max_length, int stride);

// The model input for one window: [CLS] tokens[first, first + num) [SEP], offsets kept.
Encoding window_encoding(const Encoding& tokens, const Window& window);

// Merges the entities found in each window (per_window[k] from windows[k], in code points of
// the whole text) into one list, sorted by start, without overlaps. An entity is scored by its
// context: the number of tokens between it and the nearer edge of its window, where a window
// edge that is also the text edge counts as unlimited context. Candidates are taken best score
// first (ties: longer span, then earlier window) and dropped if they overlap one already taken;
// so an entity cut by a window edge loses to the same entity seen whole in the next window.
// `tokens` is the un-specialed encoding the windows index. Throws std::invalid_argument if the
// two lists differ in size.
std::vector<Entity> merge_window_entities(const Encoding& tokens,
                                          const std::vector<Window>& windows,
                                          const std::vector<std::vector<Entity>>& per_window);

}  // namespace piikit
