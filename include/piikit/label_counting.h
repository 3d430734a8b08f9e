// Label frequencies of token-labelled data: the input of the class-weight computation.
//
// Counting is a single streaming pass over int32 token labels (ids in [0, kNumLabels), or
// kIgnoreLabel for special tokens and padding, which are skipped). It is built for throughput
// (bench/class_weights_bench.cc: >= 2e9 labels/s on one core) and still validates every label.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "piikit/label_set.h"

namespace piikit {

class Tokenizer;
struct Sample;

// counts[c] = number of tokens labelled c (c = label id). kIgnoreLabel positions are not counted.
using LabelCounts = std::array<uint64_t, kNumLabels>;

// Counts labels[0, n). Throws std::out_of_range naming the first value outside [0, kNumLabels)
// that is not kIgnoreLabel and its position (0-based index into `labels`).
LabelCounts count_labels(const int32_t* labels, std::size_t n);
inline LabelCounts count_labels(const std::vector<int32_t>& labels) {
  return count_labels(labels.data(), labels.size());
}
// Adds the counts of labels[0, n) to `counts`. On a bad label it throws and leaves `counts`
// unchanged.
void count_labels_into(const int32_t* labels, std::size_t n, LabelCounts& counts);

// The two counting loops behind count_labels_into (chosen at run time), exposed so that tests and
// the benchmark can run each one. Same contract as count_labels_into.
namespace detail {
void count_labels_portable(const int32_t* labels, std::size_t n, LabelCounts& counts);
// True when the CPU supports AVX-512F, AVX-512BW and AVX-512VBMI2 (checked once).
bool avx512_counting_available();
// Precondition: avx512_counting_available().
void count_labels_avx512(const int32_t* labels, std::size_t n, LabelCounts& counts);
}  // namespace detail

// Sum of all counts (N, the number of counted tokens).
uint64_t total_count(const LabelCounts& counts);
// Number of labels with a non-zero count (K).
int present_labels(const LabelCounts& counts);

// Token labels of the samples exactly as training sees them: each text is encoded with
// tokenizer.encode_for_model(text, max_length) ([CLS] ... [SEP], truncated to max_length tokens),
// labelled with align_labels, and counted. The trainer and `piikit weights` both call this, so
// they count identically.
LabelCounts count_sample_labels(const std::vector<Sample>& samples, const Tokenizer& tokenizer,
                                int max_length);

}  // namespace piikit
