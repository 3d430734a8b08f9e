// Streaming front end of `piikit detect`: reads lines, batches them, runs a detection function
// and writes one output line per input line, in input order. Torch-free: the detection function
// is a parameter (the Detector in production, a fake in tests).
//
// Input, one per line:  JSONL {"id": any, "text": string}   or plain text (--text).
// Output, one per line: {"id": ..., "entities": [{"start","end","label","text","score"}]}
//                       (code points, end exclusive; label without B-/I-; --text: id = line number)
//   with masking:       JSONL: {"id": ..., "masked_text": "..."}; plain text: the masked line.
//   bad input line:     {"line": N, "error": "..."} (N 1-based), and the run goes on.
#pragma once

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "piikit/mask.h"
#include "piikit/sample.h"

namespace piikit {

// One detected span: code points of the input text, end exclusive.
struct DetectedEntity {
  int64_t start = 0;
  int64_t end = 0;
  int type = 0;        // index into pii_types()
  float score = 0.0f;  // mean probability of the decoded labels of its tokens, in [0, 1]
  Entity entity() const { return {start, end, type}; }
};

// Detects entities in each text (valid UTF-8); result[i] belongs to texts[i].
using DetectFn =
    std::function<std::vector<std::vector<DetectedEntity>>(const std::vector<std::string>&)>;

struct StreamOptions {
  bool plain_text = false;        // input lines are plain text, not JSONL (--text)
  std::optional<MaskStyle> mask;  // write masked text instead of entities (--mask)
  std::size_t batch_size = 32;    // most lines handed to DetectFn at once
  // Lines read ahead of the detector; a batch takes whatever is ready (at least one line), so an
  // interactive user gets each answer at once while a pipe fills whole batches.
  std::size_t read_ahead = 256;
  bool flush_each_batch = true;  // flush the output after every batch (streaming)
};

struct StreamStats {
  uint64_t lines = 0;     // input lines consumed (blank JSONL lines included)
  uint64_t texts = 0;     // texts detected
  uint64_t failed = 0;    // error lines written
  uint64_t entities = 0;  // entities written
};

// Reads `in` to the end on a reader thread while the calling thread detects and writes. Never
// throws for bad input lines (they become error lines); blank lines in JSONL mode are skipped.
// If `detect` throws for a batch, its lines are retried one by one so only the failing ones
// become error lines. Throws only if writing fails.
StreamStats run_detect_stream(std::istream& in, std::ostream& out, const DetectFn& detect,
                              const StreamOptions& options);

// The JSON output object of one text (no newline); `id` is a JSON value, already serialized.
std::string entities_json_line(const std::string& id_json, const std::string& text,
                               const std::vector<DetectedEntity>& entities);

}  // namespace piikit
