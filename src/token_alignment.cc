// Character spans <-> token labels, and the sliding windows used for long texts at inference.
// The rules are stated in include/piikit/tokenizer.h and docs/tokenizer.md.
#include <algorithm>
#include <climits>
#include <map>
#include <numeric>
#include <stdexcept>
#include <string>

#include "piikit/label_set.h"
#include "piikit/tokenizer.h"
#include "piikit/utf8.h"
#include "piikit/viterbi.h"
#include "pretokenizer.h"

namespace piikit {
namespace {

// A code point that ends a line (the line-break set of token_junctions and decode_labels).
bool is_line_break(char32_t ch) {
  return ch == U'\n' || ch == U'\r' || ch == 0x0B || ch == 0x0C || ch == 0x85 || ch == 0x2028 ||
         ch == 0x2029;
}

const int kPasswordType = *type_from_name("PASSWORD");
const int kTokenType = *type_from_name("SECURITYTOKEN");
const int kCompanyType = *type_from_name("COMPANYNAME");

std::string entity_text(const Entity& e) {
  return "[" + std::to_string(e.start) + "," + std::to_string(e.end) + ") type " +
         std::to_string(e.type);
}

bool is_special(const std::pair<int64_t, int64_t>& offset) { return offset.first < 0; }

// The code points [first, first + size) of a text.
struct CodePointRange {
  int64_t first = 0;
  std::u32string cps;
  char32_t at(int64_t i) const { return cps[static_cast<std::size_t>(i - first)]; }
  bool contains(int64_t i) const { return i >= first && i - first < static_cast<int64_t>(cps.size()); }
};

// Decodes the code points covered by the encoding's non-special tokens, and the one after them
// when the text has it (what follows the last entity decides its trailing punctuation). Throws
// std::invalid_argument if a token ends past the text or the text is not valid UTF-8 there.
CodePointRange decode_range(const Encoding& encoding, std::string_view text) {
  int64_t lo = INT64_MAX, hi = 0;
  for (const auto& o : encoding.offsets) {
    if (is_special(o)) continue;
    lo = std::min(lo, o.first);
    hi = std::max(hi, o.second);
  }
  CodePointRange range;
  if (hi == 0) return range;
  range.first = lo;
  std::size_t i = 0;
  int64_t cp = 0;
  for (; i < text.size() && cp < lo; ++cp) {  // skip: count lead bytes only
    do {
      ++i;
    } while (i < text.size() && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80);
  }
  const std::size_t from = i;
  int64_t end_cp = cp;
  for (; i < text.size() && end_cp < hi + 1; ++end_cp) {
    do {
      ++i;
    } while (i < text.size() && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80);
  }
  const std::string_view slice = text.substr(from, i - from);
  std::size_t bad = 0;
  if (end_cp < hi || !is_valid_utf8(slice, &bad)) {
    throw std::invalid_argument(
        end_cp < hi ? "decode_labels: token offsets reach code point " + std::to_string(hi) +
                          " but the text has " + std::to_string(end_cp) + " code points"
                    : "decode_labels: invalid UTF-8 at byte " + std::to_string(from + bad));
  }
  range.cps = utf8_decode(slice);
  return range;
}

}  // namespace

std::vector<int32_t> align_labels(const Encoding& encoding, const std::vector<Entity>& entities) {
  if (encoding.offsets.size() != encoding.ids.size()) {
    throw std::invalid_argument("align_labels: encoding has " +
                                std::to_string(encoding.ids.size()) + " ids but " +
                                std::to_string(encoding.offsets.size()) + " offsets");
  }
  std::vector<Entity> sorted = entities;
  for (const Entity& e : sorted) {
    if (e.start < 0 || e.end <= e.start || e.type < 0 || e.type >= kNumTypes) {
      throw std::invalid_argument("align_labels: invalid entity " + entity_text(e));
    }
  }
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const Entity& a, const Entity& b) { return a.start < b.start; });

  std::vector<int32_t> labels(encoding.size(), kOutsideLabel);
  std::vector<bool> started(sorted.size(), false);
  std::size_t first = 0;  // first entity that may still overlap the current token
  for (std::size_t t = 0; t < encoding.size(); ++t) {
    const auto [ts, te] = encoding.offsets[t];
    if (is_special(encoding.offsets[t])) {
      labels[t] = kIgnoreLabel;
      continue;
    }
    // Token starts are non-decreasing, so an entity ending at or before this start is done.
    // (Entities sorted by start; with overlapping gold entities a later one may end earlier,
    // hence the scan below goes on past `first`.)
    while (first < sorted.size() && sorted[first].end <= ts) ++first;
    std::size_t best = sorted.size();
    int64_t best_overlap = 0;
    for (std::size_t k = first; k < sorted.size() && sorted[k].start < te; ++k) {
      const int64_t overlap = std::min(te, sorted[k].end) - std::max(ts, sorted[k].start);
      if (overlap > best_overlap) {
        best_overlap = overlap;
        best = k;
      }
    }
    // At least half of the token's code points: the majority rule, ties to the entity.
    if (best == sorted.size() || 2 * best_overlap < te - ts) continue;
    const int type = sorted[best].type;
    labels[t] = started[best] ? inside_label(type) : begin_label(type);
    started[best] = true;
  }
  return labels;
}

