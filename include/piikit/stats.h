// Dataset statistics: what `piikit stats` prints, reusable by other modules (class weights,
// training reports) from a loaded sample list.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "piikit/label_set.h"
#include "piikit/sample.h"
#include "piikit/sample_io.h"

namespace piikit {

// Summary of an integer quantity over samples. median/p95 are nearest-rank values
// (the ceil(q*n)-th smallest); all zero when there are no samples.
struct Distribution {
  double mean = 0;
  int64_t min = 0;
  int64_t median = 0;
  int64_t p95 = 0;
  int64_t max = 0;
};

struct DatasetStats {
  std::size_t samples = 0;
  std::size_t entities = 0;
  std::array<std::size_t, kNumTypes> entities_per_type{};  // indexed by type (pii_types order)
  std::size_t samples_without_entities = 0;                // negatives: text with no PII span
  std::size_t coref_clusters = 0;
  Distribution entities_per_sample;
  Distribution text_length;                      // in Unicode code points
  std::map<std::string, std::size_t> languages;  // samples per Sample::language (non-empty only)
  SkipReport skips;                              // what the readers skipped or dropped

  // Share of all entities that have `type`; 0 when there are no entities.
  double share(int type) const;
  // Most and least frequent type among the types present (count > 0); -1 when none. Ties go
  // to the lower type index.
  int most_frequent_type() const;
  int least_frequent_type() const;
  // count(most frequent) / count(least frequent), over the types present; 0 when no entities.
  // Types with no entity at all are listed by absent_types() instead (their ratio is infinite).
  double imbalance_ratio() const;
  std::vector<int> absent_types() const;
};

// Computes the statistics. Precondition: samples passed the readers' checks (valid UTF-8,
// entity types in [0, kNumTypes)); other types are ignored.
DatasetStats compute_stats(const std::vector<Sample>& samples, const SkipReport& skips = {});

// Plain-text report: totals, a per-type table (count, share; sorted by count, then type order),
// imbalance, distributions, and the skip report.
std::string to_table(const DatasetStats& stats);
// The same as a JSON document (pretty-printed, trailing newline). Keys: samples, entities,
// samples_without_entities, coref_clusters, per_type [{type,count,share}] in type order,
// imbalance {ratio, most_frequent, least_frequent, absent_types}, entities_per_sample,
// text_length_codepoints {mean,min,median,p95,max}, languages, skipped {samples_total,
// samples, entities_dropped_total, entities_dropped, entities_adjusted}.
std::string to_json(const DatasetStats& stats);

}  // namespace piikit
