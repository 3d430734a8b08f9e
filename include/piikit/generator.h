// Synthetic labeled PII text with the imbalance of real training sets.
//
// Each sample: with probability negative_ratio a hard negative (no PII, only look-alikes such
// as order numbers, versions, prices, hashes); otherwise k types, k uniform in
// [min_types, max_types], drawn by weighted sampling without replacement with the per-type
// chances; any drawn address type pulls in the whole address group (BUILDINGNUM, CITY, STATE,
// ZIP, STREET, COUNTRY, those with a positive chance). The sample then contains exactly those
// types, laid out in one of 18 genres (short message, e-mail, ticket, chat, letter, forms, JSON, YAML, .env,
// CSV, logs, ...).
//
// Deterministic: the same config, split and seed give the same samples, byte for byte, on any
// platform (own PRNG, no std distributions); sample i depends only on (config, split, seed, i).
// The train and eval splits draw from disjoint templates and lexicon entries (see
// docs/generator.md), so scores on the eval split measure generalization.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "piikit/label_set.h"
#include "piikit/sample.h"

namespace piikit {

enum class Split { kTrain, kEval };

// "train" / "eval".
std::string_view split_name(Split split);
// Inverse of split_name; nullopt for anything else.
std::optional<Split> split_from_name(std::string_view name);

struct GeneratorConfig {
  // Generation chance per type, by type index (defaults: pii_types()[i].chance: 0.5 for
  // FIRSTNAME/SURNAME, 0.1 for the rest). Relative weights of the draw; 0 = never drawn.
  std::array<double, kNumTypes> chances{};
  int min_types = 1;             // types drawn per PII sample (before the address group expands)
  int max_types = 4;             // at most kNumTypes
  double negative_ratio = 0.08;  // share of samples with no PII at all (hard negatives), [0, 1]
  GeneratorConfig();             // fills chances from the label schema

  // Throws ConfigError when a value is out of range (negative or non-finite chance, all chances
  // zero, min_types < 1, max_types < min_types or > kNumTypes, negative_ratio outside [0, 1]).
  void validate() const;

  // Reads a TOML file with a [generator] table:
  //   [generator]
  //   min_types = 1
  //   max_types = 3
  //   negative_ratio = 0.1
  //   chances.SSN = 0.3          # or a [generator.chances] table; types not named keep defaults
  // Other top-level tables are ignored (a training config may hold this table too). Unknown keys
  // and bad values throw ConfigError "<file>:<line>: generator.<key>: <problem>, got <value>".
  static GeneratorConfig from_toml_file(const std::string& path);
  // Same, from TOML text; `source_name` stands in for the file name in errors.
  static GeneratorConfig from_toml(const std::string& toml_text, const std::string& source_name);
};

class Generator {
 public:
  // Throws ConfigError if the config is invalid.
  Generator(const GeneratorConfig& config, Split split, uint64_t seed);
  ~Generator();
  Generator(Generator&&) noexcept;
  Generator& operator=(Generator&&) noexcept;

  // The next sample; ids are "<split>-<seed>-<index>", index counting from 0.
  // Entities are sorted, non-overlapping, non-empty; offsets are code points.
  Sample next();
  // Sample `index` directly (what the index-th call of next() returns).
  Sample sample_at(uint64_t index) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

std::vector<Sample> generate_samples(const GeneratorConfig& config, Split split, uint64_t seed,
                                     std::size_t count);

// --- introspection (tests, docs) ---------------------------------------------------------
// Every template text of a split (headers, sentences, field names...), as written.
std::vector<std::string> generator_template_texts(Split split);
// Names of the embedded lexicon files ("first_names.txt", ...).
std::vector<std::string> generator_lexicon_names();
// The values of one lexicon in one split (shared lexicons, such as legal suffixes and mail
// providers, return all entries for both splits). Throws std::out_of_range for an unknown name.
std::vector<std::string> generator_lexicon_values(std::string_view lexicon, Split split);
// True for the lexicons whose entries are split between train and eval.
bool generator_lexicon_is_partitioned(std::string_view lexicon);

}  // namespace piikit
