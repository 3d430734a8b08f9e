// Sample readers (containers: JSON lines or one JSON document; format sniffing; skip/raise
// policy) and the JSONL writer. Record parsing lives in sample_records.cc and
// label_studio_reader.cc.
#include "piikit/sample_io.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <istream>
#include <ostream>

#include "piikit/error.h"
#include "piikit/file_util.h"
#include "piikit/label_set.h"
#include "piikit/utf8.h"
#include "sample_io_internal.h"

namespace piikit {
namespace {

using detail::Json;
using detail::RecordContext;
using detail::RecordError;
namespace fs = std::filesystem;

void count(std::map<std::string, std::size_t>& counts, SkipReport& report,
           const std::string& reason, const std::string& where) {
  ++counts[reason];
  report.first_seen.emplace(reason, where);
}

// Parses one record with the parser for `format`; nullopt = skipped (Label Studio task without
// annotations). Throws RecordError.
std::optional<Sample> parse_record(const Json& record, SampleFormat format, RecordContext& ctx) {
  if (format == SampleFormat::kAuto) format = detail::sniff_record(record);
  switch (format) {
    case SampleFormat::kPrivacyMask:
      return detail::parse_privacy_mask_record(record, ctx);
    case SampleFormat::kLabelStudio:
      return detail::parse_label_studio_task(record, ctx);
    default:
      return detail::parse_jsonl_record(record, ctx);
  }
}

// Reads one record and applies the skip/raise policy. `prefix` ("task 3 (id 7): ") starts every
// message; `where` ("a.jsonl:7") locates it in the skip report; (source, line) go in DataError.
void handle_record(const Json& record, SampleFormat format, const ReadOptions& options,
                   SkipReport& report, const std::string& source, std::size_t line,
                   const std::string& prefix, const std::string& where,
                   const std::string& default_id, std::vector<Sample>& out) {
  RecordContext ctx{options, default_id, {}, {}};
  try {
    auto sample = parse_record(record, format, ctx);
    if (!sample) {
      count(report.samples_skipped, report, "no annotations or predictions", where);
      return;
    }
    if (sample->text.empty()) {
      count(report.samples_skipped, report, "empty text", where);
      return;
    }
    for (const auto& r : ctx.dropped) count(report.entities_dropped, report, r, where);
    for (const auto& r : ctx.adjusted) count(report.entities_adjusted, report, r, where);
    out.push_back(std::move(*sample));
  } catch (const RecordError& e) {
    if (!options.skip_bad_samples) throw DataError(source, line, prefix + e.message());
    count(report.samples_skipped, report, e.reason(), where);
  } catch (const Json::exception& e) {
    // Defensive: a JSON type error the record checks did not anticipate is still bad input.
    if (!options.skip_bad_samples) throw DataError(source, line, prefix + "record: " + e.what());
    count(report.samples_skipped, report, "wrong field type", where);
  }
}

// "parse error at line 1, column 7: syntax error ..." -> "column 7: syntax error ...".
std::string json_error_text(const Json::parse_error& e, bool keep_line) {
  std::string what = e.what();
  auto pos = what.find("parse error at ");
  if (pos == std::string::npos) return what;
  what = what.substr(pos + 15);
  if (!keep_line) {
    auto col = what.find("column ");
    if (col != std::string::npos) what = what.substr(col);
  }
  return what;
}

// One record per line.
std::vector<Sample> read_lines(std::istream& in, const std::string& source, SampleFormat format,
                               const ReadOptions& options, SkipReport* report_out) {
  SkipReport local;
  SkipReport& report = report_out ? *report_out : local;
  std::vector<Sample> out;
  std::string line;
  std::size_t line_no = 0, records = 0;
  std::string stem = fs::path(source).stem().string();
  while (std::getline(in, line)) {
    ++line_no;
    if (line_no == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);  // UTF-8 BOM
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    ++records;
    std::string where = source + ":" + std::to_string(line_no);
    std::size_t bad = 0;
    if (!is_valid_utf8(line, &bad)) {
      if (!options.skip_bad_samples) {
        throw DataError(source, line_no,
                        "invalid UTF-8 at byte " + std::to_string(bad) + " of the line");
      }
      count(report.samples_skipped, report, "invalid UTF-8", where);
      continue;
    }
    Json record;
    try {
      record = Json::parse(line);
    } catch (const Json::parse_error& e) {
      if (!options.skip_bad_samples) {
        throw DataError(source, line_no, "malformed JSON at " + json_error_text(e, false));
      }
      count(report.samples_skipped, report, "malformed JSON", where);
      continue;
    }
    if (format == SampleFormat::kAuto && records == 1) format = detail::sniff_record(record);
    handle_record(record, format, options, report, source, line_no, "", where,
                  stem + "-" + std::to_string(line_no), out);
  }
  if (in.bad()) throw DataError(source, line_no, "read error");
  if (records == 0) throw DataError(source, 0, "empty file: no samples");
  return out;
}

// One JSON document: a list of records or one record.
std::vector<Sample> read_document(std::string_view text, const std::string& source,
                                  SampleFormat format, const ReadOptions& options,
                                  SkipReport* report_out) {
  SkipReport local;
  SkipReport& report = report_out ? *report_out : local;
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    throw DataError(source, 0, "empty file: no samples");
  }
  std::size_t bad = 0;
  if (!is_valid_utf8(text, &bad)) {
    std::size_t line = 1 + std::count(text.begin(), text.begin() + bad, '\n');
    throw DataError(source, line, "invalid UTF-8 at byte " + std::to_string(bad) + " of the file");
  }
  Json doc;
  try {
    doc = Json::parse(text);
  } catch (const Json::parse_error& e) {
    std::size_t byte = std::min<std::size_t>(e.byte, text.size());
    std::size_t line = 1 + std::count(text.begin(), text.begin() + (byte ? byte - 1 : 0), '\n');
    throw DataError(source, line, "malformed JSON: " + json_error_text(e, true));
  }
  std::vector<Sample> out;
  std::string stem = fs::path(source).stem().string();
  if (doc.is_array()) {
    if (doc.empty()) throw DataError(source, 0, "empty list: no samples");
    if (format == SampleFormat::kAuto) format = detail::sniff_record(doc[0]);
    const char* noun = format == SampleFormat::kLabelStudio ? "task " : "record ";
    auto lines = detail::array_element_lines(text);
    for (std::size_t i = 0; i < doc.size(); ++i) {
      std::string label = noun + std::to_string(i);
      if (doc[i].is_object()) {
        auto id = doc[i].find("id");
        if (id != doc[i].end() && (id->is_string() || id->is_number_integer())) {
          label += " (id " + (id->is_string() ? id->get<std::string>() : id->dump()) + ")";
        }
      }
      std::size_t line = i < lines.size() ? lines[i] : 0;
      handle_record(doc[i], format, options, report, source, line, label + ": ",
                    source + ": " + label, stem + "-" + std::to_string(i), out);
    }
  } else {
    if (format == SampleFormat::kAuto) format = detail::sniff_record(doc);
    handle_record(doc, format, options, report, source, 0, "", source, stem, out);
  }
  return out;
}

bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::vector<Sample> load_file(const std::string& path, const ReadOptions& options,
                              SkipReport& report) {
  if (ends_with(path, ".json")) {
    std::string text;
    try {
      text = read_file(path);
    } catch (const std::runtime_error& e) {
      throw DataError(path, 0, "cannot read the file");
    }
    return read_document(text, path, options.format, options, &report);
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw DataError(path, 0, "cannot open the file");
  return read_lines(in, path, options.format, options, &report);
}

std::string span_json_text(const Sample& s, const detail::TextIndex& index, int64_t start,
                           int64_t end, const char* what) {
  if (start < 0 || start >= end || end > index.size()) {
    throw DataError("sample " + s.id, 0,
                    std::string(what) + ": span [" + std::to_string(start) + "," +
                        std::to_string(end) + ") outside the text (length " +
                        std::to_string(index.size()) + ")");
  }
  return std::string(index.slice(start, end));
}

}  // namespace

// ---- formats and reports ---------------------------------------------------------------------

std::optional<SampleFormat> parse_sample_format(std::string_view name) {
  if (name == "auto") return SampleFormat::kAuto;
  if (name == "jsonl") return SampleFormat::kJsonl;
  if (name == "label-studio") return SampleFormat::kLabelStudio;
  if (name == "privacy-mask") return SampleFormat::kPrivacyMask;
  return std::nullopt;
}

std::string_view sample_format_name(SampleFormat format) {
  switch (format) {
    case SampleFormat::kJsonl:
      return "jsonl";
    case SampleFormat::kLabelStudio:
      return "label-studio";
    case SampleFormat::kPrivacyMask:
      return "privacy-mask";
    default:
      return "auto";
  }
}

namespace {
std::size_t total(const std::map<std::string, std::size_t>& m) {
  std::size_t n = 0;
  for (const auto& [k, v] : m) n += v;
  return n;
}
}  // namespace

std::size_t SkipReport::total_samples_skipped() const { return total(samples_skipped); }
std::size_t SkipReport::total_entities_dropped() const { return total(entities_dropped); }
std::size_t SkipReport::total_entities_adjusted() const { return total(entities_adjusted); }
bool SkipReport::empty() const {
  return samples_skipped.empty() && entities_dropped.empty() && entities_adjusted.empty();
}

void SkipReport::merge(const SkipReport& other) {
  for (const auto& [k, v] : other.samples_skipped) samples_skipped[k] += v;
  for (const auto& [k, v] : other.entities_dropped) entities_dropped[k] += v;
  for (const auto& [k, v] : other.entities_adjusted) entities_adjusted[k] += v;
  for (const auto& [k, v] : other.first_seen) first_seen.emplace(k, v);
}

std::string format_skip_report(const SkipReport& report) {
  if (report.empty()) return "nothing skipped\n";
  std::string out;
  auto section = [&](const char* title, const std::map<std::string, std::size_t>& counts) {
    if (counts.empty()) return;
    out += std::string(title) + ": " + std::to_string(total(counts)) + "\n";
    std::vector<std::pair<std::string, std::size_t>> rows(counts.begin(), counts.end());
    std::stable_sort(rows.begin(), rows.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    for (const auto& [reason, n] : rows) {
      out += "  " + reason + ": " + std::to_string(n);
      if (auto it = report.first_seen.find(reason); it != report.first_seen.end()) {
        out += " (first at " + it->second + ")";
      }
      out += "\n";
    }
  };
  section("samples skipped", report.samples_skipped);
  section("entities dropped", report.entities_dropped);
  section("entities adjusted", report.entities_adjusted);
  return out;
}

// ---- readers ---------------------------------------------------------------------------------

std::vector<Sample> read_jsonl(std::istream& in, const std::string& source,
                               const ReadOptions& options, SkipReport* report) {
  SampleFormat format =
      options.format == SampleFormat::kAuto ? SampleFormat::kJsonl : options.format;
  return read_lines(in, source, format, options, report);
}

std::vector<Sample> read_privacy_mask(std::istream& in, const std::string& source,
                                      const ReadOptions& options, SkipReport* report) {
  return read_lines(in, source, SampleFormat::kPrivacyMask, options, report);
}

std::vector<Sample> read_label_studio(std::string_view json_text, const std::string& source,
                                      const ReadOptions& options, SkipReport* report) {
  return read_document(json_text, source, SampleFormat::kLabelStudio, options, report);
}

std::vector<Sample> load_samples(const std::vector<std::string>& paths, const ReadOptions& options,
                                 SkipReport* report_out) {
  SkipReport local;
  SkipReport& report = report_out ? *report_out : local;
  if (paths.empty()) throw DataError("load_samples", 0, "no input paths given");
  std::vector<Sample> out;
  for (const auto& path : paths) {
    std::error_code ec;
    auto status = fs::status(path, ec);
    if (ec || !fs::exists(status)) throw DataError(path, 0, "no such file or directory");
    std::vector<Sample> part;
    if (fs::is_directory(status)) {
      std::vector<std::string> files;
      bool has_jsonl = false;
      for (const auto& entry : fs::directory_iterator(path)) {
        if (!entry.is_regular_file()) continue;
        std::string name = entry.path().string();
        if (ends_with(name, ".json")) files.push_back(name);
        has_jsonl = has_jsonl || ends_with(name, ".jsonl");
      }
      if (files.empty()) {
        throw DataError(path, 0,
                        std::string("directory holds no *.json task files") +
                            (has_jsonl ? " (pass the *.jsonl files themselves)" : ""));
      }
      std::sort(files.begin(), files.end());
      ReadOptions dir_options = options;
      if (dir_options.format == SampleFormat::kAuto)
        dir_options.format = SampleFormat::kLabelStudio;
      for (const auto& file : files) {
        auto samples = load_file(file, dir_options, report);
        part.insert(part.end(), std::make_move_iterator(samples.begin()),
                    std::make_move_iterator(samples.end()));
      }
    } else {
      part = load_file(path, options, report);
    }
    out.insert(out.end(), std::make_move_iterator(part.begin()),
               std::make_move_iterator(part.end()));
  }
  if (out.empty()) {
    std::string why;
    std::size_t most = 0;
    for (const auto& [reason, n] : report.samples_skipped) {
      if (n > most) most = n, why = reason;
    }
    std::string src = paths.size() == 1
                          ? paths[0]
                          : paths[0] + " (and " + std::to_string(paths.size() - 1) + " more)";
    throw DataError(src, 0,
                    "no samples left: all " + std::to_string(report.total_samples_skipped()) +
                        " records were skipped" + (why.empty() ? "" : " (mostly: " + why + ")"));
  }
  return out;
}

// ---- writer ----------------------------------------------------------------------------------

std::string to_jsonl(const Sample& sample) {
  std::size_t bad = 0;
  if (!is_valid_utf8(sample.text, &bad)) {
    throw DataError("sample " + sample.id, 0, "text: invalid UTF-8 at byte " + std::to_string(bad));
  }
  detail::TextIndex index(sample.text);
  nlohmann::ordered_json j;
  j["id"] = sample.id;
  j["text"] = sample.text;
  auto entities = nlohmann::ordered_json::array();
  for (const auto& e : sample.entities) {
    if (e.type < 0 || e.type >= kNumTypes) {
      throw DataError("sample " + sample.id, 0,
                      "entity type " + std::to_string(e.type) + " out of range");
    }
    nlohmann::ordered_json ej;
    ej["start"] = e.start;
    ej["end"] = e.end;
    ej["label"] = type_name(e.type);
    ej["text"] = span_json_text(sample, index, e.start, e.end, "entities");
    entities.push_back(std::move(ej));
  }
  j["entities"] = std::move(entities);
  if (!sample.coref.empty()) {
    auto coref = nlohmann::ordered_json::array();
    for (const auto& c : sample.coref) {
      nlohmann::ordered_json cj;
      auto mentions = nlohmann::ordered_json::array();
      for (const auto& m : c.mentions) {
        mentions.push_back({{"start", m.start},
                            {"end", m.end},
                            {"text", span_json_text(sample, index, m.start, m.end, "coref")}});
      }
      cj["mentions"] = std::move(mentions);
      if (c.type >= 0 && c.type < kNumTypes) cj["type"] = type_name(c.type);
      coref.push_back(std::move(cj));
    }
    j["coref"] = std::move(coref);
  }
  if (!sample.language.empty()) j["language"] = sample.language;
  if (!sample.country.empty()) j["country"] = sample.country;
  return j.dump();
}

void write_jsonl(std::ostream& out, const std::vector<Sample>& samples) {
  for (const auto& s : samples) out << to_jsonl(s) << '\n';
}

void write_jsonl_file(const std::string& path, const std::vector<Sample>& samples) {
  // Serialize first so a bad sample cannot leave a half-written temporary behind.
  std::string content;
  for (const auto& s : samples) content.append(to_jsonl(s)).push_back('\n');
  write_file_atomic(path, content);
}

namespace detail {

std::vector<std::size_t> array_element_lines(std::string_view text) {
  std::vector<std::size_t> lines;
  std::size_t line = 1;
  int depth = 0;
  bool in_string = false, escape = false, expect_element = false;
  for (char c : text) {
    if (c == '\n') ++line;
    if (in_string) {
      if (escape)
        escape = false;
      else if (c == '\\')
        escape = true;
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    if (depth == 1 && expect_element && c != ']') {
      lines.push_back(line);
      expect_element = false;
    }
    switch (c) {
      case '"':
        in_string = true;
        break;
      case '[':
      case '{':
        if (++depth == 1) expect_element = true;
        break;
      case ']':
      case '}':
        --depth;
        break;
      case ',':
        if (depth == 1) expect_element = true;
        break;
      default:
        break;
    }
  }
  return lines;
}

}  // namespace detail
}  // namespace piikit
