// BERT-style WordPiece over a user's vocab.txt (internal header; Tokenizer is the public face).
//
// Model ids are not vocab.txt line numbers: [PAD] [UNK] [CLS] [SEP] get the fixed ids 0..3
// wherever they sit in the file (or even if they are missing), and every other entry gets
// 4, 5, ... in file order. So a BERT vocab (PAD at line 1, UNK/CLS/SEP at lines 101..103) and a
// piikit vocab map to the same special ids, and vocab_size() = 4 + number of other entries.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "piikit/tokenizer.h"
#include "pretokenizer.h"

namespace piikit::detail {

class WordPiece {
 public:
  // Reads vocab.txt: one token per line (trailing "\r" and spaces ignored; blank lines are an
  // error). Throws DataError(path, line, ...) on invalid UTF-8, duplicates or an empty file.
  WordPiece(const std::string& vocab_path, const WordPieceOptions& options);

  // Appends the tokens of one pre-tokenized chunk of `text` to `out`.
  void encode_chunk(std::string_view text, const Chunk& chunk, Encoding& out) const;

  int32_t vocab_size() const { return static_cast<int32_t>(pieces_.size()); }
  const std::string& piece(int32_t id) const { return pieces_.at(static_cast<std::size_t>(id)); }
  bool lowercase() const { return lowercase_; }
  const WordPieceOptions& options() const { return options_; }
  // vocab.txt content in model-id order (specials first), for save().
  std::string vocab_text() const;

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  int32_t find(std::string_view piece) const;

  WordPieceOptions options_;
  bool lowercase_ = false;
  std::vector<std::string> pieces_;  // model id -> piece
  std::unordered_map<std::string, int32_t, Hash, std::equal_to<>> ids_;
};

}  // namespace piikit::detail
