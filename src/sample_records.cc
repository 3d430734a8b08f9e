// Record-level parsing shared by the readers: field access with field-path messages, label
// resolution, span checks, and the JSONL and privacy-mask record parsers.
#include <algorithm>
#include <map>

#include "piikit/label_set.h"
#include "piikit/utf8.h"
#include "sample_io_internal.h"

namespace piikit::detail {
namespace {

std::string type_label(int type) { return std::string(type_name(type)); }

std::string span_str(int64_t start, int64_t end) {
  return "[" + std::to_string(start) + "," + std::to_string(end) + ")";
}

// Appends a hint when offsets that disagree with `expected` would match as UTF-8 byte or
// UTF-16 offsets: the usual cause of mismatches in data exported by other tools.
std::string offset_hint(const TextIndex& index, int64_t start, int64_t end,
                        std::string_view expected) {
  std::string_view text = index.text();
  if (start >= 0 && end > start && static_cast<std::size_t>(end) <= text.size() &&
      text.substr(start, end - start) == expected) {
    return " (the offsets match as UTF-8 byte offsets; piikit expects code points)";
  }
  auto s16 = index.cp_from_utf16(start), e16 = index.cp_from_utf16(end);
  if (index.has_astral() && s16 && e16 && *s16 < *e16 && index.slice(*s16, *e16) == expected) {
    return " (the offsets match as UTF-16 offsets; piikit expects code points)";
  }
  return "";
}

bool is_ascii_word(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}
// Word character for occurrence boundaries: ASCII alphanumerics and every non-ASCII code point
// (letters such as "é" must not count as a boundary; we carry no Unicode tables).
bool is_word_byte(unsigned char c) { return c >= 0x80 || is_ascii_word(c); }

bool mention_less(const Mention& a, const Mention& b) {
  return a.start < b.start || (a.start == b.start && a.end < b.end);
}

void sort_unique(std::vector<Mention>& mentions) {
  std::sort(mentions.begin(), mentions.end(), mention_less);
  mentions.erase(std::unique(mentions.begin(), mentions.end()), mentions.end());
}

// One coreference mention {"start","end","text"?} (code points).
Mention parse_mention(const Json& m, const TextIndex& index, const std::string& path) {
  require_object(m, path);
  int64_t start = require_int(require_field(m, "start", path + ".start"), path + ".start");
  int64_t end = require_int(require_field(m, "end", path + ".end"), path + ".end");
  check_span(start, end, index, path, "");
  if (auto it = m.find("text"); it != m.end() && !it->is_null()) {
    std::string t = require_string(*it, path + ".text");
    if (t != index.slice(start, end)) {
      throw RecordError("span text mismatch",
                        path + ".text: " + quote(t) + " does not match the text at " +
                            span_str(start, end) + ": " + quote(index.slice(start, end)));
    }
  }
  return {start, end};
}

// Cluster type from an optional label value: -1 when absent, null or unknown.
int optional_type(const Json& object, const char* key, const std::string& path) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return -1;
  auto type = resolve_label(require_string(*it, path));
  return type ? *type : -1;
}

void read_language_country(const Json& record, Sample& sample) {
  for (auto [key, field] :
       {std::pair{"language", &sample.language}, std::pair{"country", &sample.country}}) {
    auto it = record.find(key);
    if (it != record.end() && !it->is_null()) *field = require_string(*it, key);
  }
}

}  // namespace

// ---- TextIndex -------------------------------------------------------------------------------

TextIndex::TextIndex(std::string_view text) : text_(text), offsets_(codepoint_byte_offsets(text)) {
  for (unsigned char c : text) {
    if (c >= 0xF0) {
      has_astral_ = true;
      break;
    }
  }
}

std::string_view TextIndex::slice(int64_t start, int64_t end) const {
  return text_.substr(offsets_[start], offsets_[end] - offsets_[start]);
}

int64_t TextIndex::cp_from_byte(std::size_t byte) const {
  auto it = std::lower_bound(offsets_.begin(), offsets_.end(), byte);
  return it - offsets_.begin();
}

