// Value makers for contact, address and banking types, and the text helpers they share.
#include <cstdio>
#include <string>
#include <unordered_set>

#include "gen_values.h"
#include "piikit/utf8.h"

namespace piikit::gen {
namespace {

// ASCII folds of U+00C0..U+017F (one char each; '\0' drops the code point).
using namespace std::string_view_literals;
constexpr std::string_view kFoldLatin1 =
    "AAAAAAACEEEEIIIIDNOOOOOxOUUUUYTsaaaaaaaceeeeiiiidnooooo\0ouuuuyty"sv;
constexpr std::string_view kFoldExtA =
    "AaAaAaCcCcCcCcDdDdEeEeEeEeEeGgGgGgGgHhHhIiIiIiIiIiJjJjKkkLlLlLlLlLlNnNnNnnNnOoOoOoOoRrRrRr"
    "SsSsSsSsTtTtTtUuUuUuUuUuUuWwYyYZzZzZzs"sv;
static_assert(kFoldLatin1.size() == 0x40 && kFoldExtA.size() == 0x80);

char fold_char(char32_t cp) {
  if (cp < 0x80) return static_cast<char>(cp);
  if (cp >= 0xC0 && cp <= 0xFF) return kFoldLatin1[cp - 0xC0];
  if (cp >= 0x100 && cp <= 0x17F) return kFoldExtA[cp - 0x100];
  if (cp == 0x1A0 || cp == 0x1A1) return cp == 0x1A0 ? 'O' : 'o';
  if (cp == 0x1AF || cp == 0x1B0) return cp == 0x1AF ? 'U' : 'u';
  if (cp >= 0x218 && cp <= 0x21B) return "SsTt"[cp - 0x218];
  if (cp >= 0x1EA0 && cp <= 0x1EF9) {
    const bool upper = cp % 2 == 0;
    char base = cp <= 0x1EB7 ? 'a' : cp <= 0x1EC7 ? 'e' : cp <= 0x1ECB ? 'i' : cp <= 0x1EE3 ? 'o'
              : cp <= 0x1EF1 ? 'u' : 'y';
    return upper ? static_cast<char>(base - 32) : base;
  }
  return '\0';
}

char32_t upper_cp(char32_t cp) {
  if (cp >= 'a' && cp <= 'z') return cp - 32;
  if (cp >= 0xE0 && cp <= 0xFE && cp != 0xF7) return cp - 32;
  if ((cp >= 0x100 && cp <= 0x137) || (cp >= 0x14A && cp <= 0x177)) return cp & ~char32_t{1};
  if ((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E)) return cp % 2 == 0 ? cp - 1 : cp;
  if (cp == 0x1A1 || cp == 0x1B0) return cp - 1;
  if (cp >= 0x218 && cp <= 0x21B) return cp & ~char32_t{1};
  if (cp >= 0x1EA0 && cp <= 0x1EF9) return cp & ~char32_t{1};
  return cp;
}

// Fills a pattern: '#' any digit, 'N' digit 2-9, 'A' capital letter, 'X' capital letter or digit;
// every other character is copied.
std::string fill(Rng& rng, std::string_view pattern) {
  std::string out(pattern);
  for (char& c : out) {
    switch (c) {
      case '#': c = rng.digit(); break;
      case 'N': c = static_cast<char>('2' + rng.below(8)); break;
      case 'A': c = rng.upper(); break;
      case 'X': c = kUpperAlnum[rng.below(kUpperAlnum.size())]; break;
      default: break;
    }
  }
  return out;
}

struct CountryPatterns {
  std::string_view country;
  std::vector<std::string_view> patterns;
};

const std::vector<CountryPatterns>& phone_patterns() {
  static const std::vector<CountryPatterns> kPhones = {
      {"US", {"+1 (N##) N##-####", "(N##) N##-####", "N##-N##-####", "+1 N##.N##.####", "1-N##-N##-####", "+1N##N######"}},
      {"CA", {"+1 (N##) N##-####", "N##-N##-####", "+1 N## N## ####"}},
      {"GB", {"+44 20 #### ####", "020 #### ####", "07### ######", "+44 7### ######", "+44 (0)161 ### ####"}},
      {"IE", {"+353 8# ### ####", "08# ### ####", "+353 1 ### ####"}},
      {"AU", {"+61 4## ### ###", "04## ### ###", "(02) #### ####", "+61 2 #### ####"}},
      {"DE", {"+49 30 ########", "030 ########", "+49 151 ########", "0151 ########", "+49 (0)89 #######", "0049 40 #######"}},
      {"AT", {"+43 1 #######", "0664 #######", "+43 664 ### ####"}},
      {"CH", {"+41 44 ### ## ##", "079 ### ## ##", "+41 79 ### ## ##"}},
      {"FR", {"+33 6 ## ## ## ##", "06 ## ## ## ##", "01.##.##.##.##", "+33 (0)1 ## ## ## ##"}},
      {"BE", {"+32 4## ## ## ##", "04## ## ## ##", "+32 2 ### ## ##"}},
      {"NL", {"+31 6 ########", "06-########", "020-#######", "+31 (0)20 ### ####"}},
      {"ES", {"+34 6## ### ###", "6## ## ## ##", "91 ### ## ##", "+34 91 ### ## ##"}},
      {"PT", {"+351 9## ### ###", "21# ### ###", "9## ### ###"}},
      {"IT", {"+39 3## ### ####", "06 #### ####", "3## #######", "+39 02 #### ####"}},
      {"CZ", {"+420 6## ### ###", "7## ### ###", "+420 2## ### ###", "+420 7########"}},
      {"SK", {"+421 9## ### ###", "09## ### ###"}},
      {"PL", {"+48 5## ### ###", "+48 22 ### ## ##", "6##-###-###", "5## ### ###"}},
      {"SE", {"+46 7# ### ## ##", "07#-### ## ##", "08-### ### ##"}},
      {"NO", {"+47 9## ## ###", "4## ## ###", "+47 22 ## ## ##"}},
      {"DK", {"+45 ## ## ## ##", "## ## ## ##"}},
      {"FI", {"+358 4# ### ####", "04# ### ####", "09 ### ####"}},
      {"TR", {"+90 5## ### ## ##", "0(5##) ### ## ##", "0212 ### ## ##"}},
      {"IN", {"+91 9#### #####", "09#########", "+91-80-########", "+91 7#########"}},
      {"NG", {"+234 80# ### ####", "080# ### ####", "+234 90# ### ####"}},
      {"VN", {"+84 9# ### ## ##", "09# ### ####", "+84 28 #### ####"}},
      {"CN", {"+86 13# #### ####", "13#-####-####", "(010) ########", "+86 10 ########"}},
      {"BR", {"+55 11 9####-####", "(11) 9####-####", "+55 21 9#### ####"}},
      {"MX", {"+52 55 #### ####", "55 #### ####", "+52 1 33 #### ####"}},
  };
  return kPhones;
}

const std::vector<CountryPatterns>& zip_patterns() {
  static const std::vector<CountryPatterns> kZips = {
      {"US", {"#####", "#####", "#####-####"}}, {"CA", {"A#A #A#"}},
      {"GB", {"A# #AA", "AA# #AA", "AA## #AA", "A## #AA"}}, {"IE", {"A## X###", "D0# X#X#"}},
      {"AU", {"####"}}, {"DE", {"#####"}}, {"AT", {"####"}}, {"CH", {"####"}},
      {"FR", {"#####"}}, {"BE", {"####"}}, {"NL", {"#### AA", "####AA"}}, {"ES", {"#####"}},
      {"PT", {"####-###"}}, {"IT", {"#####"}}, {"CZ", {"### ##", "#####"}}, {"SK", {"### ##"}},
      {"PL", {"##-###"}}, {"SE", {"### ##"}}, {"NO", {"####"}}, {"DK", {"####"}},
      {"FI", {"#####"}}, {"TR", {"#####"}}, {"IN", {"######", "### ###"}}, {"NG", {"######"}},
      {"VN", {"######"}}, {"CN", {"######"}}, {"BR", {"#####-###"}}, {"MX", {"#####"}},
  };
  return kZips;
}

const std::vector<std::string_view>& patterns_for(const std::vector<CountryPatterns>& table,
                                                  std::string_view country, Rng& rng) {
  for (const auto& entry : table) {
    if (entry.country == country) return entry.patterns;
  }
  return table[rng.below(table.size())].patterns;  // untagged country: any known format
}

}  // namespace

std::string to_upper_latin(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char32_t cp : utf8_decode(s)) append_utf8(out, upper_cp(cp));
  return out;
}

