// Readers and writers for labeled samples.
//
// Formats (auto-detected by load_samples):
//   1. JSONL: {"id","text","entities":[{"start","end","label","text"?}], "coref"?, "language"?,
//      "country"?} per line. Offsets are code points, end exclusive.
//   2. Label Studio export: one JSON file holding a list of tasks, or a folder of one-task files.
//   3. Privacy-mask form: {"text","privacy_mask":[{"value","label"}],"coreferences":[...]}.
//
// Fatal problems (malformed JSON, missing fields, bad offsets, invalid UTF-8, ...) throw DataError
// naming the file, the line (or task index) and the field. Problems a user may prefer to skip
// (unknown labels by default) are counted per reason in SkipReport.
#pragma once

#include <iosfwd>
#include <map>
#include <string>
#include <vector>

#include "piikit/sample.h"

namespace piikit {

enum class SampleFormat { kAuto, kJsonl, kLabelStudio, kPrivacyMask };

struct ReadOptions {
  SampleFormat format = SampleFormat::kAuto;
  // Entities with an unknown label are dropped and counted (true) or are an error (false).
  bool skip_unknown_labels = true;
  // Lines/tasks with any other problem are skipped and counted (true) or are an error (false).
  bool skip_bad_samples = false;
};

// Samples skipped or entities dropped, by reason ("unknown label \"FOO\"" -> count).
struct SkipReport {
  std::map<std::string, std::size_t> samples_skipped;
  std::map<std::string, std::size_t> entities_dropped;
  std::size_t total_samples_skipped() const;
  std::size_t total_entities_dropped() const;
};

// Reads every path (files, or folders of Label Studio task files) into one list, in order.
std::vector<Sample> load_samples(const std::vector<std::string>& paths,
                                 const ReadOptions& options = {}, SkipReport* report = nullptr);

// JSONL from a stream; `source` names it in errors.
std::vector<Sample> read_jsonl(std::istream& in, const std::string& source,
                               const ReadOptions& options = {}, SkipReport* report = nullptr);

// One sample as one JSONL line (no trailing newline); entities carry "text" for readability.
std::string to_jsonl(const Sample& sample);
void write_jsonl(std::ostream& out, const std::vector<Sample>& samples);

}  // namespace piikit