std::optional<int64_t> TextIndex::cp_from_utf16(int64_t unit) const {
  if (unit < 0) return std::nullopt;
  int64_t units = 0;
  for (int64_t cp = 0; cp < size(); ++cp) {
    if (units == unit) return cp;
    if (units > unit) return std::nullopt;
    units += static_cast<unsigned char>(text_[offsets_[cp]]) >= 0xF0 ? 2 : 1;
  }
  if (units == unit) return size();
  return std::nullopt;
}

// ---- field access ----------------------------------------------------------------------------

const Json& require_field(const Json& object, const char* key, const std::string& path) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) throw RecordError("missing field", path + ": missing");
  return *it;
}

std::string require_string(const Json& value, const std::string& path) {
  if (!value.is_string()) {
    throw RecordError("wrong field type",
                      path + ": expected a string, found " + std::string(value.type_name()));
  }
  return value.get<std::string>();
}

int64_t require_int(const Json& value, const std::string& path) {
  if (value.is_number_integer()) {
    if (value.is_number_unsigned() && value.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) {
      throw RecordError("offset out of range", path + ": " + value.dump() + " is too large");
    }
    return value.get<int64_t>();
  }
  std::string found = value.is_number() ? value.dump() : std::string(value.type_name());
  throw RecordError("wrong field type", path + ": expected an integer, found " + found);
}

std::optional<std::string> optional_id(const Json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return std::nullopt;
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number_integer()) return it->dump();
  throw RecordError(
      "wrong field type",
      std::string(key) + ": expected a string or integer, found " + std::string(it->type_name()));
}

void require_valid_utf8(std::string_view s, const std::string& path) {
  std::size_t bad = 0;
  if (!is_valid_utf8(s, &bad)) {
    throw RecordError("invalid UTF-8", path + ": invalid UTF-8 at byte " + std::to_string(bad));
  }
}

void require_object(const Json& value, const std::string& path) {
  if (!value.is_object()) {
    throw RecordError("wrong field type",
                      path + ": expected an object, found " + std::string(value.type_name()));
  }
}

void require_array(const Json& value, const std::string& path) {
  if (!value.is_array()) {
    throw RecordError("wrong field type",
                      path + ": expected an array, found " + std::string(value.type_name()));
  }
}

std::optional<int> resolve_label(std::string_view label) {
  // Exact spellings first (the common case, no allocation), then ASCII case-folded.
  std::string_view bare = label;
  if (bare.size() > 2 && (bare[0] == 'B' || bare[0] == 'I') && bare[1] == '-')
    bare.remove_prefix(2);
  if (auto type = type_from_name(bare)) return type;
  std::string upper(label);
  for (char& c : upper) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  bare = upper;
  if (bare.size() > 2 && (bare[0] == 'B' || bare[0] == 'I') && bare[1] == '-')
    bare.remove_prefix(2);
  return type_from_name(bare);
}

void unknown_label(RecordContext& ctx, const std::string& label, const std::string& path) {
  if (ctx.options.skip_unknown_labels) {
    ctx.dropped.push_back("unknown label " + Json(label).dump());
    return;
  }
  throw RecordError("unknown label",
                    path + ": unknown label " + Json(label).dump() +
                        " (expected one of the 26 types, bare or B-/I- prefixed, e.g. \"EMAIL\" "
                        "or \"B-EMAIL\")");
}

std::string quote(std::string_view text) {
  constexpr std::size_t kMax = 40;
  std::size_t n = codepoint_count(text);
  std::string shown = n <= kMax ? std::string(text) : codepoint_substr(text, 0, kMax) + "...";
  return Json(shown).dump();
}