std::string capitalize_ascii(std::string s) {
  if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = static_cast<char>(s[0] - 32);
  return s;
}

std::string to_lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  }
  return out;
}

std::string ascii_fold(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char32_t cp : utf8_decode(s)) {
    if (char c = fold_char(cp); c != '\0') out.push_back(c);
  }
  return out;
}

std::string slug(std::string_view s, char sep) {
  std::string out;
  for (char c : to_lower_ascii(ascii_fold(s))) {
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      out.push_back(c);
    } else if (!out.empty() && out.back() != sep) {
      out.push_back(sep);
    }
  }
  while (!out.empty() && out.back() == sep) out.pop_back();
  return out;
}

std::string iban_check_digits(std::string_view country, std::string_view bban) {
  // Move the country code and "00" behind the BBAN, letters to 10..35, then mod 97 digit by digit.
  std::string rearranged = std::string(bban) + std::string(country) + "00";
  int mod = 0;
  for (char c : rearranged) {
    if (c >= '0' && c <= '9') {
      mod = (mod * 10 + (c - '0')) % 97;
    } else {
      mod = (mod * 100 + (c - 'A' + 10)) % 97;
    }
  }
  const int check = 98 - mod;
  return std::string{static_cast<char>('0' + check / 10), static_cast<char>('0' + check % 10)};
}

