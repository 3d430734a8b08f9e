// Evaluation of a detector on labeled samples: what `piikit eval` reports.
#pragma once

#include <cstddef>
#include <vector>

#include "piikit/detector.h"
#include "piikit/metrics.h"
#include "piikit/sample.h"

namespace piikit {

struct EvaluateStats {
  double seconds = 0;   // wall time of detection and scoring
  uint64_t tokens = 0;  // text tokens processed
};

// Runs `detector` over the samples' texts (batch_size texts per detect() call) and scores the
// entities against the gold ones: spans (exact and relaxed) from the decoded entities, tokens from
// align_labels() of the gold and of the predicted entities on the same encoding. Samples' texts
// must be valid UTF-8 (load_samples guarantees it).
EvalReport evaluate(Detector& detector, const std::vector<Sample>& samples,
                    std::size_t batch_size = 64, EvaluateStats* stats = nullptr);

}  // namespace piikit