std::vector<uint8_t> token_junctions(const Encoding& encoding, std::string_view text) {
  // Only the covered code points, as in decode_labels: the detector calls this once per window.
  const CodePointRange cps = decode_range(encoding, text);
  auto word_char = [](char32_t c) {
    return !detail::is_separator(c) && !detail::is_punctuation(c) && !detail::is_han(c);
  };
  std::vector<uint8_t> out(encoding.size(), kJunctionGap);
  for (std::size_t i = 1; i < encoding.size(); ++i) {
    const auto [prev_start, prev_end] = encoding.offsets[i - 1];
    const int64_t start = encoding.offsets[i].first;
    if (prev_start < 0 || start <= 0 || !cps.contains(start) || prev_end <= 0) continue;
    if (start < prev_end) {  // byte pieces of one character share its offsets
      out[i] = kJunctionInWord;
      continue;
    }
    bool line_break = false;  // in the gap, or a token that is one (the "<0x0A>" token)
    for (int64_t c = std::max<int64_t>(prev_start, prev_end - 1); c <= start; ++c) {
      line_break = line_break || is_line_break(cps.at(c));
    }
    if (line_break) continue;
    const char32_t left = cps.at(start - 1), right = cps.at(start);
    const bool touching = start == prev_end && !detail::is_separator(left) && !detail::is_separator(right);
    out[i] = touching && word_char(left) && word_char(right) ? kJunctionInWord : kJunctionSameLine;
  }
  return out;
}

