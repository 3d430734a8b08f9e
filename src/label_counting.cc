// Label counting at memory speed. Two loops, chosen at run time, count identically:
//  - portable: four 256-slot sub-histograms indexed by label + 128 (clamped), no branch per label;
//  - AVX-512 (when the CPU has it): O, most of all token labels, is counted 16 labels at a
//    time with one vector compare and a masked add; entity labels are range-checked in the vector
//    unit and packed (vpcompressd) into a small buffer for a four-table histogram.
// Validation costs nothing per label: invalid values land in histogram slots no valid label uses,
// which are checked once at the end; only then is the input scanned again for the first bad value.
#include "piikit/label_counting.h"

#include <immintrin.h>

#include <algorithm>
#include <stdexcept>
#include <string>

namespace piikit {
namespace {

// Slot layout: valid labels in [128, 128 + kNumLabels), kIgnoreLabel in slot 28, every invalid
// value in some other slot (values beyond [-128, 127] are clamped to slot 255).
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

// Four sub-histograms: consecutive labels are mostly the same (O), and incrementing one counter
// back to back serialises on the store-to-load round trip. Spreading the stream over four tables
// keeps four independent chains in flight (shared/PERF-NOTES.md: 2.2e9 vs 0.63e9 labels/s).
struct SlotHistogram {
  alignas(64) uint64_t h[4][kSlots] = {};

  void add(const int32_t* labels, std::size_t n) {
    std::size_t i = 0;
    for (; i + 4 <= n; i += 4) {
      ++h[0][slot_of(labels[i])];
      ++h[1][slot_of(labels[i + 1])];
      ++h[2][slot_of(labels[i + 2])];
      ++h[3][slot_of(labels[i + 3])];
    }
    for (; i < n; ++i) ++h[0][slot_of(labels[i])];
  }
  uint64_t slot(uint32_t s) const { return h[0][s] + h[1][s] + h[2][s] + h[3][s]; }
};

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

// Checks the invalid slots, then adds the valid ones (plus `extra_o` O labels counted outside the
// histogram) to `counts`. `counts` is untouched when a label is invalid.
void finish(const int32_t* labels, std::size_t n, const SlotHistogram& hist, uint64_t extra_o,
            LabelCounts& counts) {
  for (uint32_t s = 0; s < kSlots; ++s) {
    const bool valid = s == kIgnoreSlot || (s >= kOffset && s < kOffset + kNumLabels);
    if (!valid && hist.slot(s) != 0) throw_bad_label(labels, n);
  }
  for (int c = 0; c < kNumLabels; ++c) counts[c] += hist.slot(kOffset + c);
  counts[kOutsideLabel] += extra_o;
}

}  // namespace

namespace detail {

void count_labels_portable(const int32_t* labels, std::size_t n, LabelCounts& counts) {
  SlotHistogram hist;
  hist.add(labels, n);
  finish(labels, n, hist, 0, counts);
}

bool avx512_counting_available() {
  static const bool available =
      __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("popcnt");
  return available;
}

__attribute__((target("avx512f,popcnt"))) void count_labels_avx512(const int32_t* labels,
                                                                   std::size_t n,
                                                                   LabelCounts& counts) {
  // Entity labels (1..52) of a chunk are packed into `packed`; every other lane must be O or the
  // ignore label, which is checked in the vector unit, so the histogram needs no clamping. Each
  // 16-label store writes a full vector at the current fill position, hence the slack.
  constexpr std::size_t kChunk = 4096;
  alignas(64) int32_t packed[kChunk + 64];
  alignas(64) uint64_t hist[4][64] = {};
  const __m512i zero = _mm512_setzero_si512();
  const __m512i ignore = _mm512_set1_epi32(kIgnoreLabel);
  const __m512i one = _mm512_set1_epi32(1);
  const __m512i num_entity = _mm512_set1_epi32(kNumLabels - 1);
  uint64_t num_o = 0;
  uint32_t bad = 0;
  std::size_t i = 0;
  while (i < n) {
    const std::size_t end = std::min(n, i + kChunk);
    std::size_t fill = 0;
    // O is counted per lane in a vector (at most kChunk / 16 per lane and chunk): masked adds stay
    // in the vector unit; moving each mask out for a popcount costs a third of the speed.
    __m512i o_lanes = zero;
    for (; i + 64 <= end; i += 64) {  // four vectors per step for instruction-level parallelism
      __m512i v[4];
      __mmask16 keep[4];
      for (int k = 0; k < 4; ++k) {
        v[k] = _mm512_loadu_si512(labels + i + 16 * k);
        const __mmask16 o = _mm512_cmpeq_epi32_mask(v[k], zero);
        o_lanes = _mm512_mask_add_epi32(o_lanes, o, o_lanes, one);
        keep[k] = _mm512_cmplt_epu32_mask(_mm512_sub_epi32(v[k], one), num_entity);
        bad |= _mm512_mask_cmpneq_epi32_mask(static_cast<__mmask16>(~(o | keep[k])), v[k], ignore);
      }
      for (int k = 0; k < 4; ++k) {
        _mm512_storeu_si512(packed + fill, _mm512_maskz_compress_epi32(keep[k], v[k]));
        fill += static_cast<std::size_t>(__builtin_popcount(keep[k]));
      }
    }
    num_o += static_cast<uint64_t>(_mm512_reduce_add_epi32(o_lanes));
    for (; i < end; ++i) {
      const int32_t l = labels[i];
      const bool entity = l > 0 && l < kNumLabels;
      packed[fill] = l;
      fill += entity;
      num_o += l == 0;
      bad |= !entity && l != 0 && l != kIgnoreLabel;
    }
    std::size_t k = 0;
    for (; k + 4 <= fill; k += 4) {
      ++hist[0][packed[k]];
      ++hist[1][packed[k + 1]];
      ++hist[2][packed[k + 2]];
      ++hist[3][packed[k + 3]];
    }
    for (; k < fill; ++k) ++hist[0][packed[k]];
  }
  if (bad) throw_bad_label(labels, n);
  for (int c = 1; c < kNumLabels; ++c) counts[c] += hist[0][c] + hist[1][c] + hist[2][c] + hist[3][c];
  counts[kOutsideLabel] += num_o;
}

}  // namespace detail

void count_labels_into(const int32_t* labels, std::size_t n, LabelCounts& counts) {
  if (detail::avx512_counting_available()) {
    detail::count_labels_avx512(labels, n, counts);
  } else {
    detail::count_labels_portable(labels, n, counts);
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
