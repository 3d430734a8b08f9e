// Value makers for identity documents, tax numbers, secrets and ages, and the non-PII look-alikes.
// Formats follow the national schemes, with their check digits where they have one (CZ birth
// numbers, PESEL, DNI, Swedish/Finnish/Chinese/Turkish IDs, BSN, CPF, AHV, NIR, SIN).
#include <cstdio>
#include <string>

#include "gen_prose.h"
#include "gen_values.h"

namespace piikit::gen {
namespace {

std::string fill(Rng& rng, std::string_view pattern) {
  // '#' digit, 'A' capital letter, 'X' capital letter or digit, 'a' small letter; others copied.
  std::string out(pattern);
  for (char& c : out) {
    if (c == '#') c = rng.digit();
    else if (c == 'A') c = rng.upper();
    else if (c == 'X') c = kUpperAlnum[rng.below(kUpperAlnum.size())];
    else if (c == 'a') c = rng.lower();
  }
  return out;
}

std::string two(int v) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d", v % 100);
  return buf;
}

int digit_sum_weighted(std::string_view digits, const int* weights) {
  int sum = 0;
  for (std::size_t i = 0; i < digits.size(); ++i) sum += (digits[i] - '0') * weights[i];
  return sum;
}

struct Birth {
  int year, month, day;
};
Birth random_birth(Rng& rng) {
  return {static_cast<int>(rng.range(1940, 2006)), static_cast<int>(rng.range(1, 12)),
          static_cast<int>(rng.range(1, 28))};
}

std::string czech_birth_number(Rng& rng) {
  // YYMMDD/XXXX, women have month + 50; the 10-digit number is divisible by 11.
  for (;;) {
    const Birth b = random_birth(rng);
    const int month = b.month + (rng.chance(0.5) ? 50 : 0);
    std::string head = two(b.year) + two(month) + two(b.day) + rng.digits(3);
    const long long base = std::stoll(head) * 10;
    const int check = static_cast<int>((11 - base % 11) % 11);
    if (check == 10) continue;
    return head.substr(0, 6) + (rng.chance(0.8) ? "/" : "") + head.substr(6) +
           static_cast<char>('0' + check);
  }
}

std::string pesel(Rng& rng) {
  static constexpr int kWeights[] = {1, 3, 7, 9, 1, 3, 7, 9, 1, 3};
  const Birth b = random_birth(rng);
  std::string d = two(b.year) + two(b.month + (b.year >= 2000 ? 20 : 0)) + two(b.day) + rng.digits(4);
  d.push_back(static_cast<char>('0' + (10 - digit_sum_weighted(d, kWeights) % 10) % 10));
  return d;
}

std::string dni(Rng& rng) {
  static constexpr std::string_view kLetters = "TRWAGMYFPDXBNJZSQVHLCKE";
  std::string num = rng.digits(8);
  return num + kLetters[std::stoll(num) % 23];
}

std::string swedish_personnummer(Rng& rng) {
  const Birth b = random_birth(rng);
  std::string d = two(b.year) + two(b.month) + two(b.day) + rng.digits(3);
  d.push_back(static_cast<char>('0' + luhn_check_digit(d)));
  return d.substr(0, 6) + "-" + d.substr(6);
}

std::string finnish_hetu(Rng& rng) {
  static constexpr std::string_view kCheck = "0123456789ABCDEFHJKLMNPRSTUVWXY";
  const Birth b = random_birth(rng);
  std::string date = two(b.day) + two(b.month) + two(b.year);
  std::string serial = std::to_string(rng.range(2, 899));
  while (serial.size() < 3) serial.insert(serial.begin(), '0');
  const long long n = std::stoll(date + serial);
  return date + (b.year >= 2000 ? "A" : "-") + serial + kCheck[n % 31];
}

std::string chinese_resident_id(Rng& rng) {
  static constexpr int kWeights[] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  static constexpr std::string_view kCheck = "10X98765432";
  const Birth b = random_birth(rng);
  std::string d = std::to_string(rng.range(110000, 659999)) + std::to_string(b.year) + two(b.month) +
                  two(b.day) + rng.digits(3);
  d.push_back(kCheck[digit_sum_weighted(d, kWeights) % 11]);
  return d;
}

std::string turkish_id(Rng& rng) {
  std::string d(1, static_cast<char>('1' + rng.below(9)));
  d += rng.digits(8);
  auto at = [&](int i) { return d[i] - '0'; };
  const int odd = at(0) + at(2) + at(4) + at(6) + at(8), even = at(1) + at(3) + at(5) + at(7);
  d.push_back(static_cast<char>('0' + ((odd * 7 - even) % 10 + 10) % 10));
  int sum = 0;
  for (int i = 0; i < 10; ++i) sum += at(i);
  d.push_back(static_cast<char>('0' + sum % 10));
  return d;
}

std::string dutch_bsn(Rng& rng) {
  for (;;) {
    std::string d = rng.digits(8);
    int sum = 0;
    for (int i = 0; i < 8; ++i) sum += (9 - i) * (d[i] - '0');
    const int last = sum % 11;  // 11-proof: sum - last == 0 (mod 11)
    if (last == 10) continue;
    return d + static_cast<char>('0' + last);
  }
}

std::string uk_nino(Rng& rng) {
  static constexpr std::string_view kFirst = "ABCEGHJKLMNOPRSTWXYZ";
  static constexpr std::string_view kSecond = "ABCEGHJKLMNPRSTWXYZ";
  std::string p{kFirst[rng.below(kFirst.size())], kSecond[rng.below(kSecond.size())]};
  const std::string d = rng.digits(6);
  const char suffix = static_cast<char>('A' + rng.below(4));
  if (rng.chance(0.5)) return p + " " + d.substr(0, 2) + " " + d.substr(2, 2) + " " + d.substr(4) + " " + suffix;
  return p + d + suffix;
}

std::string brazil_cpf(Rng& rng) {
  std::string d = rng.digits(9);
  for (int round = 0; round < 2; ++round) {
    int sum = 0;
    const int n = static_cast<int>(d.size());
    for (int i = 0; i < n; ++i) sum += (d[i] - '0') * (n + 1 - i);
    const int r = sum * 10 % 11;
    d.push_back(static_cast<char>('0' + (r == 10 ? 0 : r)));
  }
  return d.substr(0, 3) + "." + d.substr(3, 3) + "." + d.substr(6, 3) + "-" + d.substr(9);
}

std::string swiss_ahv(Rng& rng) {
  std::string d = "756" + rng.digits(9);
  int sum = 0;  // EAN-13 check digit: weights 1,3,1,3... from the left
  for (int i = 0; i < 12; ++i) sum += (d[i] - '0') * (i % 2 == 0 ? 1 : 3);
  d.push_back(static_cast<char>('0' + (10 - sum % 10) % 10));
  return d.substr(0, 3) + "." + d.substr(3, 4) + "." + d.substr(7, 4) + "." + d.substr(11);
}

std::string french_nir(Rng& rng) {
  const Birth b = random_birth(rng);
  std::string d = std::to_string(1 + rng.below(2)) + two(b.year) + two(b.month) +
                  two(static_cast<int>(rng.range(1, 95))) + rng.digits(3) + rng.digits(3);
  const int key = static_cast<int>(97 - std::stoll(d) % 97);
  return d.substr(0, 1) + " " + d.substr(1, 2) + " " + d.substr(3, 2) + " " + d.substr(5, 2) + " " +
         d.substr(7, 3) + " " + d.substr(10, 3) + " " + two(key);
}

std::string canada_sin(Rng& rng) {
  std::string d(1, static_cast<char>('1' + rng.below(7)));
  d += rng.digits(7);
  d.push_back(static_cast<char>('0' + luhn_check_digit(d)));
  return d.substr(0, 3) + " " + d.substr(3, 3) + " " + d.substr(6);
}

std::string uk_driving_licence(Rng& rng, std::string_view surname) {
  std::string s = ascii_fold(surname);
  std::string head;
  for (char c : s) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
    if (c >= 'A' && c <= 'Z') head.push_back(c);
    if (head.size() == 5) break;
  }
  while (head.size() < 5) head.push_back('9');
  const Birth b = random_birth(rng);
  const int month = b.month + (rng.chance(0.5) ? 50 : 0);
  return head + std::to_string(b.year / 10 % 10) + two(month) + two(b.day) + std::to_string(b.year % 10) +
         fill(rng, "AA9#AA");
}

}  // namespace