std::vector<Entity> decode_labels(const Encoding& encoding, const std::vector<int32_t>& labels,
                                  std::string_view text) {
  if (labels.size() != encoding.size() || encoding.offsets.size() != encoding.ids.size()) {
    throw std::invalid_argument("decode_labels: " + std::to_string(labels.size()) + " labels for " +
                                std::to_string(encoding.size()) + " tokens");
  }
  // Only the code points the tokens cover are decoded: the detector calls this once per window
  // of a long text, so decoding the whole text each time would be quadratic.
  const CodePointRange cps = decode_range(encoding, text);
  std::vector<Entity> out;
  bool open = false;
  bool blank_after_entity = false;  // the open entity is followed by blank tokens tagged O
  Entity current;
  // A token made of horizontal white space only (no line break).
  auto is_blank = [&](int64_t ts, int64_t te) {
    for (int64_t c = ts; c < te; ++c) {
      const char32_t ch = cps.at(c);
      if (!detail::is_separator(ch) || is_line_break(ch)) return false;
    }
    return true;
  };
  // A token that is one closing bracket, tagged O right after an open entity whose text holds
  // more of the matching opening bracket than closing ones ("United States (US" + ")").
  auto closes_bracket = [&](int64_t ts, int64_t te) {
    if (te != ts + 1 || current.end != ts) return false;
    const char32_t ch = cps.at(ts);
    const char32_t opener = ch == U')' ? U'(' : ch == U']' ? U'[' : ch == U'}' ? U'{' : 0;
    if (opener == 0) return false;
    int depth = 0;
    for (int64_t c = current.start; c < current.end; ++c) {
      if (cps.at(c) == opener) ++depth;
      if (cps.at(c) == ch) --depth;
    }
    return depth > 0;
  };
  auto trim_end = [&] {
    while (current.end > current.start && detail::is_separator(cps.at(current.end - 1))) {
      --current.end;
    }
  };
  auto close = [&] {
    if (!open) return;
    open = false;
    while (current.start < current.end && detail::is_separator(cps.at(current.start))) {
      ++current.start;
    }
    trim_end();
    // Sentence punctuation after an entity ("born 04/17/1986.", "... to Acme Ltd, in") belongs to
    // the sentence: one final . , ; : ! ? before white space or the end is dropped, except where
    // the value itself may end so (passwords, tokens, "Inc." of a company; "Inc.." keeps one).
    if (current.end - current.start > 1 && current.type != kPasswordType && current.type != kTokenType &&
        (!cps.contains(current.end) || detail::is_separator(cps.at(current.end)))) {
      const char32_t last = cps.at(current.end - 1);
      const bool sentence_punct = last == U'.' || last == U',' || last == U';' || last == U':' ||
                                  last == U'!' || last == U'?';
      const bool company_dot = current.type == kCompanyType && last == U'.' && cps.at(current.end - 2) != U'.';
      if (sentence_punct && !company_dot) {
        --current.end;
        trim_end();
      }
    }
    if (current.start < current.end) out.push_back(current);
  };
  for (std::size_t t = 0; t < labels.size(); ++t) {
    const int32_t label = labels[t];
    if (label != kIgnoreLabel && (label < 0 || label >= kNumLabels)) {
      throw std::invalid_argument("decode_labels: label " + std::to_string(label) + " at token " +
                                  std::to_string(t) + " outside [0, " + std::to_string(kNumLabels) +
                                  ") and not -100");
    }
    const auto [ts, te] = encoding.offsets[t];
    if (is_special(encoding.offsets[t])) continue;  // [CLS]/[SEP]: neither open nor close
    if (ts >= te) {
      throw std::invalid_argument("decode_labels: token " + std::to_string(t) +
                                  " has empty offsets [" + std::to_string(ts) + "," +
                                  std::to_string(te) + ")");
    }
    if (label == kOutsideLabel && open && is_blank(ts, te)) {
      blank_after_entity = true;  // decided by the next token
      continue;
    }
    if (label == kOutsideLabel && open && closes_bracket(ts, te)) {
      current.end = te;  // "United States (US" + ")": the bracket the entity opened
      close();
      blank_after_entity = false;
      continue;
    }
    if (label == kIgnoreLabel || label == kOutsideLabel) {
      close();
      blank_after_entity = false;
      continue;
    }
    const int type = label_type(label);
    // An entity continues with I-X and, across a bare space token tagged O ("5500", " ", "0000"
    // with sentencepiece), with any label of its type: on one line an entity does not end and
    // restart as the same type (the same-line rule of the constrained Viterbi, viterbi.h, which
    // sees adjacent tokens only).
    if (open && current.type == type && (is_inside_label(label) || blank_after_entity)) {
      current.end = std::max(current.end, te);
      blank_after_entity = false;
      continue;
    }
    blank_after_entity = false;
    close();  // B-X, or an I-X that cannot continue: both start a new entity
    current = Entity{ts, te, type};
    open = true;
  }
  close();
  return out;
}

std::vector<Window> make_windows(std::size_t num_tokens, int max_length, int stride) {
  if (max_length < 3) {
    throw std::invalid_argument("window max_length must be >= 3, got " +
                                std::to_string(max_length));
  }
  if (stride < 0 || stride >= max_length - 2) {
    throw std::invalid_argument("window stride must be in [0, max_length - 2) = [0, " +
                                std::to_string(max_length - 2) + "), got " +
                                std::to_string(stride));
  }
  const std::size_t width = static_cast<std::size_t>(max_length - 2);
  const std::size_t step = width - static_cast<std::size_t>(stride);
  std::vector<Window> windows;
  for (std::size_t first = 0; first < num_tokens; first += step) {
    if (first + width >= num_tokens) {
      windows.push_back({first, num_tokens - first});
      break;
    }
    windows.push_back({first, width});
  }
  return windows;
}

