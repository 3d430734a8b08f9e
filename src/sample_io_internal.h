// Private helpers shared by the sample readers (sample_io.cc, sample_records.cc,
// label_studio_reader.cc). Not installed; not part of the public API.
//
// A record parser turns one JSON record (a JSONL line, a list element, a task) into a Sample. It
// throws RecordError for anything wrong with that record; the caller decides whether that becomes
// a DataError (file:line prefix added) or a counted skip (ReadOptions::skip_bad_samples).
#pragma once

#include <cstdint>
#include <exception>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "piikit/sample.h"
#include "piikit/sample_io.h"

namespace piikit::detail {

using Json = nlohmann::json;

// A problem with one record. `reason` is the short category counted in SkipReport
// ("missing field", "offset out of range", ...); `message` starts with the field path.
class RecordError : public std::exception {
 public:
  RecordError(std::string reason, std::string message)
      : reason_(std::move(reason)), message_(std::move(message)) {}
  const char* what() const noexcept override { return message_.c_str(); }
  const std::string& reason() const { return reason_; }
  const std::string& message() const { return message_; }

 private:
  std::string reason_;
  std::string message_;
};

// State for reading one record: options, and the drops/repairs seen so far. They are committed
// to the SkipReport only when the record is accepted, so a skipped record counts once.
struct RecordContext {
  const ReadOptions& options;
  std::string default_id;             // id for records without one
  std::vector<std::string> dropped;   // entity drop reasons
  std::vector<std::string> adjusted;  // entity repair reasons
};

// Code-point index of a UTF-8 text. Precondition: valid UTF-8.
class TextIndex {
 public:
  explicit TextIndex(std::string_view text);
  int64_t size() const { return static_cast<int64_t>(offsets_.size()) - 1; }  // code points
  std::string_view text() const { return text_; }
  // Bytes of code points [start, end). Precondition: 0 <= start <= end <= size().
  std::string_view slice(int64_t start, int64_t end) const;
  std::size_t byte_offset(int64_t cp) const { return offsets_[cp]; }
  // Code-point index of a byte offset that starts a code point (or == text size).
  int64_t cp_from_byte(std::size_t byte) const;
  // Code-point index for a UTF-16 code-unit offset; nullopt if it falls inside a surrogate pair
  // or past the end.
  std::optional<int64_t> cp_from_utf16(int64_t unit) const;
  bool has_astral() const { return has_astral_; }

 private:
  std::string_view text_;
  std::vector<std::size_t> offsets_;  // byte offset of each code point, plus text size
  bool has_astral_ = false;
};

// Field access. `path` is the field path used in messages ("entities[2].start").
const Json& require_field(const Json& object, const char* key, const std::string& path);
std::string require_string(const Json& value, const std::string& path);
int64_t require_int(const Json& value, const std::string& path);
// A record id from a string or integer value; nullopt if absent/null.
std::optional<std::string> optional_id(const Json& object, const char* key);
// Throws RecordError("invalid UTF-8") unless valid; `path` names the field.
void require_valid_utf8(std::string_view s, const std::string& path);
// Throws RecordError("missing field" / "wrong field type") unless `value` is an object/array.
void require_object(const Json& value, const std::string& path);
void require_array(const Json& value, const std::string& path);

// Type index for a label: bare ("EMAIL"), BIO-prefixed ("B-EMAIL", "I-EMAIL"), ASCII
// case-insensitive; nullopt if unknown.
std::optional<int> resolve_label(std::string_view label);
// Handles an unknown label: records a drop in `ctx` or throws RecordError("unknown label").
void unknown_label(RecordContext& ctx, const std::string& label, const std::string& path);
// Quoted, shortened copy of a text for messages: "Anna Novak", at most 40 code points.
std::string quote(std::string_view text);

// Checks 0 <= start < end <= text size; throws RecordError naming `path` otherwise.
void check_span(int64_t start, int64_t end, const TextIndex& index, const std::string& path,
                const std::string& label);

// An entity candidate and where it came from: element `index` of the list at field path `list`
// ("entities", "annotations[0].result"). The path string is only built for error messages.
struct PlacedEntity {
  Entity entity;
  std::string_view list;  // must outlive finalize_entities
  std::size_t index = 0;
  std::string path() const { return std::string(list) + "[" + std::to_string(index) + "]"; }
};
// Sorts by (start, end), drops exact duplicates (counted), and throws RecordError
// ("overlapping spans") naming both fields when two spans overlap.
std::vector<Entity> finalize_entities(std::vector<PlacedEntity> placed, const TextIndex& index,
                                      RecordContext& ctx);

// Record parsers. `ctx.default_id` is used when the record has no id.
Sample parse_jsonl_record(const Json& record, RecordContext& ctx);
Sample parse_privacy_mask_record(const Json& record, RecordContext& ctx);
// nullopt: the task has neither annotations nor predictions (skip, not an error).
std::optional<Sample> parse_label_studio_task(const Json& task, RecordContext& ctx);

// Which parser a record needs when the format is kAuto.
SampleFormat sniff_record(const Json& record);

// 1-based line on which each element of the top-level JSON array in `text` starts.
// Precondition: `text` parsed as a JSON array.
std::vector<std::size_t> array_element_lines(std::string_view text);

}  // namespace piikit::detail
