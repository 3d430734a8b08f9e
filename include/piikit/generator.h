// Synthetic labeled PII text with the imbalance of real training sets.
//
// Deterministic: the same config, split and seed give the same samples, byte for byte.
// The train and eval splits draw from disjoint templates and lexicon entries (see
// docs/generator.md), so scores on the eval split measure generalization.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "piikit/label_set.h"
#include "piikit/sample.h"

namespace piikit {

enum class Split { kTrain, kEval };

struct GeneratorConfig {
  // Generation chance per type (defaults: pii_types()[i].chance; 0.5 names, 0.1 others).
  std::array<double, kNumTypes> chances{};
  int min_types = 1;                 // types drawn per sample (weighted, without replacement)
  int max_types = 4;
  double negative_ratio = 0.08;      // share of samples with no PII at all (hard negatives)
  GeneratorConfig();                 // fills chances from the label schema
  // Reads a TOML file with a [generator] table (chances.<TYPE> = p, min_types, max_types,
  // negative_ratio). Unknown keys and bad values throw ConfigError naming key and value.
  static GeneratorConfig from_toml_file(const std::string& path);
};

class Generator {
 public:
  Generator(const GeneratorConfig& config, Split split, uint64_t seed);
  ~Generator();
  Generator(Generator&&) noexcept;
  Sample next();  // ids are "<split>-<seed>-<index>"

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

std::vector<Sample> generate_samples(const GeneratorConfig& config, Split split, uint64_t seed,
                                     std::size_t count);

}  // namespace piikit
