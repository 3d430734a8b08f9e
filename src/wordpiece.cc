#include "wordpiece.h"

#include <sstream>

#include "piikit/error.h"
#include "piikit/file_util.h"
#include "piikit/utf8.h"

namespace piikit::detail {
namespace {

constexpr std::string_view kSpecialPieces[kNumSpecialIds] = {"[PAD]", "[UNK]", "[CLS]", "[SEP]"};

// One-to-one lower-casing for the scripts PII text uses most (Latin, Greek, Cyrillic,
// full-width Latin). One code point in, one out, so offsets need no remapping; the few
// characters whose lower case is longer (İ) map to their base letter.
char32_t to_lower(char32_t c) {
  if (c < 0x80) return (c >= 'A' && c <= 'Z') ? c + 32 : c;
  if (c >= 0xC0 && c <= 0xDE && c != 0xD7) return c + 32;
  if (c >= 0x100 && c <= 0x17F) {
    if (c == 0x130) return 'i';
    if (c == 0x178) return 0xFF;
    const bool even_upper = (c <= 0x137) || (c >= 0x14A && c <= 0x177);
    const bool odd_upper = (c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E);
    if (even_upper && c % 2 == 0) return c + 1;
    if (odd_upper && c % 2 == 1) return c + 1;
    return c;
  }
  if (c >= 0x391 && c <= 0x3A9 && c != 0x3A2) return c + 32;
  if (c == 0x386) return 0x3AC;
  if (c >= 0x388 && c <= 0x38A) return c + 37;
  if (c == 0x38C) return 0x3CC;
  if (c == 0x38E || c == 0x38F) return c + 63;
  if (c >= 0x410 && c <= 0x42F) return c + 32;
  if (c >= 0x400 && c <= 0x40F) return c + 80;
  if (c >= 0xFF21 && c <= 0xFF3A) return c + 32;
  return c;
}

// Base letter of a precomposed Latin-1 / Latin Extended-A letter ('.' = no plain base).
constexpr std::string_view kLatin1Base =
    "AAAAAA.CEEEEIIII.NOOOOO.OUUUUY..aaaaaa.ceeeeiiii.nooooo.ouuuuy.y";
constexpr std::string_view kLatinExtABase =
    "AaAaAaCcCcCcCcDdDdEeEeEeEeEeGgGgGgGgHhHhIiIiIiIiIi..JjKk.LlLlLlL"
    "lLlNnNnNn...OoOoOo..RrRrRrSsSsSsSsTtTtTtUuUuUuUuUuUuWwYyYZzZzZz.";

static_assert(kLatin1Base.size() == 0x40 && kLatinExtABase.size() == 0x80);

char32_t strip_accent(char32_t c) {
  char base = '.';
  if (c >= 0xC0 && c <= 0xFF) base = kLatin1Base[c - 0xC0];
  if (c >= 0x100 && c <= 0x17F) base = kLatinExtABase[c - 0x100];
  return base == '.' ? c : static_cast<char32_t>(base);
}

bool has_upper_ascii(std::string_view s) {
  for (char ch : s) {
    if (ch >= 'A' && ch <= 'Z') return true;
  }
  return false;
}

}  // namespace

WordPiece::WordPiece(const std::string& vocab_path, const WordPieceOptions& options)
    : options_(options) {
  if (options.max_chars_per_word < 1) {
    throw std::invalid_argument("WordPiece max_chars_per_word must be >= 1, got " +
                                std::to_string(options.max_chars_per_word));
  }
  std::string content = read_file(vocab_path);
  if (content.rfind("\xEF\xBB\xBF", 0) == 0) content.erase(0, 3);  // a UTF-8 byte-order mark
  pieces_.assign(kSpecialPieces, kSpecialPieces + kNumSpecialIds);
  for (int32_t id = 0; id < kNumSpecialIds; ++id) ids_.emplace(pieces_[id], id);
  std::vector<bool> special_seen(kNumSpecialIds, false);
  bool cased = false;
  std::size_t line_no = 0;
  std::size_t pos = 0;
  while (pos < content.size()) {
    std::size_t eol = content.find('\n', pos);
    if (eol == std::string::npos) eol = content.size();
    std::string_view line(content.data() + pos, eol - pos);
    pos = eol + 1;
    ++line_no;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
    std::size_t bad = 0;
    if (!is_valid_utf8(line, &bad)) {
      throw DataError(vocab_path, line_no,
                      "invalid UTF-8 at byte " + std::to_string(bad) + " of the token");
    }
    if (line.empty()) {
      throw DataError(vocab_path, line_no, "empty token (vocab.txt holds one token per line)");
    }
    const auto it = ids_.find(line);
    if (it != ids_.end()) {
      if (it->second < kNumSpecialIds && !special_seen[it->second]) {
        special_seen[it->second] = true;  // first occurrence of a special: remapped to its fixed id
        continue;
      }
      throw DataError(vocab_path, line_no, "duplicate token \"" + std::string(line) + "\"");
    }
    if (!(line.front() == '[' && line.back() == ']') && has_upper_ascii(line)) cased = true;
    ids_.emplace(std::string(line), static_cast<int32_t>(pieces_.size()));
    pieces_.emplace_back(line);
  }
  if (pieces_.size() == kNumSpecialIds) {
    throw DataError(vocab_path, 0, "empty vocabulary: no token besides [PAD] [UNK] [CLS] [SEP]");
  }
  lowercase_ = options.lowercase.value_or(!cased);
}

int32_t WordPiece::find(std::string_view piece) const {
  const auto it = ids_.find(piece);
  return it == ids_.end() ? -1 : it->second;
}

void WordPiece::encode_chunk(std::string_view text, const Chunk& chunk, Encoding& out) const {
  // Normalized characters of the chunk and, for each, its code-point index in the text.
  std::string norm;                // UTF-8
  std::vector<std::size_t> bytes;  // byte offset in `norm` of each normalized character
  std::vector<int64_t> orig;       // code point in `text` of each normalized character
  int64_t cp = chunk.cp_begin;
  for (std::size_t i = chunk.byte_begin; i < chunk.byte_end; ++cp) {
    char32_t c = next_codepoint(text, i);
    if (options_.strip_accents) {
      if (c >= 0x300 && c <= 0x36F) continue;  // combining accent: dropped, offsets skip it
      c = strip_accent(c);
    }
    if (lowercase_) c = to_lower(c);
    bytes.push_back(norm.size());
    orig.push_back(cp);
    append_utf8(norm, c);
  }
  const std::size_t n = orig.size();
  bytes.push_back(norm.size());
  if (n == 0 || n > static_cast<std::size_t>(options_.max_chars_per_word)) {
    out.ids.push_back(kUnkId);
    out.offsets.emplace_back(chunk.cp_begin, chunk.cp_end);
    return;
  }
  // Greedy longest match first; a character after the first is looked up as "##" + rest.
  const std::size_t mark = out.ids.size();
  std::string candidate;
  std::size_t start = 0;
  while (start < n) {
    int32_t found = -1;
    std::size_t end = n;
    for (; end > start; --end) {
      std::string_view sub(norm.data() + bytes[start], bytes[end] - bytes[start]);
      if (start == 0) {
        found = find(sub);
      } else {
        candidate.assign("##").append(sub);
        found = find(candidate);
      }
      if (found >= 0) break;
    }
    if (found < 0) {
      // BERT: a word with an unmatched remainder becomes a single [UNK].
      out.ids.resize(mark);
      out.offsets.resize(mark);
      out.ids.push_back(kUnkId);
      out.offsets.emplace_back(chunk.cp_begin, chunk.cp_end);
      return;
    }
    const int64_t begin_cp = start == 0 ? chunk.cp_begin : orig[start];
    const int64_t end_cp = end == n ? chunk.cp_end : orig[end];
    out.ids.push_back(found);
    out.offsets.emplace_back(begin_cp, end_cp);
    start = end;
  }
}

std::string WordPiece::vocab_text() const {
  std::string out;
  for (const std::string& p : pieces_) out.append(p).push_back('\n');
  return out;
}

}  // namespace piikit::detail