std::string make_ssn(Rng& rng) {
  int area = static_cast<int>(rng.range(1, 899));
  if (area == 666) area = 665;
  char buf[16];
  std::snprintf(buf, sizeof buf, "%03d", area);
  const std::string a = buf, g = two(static_cast<int>(rng.range(1, 99)));
  std::snprintf(buf, sizeof buf, "%04d", static_cast<int>(rng.range(1, 9999)));
  const std::string s = buf;
  switch (rng.below(12)) {
    case 0: return a + g + s;
    case 1: return a + " " + g + " " + s;
    case 2: return canada_sin(rng);
    case 3: return swiss_ahv(rng);
    case 4: return french_nir(rng);
    default: return a + "-" + g + "-" + s;
  }
}

std::string make_national_id(Rng& rng) {
  switch (rng.below(12)) {
    case 0: return czech_birth_number(rng);
    case 1: return pesel(rng);
    case 2: return dni(rng);
    case 3: return swedish_personnummer(rng);
    case 4: return uk_nino(rng);
    case 5: return fill(rng, std::string(1, static_cast<char>('2' + rng.below(8))) + "### #### ####");  // Aadhaar
    case 6: return rng.digits(11);                                                                       // NIN (NG)
    case 7: return turkish_id(rng);
    case 8: return chinese_resident_id(rng);
    case 9: return finnish_hetu(rng);
    case 10: return dutch_bsn(rng);
    default: return brazil_cpf(rng);
  }
}

