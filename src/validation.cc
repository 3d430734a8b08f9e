#include "piikit/validation.h"

#include <algorithm>

#include "piikit/error.h"
#include "piikit/label_set.h"
#include "piikit/viterbi.h"

namespace piikit {

EvalReport evaluate_model(TokenClassifier& model, const std::vector<EncodedExample>& examples,
                          const std::vector<Sample>& samples, int batch_size, torch::Device device) {
  TORCH_CHECK(examples.size() == samples.size(), "evaluate_model: ", examples.size(),
              " examples for ", samples.size(), " samples");
  torch::NoGradGuard no_grad;
  model->eval();
  std::vector<std::size_t> lengths(examples.size());
  for (std::size_t i = 0; i < examples.size(); ++i) lengths[i] = examples[i].size();
  Evaluator evaluator;
  for (const auto& indices : make_batches(lengths, batch_size, 0, /*shuffle=*/false)) {
    Batch batch = collate(examples, indices, device);
    // logits: (B, T, 53) -> contiguous float on the CPU for the decoder.
    torch::Tensor logits =
        model->forward(batch.ids, batch.mask, batch.chars).pii_logits.to(torch::kCPU, torch::kFloat)
            .contiguous();
    const int64_t t = logits.size(1);
    const float* data = logits.data_ptr<float>();
    for (std::size_t r = 0; r < indices.size(); ++r) {
      const EncodedExample& ex = examples[indices[r]];
      const Sample& sample = samples[indices[r]];
      const float* row = data + static_cast<int64_t>(r) * t * kNumLabels;
      ViterbiResult decoded =
          constrained_viterbi(row, ex.encoding.offsets, token_junctions(ex.encoding, sample.text));
      evaluator.add_tokens(ex.labels.data(), decoded.labels.data(), ex.size());
      // Gold spans: those inside the encoded part of the text (truncation drops the rest).
      int64_t covered_end = 0;
      for (const auto& [start, end] : ex.encoding.offsets) covered_end = std::max(covered_end, end);
      std::vector<Entity> gold;
      for (const Entity& e : sample.entities) {
        if (e.end <= covered_end) gold.push_back(e);
      }
      evaluator.add_spans(gold, decode_labels(ex.encoding, decoded.labels, sample.text));
    }
  }
  return evaluator.report();
}

const std::vector<std::string>& metric_names() {
  static const std::vector<std::string> names = {"entity_macro_f1",  "entity_micro_f1",
                                                  "relaxed_macro_f1", "relaxed_micro_f1",
                                                  "token_macro_f1",   "token_micro_f1"};
  return names;
}

double metric_value(const EvalReport& r, const std::string& name) {
  if (name == "entity_macro_f1") return r.exact_macro_f1;
  if (name == "entity_micro_f1") return r.exact_micro.f1();
  if (name == "relaxed_macro_f1") return r.relaxed_macro_f1;
  if (name == "relaxed_micro_f1") return r.relaxed_micro.f1();
  if (name == "token_macro_f1") return r.token_macro_f1;
  if (name == "token_micro_f1") return r.token_micro.f1();
  std::string valid;
  for (const std::string& n : metric_names()) valid += (valid.empty() ? "" : ", ") + n;
  throw ConfigError("training.early_stopping_metric: unknown metric \"" + name +
                    "\" (valid: " + valid + ")");
}

}  // namespace piikit
