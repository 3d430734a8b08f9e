// Lexicons for the generator: plain-text files from data/lexicon/, embedded into the binary at
// build time (cmake/embed_lexicons.cmake), parsed once and partitioned into train and eval.
//
// File format: one entry per line, UTF-8; blank lines and lines starting with '#' are ignored;
// an optional "|XX" suffix tags the entry with an ISO 3166 country code ("München|DE").
//
// Partition (docs/generator.md): an entry belongs to the eval split iff
// fnv1a64(value) % 5 == 0 (about 20%), else to train. Files whose entries are value formats
// rather than PII values (legal suffixes, mail providers) are shared by both splits.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "gen_names.h"
#include "gen_random.h"
#include "piikit/generator.h"

namespace piikit::gen {

struct LexEntry {
  std::string_view value;    // points into the embedded file: valid for the program's lifetime
  std::string_view country;  // "DE", or empty when untagged
};

// True when `value` belongs to the eval split of a partitioned lexicon.
inline bool is_eval_entry(std::string_view value) { return fnv1a64(value) % 5 == 0; }

// Lexicons whose entries are value formats, not PII values: used whole by both splits.
inline bool is_shared_lexicon(std::string_view name) {
  return name == "company_suffixes.txt" || name == "mail_domains.txt";
}

// Raw text of an embedded lexicon file ("first_names.txt"); throws std::out_of_range if absent.
std::string_view embedded_lexicon(std::string_view name);
// Names of all embedded lexicon files, in build order.
std::vector<std::string_view> embedded_lexicon_names();

// Parses one embedded file. Throws DataError("data/lexicon/<name>", line, ...) for an empty
// entry, a bad country tag or invalid UTF-8 (caught by the tests, never by users).
std::vector<LexEntry> parse_lexicon(std::string_view name);

class Lexicon {
 public:
  Lexicon() = default;
  // Entries of `name` in `split`; `shared` keeps every entry for both splits.
  Lexicon(std::string_view name, Split split, bool shared = false);

  const std::vector<LexEntry>& entries() const { return entries_; }
  std::string_view pick(Rng& rng) const { return entries_[rng.below(entries_.size())].value; }
  // An entry tagged `country`, or any entry when the split has none for it.
  std::string_view pick_for(Rng& rng, std::string_view country) const;
  bool has_country(std::string_view country) const;

 private:
  std::vector<LexEntry> entries_;
  std::vector<std::pair<std::string_view, std::vector<int>>> by_country_;  // sorted by code
};

// Every lexicon of one split, parsed once (thread-safe static initialization).
struct Lexicons {
  Lexicon first_names, surnames, cities, streets, states, countries;
  Lexicon company_words, company_suffixes, mail_domains, common_words, products, job_titles;
  // Ordinary English (src/gen_prose.h): a large mixed list and small part-of-speech lists.
  Lexicon english_words, english_nouns, english_verbs, english_adjectives;
  // Address countries (kAddressCountries order) with a country name, city, street and region in
  // this split: addresses stay coherent ("München, Bayern, Deutschland").
  std::vector<std::string_view> address_countries;
  // Train split only (empty in eval): made-up first names, surnames, cities, streets, states and
  // countries in the style of this split's entries (src/gen_names.h).
  ValueSynth synth_first_names, synth_surnames, synth_cities, synth_streets, synth_states, synth_countries;
  // Train split only: made-up lower-case words in the style of the English lists, never an entry
  // of an English list, a name or a place (either split): unseen words that are not PII.
  ValueSynth synth_words;
  Split split = Split::kTrain;
  static const Lexicons& get(Split split);
};

}  // namespace piikit::gen