std::string make_id_card(Rng& rng) {
  static constexpr std::string_view kDeAlphabet = "CFGHJKLMNPRTVWXYZ0123456789";
  switch (rng.below(10)) {
    case 0: return std::string(1, "LMNPRTVWXY"[rng.below(10)]) + rng.chars(kDeAlphabet, 8);  // DE
    case 1: return rng.digits(9);                                                              // CZ
    case 2: return rng.chance(0.5) ? rng.chars(kUpperAlnum, 9) : rng.digits(12);              // FR
    case 3: return fill(rng, "AA") + rng.chars("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789", 6) + rng.digit();  // NL
    case 4: return fill(rng, "AA#####AA");                                                     // IT CIE
    case 5: return fill(rng, "AAA######");                                                     // ES, PL
    case 6: return fill(rng, "######## # AX#");                                                // PT
    case 7: return fill(rng, "###-#######-##");                                                // BE
    case 8: return fill(rng, "A#######");                                                      // US state ID
    default: return fill(rng, "ID-###-###-###");
  }
}

std::string make_passport(Rng& rng) {
  static constexpr std::string_view kPatterns[] = {
      "#########", "A########", "##AA#####", "########",  "AA#######", "A#######",
      "E########", "EA#######", "YA#######", "FA######",  "U########", "PA#######", "AAA######"};
  if (rng.chance(0.1)) return "C" + rng.chars("CFGHJKLMNPRTVWXYZ0123456789", 8);  // DE
  return fill(rng, rng.pick(kPatterns));
}

