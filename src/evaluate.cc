#include "piikit/evaluate.h"

#include <algorithm>
#include <chrono>

#include "piikit/tokenizer.h"

namespace piikit {

EvalReport evaluate(Detector& detector, const std::vector<Sample>& samples, std::size_t batch_size,
                    EvaluateStats* stats) {
  const auto t0 = std::chrono::steady_clock::now();
  batch_size = std::max<std::size_t>(batch_size, 1);
  Evaluator evaluator;
  uint64_t tokens = 0;
  for (std::size_t begin = 0; begin < samples.size(); begin += batch_size) {
    const std::size_t end = std::min(samples.size(), begin + batch_size);
    std::vector<std::string> texts;
    texts.reserve(end - begin);
    for (std::size_t i = begin; i < end; ++i) texts.push_back(samples[i].text);
    const auto found = detector.detect(texts);
    for (std::size_t i = begin; i < end; ++i) {
      const Sample& sample = samples[i];
      std::vector<Entity> predicted;
      predicted.reserve(found[i - begin].size());
      for (const DetectedEntity& d : found[i - begin]) predicted.push_back(d.entity());
      evaluator.add_spans(sample.entities, predicted);
      // Token level on the whole text (windows are an inference detail): gold and predicted
      // labels come from the same alignment rule, so only the spans' differences count.
      const Encoding enc = detector.tokenizer().encode(sample.text);
      tokens += enc.size();
      const std::vector<int32_t> gold = align_labels(enc, sample.entities);
      const std::vector<int32_t> pred = align_labels(enc, predicted);
      evaluator.add_tokens(gold.data(), pred.data(), gold.size());
    }
  }
  if (stats) {
    stats->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    stats->tokens = tokens;
  }
  return evaluator.report();
}

}  // namespace piikit
