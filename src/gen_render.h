// Per-sample rendering state: the text being built with exact code-point spans, the sample's
// PII values (made once, so repeated mentions agree), persons and addresses.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "gen_lexicon.h"
#include "gen_random.h"
#include "gen_template.h"
#include "piikit/label_set.h"
#include "piikit/sample.h"

namespace piikit::gen {

inline constexpr int kFirstName = 1;  // type indices used by the renderer (label_set.cc order)
inline constexpr int kSurname = 0;
inline constexpr uint32_t bit(int type) { return 1u << type; }
// Address group mask, from the label schema.
uint32_t address_mask();

class Renderer {
 public:
  // `drawn`: bit mask of the PII types this sample must contain.
  Renderer(Rng& rng, const Lexicons& lex, uint32_t drawn);

  Rng& rng() { return rng_; }
  const Lexicons& lex() const { return lex_; }
  uint32_t drawn() const { return drawn_; }
  uint32_t emitted() const { return emitted_; }
  bool has(int type) const { return drawn_ & bit(type); }
  bool has_person() const { return drawn_ & (bit(kFirstName) | bit(kSurname)); }
  bool has_address() const { return drawn_ & address_mask(); }
  bool satisfiable(const Needs& needs) const;
  // Country code of the sample's address and phone formats ("DE").
  std::string_view country() const { return country_; }

  // --- building text ---
  void text(std::string_view s);
  // Appends `value` as an entity of `type` and marks the type emitted.
  void entity(int type, std::string_view value);
  // The sample's value of `type` (made on first use).
  const std::string& value(int type);
  // Renders a template. Precondition: satisfiable(t.needs).
  void render(const Template& t);
  void render_nodes(const std::vector<Node>& nodes);

  // {PERSON} (who = 0) / {PERSON2} (who = 1): the drawn name types in one of several forms;
  // short_ref: a re-mention ("Ms Nováková", or the first name). Records a coreference mention.
  void person(int who, bool short_ref = false);
  // Only one part of person 0 (forms with separate first/last name fields).
  void person_part(int type);
  void address(bool multiline);

  // Finishes the sample: text, sorted entities, coreference clusters of persons mentioned
  // at least twice.
  Sample finish(std::string id);
  std::size_t codepoints() const { return cps_; }
  const std::string& current_text() const { return text_; }

 private:
  void append(std::string_view s);  // raw append with code-point count

  struct Person {
    std::string first, last;
    std::vector<Mention> mentions;
  };

  Rng& rng_;
  const Lexicons& lex_;
  uint32_t drawn_;
  uint32_t emitted_ = 0;
  std::string country_;
  std::string text_;
  int64_t cps_ = 0;
  std::vector<Entity> entities_;
  std::array<std::string, kNumTypes> values_;
  uint32_t made_ = 0;
  std::array<Person, 2> persons_;
  std::string company_, domain_, username_;
};

}  // namespace piikit::gen
