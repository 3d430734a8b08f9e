// Label Studio tasks -> Samples.
//
// A task: {"id", "data": {"text"}, "annotations": [{"result": [...]}], "predictions": [...]}.
// Spans come from annotations[0].result (older exports: completions[0].result), else
// predictions[0].result. Result items of type "labels" are spans; "relation" items (from_id,
// to_id) link spans into coreference clusters; other item types (choices, textarea, ...) are
// ignored. Spans labelled PRONOUN, REFERENCE or MENTION are coreference markers, not PII: they
// only appear as cluster mentions.
//
// Offsets: value.start/end are read as code points. Label Studio counts JavaScript characters
// (UTF-16 code units), which differ after an astral character (emoji, U+10000 and up). So when
// value.text disagrees with the code-point slice we try, in order: the offsets as UTF-16 units,
// then the occurrence of value.text nearest to value.start. A span repaired that way is kept and
// counted in SkipReport::entities_adjusted; if value.text does not occur at all it is an error.
#include <algorithm>
#include <map>
#include <numeric>

#include "piikit/label_set.h"
#include "sample_io_internal.h"

namespace piikit::detail {
namespace {

bool is_coref_marker(std::string_view label) {
  std::string upper(label);
  for (char& c : upper) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return upper == "PRONOUN" || upper == "REFERENCE" || upper == "MENTION";
}

struct Span {
  int64_t start = 0, end = 0;
};

// Resolves value.start/end (+ value.text) to a code-point span; see the file comment.
Span anchor(int64_t start, int64_t end, const std::optional<std::string>& text,
            const TextIndex& index, const std::string& path, const std::string& label,
            RecordContext& ctx) {
  auto in_range = [&](int64_t s, int64_t e) { return s >= 0 && s < e && e <= index.size(); };
  if (!text) {
    if (!in_range(start, end)) {
      // Past the code-point length but valid as UTF-16 units: Label Studio's own counting.
      auto s16 = index.cp_from_utf16(start), e16 = index.cp_from_utf16(end);
      if (start >= 0 && end > index.size() && s16 && e16 && *s16 < *e16) {
        ctx.adjusted.push_back("Label Studio: UTF-16 offsets converted to code points");
        return {*s16, *e16};
      }
      check_span(start, end, index, path, label);  // throws with the precise message
    }
    return {start, end};
  }
  if (in_range(start, end) && index.slice(start, end) == *text) return {start, end};
  if (index.has_astral()) {
    auto s16 = index.cp_from_utf16(start), e16 = index.cp_from_utf16(end);
    if (s16 && e16 && *s16 < *e16 && index.slice(*s16, *e16) == *text) {
      ctx.adjusted.push_back("Label Studio: UTF-16 offsets converted to code points");
      return {*s16, *e16};
    }
  }
  if (!text->empty()) {
    std::string_view all = index.text();
    std::optional<Span> best;
    for (std::size_t pos = all.find(*text); pos != std::string_view::npos;
         pos = all.find(*text, pos + 1)) {
      Span s{index.cp_from_byte(pos), index.cp_from_byte(pos + text->size())};
      if (!best || std::llabs(s.start - start) < std::llabs(best->start - start)) best = s;
    }
    if (best) {
      ctx.adjusted.push_back("Label Studio: span re-anchored on value.text");
      return *best;
    }
  }
  std::string shown =
      in_range(start, end) ? quote(index.slice(start, end)) : std::string("(out of range)");
  throw RecordError("span text mismatch", path + ".text: " + quote(*text) +
                                              " does not match the text at [" +
                                              std::to_string(start) + "," + std::to_string(end) +
                                              "): " + shown + " and does not occur in the text");
}

// Union-find over result item indices.
struct Components {
  std::vector<std::size_t> parent;
  explicit Components(std::size_t n) : parent(n) { std::iota(parent.begin(), parent.end(), 0); }
  std::size_t find(std::size_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  }
  void join(std::size_t a, std::size_t b) { parent[find(a)] = find(b); }
};

}  // namespace

std::optional<Sample> parse_label_studio_task(const Json& task, RecordContext& ctx) {
  require_object(task, "task");
  Sample sample;
  sample.id = optional_id(task, "id").value_or(ctx.default_id);
  const Json& data = require_field(task, "data", "data");
  require_object(data, "data");
  sample.text = require_string(require_field(data, "text", "data.text"), "data.text");
  require_valid_utf8(sample.text, "data.text");
  for (auto [key, field] :
       {std::pair{"language", &sample.language}, std::pair{"country", &sample.country}}) {
    auto it = data.find(key);
    if (it != data.end() && !it->is_null())
      *field = require_string(*it, std::string("data.") + key);
  }

  // Which result list: annotations[0], completions[0] (old exports), predictions[0].
  const Json* result = nullptr;
  std::string rpath;
  for (const char* key : {"annotations", "completions", "predictions"}) {
    auto it = task.find(key);
    if (it == task.end() || it->is_null()) continue;
    require_array(*it, key);
    if (it->empty()) continue;
    std::string first = std::string(key) + "[0]";
    require_object((*it)[0], first);
    result = &require_field((*it)[0], "result", first + ".result");
    rpath = first + ".result";
    break;
  }
  if (!result) return std::nullopt;
  require_array(*result, rpath);

  TextIndex index(sample.text);
  const std::size_t n = result->size();
  std::vector<std::optional<Span>> spans(n);                   // every labelled span, PII or marker
  std::vector<int> types(n, -1);                               // PII type of a kept entity span
  std::map<std::string, std::size_t> by_id;                    // result item id -> index
  std::vector<std::pair<std::size_t, std::string>> relations;  // relation item index
  std::vector<PlacedEntity> placed;
  for (std::size_t i = 0; i < n; ++i) {
    std::string path = rpath + "[" + std::to_string(i) + "]";
    const Json& item = (*result)[i];
    require_object(item, path);
    std::string type = "labels";
    if (auto it = item.find("type"); it != item.end() && !it->is_null()) {
      type = require_string(*it, path + ".type");
    }
    if (type == "relation") {
      relations.emplace_back(i, path);
      continue;
    }
    if (type != "labels") continue;  // choices, textarea, ...: not spans
    if (auto id = optional_id(item, "id")) by_id.emplace(*id, i);
    const Json& value = require_field(item, "value", path + ".value");
    require_object(value, path + ".value");
    std::string vpath = path + ".value";
    const Json& labels = require_field(value, "labels", vpath + ".labels");
    require_array(labels, vpath + ".labels");
    if (labels.size() != 1) {
      throw RecordError("bad label", vpath + ".labels: expected one label, found " +
                                         std::to_string(labels.size()));
    }
    std::string label = require_string(labels[0], vpath + ".labels[0]");
    int64_t start = require_int(require_field(value, "start", vpath + ".start"), vpath + ".start");
    int64_t end = require_int(require_field(value, "end", vpath + ".end"), vpath + ".end");
    std::optional<std::string> text;
    if (auto it = value.find("text"); it != value.end() && !it->is_null()) {
      text = require_string(*it, vpath + ".text");
    }
    Span span = anchor(start, end, text, index, vpath, label, ctx);
    spans[i] = span;
    if (is_coref_marker(label)) continue;
    auto pii = resolve_label(label);
    if (!pii) {
      unknown_label(ctx, label, vpath + ".labels[0]");
      continue;
    }
    types[i] = *pii;
    placed.push_back({{span.start, span.end, *pii}, rpath, i});
  }
  sample.entities = finalize_entities(std::move(placed), index, ctx);

  if (!relations.empty()) {
    Components comps(n);
    std::vector<bool> linked(n, false);
    for (const auto& [i, path] : relations) {
      const Json& item = (*result)[i];
      std::size_t ends[2];
      const char* keys[2] = {"from_id", "to_id"};
      for (int k = 0; k < 2; ++k) {
        std::string fpath = path + "." + keys[k];
        auto id = optional_id(item, keys[k]);
        if (!id) throw RecordError("missing field", fpath + ": missing");
        auto it = by_id.find(*id);
        if (it == by_id.end()) {
          throw RecordError("unknown relation id",
                            fpath + ": no span result with id " + Json(*id).dump());
        }
        ends[k] = it->second;
        linked[it->second] = true;
      }
      comps.join(ends[0], ends[1]);
    }
    std::map<std::size_t, CorefCluster> clusters;  // root -> cluster, members in result order
    for (std::size_t i = 0; i < n; ++i) {
      if (!linked[i] || !spans[i]) continue;
      CorefCluster& c = clusters[comps.find(i)];
      c.mentions.push_back({spans[i]->start, spans[i]->end});
      if (c.type < 0 && types[i] >= 0) c.type = types[i];
    }
    for (auto& [root, c] : clusters) {
      std::sort(c.mentions.begin(), c.mentions.end(), [](const Mention& a, const Mention& b) {
        return a.start < b.start || (a.start == b.start && a.end < b.end);
      });
      c.mentions.erase(std::unique(c.mentions.begin(), c.mentions.end()), c.mentions.end());
      if (c.mentions.size() >= 2) sample.coref.push_back(std::move(c));
    }
    std::sort(sample.coref.begin(), sample.coref.end(),
              [](const CorefCluster& a, const CorefCluster& b) {
                return a.mentions.front().start < b.mentions.front().start;
              });
  }
  return sample;
}

}  // namespace piikit::detail