std::string make_tax_number(Rng& rng) {
  switch (rng.below(14)) {
    case 0: return fill(rng, "##-#######");                                // US EIN
    case 1: return fill(rng, "9##-7#-####");                               // US ITIN
    case 2: return fill(rng, "## ### ### ###");                            // DE Steuer-ID
    case 3: return fill(rng, "##/###/#####");                              // DE Steuernummer
    case 4: return rng.chance(0.5) ? rng.digits(10) : fill(rng, "##### #####");  // UK UTR
    case 5: return fill(rng, "AAAPA####A");                                // IN PAN
    case 6: return fill(rng, "AAAAAA##A##A###A");                          // IT codice fiscale
    case 7: return brazil_cpf(rng);                                        // BR CPF
    case 8: return "CZ" + rng.digits(rng.chance(0.5) ? 8 : 10);            // CZ DIČ
    case 9: return "DE" + rng.digits(9);                                   // VAT
    case 10: return fill(rng, "GB### #### ##");
    case 11: return "NL" + rng.digits(9) + "B" + rng.digits(2);
    case 12: return fill(rng, "### ### ###");                              // AU TFN
    default: return fill(rng, std::string(1, static_cast<char>('0' + rng.below(4))) + "# ## ### ### ###");  // FR
  }
}

std::string make_driver_license(Rng& rng, std::string_view surname) {
  static constexpr std::string_view kPatterns[] = {
      "A#######",        "### ### ###",     "A###-###-##-###-#", "########", "A###-####-####",
      "WDLXXXXXXXXX",    "A###XXX#X##",     "############",      "EA ######", "#####/##/####",
      "AA## ###########", "A####-#####-#####", "#########"};
  if (rng.chance(0.15)) return uk_driving_licence(rng, surname);
  return fill(rng, rng.pick(kPatterns));
}

std::string make_license_plate(Rng& rng) {
  static constexpr std::string_view kCityDe[] = {"M", "B", "HH", "K", "F", "S", "DD", "L", "N", "HB", "KA", "MZ", "BN"};
  static constexpr std::string_view kPatterns[] = {
      "AA## AAA", "#AAA###", "AAA-####", "AAA ###", "AA-###-AA", "#A# ####", "AA #####",
      "##-AAA-#", "AA-###-A", "#### AAA", "AA ### AA", "AAA ###", "AA #####", "AAA#A##",
      "AA ## AA ####", "## AAA ###", "AA-##-AA"};
  if (rng.chance(0.15)) {
    return std::string(rng.pick(kCityDe)) + "-" + fill(rng, rng.chance(0.5) ? "AA" : "A") + " " +
           std::to_string(rng.range(1, 9999));
  }
  return fill(rng, rng.pick(kPatterns));
}

std::string make_password(Rng& rng, const Lexicons& lex) {
  // Passwords avoid '"', '\\', ',', '#', whitespace and quotes so they sit unescaped in
  // JSON, CSV, YAML and .env text (the span must equal the value).
  static constexpr std::string_view kSymbols = "!@$%^&*()-_=+?.:~[]";
  static constexpr std::string_view kWeak[] = {"hunter2", "qwerty123", "letmein", "P@ssw0rd", "Welcome1!",
                                               "iloveyou", "abc123", "Passw0rd!", "dragon2024", "changeme"};
  const std::string word = slug(lex.common_words.pick(rng), '_');
  switch (rng.below(7)) {
    case 0: {
      std::string w = word;
      if (!w.empty()) w[0] = static_cast<char>(w[0] - 32 * (w[0] >= 'a' && w[0] <= 'z'));
      return w + std::to_string(rng.range(1, 2025)) + kSymbols[rng.below(5)];
    }
    case 1: case 2: {
      std::string p = rng.chars(kAlnum, static_cast<std::size_t>(rng.range(8, 20)));
      for (int i = 0; i < 3; ++i) p[rng.below(p.size())] = kSymbols[rng.below(kSymbols.size())];
      return p;
    }
    case 3: {
      const char sep = "-_."[rng.below(3)];
      return word + sep + slug(lex.common_words.pick(rng), '_') + sep + slug(lex.common_words.pick(rng), '_') +
             (rng.chance(0.5) ? std::string(1, sep) + std::to_string(rng.range(1, 99)) : "");
    }
    case 4: return std::string(rng.pick(kWeak)) + (rng.chance(0.5) ? std::to_string(rng.range(1, 99)) : "");
    case 5: {
      std::string w = word;  // leet speak
      for (char& c : w) {
        if (c == 'a') c = '@';
        else if (c == 'o') c = '0';
        else if (c == 'e') c = '3';
        else if (c == 'i') c = '1';
      }
      return w + "!" + rng.digits(2);
    }
    default: return rng.chars(kLowerAlnum, static_cast<std::size_t>(rng.range(6, 10)));
  }
}

