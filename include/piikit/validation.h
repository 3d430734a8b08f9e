// Evaluation of a model on encoded, labelled samples during training: constrained (Viterbi)
// decoding to spans, exact/relaxed span metrics and token metrics, and the early-stopping metric.
#pragma once

#include <string>
#include <vector>

#include "piikit/batching.h"
#include "piikit/metrics.h"
#include "piikit/model.h"
#include "piikit/sample.h"

namespace piikit {

// Runs `model` (switched to eval mode, no gradients; the caller restores train mode) over
// examples[i] / samples[i] in batches of `batch_size` sequences of similar lengths, decodes each
// sequence with constrained_viterbi + decode_labels and feeds the Evaluator: spans against the
// gold entities that lie inside the encoded (possibly truncated) part of the text, tokens against
// examples[i].labels. examples and samples must have the same size and order.
EvalReport evaluate_model(TokenClassifier& model, const std::vector<EncodedExample>& examples,
                          const std::vector<Sample>& samples, int batch_size, torch::Device device);

// Early-stopping metric names (all "higher is better"):
//   entity_macro_f1 (default), entity_micro_f1   exact spans
//   relaxed_macro_f1, relaxed_micro_f1            same type, overlapping spans
//   token_macro_f1, token_micro_f1                token level, entity labels
const std::vector<std::string>& metric_names();
// Value of metric `name` in `report`; throws ConfigError naming
// training.early_stopping_metric and listing the valid names for an unknown one.
double metric_value(const EvalReport& report, const std::string& name);

}  // namespace piikit