int luhn_check_digit(std::string_view digits) {
  int sum = 0;
  bool dbl = true;  // the digit left of the check digit is doubled
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    int d = *it - '0';
    if (dbl) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
    dbl = !dbl;
  }
  return (10 - sum % 10) % 10;
}

std::string make_iban(Rng& rng) {
  // BBAN patterns per ISO 13616 registry lengths ('#' digit, 'A' letter, 'X' letter or digit).
  struct Spec { std::string_view country, bban; };
  static constexpr Spec kSpecs[] = {
      {"DE", "##################"}, {"GB", "AAAA##############"}, {"FR", "##########XXXXXXXXXXX##"},
      {"ES", "####################"}, {"IT", "A######################"}, {"NL", "AAAA##########"},
      {"CZ", "####################"}, {"PL", "########################"}, {"AT", "################"},
      {"CH", "#####XXXXXXXXXXXX"}, {"BE", "############"}, {"SK", "####################"},
      {"PT", "#####################"}, {"SE", "####################"}, {"NO", "###########"},
      {"DK", "##############"}, {"FI", "##############"}, {"IE", "AAAA##############"},
      {"TR", "#####0################"}, {"LU", "###XXXXXXXXXXXXX"}, {"BR", "#######################AX"},
  };
  const Spec& spec = rng.pick(kSpecs);
  std::string bban = fill(rng, spec.bban);
  std::string iban = std::string(spec.country) + iban_check_digits(spec.country, bban) + bban;
  if (rng.chance(0.55)) {  // print form: groups of four separated by spaces
    std::string grouped;
    for (std::size_t i = 0; i < iban.size(); ++i) {
      if (i > 0 && i % 4 == 0) grouped.push_back(' ');
      grouped.push_back(iban[i]);
    }
    return grouped;
  }
  return iban;
}

std::string make_card_number(Rng& rng) {
  std::string digits;
  std::size_t length = 16;
  switch (rng.below(6)) {
    case 0: case 1: digits = "4"; break;                                       // Visa
    case 2: digits = "5" + std::to_string(1 + rng.below(5)); break;           // Mastercard 51-55
    case 3: digits = std::to_string(2221 + rng.below(500)); break;            // Mastercard 2-series
    case 4: digits = rng.chance(0.5) ? "34" : "37"; length = 15; break;       // Amex
    default: digits = rng.chance(0.5) ? "6011" : "65"; break;                 // Discover
  }
  while (digits.size() < length - 1) digits.push_back(rng.digit());
  digits.push_back(static_cast<char>('0' + luhn_check_digit(digits)));
  const int style = static_cast<int>(rng.below(3));  // 0 plain, 1 spaces, 2 dashes
  if (style == 0) return digits;
  const char sep = style == 1 ? ' ' : '-';
  std::string out;
  const std::vector<std::size_t> groups = length == 15 ? std::vector<std::size_t>{4, 6, 5}
                                                       : std::vector<std::size_t>{4, 4, 4, 4};
  std::size_t pos = 0;
  for (std::size_t g : groups) {
    if (pos > 0) out.push_back(sep);
    out += digits.substr(pos, g);
    pos += g;
  }
  return out;
}

std::string make_phone(Rng& rng, std::string_view country) {
  return fill(rng, rng.pick(patterns_for(phone_patterns(), country, rng)));
}