std::string make_security_token(Rng& rng) {
  static constexpr std::string_view kB64Url =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  static constexpr std::string_view kB64 =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  switch (rng.below(16)) {
    case 0: return (rng.chance(0.8) ? "AKIA" : "ASIA") + rng.chars(kUpperAlnum, 16);      // AWS access key id
    case 1: return rng.chars(kB64, 40);                                                   // AWS secret key
    case 2: return "ghp_" + rng.chars(kAlnum, 36);                                        // GitHub classic
    case 3: return "github_pat_" + rng.chars(kAlnum, 22) + "_" + rng.chars(kAlnum, 59);   // GitHub fine-grained
    case 4: return std::string(rng.chance(0.5) ? "xoxb-" : "xoxp-") + rng.digits(12) + "-" + rng.digits(13) + "-" +
                   rng.chars(kAlnum, 24);                                                  // Slack
    case 5: return std::string(rng.chance(0.7) ? "sk_live_" : "rk_live_") + rng.chars(kAlnum, 24);  // Stripe
    case 6: return "sk-" + std::string(rng.chance(0.5) ? "proj-" : "") + rng.chars(kB64Url, 48);  // OpenAI
    case 7: {                                                                              // JWT
      static constexpr std::string_view kHeaders[] = {"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9",
                                                      "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9",
                                                      "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzUxMiJ9"};
      return std::string(rng.pick(kHeaders)) + ".eyJ" + rng.chars(kB64Url, static_cast<std::size_t>(rng.range(40, 90))) +
             "." + rng.chars(kB64Url, 43);
    }
    case 8: return "AIza" + rng.chars(kB64Url, 35);                                       // Google API key
    case 9: return "SK" + rng.chars(kHexLower, 32);                                       // Twilio
    case 10: return "SG." + rng.chars(kB64Url, 22) + "." + rng.chars(kB64Url, 43);        // SendGrid
    case 11: return "npm_" + rng.chars(kAlnum, 36);                                       // npm
    case 12: return "glpat-" + rng.chars(kB64Url, 20);                                    // GitLab
    case 13: return "sk-ant-api03-" + rng.chars(kB64Url, 93) + "AA";                      // Anthropic
    case 14: return "hf_" + rng.chars(kAlnum, 34);                                        // Hugging Face
    default: return rng.chars(kHexLower, rng.chance(0.5) ? 32 : 64);                      // bearer secret
  }
}

std::string make_age(Rng& rng) {
  return std::to_string(rng.chance(0.85) ? rng.range(18, 85) : rng.range(1, 99));
}

int filler_kind(std::string_view name) {
  for (std::size_t i = 0; i < kFillerKinds.size(); ++i) {
    if (kFillerKinds[i] == name) return static_cast<int>(i);
  }
  return -1;
}

