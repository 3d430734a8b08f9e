#include "piikit/label_counting.h"

#include <stdexcept>
#include <string>


namespace piikit {
namespace {

// The counting loop indexes a 256-slot histogram with label + 128, clamped to slot 255, so it
// needs no branch per label and never writes outside the table whatever the input: valid labels
// land in slots [128, 128 + kNumLabels), kIgnoreLabel in slot 28, and every invalid value in some
// other slot (values beyond [-128, 127] all land in slot 255). Validation is then one look at the
// invalid slots after the loop; only if one is non-zero do we scan again for the first bad position.
constexpr uint32_t kSlots = 256;
constexpr uint32_t kOffset = 128;
constexpr uint32_t kIgnoreSlot = kOffset + static_cast<uint32_t>(kIgnoreLabel);  // 28
static_assert(kIgnoreLabel >= -static_cast<int>(kOffset) && kNumLabels + kOffset <= kSlots);

inline uint32_t slot_of(int32_t label) {
  const uint32_t u = static_cast<uint32_t>(label) + kOffset;  // wraps for label < -128
  return u < kSlots ? u : kSlots - 1;
}

inline bool is_valid_label(int32_t label) {
  return label == kIgnoreLabel || (label >= 0 && label < kNumLabels);
}

[[noreturn]] void throw_bad_label(const int32_t* labels, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    if (!is_valid_label(labels[i])) {
      throw std::out_of_range("token label " + std::to_string(labels[i]) + " at position " +
                              std::to_string(i) + " is outside [0, " + std::to_string(kNumLabels) +
                              ") and is not the ignore label " + std::to_string(kIgnoreLabel));
    }
  }
  throw std::logic_error("count_labels: invalid slot counted but no invalid label found");
}

}  // namespace

void count_labels_into(const int32_t* labels, std::size_t n, LabelCounts& counts) {
  // Four sub-histograms: consecutive labels are mostly the same (O), and incrementing one counter
  // back to back serialises on the store-to-load round trip. Spreading the stream over four tables
  // keeps four independent chains in flight (shared/PERF-NOTES.md: 2.2e9 vs 0.63e9 labels/s).
  alignas(64) uint64_t hist[4][kSlots] = {};
  std::size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    ++hist[0][slot_of(labels[i])];
    ++hist[1][slot_of(labels[i + 1])];
    ++hist[2][slot_of(labels[i + 2])];
    ++hist[3][slot_of(labels[i + 3])];
  }
  for (; i < n; ++i) ++hist[0][slot_of(labels[i])];

  uint64_t invalid = 0;
  for (uint32_t s = 0; s < kSlots; ++s) {
    const bool valid = s == kIgnoreSlot || (s >= kOffset && s < kOffset + kNumLabels);
    if (!valid) invalid |= hist[0][s] | hist[1][s] | hist[2][s] | hist[3][s];
  }
  if (invalid != 0) throw_bad_label(labels, n);
  for (int c = 0; c < kNumLabels; ++c) {
    const uint32_t s = kOffset + c;
    counts[c] += hist[0][s] + hist[1][s] + hist[2][s] + hist[3][s];
  }
}

LabelCounts count_labels(const int32_t* labels, std::size_t n) {
  LabelCounts counts{};
  count_labels_into(labels, n, counts);
  return counts;
}

uint64_t total_count(const LabelCounts& counts) {
  uint64_t total = 0;
  for (uint64_t c : counts) total += c;
  return total;
}

int present_labels(const LabelCounts& counts) {
  int k = 0;
  for (uint64_t c : counts) k += c > 0 ? 1 : 0;
  return k;
}

}  // namespace piikit
