// count_sample_labels: the tokenizer-dependent part of label counting, in its own translation unit
// so that code using only count_labels / class weights does not link the tokenizer.
#include "piikit/label_counting.h"
#include "piikit/sample.h"
#include "piikit/tokenizer.h"

namespace piikit {

LabelCounts count_sample_labels(const std::vector<Sample>& samples, const Tokenizer& tokenizer,
                                int max_length) {
  LabelCounts counts{};
  for (const Sample& sample : samples) {
    const Encoding encoding = tokenizer.encode_for_model(sample.text, max_length);
    const std::vector<int32_t> labels = align_labels(encoding, sample.entities);
    count_labels_into(labels.data(), labels.size(), counts);
  }
  return counts;
}

}  // namespace piikit