void check_span(int64_t start, int64_t end, const TextIndex& index, const std::string& path,
                const std::string& label) {
  std::string what = label.empty() ? "" : " (label " + Json(label).dump() + ")";
  if (start < 0) {
    throw RecordError("offset out of range",
                      path + ".start: " + std::to_string(start) + " is negative" + what);
  }
  if (end > index.size()) {
    throw RecordError("offset out of range", path + ".end: span " + span_str(start, end) +
                                                 " ends past text length " +
                                                 std::to_string(index.size()) + what);
  }
  if (start >= end) {
    throw RecordError("empty or reversed span",
                      path + ": span " + span_str(start, end) +
                          (start == end ? " is empty" : " is reversed (start > end)") + what);
  }
}

std::vector<Entity> finalize_entities(std::vector<PlacedEntity> placed, const TextIndex& index,
                                      RecordContext& ctx) {
  std::stable_sort(placed.begin(), placed.end(), [](const PlacedEntity& a, const PlacedEntity& b) {
    return a.entity.start < b.entity.start ||
           (a.entity.start == b.entity.start && a.entity.end < b.entity.end);
  });
  std::vector<Entity> out;
  out.reserve(placed.size());
  const PlacedEntity* widest = nullptr;  // kept entity reaching furthest right
  for (const auto& p : placed) {
    if (!out.empty() && p.entity == out.back()) {
      ctx.dropped.push_back("duplicate span");
      continue;
    }
    if (widest && p.entity.start < widest->entity.end) {
      const Entity& a = p.entity;
      const Entity& b = widest->entity;
      throw RecordError("overlapping spans",
                        p.path() + ": span " + span_str(a.start, a.end) + " " +
                            quote(index.slice(a.start, a.end)) + " (" + type_label(a.type) +
                            ") overlaps " + widest->path() + " " + span_str(b.start, b.end) + " " +
                            quote(index.slice(b.start, b.end)) + " (" + type_label(b.type) + ")");
    }
    out.push_back(p.entity);
    if (!widest || p.entity.end > widest->entity.end) widest = &p;
  }
  return out;
}

SampleFormat sniff_record(const Json& record) {
  if (!record.is_object()) return SampleFormat::kJsonl;
  if (record.contains("privacy_mask")) return SampleFormat::kPrivacyMask;
  if (record.contains("data") && !record.contains("entities")) return SampleFormat::kLabelStudio;
  return SampleFormat::kJsonl;
}

// ---- JSONL record ----------------------------------------------------------------------------

