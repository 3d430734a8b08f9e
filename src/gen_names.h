// Made-up values in the style of a lexicon: a character trigram model of its entries.
//
// The eval split (and text written by others) holds names and places training never shows, so a
// model that learned the lexicon's values by heart meets only unknown ones there. In the train
// split a share of names and cities is drawn from this model instead ("Marvenka", "Holtberg"):
// values that sound like the lexicon's but are in neither split's lexicon, so the model has to
// recognise a name by its shape and its context.
#pragma once

#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include <string_view>
#include "gen_random.h"

namespace piikit::gen {

class ValueSynth {
 public:
  ValueSynth() = default;
  // Learns from `values` (one split's entries); `avoid` is every value the output must never equal
  // (the whole lexicon file, both splits).
  ValueSynth(const std::vector<std::string_view>& values, const std::vector<std::string_view>& avoid);

  bool empty() const { return next_.empty(); }
  // A value of 3 to 16 code points that is no entry of `avoid`. Deterministic for a given rng
  // state. After a few rejected draws it returns one of the learned entries.
  std::string make(Rng& rng) const;
  // make() with probability `chance`, else `value`; an empty model returns `value` without
  // drawing (the eval split's random stream stays as it is).
  std::string or_made_up(Rng& rng, double chance, std::string_view value) const;

 private:
  // (previous two code points) -> the code points that followed them, with cumulative counts.
  // 0 marks the start of a value, 1 its end.
  std::unordered_map<uint64_t, std::vector<std::pair<char32_t, uint32_t>>> next_;
  std::unordered_set<std::string> avoid_;
  std::vector<std::string> fallback_;
};

}  // namespace piikit::gen
