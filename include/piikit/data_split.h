// Training/validation split: a seeded shuffle, then a validation share that covers every entity
// type present in the data.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "piikit/sample.h"

namespace piikit {

struct DataSplit {
  std::vector<Sample> train;
  std::vector<Sample> validation;
  std::vector<std::string> warnings;  // e.g. a type with a single sample (kept in train only)
};

// Shuffles `samples` with `seed` (Fisher-Yates over SplitMix64 below, so the
// result is the same on every platform), takes round(eval_ratio * n) samples (at least 1) as
// validation, then moves samples so that every entity type present in the data appears in the
// validation split: for a missing type the first training sample holding it is swapped with a
// validation sample whose types are all covered at least twice (or simply moved when there is
// none). A type present in a single sample stays in training and is reported in `warnings`.
// Throws ConfigError when eval_ratio is outside (0, 1) or there are fewer than 2 samples.
DataSplit split_train_validation(std::vector<Sample> samples, double eval_ratio, uint64_t seed);

// In-place seeded shuffle used by the split and the batcher (platform-independent).
template <typename T>
void seeded_shuffle(std::vector<T>& items, uint64_t seed);

// The random stream behind seeded_shuffle: splitmix64, identical on every platform.
class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}
  uint64_t next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n), n > 0 (modulo bias below 2^-40 for n < 2^24; irrelevant here).
  uint64_t below(uint64_t n) { return next() % n; }

 private:
  uint64_t state_;
};

template <typename T>
void seeded_shuffle(std::vector<T>& items, uint64_t seed) {
  SplitMix64 rng(seed);
  for (std::size_t i = items.size(); i > 1; --i) {
    std::size_t j = static_cast<std::size_t>(rng.below(i));
    std::swap(items[i - 1], items[j]);
  }
}

}  // namespace piikit
