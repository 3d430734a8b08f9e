// Class weights computed from the label frequency of the training split.
//
// Counts are over token labels; kIgnoreLabel (-100) positions are skipped. With N counted tokens,
// K labels present and n_c the count of label c:
//   inverse       w_c = N / (K n_c)
//   inverse_sqrt  w_c = sqrt(N / (K n_c))      (default)
//   effective     w_c = (1 - beta) / (1 - beta^n_c)   (Cui et al. 2019), beta = 0.999
//   none          w_c = 1
// Then: O is set to 1.0; the entity weights of present labels are divided by their mean (mean 1.0);
// absent labels keep 1.0 (with a warning). On request: o_weight < 1.0, then max_weight caps.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "piikit/label_set.h"

namespace toml {
inline namespace v3 {
class table;
}
}  // namespace toml

namespace piikit {

enum class WeightScheme { kNone, kInverse, kInverseSqrt, kEffective };

WeightScheme parse_weight_scheme(const std::string& name);  // throws ConfigError
std::string scheme_name(WeightScheme scheme);

using LabelCounts = std::array<uint64_t, kNumLabels>;

// Counts labels in [0, kNumLabels); skips kIgnoreLabel. Any other value throws std::out_of_range.
LabelCounts count_labels(const int32_t* labels, std::size_t n);
void count_labels_into(const int32_t* labels, std::size_t n, LabelCounts& counts);

struct ClassWeightOptions {
  WeightScheme scheme = WeightScheme::kInverseSqrt;
  double beta = 0.999;         // effective-number beta, in (0, 1)
  double o_weight = 1.0;       // weight of O; may be lowered, never above 1.0
  double max_weight = 0.0;     // cap applied after normalization; 0 = no cap
};

struct ClassWeights {
  std::vector<double> weights;  // kNumLabels entries, indexed by label id
  LabelCounts counts{};         // what they were computed from (zeros for an override)
  std::string source;           // "inverse_sqrt", ... or "config" for a [class_weights] table
  double beta = 0.999;
  uint64_t total = 0;           // N
  int num_classes = 0;          // K
  std::vector<std::string> warnings;  // e.g. absent labels

  std::string to_json() const;        // {"scheme","beta","total","num_classes","counts","weights"}
  static ClassWeights from_json(const std::string& json, const std::string& source_name);
  std::string to_table() const;       // id, label, count, share, weight
  std::string to_toml() const;        // ready-to-paste [class_weights] block
};

ClassWeights compute_class_weights(const LabelCounts& counts, const ClassWeightOptions& options);

// Weights from a [class_weights] TOML table. Keys: label ids ("17"), BIO names ("B-SSN") or bare
// types ("SSN", both B- and I-). Missing labels keep 1.0. Throws ConfigError naming key and value
// for unknown keys, non-finite or non-positive values, and O above 1.0.
ClassWeights class_weights_from_toml(const toml::table& table);

}  // namespace piikit
