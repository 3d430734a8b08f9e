#include "pretokenizer.h"

namespace piikit::detail {
namespace {

struct Range {
  char32_t lo, hi;  // inclusive
};

template <std::size_t N>
bool in_ranges(char32_t cp, const Range (&ranges)[N]) {
  for (const Range& r : ranges) {
    if (cp < r.lo) return false;  // ranges are sorted
    if (cp <= r.hi) return true;
  }
  return false;
}

// Punctuation and symbols that delimit PII in running text. ASCII: every printable character
// that is not a letter or digit (as BERT's basic tokenizer). Beyond ASCII: the Unicode
// punctuation blocks, currency signs (so "€500" splits into "€" "500"), × and ÷. Letters-like
// Latin-1 signs (ª ² ³ µ ¹ º ¼ ½ ¾) are not punctuation.
constexpr Range kPunctuation[] = {
    {0x21, 0x2F},     {0x3A, 0x40},     {0x5B, 0x60},     {0x7B, 0x7E},     {0xA1, 0xA9},
    {0xAB, 0xB1},     {0xB4, 0xB4},     {0xB6, 0xB8},     {0xBB, 0xBB},     {0xBF, 0xBF},
    {0xD7, 0xD7},     {0xF7, 0xF7},     {0x37E, 0x37E},   {0x387, 0x387},   {0x55A, 0x55F},
    {0x589, 0x58A},   {0x5BE, 0x5BE},   {0x5C0, 0x5C0},   {0x5C3, 0x5C3},   {0x5C6, 0x5C6},
    {0x5F3, 0x5F4},   {0x609, 0x60D},   {0x61B, 0x61B},   {0x61D, 0x61F},   {0x66A, 0x66D},
    {0x6D4, 0x6D4},   {0x964, 0x965},   {0x970, 0x970},   {0xE4F, 0xE4F},   {0xE5A, 0xE5B},
    {0x104A, 0x104F}, {0x10FB, 0x10FB}, {0x1360, 0x1368}, {0x166E, 0x166E}, {0x2010, 0x2027},
    {0x2030, 0x205E}, {0x20A0, 0x20C0}, {0x2E00, 0x2E5D}, {0x3001, 0x3003}, {0x3008, 0x3011},
    {0x3014, 0x301F}, {0x30FB, 0x30FB}, {0xFE10, 0xFE19}, {0xFE30, 0xFE4F}, {0xFE50, 0xFE6B},
    {0xFF01, 0xFF0F}, {0xFF1A, 0xFF20}, {0xFF3B, 0xFF40}, {0xFF5B, 0xFF65},
};

constexpr Range kSeparators[] = {
    {0x00, 0x20},     {0x7F, 0xA0},     {0x1680, 0x1680}, {0x2000, 0x200B}, {0x2028, 0x2029},
    {0x202F, 0x202F}, {0x205F, 0x205F}, {0x3000, 0x3000}, {0xFEFF, 0xFEFF},
};

constexpr Range kHan[] = {
    {0x3400, 0x4DBF},   {0x4E00, 0x9FFF},   {0xF900, 0xFAFF},   {0x20000, 0x2A6DF},
    {0x2A700, 0x2EBEF}, {0x2F800, 0x2FA1F}, {0x30000, 0x3134F},
};

constexpr Range kCombining[] = {
    {0x300, 0x36F},   {0x483, 0x489},   {0x591, 0x5BD},   {0x610, 0x61A},
    {0x64B, 0x65F},   {0x1AB0, 0x1AFF}, {0x1DC0, 0x1DFF}, {0x200C, 0x200D},
    {0x20D0, 0x20FF}, {0xFE00, 0xFE0F}, {0xFE20, 0xFE2F}, {0xE0100, 0xE01EF},
};

enum class Kind { kSeparator, kIsolated, kWord, kMark };

Kind classify(char32_t cp) {
  if (cp < 0x80) {
    if (cp <= 0x20 || cp == 0x7F) return Kind::kSeparator;
    if ((cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z')) {
      return Kind::kWord;
    }
    return Kind::kIsolated;
  }
  if (is_separator(cp)) return Kind::kSeparator;
  if (is_combining(cp)) return Kind::kMark;
  if (is_punctuation(cp) || is_han(cp)) return Kind::kIsolated;
  return Kind::kWord;
}

}  // namespace

bool is_separator(char32_t cp) { return in_ranges(cp, kSeparators); }
bool is_punctuation(char32_t cp) { return in_ranges(cp, kPunctuation); }
bool is_han(char32_t cp) { return in_ranges(cp, kHan); }
bool is_combining(char32_t cp) { return in_ranges(cp, kCombining); }

char32_t next_codepoint(std::string_view text, std::size_t& i) {
  const auto c = static_cast<unsigned char>(text[i]);
  if (c < 0x80) {
    ++i;
    return c;
  }
  int len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
  char32_t cp = c & (len == 2 ? 0x1F : len == 3 ? 0x0F : 0x07);
  for (int k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
  i += len;
  return cp;
}

std::vector<Chunk> pretokenize(std::string_view text) {
  std::vector<Chunk> chunks;
  chunks.reserve(text.size() / 4 + 1);
  bool open = false;       // a kWord chunk is open and may grow
  bool after_sep = false;  // previous code point was a separator
  int64_t cp = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t begin = i;
    const Kind kind = classify(next_codepoint(text, i));
    switch (kind) {
      case Kind::kSeparator:
        open = false;
        after_sep = true;
        break;
      case Kind::kMark:
        // A mark extends whatever chunk it follows (word, punctuation or ideograph); only after
        // a separator or at text start does it begin a chunk of its own.
        if (!chunks.empty() && !after_sep && chunks.back().byte_end == begin) {
          chunks.back().byte_end = i;
          chunks.back().cp_end = cp + 1;
          break;
        }
        [[fallthrough]];
      case Kind::kWord:
        if (open) {
          chunks.back().byte_end = i;
          chunks.back().cp_end = cp + 1;
        } else {
          chunks.push_back({begin, i, cp, cp + 1, after_sep});
          open = true;
        }
        after_sep = false;
        break;
      case Kind::kIsolated:
        chunks.push_back({begin, i, cp, cp + 1, after_sep});
        open = false;
        after_sep = false;
        break;
    }
    ++cp;
  }
  return chunks;
}

}  // namespace piikit::detail
