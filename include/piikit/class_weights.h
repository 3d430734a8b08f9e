// Class weights computed from the label frequency of the training split: the weights of the
// training loss, so that rare PII types (IBAN, SSN, tokens) do not lose to frequent names.
//
// Counts are over token labels (label_counting.h); kIgnoreLabel positions are not counted. With N
// counted tokens, K labels present (O included) and n_c the count of label c, the raw weights are
//   inverse       w_c = N / (K n_c)                  (scikit-learn's "balanced")
//   inverse_sqrt  w_c = sqrt(N / (K n_c))            (default)
//   effective     w_c = (1 - beta) / (1 - beta^n_c)  (Cui et al. 2019), beta = 0.999 by default
//   none          w_c = 1
// With granularity "type" (not the default) the classes are O and the entity types instead of the
// 53 BIO labels: n_t = count(B-t) + count(I-t), K = O plus the types present, and B-t and I-t
// share w_t. Per label, a long entity type's I-label is frequent and its B-label rare, so the
// weights also pull B against I inside an entity (docs/class-weights.md, "Granularity").
// and then, in this order (docs/class-weights.md):
//   1. O gets 1.0;
//   2. the entity labels present in the split are divided by their mean, so they average 1.0;
//   3. labels absent from the split get 1.0 (excluded from the mean), with a warning each;
//   4. on request, O gets o_weight (< 1.0; never above 1.0);
//   5. on request, every weight is capped at max_weight (no renormalization after the cap).
// A [class_weights] TOML table replaces the computation altogether.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "piikit/label_counting.h"
#include "piikit/label_set.h"

namespace toml {
inline namespace v3 {
class table;
}
}  // namespace toml

namespace piikit {

enum class WeightScheme { kNone, kInverse, kInverseSqrt, kEffective };
enum class WeightGranularity { kLabel, kType };

// "none" | "inverse" | "inverse_sqrt" | "effective"; anything else throws ConfigError naming it.
WeightScheme parse_weight_scheme(const std::string& name);
std::string scheme_name(WeightScheme scheme);
// "label" | "type"; anything else throws ConfigError naming it.
WeightGranularity parse_weight_granularity(const std::string& name);
std::string granularity_name(WeightGranularity granularity);

// The [training] settings of the computation (config keys class_weight_scheme,
// class_weight_beta, o_weight, max_weight, class_weight_granularity).
struct ClassWeightOptions {
  WeightScheme scheme = WeightScheme::kInverseSqrt;  // how counts become weights
  double beta = 0.999;      // effective-number beta, in [0, 1); only used by kEffective
  double o_weight = 1.0;    // weight of O, in (0, 1]: may be lowered, never raised
  double max_weight = 0.0;  // cap on every weight after normalization, >= 1.0; 0 = no cap
  WeightGranularity granularity = WeightGranularity::kLabel;  // classes: BIO labels or types
};

// Throws ConfigError naming the config key and the value when an option is out of range.
void check_class_weight_options(const ClassWeightOptions& options);

struct ClassWeights {
  std::vector<double> weights = std::vector<double>(kNumLabels, 1.0);  // indexed by label id
  LabelCounts counts{};         // token counts they were computed from (all 0 if unknown)
  std::string source = "none";  // scheme name, or "config" for a [class_weights] table
  double beta = 0.999;          // effective-number beta in use (informative for other schemes)
  double o_weight = 1.0;        // requested O weight (1.0 = not lowered)
  double max_weight = 0.0;      // requested cap (0 = none)
  std::string granularity = "label";  // "label" or "type" (informative)
  uint64_t total = 0;           // N: counted tokens
  int num_classes = 0;          // K: labels with a non-zero count
  std::vector<std::string> warnings;  // one per absent label, in id order

  // Records the counts (and N, K) next to the weights, e.g. for an override from a config.
  void attach_counts(const LabelCounts& label_counts);

  // {"scheme": source, "beta", "o_weight", "max_weight", "total", "num_classes",
  //  "counts": {"<id>": n}, "weights": {"<id>": w}} with all 53 ids in counts and weights.
  std::string to_json() const;
  // Parses to_json() output (class_weights.json of a saved model). Requires "weights" with exactly
  // the 53 ids, each finite and > 0, O at most 1.0; other keys optional but type-checked.
  // Throws DataError naming `source_name` and the offending key.
  static ClassWeights from_json(const std::string& json, const std::string& source_name);
  // A summary line, then one row per label id: id, label, count, share (% of N), weight.
  std::string to_table() const;
  // A ready-to-paste [class_weights] block: one `<id> = <weight>  # <label>` line per label,
  // weights printed so that they read back bit-exactly.
  std::string to_toml() const;
};

// Raw weights of the scheme, before steps 1-5 above: kNumLabels entries, 0.0 for absent labels
// (for kNone, 1.0 everywhere). Throws ConfigError for a beta outside [0, 1) with kEffective.
std::vector<double> raw_class_weights(const LabelCounts& counts, WeightScheme scheme, double beta);

// The weights training uses for these counts (steps 1-5 above). Throws ConfigError for bad options.
ClassWeights compute_class_weights(const LabelCounts& counts, const ClassWeightOptions& options);

// Weights from a [class_weights] TOML table. Keys: label ids ("17"), BIO names ("B-SSN") or bare
// types ("SSN": both B-SSN and I-SSN). Labels left out keep 1.0. Throws ConfigError naming the key,
// the value and (when the table was parsed from a file) path:line, for unknown keys, values that
// are not finite numbers > 0, O above 1.0, and a label set twice (e.g. by "SSN" and "B-SSN").
ClassWeights class_weights_from_toml(const toml::table& table);

// What training uses: the override (a [class_weights] table) when there is one, with `counts`
// attached for display; else compute_class_weights(counts, options).
ClassWeights resolve_class_weights(const LabelCounts& counts, const ClassWeightOptions& options,
                                   const std::optional<ClassWeights>& override_weights);

}  // namespace piikit
