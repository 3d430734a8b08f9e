// Readers and writers for labeled samples.
//
// Formats (docs/data-formats.md has the full contract and examples):
//   1. JSONL: {"id","text","entities":[{"start","end","label","text"?}], "coref"?, "language"?,
//      "country"?} per line. Offsets are code points, end exclusive. Labels are bare types
//      ("EMAIL") or BIO-prefixed ("B-EMAIL"). coref: [{"mentions":[{"start","end"}],"type"?}].
//   2. Label Studio export: one JSON file holding a list of tasks (or one task object), or a folder
//      of one-task JSON files. Text in data.text; spans from annotations[0].result (else
//      predictions[0].result); relation items become coreference clusters.
//   3. Privacy-mask form: {"text","privacy_mask":[{"value","label"}],"coreferences":[...]}; each
//      value is located at every occurrence in the text.
//
// Fatal problems (malformed JSON, missing fields, bad offsets, invalid UTF-8, ...) throw DataError
// naming the file, the line (or task index) and the field path, e.g.
//   train.jsonl:17: entities[2].end: span [30,45) ends past text length 40 (label "EMAIL")
//   export.json:40: task 3 (id 1042): annotations[0].result[2].value.end: ...
// Problems a user may prefer to skip (unknown labels by default; everything per record with
// skip_bad_samples) are counted per reason in SkipReport instead.
#pragma once

#include <cstddef>
#include <iosfwd>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "piikit/sample.h"

namespace piikit {

enum class SampleFormat { kAuto, kJsonl, kLabelStudio, kPrivacyMask };

// "auto", "jsonl", "label-studio", "privacy-mask" <-> SampleFormat.
std::optional<SampleFormat> parse_sample_format(std::string_view name);
std::string_view sample_format_name(SampleFormat format);

struct ReadOptions {
  // Record format; kAuto sniffs it per file (see load_samples).
  SampleFormat format = SampleFormat::kAuto;
  // Entities with an unknown label are dropped and counted (true) or are an error (false).
  bool skip_unknown_labels = true;
  // Lines/tasks with any other problem are skipped and counted (true) or are an error (false).
  bool skip_bad_samples = false;
};

// Samples skipped or entities dropped, by reason ("unknown label \"FOO\"" -> count).
struct SkipReport {
  std::map<std::string, std::size_t> samples_skipped;   // reason -> samples (lines, tasks)
  std::map<std::string, std::size_t> entities_dropped;  // reason -> entities
  // Spans kept after a repair (Label Studio offsets re-anchored on value.text), by reason.
  std::map<std::string, std::size_t> entities_adjusted;
  // reason -> "file:line" (or "file: task N") where the reason was first seen, to find examples.
  std::map<std::string, std::string> first_seen;

  std::size_t total_samples_skipped() const;
  std::size_t total_entities_dropped() const;
  std::size_t total_entities_adjusted() const;
  bool empty() const;
  void merge(const SkipReport& other);
};

// Human-readable report, one reason per line ("  unknown label \"FOO\": 3 (first at a.jsonl:7)"),
// or "nothing skipped\n".
std::string format_skip_report(const SkipReport& report);

// Reads every path into one list, in order:
//   a directory   every *.json file in it, sorted by name, as Label Studio task files;
//   *.json        one JSON document: a list of records or one record;
//   *.jsonl, else one JSON record per line (empty lines skipped).
// The record format is options.format, or with kAuto sniffed from the first record: a
// "privacy_mask" key -> privacy-mask, a "data" key -> Label Studio, else JSONL.
// Throws DataError for a missing path, an empty file, and when no sample is left at all
// (every record skipped); the message then names the most frequent skip reason.
std::vector<Sample> load_samples(const std::vector<std::string>& paths,
                                 const ReadOptions& options = {}, SkipReport* report = nullptr);

// JSONL from a stream (one record per line); `source` names it in errors. A stream with no
// non-empty line is an error ("empty file"); a stream whose records were all skipped returns {}.
// options.format picks the record format; kAuto means JSONL.
std::vector<Sample> read_jsonl(std::istream& in, const std::string& source,
                               const ReadOptions& options = {}, SkipReport* report = nullptr);

// Privacy-mask records, one per line (same rules as read_jsonl).
std::vector<Sample> read_privacy_mask(std::istream& in, const std::string& source,
                                      const ReadOptions& options = {},
                                      SkipReport* report = nullptr);

// A Label Studio export held in memory: a JSON list of tasks or one task object. Tasks with
// neither annotations nor predictions are skipped and counted. Errors name the task index (and
// the task's "id" when it has one) and the line where the task starts.
std::vector<Sample> read_label_studio(std::string_view json_text, const std::string& source,
                                      const ReadOptions& options = {},
                                      SkipReport* report = nullptr);

// One sample as one JSONL line (no trailing newline). Entities carry "label" (bare type) and
// "text" for readability; "coref", "language" and "country" are written only when non-empty.
// Throws DataError (source "sample <id>") if the text is not valid UTF-8 or a span is out of range.
std::string to_jsonl(const Sample& sample);
void write_jsonl(std::ostream& out, const std::vector<Sample>& samples);
// Writes the samples as JSONL to `path` atomically (write_file_atomic).
void write_jsonl_file(const std::string& path, const std::vector<Sample>& samples);

}  // namespace piikit
