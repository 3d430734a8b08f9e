// Pre-tokenization shared by the sentencepiece and WordPiece back ends (internal header).
//
// A text is cut into chunks before subword segmentation, so that token boundaries always fall
// on the places where PII spans start and end in practice:
//   - separators (Unicode white space, control characters, U+200B, U+FEFF) are dropped;
//   - every punctuation or currency character is a chunk of its own (@ . : / - _ = " ' , ; ( ) < >
//   ...);
//   - every Han ideograph is a chunk of its own (no spaces between CJK words, as in BERT);
//   - everything else (letters, digits, marks, emoji) runs together up to the next cut.
// Combining marks (U+0300..036F and friends), ZWJ/ZWNJ and variation selectors never start a
// chunk: they stay with the character before them, so a base letter and its accent are never split.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace piikit::detail {

struct Chunk {
  std::size_t byte_begin = 0;  // [byte_begin, byte_end) in the UTF-8 text
  std::size_t byte_end = 0;
  int64_t cp_begin = 0;  // [cp_begin, cp_end) in code points
  int64_t cp_end = 0;
  bool space_before = false;  // the code point before cp_begin is a separator (not text start)
};

bool is_separator(char32_t cp);
bool is_punctuation(char32_t cp);
bool is_han(char32_t cp);
bool is_combining(char32_t cp);

// Chunks of `text` in order. Precondition: valid UTF-8 (checked by the callers).
std::vector<Chunk> pretokenize(std::string_view text);

// Decodes one code point at byte `i` (valid UTF-8) and advances i.
char32_t next_codepoint(std::string_view text, std::size_t& i);

}  // namespace piikit::detail