std::string make_zip(Rng& rng, std::string_view country) {
  std::string zip = fill(rng, rng.pick(patterns_for(zip_patterns(), country, rng)));
  if (zip.size() == 5 && zip[0] == '0' && zip[1] == '0') zip[1] = '1';  // no "00xxx" codes
  return zip;
}

std::string make_building_number(Rng& rng, std::string_view country) {
  const int n = static_cast<int>(rng.chance(0.7) ? 1 + rng.below(60) : 1 + rng.below(2400));
  switch (rng.below(10)) {
    case 0: return std::to_string(n) + static_cast<char>('a' + rng.below(4));
    case 1: return std::to_string(n) + static_cast<char>('A' + rng.below(4));
    case 2: return std::to_string(n) + "/" + std::to_string(1 + rng.below(40));
    case 3: return std::to_string(n) + "-" + std::to_string(n + 2);
    default: return std::to_string(n);
  }
}

std::string make_date_of_birth(Rng& rng) {
  static constexpr std::string_view kMonthsEn[] = {"January", "February", "March", "April", "May", "June", "July",
                                                   "August", "September", "October", "November", "December"};
  static constexpr std::string_view kMonthsDe[] = {"Januar", "Februar", "März", "April", "Mai", "Juni", "Juli",
                                                   "August", "September", "Oktober", "November", "Dezember"};
  static constexpr std::string_view kMonthsFr[] = {"janvier", "février", "mars", "avril", "mai", "juin", "juillet",
                                                   "août", "septembre", "octobre", "novembre", "décembre"};
  static constexpr std::string_view kMonthsEs[] = {"enero", "febrero", "marzo", "abril", "mayo", "junio", "julio",
                                                   "agosto", "septiembre", "octubre", "noviembre", "diciembre"};
  const int year = static_cast<int>(rng.range(1938, 2008));
  const int month = static_cast<int>(rng.range(1, 12));
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const int day = static_cast<int>(rng.range(1, kDays[month - 1]));
  const std::string en = std::string(kMonthsEn[month - 1]);
  const std::string en3 = en.substr(0, 3);
  char buf[64];
  switch (rng.below(14)) {
    case 0: case 1: std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, month, day); break;
    case 2: std::snprintf(buf, sizeof buf, "%02d.%02d.%04d", day, month, year); break;
    case 3: std::snprintf(buf, sizeof buf, "%02d/%02d/%04d", month, day, year); break;
    case 4: std::snprintf(buf, sizeof buf, "%02d/%02d/%04d", day, month, year); break;
    case 5: std::snprintf(buf, sizeof buf, "%d %s %04d", day, en.c_str(), year); break;
    case 6: std::snprintf(buf, sizeof buf, "%s %d, %04d", en.c_str(), day, year); break;
    case 7: std::snprintf(buf, sizeof buf, "%02d-%s-%04d", day, en3.c_str(), year); break;
    case 8: std::snprintf(buf, sizeof buf, "%04d%02d%02d", year, month, day); break;
    case 9: std::snprintf(buf, sizeof buf, "%d. %d. %04d", day, month, year); break;
    case 10: std::snprintf(buf, sizeof buf, "%d. %s %04d", day, std::string(kMonthsDe[month - 1]).c_str(), year); break;
    case 11: std::snprintf(buf, sizeof buf, "%d %s %04d", day, std::string(kMonthsFr[month - 1]).c_str(), year); break;
    case 12: std::snprintf(buf, sizeof buf, "%d de %s de %04d", day, std::string(kMonthsEs[month - 1]).c_str(), year); break;
    default: std::snprintf(buf, sizeof buf, "%d/%d/%02d", month, day, year % 100); break;
  }
  return buf;
}

std::string make_email(Rng& rng, std::string_view first, std::string_view last,
                       std::string_view company_domain, const Lexicons& lex) {
  const std::string f = to_lower_ascii(slug(first, '-')), l = to_lower_ascii(slug(last, '-'));
  std::string local;
  switch (rng.below(9)) {
    case 0: case 1: local = f + "." + l; break;
    case 2: local = f.substr(0, 1) + "." + l; break;
    case 3: local = f + l + std::to_string(rng.range(1, 99)); break;
    case 4: local = f.substr(0, 1) + l; break;
    case 5: local = l + "." + f; break;
    case 6: local = f + "_" + l; break;
    case 7: local = f + std::to_string(rng.range(1960, 2006)); break;
    default: local = slug(lex.common_words.pick(rng), '.') + "." + f; break;
  }
  if (local.empty() || local.front() == '.') local = "user" + local;
  std::string domain = !company_domain.empty() && rng.chance(0.35)
                           ? std::string(company_domain)
                           : std::string(lex.mail_domains.pick(rng));
  std::string email = local + "@" + domain;
  if (rng.chance(0.04)) email = to_upper_latin(email);
  return email;
}

