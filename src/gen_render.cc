#include "gen_render.h"

#include <stdexcept>

#include "gen_values.h"
#include "piikit/utf8.h"

namespace piikit::gen {
namespace {

// Train split: the chance that a person's first name or surname, or a city, is made up
// (src/gen_names.h) rather than drawn from the lexicon.
constexpr double kSynthNameChance = 0.3;
constexpr double kSynthCityChance = 0.25;
constexpr double kSynthPlaceChance = 0.2;  // streets, states and countries

constexpr std::string_view kTitles[] = {"Mr", "Ms", "Mrs", "Dr.", "Mr.", "Ms.", "Prof.", "Dr", "Mx"};

// Address layouts: %N building number, %S street, %C city, %R state/region, %Z ZIP, %K country.
// The text before a component is its separator, written only when an earlier component was
// (so layouts stay well-formed when a user zeroes the chance of some address types).
std::string_view layout_for(std::string_view country, Rng& rng) {
  if (country == "US" || country == "CA" || country == "AU") return "%N %S, %C, %R %Z, %K";
  if (country == "GB" || country == "IE") return rng.chance(0.5) ? "%N %S, %C, %R, %Z, %K" : "%N %S, %C %Z, %R, %K";
  if (country == "IN" || country == "NG") return "%N, %S, %C, %R %Z, %K";
  if (country == "FR") return "%N %S, %Z %C, %R, %K";
  if (country == "VN") return "%N %S, %C, %R %Z, %K";
  if (country == "CN") return "No. %N %S, %C, %R %Z, %K";
  return rng.chance(0.8) ? "%S %N, %Z %C, %R, %K" : "%S %N, %Z %C (%R), %K";
}

int component_type(char c) {
  switch (c) {
    case 'N': return *type_from_name("BUILDINGNUM");
    case 'S': return *type_from_name("STREET");
    case 'C': return *type_from_name("CITY");
    case 'R': return *type_from_name("STATE");
    case 'Z': return *type_from_name("ZIP");
    default: return *type_from_name("COUNTRY");
  }
}

}  // namespace

uint32_t address_mask() {
  static const uint32_t kMask = [] {
    uint32_t m = 0;
    for (int t = 0; t < kNumTypes; ++t) {
      if (pii_types()[t].address) m |= bit(t);
    }
    return m;
  }();
  return kMask;
}

Renderer::Renderer(Rng& rng, const Lexicons& lex, uint32_t drawn)
    : rng_(rng), lex_(lex), drawn_(drawn) {
  country_ = std::string(rng_.pick(lex_.address_countries));
  for (auto& p : persons_) {
    p.first = std::string(lex_.first_names.pick(rng_));
    p.last = std::string(lex_.surnames.pick(rng_));
    // Train split: some names are made up (the eval split's are all unknown to the model).
    p.first = lex_.synth_first_names.or_made_up(rng_, kSynthNameChance, p.first);
    p.last = lex_.synth_surnames.or_made_up(rng_, kSynthNameChance, p.last);
  }
  text_.reserve(512);
}

bool Renderer::satisfiable(const Needs& needs) const {
  return (needs.types & ~drawn_) == 0 && (!needs.person || has_person()) &&
         (!needs.address || has_address());
}

void Renderer::text(std::string_view s) {
  // "... & Co." + "." -> one period, as people write it. Only template text is touched, never a
  // value (entity() appends directly).
  if (!s.empty() && s.front() == '.' && !text_.empty() && text_.back() == '.') s.remove_prefix(1);
  append(s);
}

void Renderer::append(std::string_view s) {
  text_.append(s);
  cps_ += static_cast<int64_t>(codepoint_count(s));
}

void Renderer::entity(int type, std::string_view v) {
  const int64_t start = cps_;
  append(v);
  entities_.push_back(Entity{start, cps_, type});
  emitted_ |= bit(type);
}

const std::string& Renderer::value(int type) {
  if (made_ & bit(type)) return values_[type];
  made_ |= bit(type);
  auto company = [&]() -> const std::string& {
    if (company_.empty()) {
      company_ = make_company_name(rng_, lex_);
      domain_ = company_domain(rng_, company_);
    }
    return company_;
  };
  auto username = [&]() -> const std::string& {
    if (username_.empty()) username_ = make_username(rng_, persons_[0].first, persons_[0].last, lex_);
    return username_;
  };
  const std::string_view name = type_name(type);
  std::string& v = values_[type];
  if (type == kSurname) v = persons_[0].last;
  else if (type == kFirstName) v = persons_[0].first;
  else if (name == "BUILDINGNUM") v = make_building_number(rng_, country_);
  else if (name == "DATEOFBIRTH") v = make_date_of_birth(rng_);
  else if (name == "EMAIL") company(), v = make_email(rng_, persons_[0].first, persons_[0].last, domain_, lex_);
  else if (name == "PHONENUMBER") v = make_phone(rng_, country_);
  else if (name == "CITY") {  // made up or picked, never both (the draws of generator v0.4)
    v = !lex_.synth_cities.empty() && rng_.chance(kSynthCityChance) ? lex_.synth_cities.make(rng_)
                                                                     : std::string(lex_.cities.pick_for(rng_, country_));
  }
  else if (name == "URL") company(), v = make_url(rng_, persons_[0].first, persons_[0].last, username(), domain_);
  else if (name == "COMPANYNAME") v = company();
  else if (name == "STATE") v = lex_.synth_states.or_made_up(rng_, kSynthPlaceChance, lex_.states.pick_for(rng_, country_));
  else if (name == "ZIP") v = make_zip(rng_, country_);
  else if (name == "STREET") v = lex_.synth_streets.or_made_up(rng_, kSynthPlaceChance, lex_.streets.pick_for(rng_, country_));
  else if (name == "COUNTRY") {
    v = lex_.synth_countries.or_made_up(rng_, kSynthPlaceChance,
                                        rng_.chance(0.95) ? lex_.countries.pick_for(rng_, country_)
                                                          : lex_.countries.pick(rng_));
  }
  else if (name == "SSN") v = make_ssn(rng_);
  else if (name == "DRIVERLICENSENUM") v = make_driver_license(rng_, persons_[0].last);
  else if (name == "PASSPORTID") v = make_passport(rng_);
  else if (name == "NATIONALID") v = make_national_id(rng_);
  else if (name == "IDCARDNUM") v = make_id_card(rng_);
  else if (name == "TAXNUM") v = make_tax_number(rng_);
  else if (name == "LICENSEPLATENUM") v = make_license_plate(rng_);
  else if (name == "PASSWORD") v = make_password(rng_, lex_);
  else if (name == "IBAN") v = make_iban(rng_);
  else if (name == "AGE") v = make_age(rng_);
  else if (name == "SECURITYTOKEN") v = make_security_token(rng_);
  else if (name == "CREDITCARDNUMBER") v = make_card_number(rng_);
  else if (name == "USERNAME") v = username();
  else throw std::logic_error("generator: no value maker for type " + std::string(name));
  return v;
}

void Renderer::person(int who, bool short_ref) {
  Person& p = persons_[who];
  const bool f = has(kFirstName), l = has(kSurname);
  if (!f && !l) throw std::logic_error("generator: {PERSON} rendered without a drawn name type");
  const std::string& first = p.first;
  const std::string& last = p.last;
  auto title = [&] {
    // Feminine surname forms (Czech/Slovak -ová, Polish -ska/-cka/-dzka) get a feminine title.
    auto ends = [&](std::string_view suffix) {
      return last.size() >= suffix.size() && last.compare(last.size() - suffix.size(), suffix.size(), suffix) == 0;
    };
    static constexpr std::string_view kFeminine[] = {"Ms", "Mrs", "Ms.", "Dr.", "Frau", "Paní"};
    const bool feminine = ends("ová") || ends("ská") || ends("cká") || ends("ska") || ends("cka") || ends("dzka");
    text(feminine ? rng_.pick(kFeminine) : rng_.pick(kTitles));
    text(" ");
  };
  int64_t start = -1;
  auto ent = [&](int type, std::string_view v) {
    if (start < 0) start = cps_;
    entity(type, v);
  };
  if (short_ref) {
    if (l) {
      if (rng_.chance(0.8)) title();
      ent(kSurname, last);
    } else {
      ent(kFirstName, first);
    }
  } else if (f && l) {
    const auto form = rng_.below(20);
    if (form <= 11) {
      ent(kFirstName, first), text(" "), ent(kSurname, last);
    } else if (form <= 13) {
      ent(kSurname, last), text(", "), ent(kFirstName, first);
    } else if (form == 14) {
      ent(kSurname, to_upper_latin(last)), text(" "), ent(kFirstName, first);
    } else if (form <= 16) {
      title(), ent(kFirstName, first), text(" "), ent(kSurname, last);
    } else if (form == 17) {
      ent(kFirstName, first), text(" "), text(std::string(1, rng_.upper()) + ". "), ent(kSurname, last);
    } else if (form == 18) {
      ent(kFirstName, first), text(" "), ent(kSurname, to_upper_latin(last));
    } else {
      ent(kSurname, last), text(" "), ent(kFirstName, first);
    }
  } else if (f) {
    ent(kFirstName, first);
  } else {
    if (rng_.chance(0.7)) title();
    ent(kSurname, last);
  }
  p.mentions.push_back(Mention{start, cps_});
}

void Renderer::person_part(int type) {
  // Separate first/last name fields are parts of one mention, not mentions of their own: they
  // are left out of the coreference clusters.
  const Person& p = persons_[0];
  entity(type, type == kSurname ? p.last : p.first);
}

void Renderer::address(bool multiline) {
  const std::string_view layout = layout_for(country_, rng_);
  bool first = true;
  std::size_t pos = 0;
  for (int k = 0; pos < layout.size(); ++k) {
    const std::size_t pct = layout.find('%', pos);
    const std::string_view sep = layout.substr(pos, pct - pos);
    const int type = component_type(layout[pct + 1]);
    pos = pct + 2;
    if (!has(type)) continue;
    if (!first) {
      text(multiline && sep == ", " ? std::string_view("\n") : sep);
    } else if (k == 0) {
      text(sep);  // a prefix such as "No. "
    }
    entity(type, value(type));
    first = false;
  }
}

void Renderer::render(const Template& t) {
  if (!satisfiable(t.needs)) {
    throw std::logic_error("generator: template not satisfiable: " + std::string(t.source));
  }
  render_nodes(t.nodes);
}

void Renderer::render_nodes(const std::vector<Node>& nodes) {
  for (const Node& n : nodes) {
    switch (n.kind) {
      case Node::Kind::kText: text(n.text); break;
      case Node::Kind::kChoice: text(rng_.pick(n.choices)); break;
      case Node::Kind::kFiller: text(make_filler(rng_, n.id, lex_)); break;
      case Node::Kind::kSlot:
        if (n.id < kNumTypes) entity(n.id, value(n.id));
        else if (n.id == kSlotPerson) person(0);
        else if (n.id == kSlotPerson2) person(1);
        else if (n.id == kSlotPersonRef) person(0, true);
        else address(n.id == kSlotAddressMl);
        break;
      case Node::Kind::kOptional: {
        if (n.needs.empty()) {
          if (rng_.chance(0.5)) render_nodes(n.children);
        } else if (satisfiable(n.needs)) {
          // Prefer parts that bring a type not shown yet; re-mentions are rarer.
          const bool fresh = (n.needs.types & ~emitted_) != 0 ||
                             (n.needs.person && !(emitted_ & (bit(kFirstName) | bit(kSurname)))) ||
                             (n.needs.address && !(emitted_ & address_mask()));
          if (rng_.chance(fresh ? 0.85 : 0.2)) render_nodes(n.children);
        }
        break;
      }
    }
  }
}

Sample Renderer::finish(std::string id) {
  Sample s;
  s.id = std::move(id);
  // Footers may leave blank lines behind; entity values never end in whitespace, so trimming
  // the tail never cuts a span.
  while (!text_.empty() && (text_.back() == '\n' || text_.back() == ' ')) text_.pop_back();
  s.text = std::move(text_);
  s.entities = std::move(entities_);
  for (const Person& p : persons_) {
    if (p.mentions.size() < 2) continue;
    CorefCluster c;
    c.mentions = p.mentions;
    c.type = has(kSurname) ? kSurname : kFirstName;
    s.coref.push_back(std::move(c));
  }
  s.language = "en";
  if (has_address()) s.country = country_;
  return s;
}

}  // namespace piikit::gen