Encoding window_encoding(const Encoding& tokens, const Window& window) {
  if (window.first_token + window.num_tokens > tokens.size()) {
    throw std::invalid_argument("window [" + std::to_string(window.first_token) + ", +" +
                                std::to_string(window.num_tokens) + ") past the " +
                                std::to_string(tokens.size()) + " tokens");
  }
  Encoding out;
  out.ids.reserve(window.num_tokens + 2);
  out.offsets.reserve(window.num_tokens + 2);
  out.ids.push_back(kClsId);
  out.offsets.emplace_back(-1, -1);
  const auto begin = static_cast<std::ptrdiff_t>(window.first_token);
  const auto end = static_cast<std::ptrdiff_t>(window.first_token + window.num_tokens);
  out.ids.insert(out.ids.end(), tokens.ids.begin() + begin, tokens.ids.begin() + end);
  out.offsets.insert(out.offsets.end(), tokens.offsets.begin() + begin,
                     tokens.offsets.begin() + end);
  out.ids.push_back(kSepId);
  out.offsets.emplace_back(-1, -1);
  return out;
}

std::vector<Entity> merge_window_entities(const Encoding& tokens,
                                          const std::vector<Window>& windows,
                                          const std::vector<std::vector<Entity>>& per_window) {
  if (windows.size() != per_window.size()) {
    throw std::invalid_argument("merge_window_entities: " + std::to_string(windows.size()) +
                                " windows but " + std::to_string(per_window.size()) +
                                " entity lists");
  }
  // First token whose end is past cp / last token whose start is before cp.
  auto first_token_ending_after = [&](int64_t cp) {
    return static_cast<std::size_t>(
        std::partition_point(tokens.offsets.begin(), tokens.offsets.end(),
                             [cp](const auto& o) { return o.second <= cp; }) -
        tokens.offsets.begin());
  };
  auto tokens_starting_before = [&](int64_t cp) {
    return static_cast<std::size_t>(
        std::partition_point(tokens.offsets.begin(), tokens.offsets.end(),
                             [cp](const auto& o) { return o.first < cp; }) -
        tokens.offsets.begin());
  };
  struct Candidate {
    Entity entity;
    int64_t context;
    std::size_t window;
  };
  constexpr int64_t kUnlimited = INT64_MAX;
  std::vector<Candidate> candidates;
  for (std::size_t w = 0; w < windows.size(); ++w) {
    const Window& win = windows[w];
    const std::size_t win_end = win.first_token + win.num_tokens;
    for (const Entity& e : per_window[w]) {
      const std::size_t first = first_token_ending_after(e.start);  // first token of e
      const std::size_t last_end = tokens_starting_before(e.end);   // one past its last token
      const int64_t left = win.first_token == 0 ? kUnlimited
                                                : static_cast<int64_t>(first) -
                                                      static_cast<int64_t>(win.first_token);
      const int64_t right = win_end >= tokens.size()
                                ? kUnlimited
                                : static_cast<int64_t>(win_end) - static_cast<int64_t>(last_end);
      candidates.push_back({e, std::max<int64_t>(0, std::min(left, right)), w});
    }
  }
  std::stable_sort(
      candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) {
        if (a.context != b.context) return a.context > b.context;
        const int64_t la = a.entity.end - a.entity.start, lb = b.entity.end - b.entity.start;
        if (la != lb) return la > lb;  // at equal context the longer span is the less likely cut
        return a.window < b.window;
      });
  // Taken spans by start; they never overlap, so only the neighbours of a new span can.
  std::map<int64_t, Entity> taken;
  for (const Candidate& c : candidates) {
    const auto next = taken.lower_bound(c.entity.start);
    if (next != taken.end() && next->second.start < c.entity.end) continue;
    if (next != taken.begin() && std::prev(next)->second.end > c.entity.start) continue;
    taken.emplace(c.entity.start, c.entity);
  }
  std::vector<Entity> merged;
  merged.reserve(taken.size());
  for (const auto& [start, e] : taken) merged.push_back(e);
  return merged;
}

}  // namespace piikit