std::string make_filler(Rng& rng, int kind, const Lexicons& lex) {
  char buf[96];
  switch (kind) {
    case 0: return fill(rng, rng.chance(0.5) ? "ORD-20##-######" : "#########");                 // order
    case 1: return fill(rng, rng.chance(0.5) ? "INV-####-####" : "RE-20##-###");                 // invoice
    case 2: return std::to_string(rng.range(10000, 999999));                                     // ticket
    case 3:                                                                                      // version
      std::snprintf(buf, sizeof buf, "%s%d.%d.%d", rng.chance(0.4) ? "v" : "", static_cast<int>(rng.range(0, 12)),
                    static_cast<int>(rng.range(0, 30)), static_cast<int>(rng.range(0, 99)));
      return buf;
    case 4: {                                                                                    // price
      static constexpr std::string_view kFormats[] = {"$%d.%02d", "€%d,%02d", "%d.%02d EUR", "£%d.%02d", "%d,%02d Kč", "CHF %d.%02d"};
      std::snprintf(buf, sizeof buf, std::string(rng.pick(kFormats)).c_str(), static_cast<int>(rng.range(1, 4999)),
                    static_cast<int>(rng.range(0, 99)));
      return buf;
    }
    case 5:                                                                                      // time
      std::snprintf(buf, sizeof buf, "%02d:%02d", static_cast<int>(rng.range(0, 23)), static_cast<int>(rng.range(0, 59)));
      return buf;
    case 6:                                                                                      // event date
      std::snprintf(buf, sizeof buf, rng.chance(0.5) ? "%04d-%02d-%02d" : "%04d/%02d/%02d", static_cast<int>(rng.range(2019, 2026)),
                    static_cast<int>(rng.range(1, 12)), static_cast<int>(rng.range(1, 28)));
      return buf;
    case 7: return rng.chars(kHexLower, rng.chance(0.5) ? 40 : 64);                              // hash
    case 8: return rng.chars(kHexLower, 7);                                                      // short sha
    case 9: return fill(rng, rng.chance(0.5) ? "SKU-#####-AA" : "AA-####");                      // product code
    case 10: return fill(rng, rng.chance(0.5) ? "1Z###AA##########" : "JJD00000000####");        // tracking
    case 11: return std::to_string(rng.range(1, 48));                                            // quantity
    case 12:                                                                                     // ip address
      std::snprintf(buf, sizeof buf, "%d.%d.%d.%d", static_cast<int>(rng.range(10, 223)), static_cast<int>(rng.range(0, 255)),
                    static_cast<int>(rng.range(0, 255)), static_cast<int>(rng.range(1, 254)));
      return buf;
    case 13: return std::to_string(rng.range(1, 99)) + "%";                                      // percent
    case 14:                                                                                     // capitalized word
      // Train split: 30% made up ("Brindon"), so an unseen capitalised word is not always PII.
      return capitalize_ascii(lex.synth_words.or_made_up(rng, 0.3, lex.common_words.pick(rng)));
    case 15: return std::string(lex.products.pick(rng));                                         // product
    case 16: return std::string(lex.job_titles.pick(rng));                                       // job title
    case 17: return std::to_string(rng.range(100, 160)) + "/" + std::to_string(rng.range(60, 100));  // blood pressure
    case 18:                                                                                     // timestamp
      std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", static_cast<int>(rng.range(2022, 2026)),
                    static_cast<int>(rng.range(1, 12)), static_cast<int>(rng.range(1, 28)), static_cast<int>(rng.range(0, 23)),
                    static_cast<int>(rng.range(0, 59)), static_cast<int>(rng.range(0, 59)), static_cast<int>(rng.range(0, 999)));
      return buf;
    case 19:                                                                                     // uuid
      return rng.chars(kHexLower, 8) + "-" + rng.chars(kHexLower, 4) + "-4" + rng.chars(kHexLower, 3) + "-" +
             rng.chars("89ab", 1) + rng.chars(kHexLower, 3) + "-" + rng.chars(kHexLower, 12);
    case 20: return std::to_string(rng.range(100, 99999));                                       // build number
    case 21: {                                                                                   // http status
      static constexpr std::string_view kStatus[] = {"200", "201", "204", "301", "400", "401", "403", "404", "409", "500", "502", "503"};
      return std::string(rng.pick(kStatus));
    }
    case 22: return fill(rng, rng.chance(0.5) ? "A#.##" : "###");                                // room
    case 24: return make_sentence(rng, lex);                                                     // prose sentence
    case 25: return make_title(rng, lex);                                                        // title-case phrase
    default: return std::to_string(rng.range(2, 250000));                                       // amount
  }
}

}  // namespace piikit::gen
