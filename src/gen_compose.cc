#include "gen_compose.h"

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "gen_prose.h"
#include "piikit/utf8.h"
#include "gen_values.h"

namespace piikit::gen {
namespace {

enum class Body { kProse, kChat, kMessage, kForm, kJson, kYaml, kEnv, kIni, kCsv, kLog };

struct Genre {
  std::string_view name;
  Body body;
};

constexpr Genre kGenres[] = {
    {"email", Body::kProse},   {"ticket", Body::kProse},   {"chat", Body::kChat},
    {"letter", Body::kProse},  {"note", Body::kProse},     {"hr", Body::kForm},
    {"medical", Body::kForm},  {"bank", Body::kForm},      {"shipping", Body::kForm},
    {"invoice", Body::kForm},  {"webform", Body::kForm},   {"json", Body::kJson},
    {"yaml", Body::kYaml},     {"env", Body::kEnv},        {"ini", Body::kIni},
    {"csv", Body::kCsv},       {"log", Body::kLog},
    // Short messages (one to a few sentences, no header or signature): what people paste into
    // chat tools and forms. Three entries, so about 15% of samples are short messages.
    {"message", Body::kMessage}, {"sms", Body::kMessage},   {"comment", Body::kMessage},
};

// Body units: one per drawn type, except that the name types form one PERSON unit and the
// address types one ADDRESS unit.
constexpr int kUnitPerson = -1;
constexpr int kUnitAddress = -2;

const Template* pick_eligible(Renderer& r, const std::vector<Template>& list) {
  std::vector<const Template*> ok;
  for (const Template& t : list) {
    if (r.satisfiable(t.needs)) ok.push_back(&t);
  }
  if (ok.empty()) return nullptr;
  return ok[r.rng().below(ok.size())];
}

const Template* pick_group(Renderer& r, const TemplateSet& ts, const std::string& group) {
  if (!ts.has_group(group)) return nullptr;
  return pick_eligible(r, ts.group(group));
}

uint32_t person_mask() { return bit(kFirstName) | bit(kSurname); }

// Types a template emits for sure (its mandatory part).
uint32_t mandatory_types(const Renderer& r, const Template* t) {
  if (!t) return 0;
  uint32_t m = t->needs.types;
  if (t->needs.person) m |= r.drawn() & person_mask();
  if (t->needs.address) m |= r.drawn() & address_mask();
  return m;
}

std::vector<int> body_units(Renderer& r, uint32_t todo) {
  std::vector<int> units;
  if (todo & person_mask()) units.push_back(kUnitPerson);
  if (todo & address_mask()) units.push_back(kUnitAddress);
  for (int t = 0; t < kNumTypes; ++t) {
    if ((todo & bit(t)) && !(person_mask() & bit(t)) && !(address_mask() & bit(t))) units.push_back(t);
  }
  for (std::size_t i = units.size(); i > 1; --i) std::swap(units[i - 1], units[r.rng().below(i)]);
  return units;
}

bool unit_done(const Renderer& r, int unit) {
  if (unit == kUnitPerson) return (r.drawn() & person_mask() & ~r.emitted()) == 0;
  if (unit == kUnitAddress) return (r.drawn() & address_mask() & ~r.emitted()) == 0;
  return r.emitted() & bit(unit);
}

std::string unit_group(const char* prefix, int unit) {
  if (unit == kUnitPerson) return std::string(prefix) + "PERSON";
  if (unit == kUnitAddress) return std::string(prefix) + "ADDRESS";
  return std::string(prefix) + std::string(type_name(unit));
}

// ---- prose and chat ----------------------------------------------------------------------

// `brief`: a short message: sentences mostly on one line, fewer filler sentences.
void render_prose(Renderer& r, const TemplateSet& ts, uint32_t todo, bool chat, bool brief) {
  Rng& rng = r.rng();
  static constexpr std::string_view kSeps[] = {" ", " ", "\n", "\n\n"};
  static constexpr std::string_view kBriefSeps[] = {" ", " ", " ", "\n"};
  const std::string_view sep = chat ? std::string_view("\n") : rng.pick(brief ? kBriefSeps : kSeps);
  const double filler_scale = brief ? 0.4 : 1.0;
  static constexpr std::string_view kChatStyles[] = {"[%T] %W: ", "%W (%T): ", "<%W> ", "%T %W> "};
  static constexpr std::string_view kCustomer[] = {"customer", "visitor", "me", "user"};
  static constexpr std::string_view kAgent[] = {"agent", "support", "operator", "bot"};
  const std::string_view style = rng.pick(kChatStyles);
  const std::string_view who[2] = {rng.pick(kCustomer), rng.pick(kAgent)};
  bool first = true;
  int minute = static_cast<int>(rng.range(7 * 60, 21 * 60));  // chat clock, minutes after midnight
  auto begin_line = [&](int speaker) {
    if (!first) r.text(sep);
    first = false;
    if (!chat) return;
    for (std::size_t i = 0; i < style.size(); ++i) {
      if (style[i] == '%' && i + 1 < style.size()) {
        if (style[i + 1] == 'T') {
          minute = (minute + static_cast<int>(rng.below(4))) % (24 * 60);
          const char clock[6] = {static_cast<char>('0' + minute / 600), static_cast<char>('0' + minute / 60 % 10), ':',
                                 static_cast<char>('0' + minute % 60 / 10), static_cast<char>('0' + minute % 10), '\0'};
          r.text(clock);
        } else {
          r.text(who[speaker]);
        }
        ++i;
      } else {
        r.text(style.substr(i, 1));
      }
    }
  };
  // A line without PII: a filler template (look-alikes) or ordinary prose (src/gen_prose.h).
  auto filler = [&](int speaker) {
    begin_line(speaker);
    if (rng.chance(0.5)) {
      r.render(*pick_eligible(r, ts.group("filler")));
    } else {
      r.text(make_paragraph(rng, r.lex(), chat ? 2 : 3));
    }
  };

  std::vector<int> units = body_units(r, todo);
  if (units.empty()) {  // a hard negative: look-alikes and prose only
    const int n = 1 + static_cast<int>(rng.below(brief ? 2 : 4));
    for (int i = 0; i < n; ++i) filler(i % 2);
    return;
  }
  if (rng.chance(0.4 * filler_scale)) filler(1);
  if (units.size() >= 2 && rng.chance(0.4)) {
    // A combo sentence hosting several remaining types at once.
    std::vector<const Template*> ok;
    for (const Template& t : ts.group("combo")) {
      const uint32_t m = mandatory_types(r, &t);
      if (r.satisfiable(t.needs) && (m & todo) == m && __builtin_popcount(m) >= 2) ok.push_back(&t);
    }
    if (!ok.empty()) {
      begin_line(0);
      r.render(*ok[rng.below(ok.size())]);
    }
  }
  for (int unit : units) {
    if (unit_done(r, unit)) continue;
    if (rng.chance(0.25 * filler_scale)) filler(1);
    begin_line(0);
    if (rng.chance(0.25)) {  // prose on the same line, so context words are not always template words
      r.text(make_sentence(rng, r.lex()));
      r.text(" ");
    }
    r.render(*pick_eligible(r, ts.group(unit_group("body.", unit))));
    if (rng.chance(0.2)) {
      r.text(" ");
      r.text(make_sentence(rng, r.lex()));
    }
  }
  if ((r.emitted() & person_mask()) && rng.chance(0.3)) {
    begin_line(1);
    r.render(*pick_eligible(r, ts.group("ref")));
  }
  if (rng.chance(0.3 * filler_scale)) filler(1);
}

// ---- fields (forms and structured snippets) -------------------------------------------------

enum class FieldKind { kType, kPersonFull, kPersonPart, kAddressInline, kAddressNested, kNegative };

struct Field {
  std::string key;  // phrase, styled at output
  FieldKind kind;
  int id;  // type index, or filler kind for kNegative
};

std::string_view phrase(Renderer& r, const TemplateSet& ts, const std::string& group) {
  return r.rng().pick(ts.group(group)).source;
}

// Train split only: the chance that a field name is one the model cannot know. Forms written by
// others (and the eval split) use field names training never shows ("Hausnummer", "second name");
// where the name is an English word or a code, the model has to read the value's shape and its
// place in the record, which is what carries over to unseen names.
constexpr double kUnknownKeyChance = 0.2;

std::string unknown_key(Renderer& r) {
  Rng& rng = r.rng();
  const Lexicons& lex = r.lex();
  const double u = rng.uniform();
  if (u < 0.45) return std::string(lex.english_words.pick(rng));
  if (u < 0.7) return std::string(lex.english_adjectives.pick(rng)) + " " + std::string(lex.english_nouns.pick(rng));
  if (u < 0.85) {  // a code of consonants ("qx", "fldr", "nr7"): not an English word
    std::string code = rng.chars("bcdfghjklmnpqrstvwxz", static_cast<std::size_t>(rng.range(2, 4)));
    return rng.chance(0.3) ? code + std::to_string(rng.range(1, 9)) : code;
  }
  return std::string(lex.english_nouns.pick(rng)) + " " + std::to_string(rng.range(1, 20));  // "column 7"
}

// `known`, or in the train split sometimes an unknown field name instead.
std::string or_unknown_key(Renderer& r, std::string_view known) {
  if (r.lex().split != Split::kTrain || !r.rng().chance(kUnknownKeyChance)) return std::string(known);
  return unknown_key(r);
}

// A field name of `group`, or in the train split sometimes an unknown one.
std::string key_phrase(Renderer& r, const TemplateSet& ts, const std::string& group) {
  return or_unknown_key(r, phrase(r, ts, group));
}

std::vector<Field> make_fields(Renderer& r, const TemplateSet& ts, uint32_t todo, bool nested_ok) {
  Rng& rng = r.rng();
  std::vector<Field> fields;
  for (int unit : body_units(r, todo)) {
    if (unit == kUnitPerson) {
      if (r.has(kFirstName) && r.has(kSurname) && rng.chance(0.5)) {
        fields.push_back({key_phrase(r, ts, "key.PERSON"), FieldKind::kPersonFull, -1});
      } else {
        for (int t : {kFirstName, kSurname}) {
          if (todo & bit(t)) fields.push_back({key_phrase(r, ts, unit_group("key.", t)), FieldKind::kPersonPart, t});
        }
      }
    } else if (unit == kUnitAddress) {
      const double u = rng.uniform();
      if (u < 0.3) {
        fields.push_back({key_phrase(r, ts, "key.ADDRESS"), FieldKind::kAddressInline, -1});
      } else if (u < 0.55 && nested_ok) {
        fields.push_back({key_phrase(r, ts, "key.ADDRESS"), FieldKind::kAddressNested, -1});
      } else {
        for (const char* name : {"STREET", "BUILDINGNUM", "ZIP", "CITY", "STATE", "COUNTRY"}) {
          const int t = *type_from_name(name);
          if (todo & bit(t)) fields.push_back({key_phrase(r, ts, unit_group("key.", t)), FieldKind::kType, t});
        }
      }
    } else {
      fields.push_back({key_phrase(r, ts, unit_group("key.", unit)), FieldKind::kType, unit});
    }
  }
  const int negatives = static_cast<int>(fields.empty() ? 2 + rng.below(5) : rng.below(4));
  for (int i = 0; i < negatives; ++i) {
    const std::string_view spec = phrase(r, ts, "negkey");
    const std::size_t eq = spec.find('=');
    Field f{or_unknown_key(r, spec.substr(0, eq)), FieldKind::kNegative, filler_kind(spec.substr(eq + 1))};
    fields.insert(fields.begin() + static_cast<std::ptrdiff_t>(rng.below(fields.size() + 1)), std::move(f));
  }
  return fields;
}

enum class KeyStyle { kSnake, kCamel, kUpperSnake, kKebab, kCapitalized, kTitle, kUpper };

// Upper case of ASCII, Latin-1 and Latin Extended-A letters (the key phrases' alphabets).
char32_t upper_latin(char32_t c) {
  if ((c >= U'a' && c <= U'z') || (c >= 0xE0 && c <= 0xFE && c != 0xF7)) return c - 0x20;
  const bool even_upper = (c >= 0x100 && c <= 0x137) || (c >= 0x14A && c <= 0x177);
  const bool odd_upper = (c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E);
  if ((even_upper && c % 2 == 1) || (odd_upper && c % 2 == 0)) return c - 1;
  return c;
}

std::string style_key(std::string_view phrase, KeyStyle style) {
  if (style == KeyStyle::kCapitalized || style == KeyStyle::kTitle || style == KeyStyle::kUpper) {
    std::u32string cps = utf8_decode(phrase);
    for (std::size_t i = 0; i < cps.size(); ++i) {
      const bool word_start = i == 0 || cps[i - 1] == U' ';
      const bool up = style == KeyStyle::kUpper || (word_start && (i == 0 || style == KeyStyle::kTitle));
      if (up) cps[i] = upper_latin(cps[i]);
    }
    return utf8_encode(cps);
  }
  const std::string base = slug(phrase, ' ');
  std::string out;
  bool new_word = false;
  for (char c : base) {
    if (c == ' ') {
      new_word = true;
      continue;
    }
    if (new_word && !out.empty()) {
      if (style == KeyStyle::kSnake || style == KeyStyle::kUpperSnake) out.push_back('_');
      if (style == KeyStyle::kKebab) out.push_back('-');
      if (style == KeyStyle::kCamel && c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
    }
    new_word = false;
    if (style == KeyStyle::kUpperSnake && c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
    out.push_back(c);
  }
  return out;
}

// The value's text when it is known before writing (types and look-alikes), for quoting.
std::string known_value(Renderer& r, const Field& f, std::string* negative) {
  if (f.kind == FieldKind::kType || f.kind == FieldKind::kPersonPart) return r.value(f.id);
  if (f.kind == FieldKind::kNegative) return *negative = make_filler(r.rng(), f.id, r.lex());
  return " , ";  // persons and addresses may hold spaces and commas
}

void emit_value(Renderer& r, const Field& f, const std::string& negative) {
  switch (f.kind) {
    case FieldKind::kType: r.entity(f.id, r.value(f.id)); break;
    case FieldKind::kPersonFull: r.person(0); break;
    case FieldKind::kPersonPart: r.person_part(f.id); break;
    case FieldKind::kAddressInline: r.address(false); break;
    case FieldKind::kNegative: r.text(negative); break;
    case FieldKind::kAddressNested: break;  // handled by the syntax writers
  }
}

bool is_number(std::string_view s) {
  return !s.empty() && s.size() < 9 && s[0] != '0' &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool plain_ok(std::string_view v, std::string_view forbidden) {
  if (v.empty()) return false;
  const unsigned char c0 = static_cast<unsigned char>(v[0]);
  if (!(std::isalnum(c0) || c0 >= 0x80)) return false;
  return v.find_first_of(forbidden) == std::string_view::npos;
}

// The variable name .env files use for a provider's secret, by the secret's shape (a value
// format, like the token shapes themselves, so shared by both splits). Empty when unknown.
std::string_view provider_env_key(std::string_view token) {
  static constexpr std::pair<std::string_view, std::string_view> kPrefixes[] = {
      {"AKIA", "AWS_ACCESS_KEY_ID"}, {"ASIA", "AWS_ACCESS_KEY_ID"}, {"ghp_", "GITHUB_TOKEN"},
      {"github_pat_", "GH_TOKEN"}, {"xoxb-", "SLACK_BOT_TOKEN"}, {"xoxp-", "SLACK_USER_TOKEN"},
      {"sk_live_", "STRIPE_SECRET_KEY"}, {"rk_live_", "STRIPE_RESTRICTED_KEY"}, {"sk-ant-", "ANTHROPIC_API_KEY"},
      {"sk-", "OPENAI_API_KEY"}, {"AIza", "GOOGLE_API_KEY"}, {"SG.", "SENDGRID_API_KEY"}, {"npm_", "NPM_TOKEN"},
      {"glpat-", "GITLAB_TOKEN"}, {"hf_", "HF_TOKEN"}, {"eyJ", "JWT"}};
  for (const auto& [prefix, key] : kPrefixes) {
    if (token.substr(0, prefix.size()) == prefix) return key;
  }
  if (token.size() == 40 && token.find_first_of("+/") != std::string_view::npos) return "AWS_SECRET_ACCESS_KEY";
  if (token.size() == 34 && token.substr(0, 2) == "SK") return "TWILIO_API_KEY";
  return {};
}

const int kAddressOrder[] = {11, 2, 10, 6, 9, 12};  // STREET BUILDINGNUM ZIP CITY STATE COUNTRY

void render_fields(Renderer& r, const TemplateSet& ts, uint32_t todo, Body body) {
  Rng& rng = r.rng();
  const bool nested_ok = body == Body::kJson || body == Body::kYaml;
  const std::vector<Field> fields = make_fields(r, ts, todo, nested_ok);
  std::string neg;
  switch (body) {
    case Body::kForm: {
      static constexpr KeyStyle kStyles[] = {KeyStyle::kCapitalized, KeyStyle::kCapitalized, KeyStyle::kTitle, KeyStyle::kUpper};
      static constexpr std::string_view kSeps[] = {": ", ": ", ":\t", " - ", ": "};
      const KeyStyle style = rng.pick(kStyles);
      const std::string_view sep = rng.pick(kSeps);
      for (const Field& f : fields) {
        r.text(style_key(f.key, style));
        r.text(sep);
        known_value(r, f, &neg);
        emit_value(r, f, neg);
        r.text("\n");
      }
      break;
    }
    case Body::kJson: {
      const KeyStyle style = rng.chance(0.6) ? KeyStyle::kSnake : KeyStyle::kCamel;
      const bool pretty = rng.chance(0.5);
      const std::string_view nl = pretty ? "\n" : "", in1 = pretty ? "  " : "", in2 = pretty ? "    " : "";
      r.text("{");
      r.text(nl);
      for (std::size_t i = 0; i < fields.size(); ++i) {
        const Field& f = fields[i];
        r.text(in1);
        r.text("\"" + style_key(f.key, style) + "\": ");
        if (f.kind == FieldKind::kAddressNested) {
          r.text("{");
          r.text(nl);
          bool first = true;
          for (int t : kAddressOrder) {
            if (!r.has(t)) continue;
            if (!first) r.text(pretty ? ",\n" : ", ");
            first = false;
            r.text(in2);
            r.text("\"" + style_key(key_phrase(r, ts, unit_group("key.", t)), style) + "\": \"");
            r.entity(t, r.value(t));
            r.text("\"");
          }
          r.text(nl);
          r.text(in1);
          r.text("}");
        } else {
          const std::string v = known_value(r, f, &neg);
          const bool bare = (f.kind == FieldKind::kNegative || (f.kind == FieldKind::kType && (type_name(f.id) == "AGE" || type_name(f.id) == "BUILDINGNUM"))) && is_number(v) && rng.chance(0.7);
          if (!bare) r.text("\"");
          emit_value(r, f, neg);
          if (!bare) r.text("\"");
        }
        if (i + 1 < fields.size()) r.text(pretty ? "," : ", ");
        r.text(nl);
      }
      r.text("}");
      break;
    }
    case Body::kYaml: {
      const KeyStyle style = rng.chance(0.7) ? KeyStyle::kSnake : KeyStyle::kKebab;
      const bool list_item = rng.chance(0.25);  // "- name: ..." inside a list
      const std::string_view in1 = list_item ? "  " : "";
      for (std::size_t i = 0; i < fields.size(); ++i) {
        const Field& f = fields[i];
        r.text(list_item && i == 0 ? "- " : in1);
        r.text(style_key(f.key, style) + ":");
        if (f.kind == FieldKind::kAddressNested) {
          for (int t : kAddressOrder) {
            if (!r.has(t)) continue;
            r.text("\n");
            r.text(in1);
            r.text("  " + style_key(key_phrase(r, ts, unit_group("key.", t)), style) + ": ");
            const bool quote = !plain_ok(r.value(t), "#:\"'");
            if (quote) r.text("\"");
            r.entity(t, r.value(t));
            if (quote) r.text("\"");
          }
        } else {
          r.text(" ");
          const std::string v = known_value(r, f, &neg);
          const bool quote = !plain_ok(v, "#:\"'") || (f.kind != FieldKind::kType && f.kind != FieldKind::kNegative && rng.chance(0.3));
          if (quote) r.text("\"");
          emit_value(r, f, neg);
          if (quote) r.text("\"");
        }
        r.text("\n");
      }
      break;
    }
    case Body::kEnv:
    case Body::kIni: {
      const bool env = body == Body::kEnv;
      static constexpr std::string_view kPrefixes[] = {"", "", "APP_", "DB_", "API_", "PROD_", "SERVICE_"};
      const std::string_view prefix = env ? rng.pick(kPrefixes) : "";
      const std::string_view assign = env ? "=" : (rng.chance(0.5) ? " = " : "=");
      for (const Field& f : fields) {
        if (f.kind == FieldKind::kAddressNested) continue;  // not produced: nested_ok is false
        std::string_view provider;
        if (env && f.kind == FieldKind::kType && type_name(f.id) == "SECURITYTOKEN" && rng.chance(0.7)) {
          provider = provider_env_key(r.value(f.id));
        }
        if (!provider.empty()) {
          r.text(provider);
        } else {
          r.text(std::string(prefix) + style_key(f.key, env ? KeyStyle::kUpperSnake : KeyStyle::kSnake));
        }
        r.text(assign);
        const std::string v = known_value(r, f, &neg);
        std::string_view quote = "";
        if (env && !plain_ok(v, " $`\"'\\#&;|<>()!*?[]{}~,")) quote = v.find('$') != std::string::npos ? "'" : "\"";
        if (env && quote.empty() && rng.chance(0.2)) quote = "\"";
        r.text(quote);
        emit_value(r, f, neg);
        r.text(quote);
        r.text("\n");
      }
      break;
    }
    case Body::kCsv: {
      const KeyStyle style = rng.chance(0.6) ? KeyStyle::kSnake : KeyStyle::kCapitalized;
      const std::string_view delim = rng.chance(0.8) ? "," : ";";
      for (std::size_t i = 0; i < fields.size(); ++i) {
        if (i) r.text(delim);
        r.text(style_key(fields[i].key, style));
      }
      r.text("\n");
      for (std::size_t i = 0; i < fields.size(); ++i) {
        if (i) r.text(delim);
        const std::string v = known_value(r, fields[i], &neg);
        const bool quote = v.find_first_of(",;\"") != std::string::npos || rng.chance(0.15);
        if (quote) r.text("\"");
        emit_value(r, fields[i], neg);
        if (quote) r.text("\"");
      }
      r.text("\n");
      break;
    }
    case Body::kLog: {
      static constexpr std::string_view kLevels[] = {"INFO", "INFO", "DEBUG", "WARN", "ERROR"};
      static constexpr std::string_view kComponents[] = {"auth", "api", "billing", "worker", "mailer", "sync"};
      const KeyStyle style = rng.chance(0.7) ? KeyStyle::kSnake : KeyStyle::kCamel;
      std::size_t i = 0;
      while (i < fields.size()) {
        r.text(make_filler(rng, filler_kind("ts"), r.lex()));
        r.text(" ");
        r.text(rng.pick(kLevels));
        r.text(" [");
        r.text(rng.pick(kComponents));
        r.text("] ");
        if (rng.chance(0.3)) {
          std::string msg = make_sentence(rng, r.lex());
          if (!msg.empty() && (msg.back() == '.' || msg.back() == '!')) msg.pop_back();
          r.text(msg);
        } else {
          r.text(rng.pick(ts.group("log.message")).source);
        }
        const std::size_t n = std::min(fields.size() - i, 1 + rng.below(3));
        for (std::size_t k = 0; k < n; ++k, ++i) {
          const Field& f = fields[i];
          r.text(" " + style_key(f.key, style) + "=");
          const std::string v = known_value(r, f, &neg);
          const bool quote = v.find_first_of(" ,") != std::string::npos;
          if (quote) r.text("\"");
          emit_value(r, f, neg);
          if (quote) r.text("\"");
        }
        r.text("\n");
      }
      break;
    }
    case Body::kProse:
    case Body::kChat:
    case Body::kMessage:
      break;
  }
}

}  // namespace

std::size_t genre_count() { return std::size(kGenres); }
std::string_view genre_name(std::size_t index) { return kGenres[index].name; }

std::size_t compose_sample(Renderer& r, const TemplateSet& ts) {
  Rng& rng = r.rng();
  const std::size_t g = rng.below(std::size(kGenres));
  const Genre& genre = kGenres[g];
  const std::string name(genre.name);
  const Template* header = pick_group(r, ts, name + ".header");
  const Template* footer = pick_group(r, ts, name + ".footer");
  if (header) r.render(*header);
  // The footer is written last but chosen now, so the body leaves its mandatory types to it.
  const uint32_t todo = r.drawn() & ~r.emitted() & ~mandatory_types(r, footer);
  if (genre.body == Body::kProse || genre.body == Body::kChat || genre.body == Body::kMessage) {
    render_prose(r, ts, todo, genre.body == Body::kChat, genre.body == Body::kMessage);
  } else {
    render_fields(r, ts, todo, genre.body);
  }
  if (footer) r.render(*footer);
  return g;
}

}  // namespace piikit::gen