std::string make_username(Rng& rng, std::string_view first, std::string_view last,
                          const Lexicons& lex) {
  const std::string f = slug(first, '_'), l = slug(last, '_');
  const std::string word = slug(lex.common_words.pick(rng), '_');
  switch (rng.below(8)) {
    case 0: return f + "." + l;
    case 1: return f.substr(0, 1) + l + std::to_string(rng.range(1, 99));
    case 2: return f + "_" + l.substr(0, 1);
    case 3: return word + "_" + std::to_string(rng.range(1, 999));
    case 4: return f + std::to_string(rng.range(1970, 2010));
    case 5: return word + slug(lex.common_words.pick(rng), '_') + std::to_string(rng.range(1, 99));
    case 6: return l + f.substr(0, 2);
    default: return "x_" + f + "_x";
  }
}

std::string make_url(Rng& rng, std::string_view first, std::string_view last,
                     std::string_view username, std::string_view company_domain) {
  const std::string f = slug(first), l = slug(last), u(username);
  switch (rng.below(9)) {
    case 0: return "https://www.linkedin.com/in/" + f + "-" + l + "-" + rng.chars(kLowerAlnum, 6);
    case 1: return "https://github.com/" + u;
    case 2: return "https://" + f + "-" + l + ".com";
    case 3: return "https://twitter.com/" + u;
    case 4: return "https://www.facebook.com/" + f + "." + l + "." + rng.digits(3);
    case 5: return "https://" + f + l + ".dev/about";
    case 6: return "http://www." + std::string(company_domain) + "/team/" + f + "-" + l;
    case 7: return "https://www.instagram.com/" + u + "/";
    default: return "https://" + u + ".substack.com/p/" + std::to_string(rng.range(100, 9999));
  }
}

std::string make_company_name(Rng& rng, const Lexicons& lex) {
  std::string a(lex.company_words.pick(rng)), b(lex.company_words.pick(rng));
  const std::string suffix(lex.company_suffixes.pick(rng));
  std::string surname(lex.surnames.pick(rng));
  if (lex.split == Split::kTrain) {
    // Train split: company words the lexicon does not hold (a capitalised English word of the
    // split, a made-up surname), so the model learns the shape of a company name, not a list.
    // Never a word of either split's company lexicon: eval company names stay unseen.
    static const std::unordered_set<std::string> kCompanyWords = [] {
      std::unordered_set<std::string> words;
      for (const LexEntry& e : parse_lexicon("company_words.txt")) words.insert(std::string(e.value));
      return words;
    }();
    auto english = [&] {
      for (;;) {
        const std::string w = capitalize_ascii(
            std::string(rng.chance(0.5) ? lex.english_nouns.pick(rng) : lex.english_adjectives.pick(rng)));
        if (!kCompanyWords.count(w)) return w;
      }
    };
    if (rng.chance(0.3)) a = english();
    if (rng.chance(0.3)) b = english();
    surname = lex.synth_surnames.or_made_up(rng, 0.3, surname);
  }
  switch (rng.below(10)) {
    case 0: case 1: return a + " " + suffix;
    case 2: case 3: return a + " " + b + " " + suffix;
    case 4: return a + " & " + b;
    case 5: return a + " and " + b + " " + suffix;
    case 6: return surname + " & Partner " + suffix;
    case 7: return surname + ", " + a + " & Co.";
    case 8: return a + " " + b;
    default: return surname + " " + a + " " + suffix;
  }
}

std::string company_domain(Rng& rng, std::string_view company) {
  static constexpr std::string_view kTlds[] = {"com", "de", "cz", "co.uk", "fr", "io", "nl", "es", "it", "pl", "net", "eu"};
  std::string s = slug(company);
  // Drop a trailing legal suffix word or two so "Atlas Logistics GmbH" -> "atlas-logistics".
  if (auto dash = s.rfind('-'); dash != std::string::npos && s.size() - dash <= 5) s.resize(dash);
  if (s.empty()) s = "company";
  return s + "." + std::string(rng.pick(kTlds));
}

}  // namespace piikit::gen