Sample parse_jsonl_record(const Json& record, RecordContext& ctx) {
  require_object(record, "record");
  Sample sample;
  sample.id = optional_id(record, "id").value_or(ctx.default_id);
  sample.text = require_string(require_field(record, "text", "text"), "text");
  require_valid_utf8(sample.text, "text");
  read_language_country(record, sample);
  const Json& entities =
      record.contains("entities") && !record["entities"].is_null()
          ? record["entities"]
          : throw RecordError("missing field",
                              "entities: missing (use [] for a sample without PII)");
  require_array(entities, "entities");
  TextIndex index(sample.text);
  std::vector<PlacedEntity> placed;
  placed.reserve(entities.size());
  for (std::size_t k = 0; k < entities.size(); ++k) {
    const Json& e = entities[k];
    // Fast path for the common well-formed entity: no field-path strings are built.
    if (e.is_object()) {
      auto label_it = e.find("label"), start_it = e.find("start"), end_it = e.find("end");
      auto text_it = e.find("text");
      if (label_it != e.end() && label_it->is_string() && start_it != e.end() &&
          start_it->is_number_integer() && end_it != e.end() && end_it->is_number_integer() &&
          (text_it == e.end() || text_it->is_string())) {
        // Values past INT64_MAX wrap negative here and fail the range check below.
        int64_t start = start_it->get<int64_t>(), end = end_it->get<int64_t>();
        const auto& label = label_it->get_ref<const std::string&>();
        auto type = resolve_label(label);
        if (start >= 0 && start < end && end <= index.size() && type &&
            (text_it == e.end() ||
             text_it->get_ref<const std::string&>() == index.slice(start, end))) {
          placed.push_back({{start, end, *type}, "entities", k});
          continue;
        }
      }
    }
    // Slow path: the same checks, with field paths in the messages.
    std::string path = "entities[" + std::to_string(k) + "]";
    require_object(e, path);
    std::string label = require_string(require_field(e, "label", path + ".label"), path + ".label");
    int64_t start = require_int(require_field(e, "start", path + ".start"), path + ".start");
    int64_t end = require_int(require_field(e, "end", path + ".end"), path + ".end");
    auto text_it = e.find("text");
    std::optional<std::string> span_text;
    if (text_it != e.end() && !text_it->is_null())
      span_text = require_string(*text_it, path + ".text");
    try {
      check_span(start, end, index, path, label);
    } catch (const RecordError& err) {
      if (!span_text) throw;
      throw RecordError(err.reason(), err.message() + offset_hint(index, start, end, *span_text));
    }
    if (span_text && *span_text != index.slice(start, end)) {
      throw RecordError("span text mismatch",
                        path + ".text: " + quote(*span_text) + " does not match the text at " +
                            span_str(start, end) + ": " + quote(index.slice(start, end)) +
                            offset_hint(index, start, end, *span_text));
    }
    auto type = resolve_label(label);
    if (!type) {
      unknown_label(ctx, label, path + ".label");
      continue;
    }
    placed.push_back({{start, end, *type}, "entities", k});
  }
  sample.entities = finalize_entities(std::move(placed), index, ctx);
  if (auto it = record.find("coref"); it != record.end() && !it->is_null()) {
    require_array(*it, "coref");
    for (std::size_t c = 0; c < it->size(); ++c) {
      std::string path = "coref[" + std::to_string(c) + "]";
      const Json& cluster = (*it)[c];
      require_object(cluster, path);
      CorefCluster out;
      const Json& mentions = require_field(cluster, "mentions", path + ".mentions");
      require_array(mentions, path + ".mentions");
      for (std::size_t m = 0; m < mentions.size(); ++m) {
        out.mentions.push_back(
            parse_mention(mentions[m], index, path + ".mentions[" + std::to_string(m) + "]"));
      }
      sort_unique(out.mentions);
      out.type = optional_type(cluster, "type", path + ".type");
      if (!out.mentions.empty()) sample.coref.push_back(std::move(out));
    }
  }
  return sample;
}

// ---- privacy-mask record ---------------------------------------------------------------------

namespace {

struct Occurrence {
  std::size_t begin = 0, end = 0;  // bytes
  int type = 0;
  std::size_t item = 0;  // privacy_mask index
};

// Every occurrence of `value` in `text` (byte ranges). Occurrences that do not cut through a
// word are preferred; if there are none, all are returned (text without spaces, e.g. CJK).
std::vector<std::pair<std::size_t, std::size_t>> locate(std::string_view text,
                                                        std::string_view value) {
  std::vector<std::pair<std::size_t, std::size_t>> all, bounded;
  auto first = static_cast<unsigned char>(value.front());
  auto last = static_cast<unsigned char>(value.back());
  for (std::size_t pos = text.find(value); pos != std::string_view::npos;
       pos = text.find(value, pos + 1)) {
    std::size_t end = pos + value.size();
    all.emplace_back(pos, end);
    bool left_ok = pos == 0 || !(is_word_byte(text[pos - 1]) && is_word_byte(first));
    bool right_ok = end == text.size() || !(is_word_byte(text[end]) && is_word_byte(last));
    if (left_ok && right_ok) bounded.emplace_back(pos, end);
  }
  return bounded.empty() ? all : bounded;
}

}  // namespace

