#include "piikit/data_split.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <string>

#include "piikit/error.h"
#include "piikit/label_set.h"

namespace piikit {
namespace {

// Which types a sample holds (each type once).
std::array<bool, kNumTypes> types_of(const Sample& sample) {
  std::array<bool, kNumTypes> has{};
  for (const Entity& e : sample.entities) {
    if (e.type >= 0 && e.type < kNumTypes) has[e.type] = true;
  }
  return has;
}

}  // namespace

DataSplit split_train_validation(std::vector<Sample> samples, double eval_ratio, uint64_t seed) {
  if (!(eval_ratio > 0.0 && eval_ratio < 1.0)) {
    throw ConfigError("training.eval_size_ratio: expected a value in (0, 1), got " +
                      std::to_string(eval_ratio));
  }
  if (samples.size() < 2) {
    throw ConfigError("training data: need at least 2 samples to split off a validation set, got " +
                      std::to_string(samples.size()));
  }
  seeded_shuffle(samples, seed);
  const std::size_t n = samples.size();
  std::size_t n_val = static_cast<std::size_t>(std::llround(eval_ratio * static_cast<double>(n)));
  n_val = std::clamp<std::size_t>(n_val, 1, n - 1);

  // Validation = the first n_val samples of the shuffled order; in_val marks membership.
  std::vector<bool> in_val(n, false);
  for (std::size_t i = 0; i < n_val; ++i) in_val[i] = true;
  std::vector<std::array<bool, kNumTypes>> types(n);
  std::array<int, kNumTypes> total{}, val_count{};
  for (std::size_t i = 0; i < n; ++i) {
    types[i] = types_of(samples[i]);
    for (int t = 0; t < kNumTypes; ++t) {
      if (!types[i][t]) continue;
      ++total[t];
      if (in_val[i]) ++val_count[t];
    }
  }

  DataSplit split;
  for (int t = 0; t < kNumTypes; ++t) {
    if (total[t] == 0 || val_count[t] > 0) continue;
    if (total[t] == 1) {
      split.warnings.push_back("type " + std::string(type_name(t)) +
                               " appears in a single sample: kept in training, not validated");
      continue;
    }
    // First training sample (shuffled order) holding type t.
    std::size_t donor = n;
    for (std::size_t i = 0; i < n && donor == n; ++i) {
      if (!in_val[i] && types[i][t]) donor = i;
    }
    // A validation sample whose every type stays covered without it, preferring one with no
    // entities at all, so the swap keeps the validation size.
    std::size_t back = n;
    for (std::size_t i = 0; i < n; ++i) {
      if (!in_val[i]) continue;
      bool removable = true;
      for (int u = 0; u < kNumTypes && removable; ++u) {
        if (types[i][u] && val_count[u] < 2) removable = false;
      }
      if (!removable) continue;
      if (back == n) back = i;
      if (samples[i].entities.empty()) {
        back = i;
        break;
      }
    }
    if (back == n && n_val + 1 >= n) {
      split.warnings.push_back("type " + std::string(type_name(t)) +
                               " not validated: moving a sample would leave training empty");
      continue;
    }
    in_val[donor] = true;
    for (int u = 0; u < kNumTypes; ++u) val_count[u] += types[donor][u] ? 1 : 0;
    if (back != n) {
      in_val[back] = false;
      for (int u = 0; u < kNumTypes; ++u) val_count[u] -= types[back][u] ? 1 : 0;
    } else {
      ++n_val;
    }
  }

  for (std::size_t i = 0; i < n; ++i) {
    (in_val[i] ? split.validation : split.train).push_back(std::move(samples[i]));
  }
  return split;
}

}  // namespace piikit
