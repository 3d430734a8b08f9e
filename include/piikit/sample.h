// A labeled sample: text plus PII spans in Unicode code-point offsets.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace piikit {

// A PII span. Offsets are Unicode code-point indices into Sample::text, end exclusive.
struct Entity {
  int64_t start = 0;
  int64_t end = 0;
  int type = 0;  // index into pii_types() (not a BIO label id)

  friend bool operator==(const Entity&, const Entity&) = default;
};

// A mention of a coreference cluster (code-point offsets, end exclusive).
struct Mention {
  int64_t start = 0;
  int64_t end = 0;
  friend bool operator==(const Mention&, const Mention&) = default;
};

// Mentions that refer to the same real-world entity ("Anna Novak" ... "she" ... "Ms Novak").
struct CorefCluster {
  std::vector<Mention> mentions;
  int type = -1;  // PII type of the entity, -1 when unknown or not PII
  friend bool operator==(const CorefCluster&, const CorefCluster&) = default;
};

struct Sample {
  std::string id;
  std::string text;               // UTF-8
  std::vector<Entity> entities;   // sorted by start, non-overlapping
  std::vector<CorefCluster> coref;
  std::string language;           // optional, e.g. "en"
  std::string country;            // optional, e.g. "DE"
  friend bool operator==(const Sample&, const Sample&) = default;
};

}  // namespace piikit