Sample parse_privacy_mask_record(const Json& record, RecordContext& ctx) {
  require_object(record, "record");
  Sample sample;
  sample.id = optional_id(record, "id").value_or(ctx.default_id);
  // "source_text" is the field name in some published privacy-mask data sets.
  const char* text_key =
      record.contains("text") || !record.contains("source_text") ? "text" : "source_text";
  sample.text = require_string(require_field(record, text_key, text_key), text_key);
  require_valid_utf8(sample.text, text_key);
  read_language_country(record, sample);
  const Json& mask = require_field(record, "privacy_mask", "privacy_mask");
  require_array(mask, "privacy_mask");
  TextIndex index(sample.text);

  std::vector<Occurrence> occurrences;
  for (std::size_t k = 0; k < mask.size(); ++k) {
    std::string path = "privacy_mask[" + std::to_string(k) + "]";
    require_object(mask[k], path);
    std::string value =
        require_string(require_field(mask[k], "value", path + ".value"), path + ".value");
    std::string label =
        require_string(require_field(mask[k], "label", path + ".label"), path + ".label");
    if (value.empty()) throw RecordError("empty or reversed span", path + ".value: empty string");
    auto type = resolve_label(label);
    if (!type) {
      unknown_label(ctx, label, path + ".label");
      continue;
    }
    auto found = locate(sample.text, value);
    if (found.empty()) {
      throw RecordError("value not found in text",
                        path + ".value: " + quote(value) + " does not occur in the text");
    }
    for (auto [b, e] : found) occurrences.push_back({b, e, *type, k});
  }
  // Longest occurrences win; an occurrence inside or across an accepted one is dropped. Equal
  // spans with equal types are the same entity listed twice (normal in this form).
  std::stable_sort(occurrences.begin(), occurrences.end(),
                   [](const Occurrence& a, const Occurrence& b) {
                     return (a.end - a.begin) > (b.end - b.begin);
                   });
  std::map<std::size_t, const Occurrence*> accepted;  // begin byte -> occurrence
  for (const auto& occ : occurrences) {
    auto next = accepted.lower_bound(occ.begin);
    const Occurrence* clash = nullptr;
    if (next != accepted.end() && next->second->begin < occ.end) clash = next->second;
    if (!clash && next != accepted.begin() && std::prev(next)->second->end > occ.begin) {
      clash = std::prev(next)->second;
    }
    if (!clash) {
      accepted.emplace(occ.begin, &occ);
    } else if (clash->begin == occ.begin && clash->end == occ.end) {
      if (clash->type != occ.type)
        ctx.dropped.push_back("privacy-mask: value listed with two labels");
    } else {
      ctx.dropped.push_back("privacy-mask: occurrence overlaps a longer value");
    }
  }
  for (const auto& [begin, occ] : accepted) {
    sample.entities.push_back(
        {index.cp_from_byte(occ->begin), index.cp_from_byte(occ->end), occ->type});
  }

  if (auto it = record.find("coreferences"); it != record.end() && !it->is_null()) {
    require_array(*it, "coreferences");
    for (std::size_t c = 0; c < it->size(); ++c) {
      std::string path = "coreferences[" + std::to_string(c) + "]";
      const Json& cluster = (*it)[c];
      require_object(cluster, path);
      const Json& mentions = require_field(cluster, "mentions", path + ".mentions");
      require_array(mentions, path + ".mentions");
      CorefCluster out;
      out.type = optional_type(cluster, "entity_type", path + ".entity_type");
      for (std::size_t m = 0; m < mentions.size(); ++m) {
        std::string mpath = path + ".mentions[" + std::to_string(m) + "]";
        if (mentions[m].is_string()) {
          // A mention given as text: every occurrence, like privacy_mask values.
          std::string value = mentions[m].get<std::string>();
          if (value.empty()) throw RecordError("empty or reversed span", mpath + ": empty string");
          auto found = locate(sample.text, value);
          if (found.empty()) {
            throw RecordError("value not found in text",
                              mpath + ": " + quote(value) + " does not occur in the text");
          }
          for (auto [b, e] : found)
            out.mentions.push_back({index.cp_from_byte(b), index.cp_from_byte(e)});
        } else {
          out.mentions.push_back(parse_mention(mentions[m], index, mpath));
        }
      }
      sort_unique(out.mentions);
      if (!out.mentions.empty()) sample.coref.push_back(std::move(out));
    }
  }
  return sample;
}

}  // namespace piikit::detail
