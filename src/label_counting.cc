// Label counting at memory speed. Two loops, chosen at run time, count identically:
//  - portable: four 256-slot sub-histograms indexed by label + 128 (clamped), no branch per label;
//  - AVX-512 (F, BW and VBMI2, when the CPU has them): 64 labels per step, narrowed to bytes;
//    O and -100 are counted with vector compares and masked adds, entity labels packed
//    (vpcompressb) into a small buffer for a four-table histogram.
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
  static const bool available = __builtin_cpu_supports("avx512f") &&
                                __builtin_cpu_supports("avx512bw") &&
                                __builtin_cpu_supports("avx512vbmi2") &&
                                __builtin_cpu_supports("popcnt");
  return available;
}

// Sum of the 64 unsigned byte lanes (vpsadbw against zero gives eight 64-bit partial sums; GCC 12's
// _mm512_reduce_add_epi64 trips -Wmaybe-uninitialized inside its own header).
__attribute__((target("avx512f,avx512bw"))) inline uint64_t sum_byte_lanes(__m512i bytes) {
  alignas(64) uint64_t parts[8];
  _mm512_store_si512(parts, _mm512_sad_epu8(bytes, _mm512_setzero_si512()));
  uint64_t sum = 0;
  for (uint64_t p : parts) sum += p;
  return sum;
}

__attribute__((target("avx512f,avx512bw,avx512vbmi2,popcnt"))) void count_labels_avx512(
    const int32_t* labels, std::size_t n, LabelCounts& counts) {
  // 64 labels per step: four int32 vectors are narrowed to one vector of 64 int8 with signed
  // saturation (packs). Every valid value (-100, 0..52) survives unchanged, and every invalid one
  // becomes an invalid byte (out-of-range values saturate to -128 or 127). The order of the bytes
  // changes, which a histogram does not care about. Per step, O and -100 are counted per byte lane
  // with masked adds, and entity labels (1..52) are packed with vpcompressb into a buffer that a
  // four-table histogram counts per chunk. A chunk is valid when O + ignored + packed = its length;
  // only a bad chunk triggers the scan for the first bad value.
  // Software prefetch 8 KiB ahead into L2 lifts the loop from ~1.8 to ~2.1e9 labels/s on the
  // development machines (its pure read bandwidth is ~2.6e9 int32/s); prefetching past the end of
  // the array is harmless.
  constexpr std::size_t kChunk = 64 * 128;  // a byte lane counts at most 128 per chunk
  constexpr std::size_t kPrefetch = 2048;   // labels ahead
  alignas(64) int8_t packed[kChunk + 64];
  alignas(64) uint64_t hist[4][64] = {};
  const __m512i zero = _mm512_setzero_si512();
  const __m512i ignore = _mm512_set1_epi8(static_cast<char>(kIgnoreLabel));
  const __m512i one = _mm512_set1_epi8(1);
  const __m512i num_entity = _mm512_set1_epi8(static_cast<char>(kNumLabels - 1));
  uint64_t num_o = 0;
  bool bad = false;
  std::size_t i = 0;
  while (i < n) {
    const std::size_t begin = i;
    const std::size_t end = std::min(n, i + kChunk);
    std::size_t fill = 0;
    uint64_t chunk_o = 0;
    uint64_t chunk_ignored = 0;
    __m512i o_lanes = zero;
    __m512i ignored_lanes = zero;
    for (; i + 64 <= end; i += 64) {
      for (int k = 0; k < 4; ++k) {
        _mm_prefetch(reinterpret_cast<const char*>(labels + i + kPrefetch + 16 * k), _MM_HINT_T1);
      }
      const __m512i a = _mm512_loadu_si512(labels + i);
      const __m512i b = _mm512_loadu_si512(labels + i + 16);
      const __m512i c = _mm512_loadu_si512(labels + i + 32);
      const __m512i d = _mm512_loadu_si512(labels + i + 48);
      const __m512i x = _mm512_packs_epi16(_mm512_packs_epi32(a, b), _mm512_packs_epi32(c, d));
      o_lanes = _mm512_mask_add_epi8(o_lanes, _mm512_cmpeq_epi8_mask(x, zero), o_lanes, one);
      ignored_lanes =
          _mm512_mask_add_epi8(ignored_lanes, _mm512_cmpeq_epi8_mask(x, ignore), ignored_lanes, one);
      const __mmask64 keep = _mm512_cmplt_epu8_mask(_mm512_sub_epi8(x, one), num_entity);
      _mm512_storeu_si512(packed + fill, _mm512_maskz_compress_epi8(keep, x));
      fill += static_cast<std::size_t>(_mm_popcnt_u64(keep));
    }
    chunk_o += sum_byte_lanes(o_lanes);
    chunk_ignored += sum_byte_lanes(ignored_lanes);
    for (; i < end; ++i) {
      const int32_t l = labels[i];
      packed[fill] = static_cast<int8_t>(l);
      fill += l > 0 && l < kNumLabels;
      chunk_o += l == 0;
      chunk_ignored += l == kIgnoreLabel;
    }
    bad |= chunk_o + chunk_ignored + fill != end - begin;
    num_o += chunk_o;
    std::size_t k = 0;
    for (; k + 4 <= fill; k += 4) {
      ++hist[0][static_cast<uint8_t>(packed[k])];
      ++hist[1][static_cast<uint8_t>(packed[k + 1])];
      ++hist[2][static_cast<uint8_t>(packed[k + 2])];
      ++hist[3][static_cast<uint8_t>(packed[k + 3])];
    }
    for (; k < fill; ++k) ++hist[0][static_cast<uint8_t>(packed[k])];
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
