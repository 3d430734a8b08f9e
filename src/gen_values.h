// Value makers for the generator: one surface form of each PII type, and the non-PII look-alikes
// (order numbers, versions, prices, hashes...) that make hard negatives.
//
// All functions draw from the caller's Rng only, so output depends on the seed alone.
// Generated formats (IBAN countries, token shapes, date formats) are shared by both splits;
// lexicon values (names, places, companies) come from the split's Lexicons.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "gen_lexicon.h"
#include "gen_random.h"
#include "piikit/label_set.h"

namespace piikit::gen {

// --- text helpers ---------------------------------------------------------------------------
// Upper-cases ASCII and Latin-1/Latin Extended-A/Vietnamese letters ("Nováková" -> "NOVÁKOVÁ").
std::string to_upper_latin(std::string_view s);
// Lower-cases ASCII letters only.
std::string to_lower_ascii(std::string_view s);
// `s` with its first character upper-cased when it is an ASCII letter ("brindon" -> "Brindon").
std::string capitalize_ascii(std::string s);
// Folds Latin letters with diacritics to ASCII and drops what it cannot fold ("Šárka" -> "Sarka").
std::string ascii_fold(std::string_view s);
// ASCII slug for addresses: lowercase letters and digits, other runs become `sep` ("Nová Pec" -> "nova-pec").
std::string slug(std::string_view s, char sep = '-');

// --- check digits (also used by the tests' independent checkers' counterparts) ---------------
// ISO 13616: the two check digits for country code + BBAN.
std::string iban_check_digits(std::string_view country, std::string_view bban);
// Luhn check digit for a digit string without its final digit.
int luhn_check_digit(std::string_view digits_without_check);

// --- value makers ----------------------------------------------------------------------------
std::string make_iban(Rng& rng);                  // grouped in fours or not
std::string make_card_number(Rng& rng);           // Visa/MC/Amex/Discover, Luhn-valid
std::string make_phone(Rng& rng, std::string_view country);
std::string make_zip(Rng& rng, std::string_view country);
std::string make_building_number(Rng& rng, std::string_view country);
std::string make_date_of_birth(Rng& rng);
std::string make_ssn(Rng& rng);
std::string make_passport(Rng& rng);
std::string make_national_id(Rng& rng);
std::string make_id_card(Rng& rng);
std::string make_tax_number(Rng& rng);
std::string make_driver_license(Rng& rng, std::string_view surname);
std::string make_license_plate(Rng& rng);
std::string make_password(Rng& rng, const Lexicons& lex);
std::string make_security_token(Rng& rng);
std::string make_age(Rng& rng);
// Person-derived values: `first`/`last` are the sample's persona (lexicon values, any script).
std::string make_email(Rng& rng, std::string_view first, std::string_view last,
                       std::string_view company_domain, const Lexicons& lex);
std::string make_username(Rng& rng, std::string_view first, std::string_view last,
                          const Lexicons& lex);
std::string make_url(Rng& rng, std::string_view first, std::string_view last,
                     std::string_view username, std::string_view company_domain);
// "Nordic Harbor Logistics GmbH", "Novák & Partner s.r.o.", "Atlas, Birch and Co."
std::string make_company_name(Rng& rng, const Lexicons& lex);
// Web domain for a company name ("nordic-harbor.de").
std::string company_domain(Rng& rng, std::string_view company);

// Non-PII look-alikes for `{#kind}` template slots. Kinds are listed in kFillerKinds.
inline constexpr std::array<std::string_view, 26> kFillerKinds = {
    "order", "invoice", "ticket", "version", "price", "time",    "date",    "hash",
    "sha",   "sku",     "tracking", "qty",  "ip",    "percent", "word",    "product",
    "job",   "bp",      "ts",     "uuid",    "build", "status",  "room",    "amount",
    "sentence", "title"};
// Index of a filler kind, -1 if unknown.
int filler_kind(std::string_view name);
std::string make_filler(Rng& rng, int kind, const Lexicons& lex);

// Address countries with their own formats (cities/streets/states are tagged with these).
inline constexpr std::array<std::string_view, 28> kAddressCountries = {
    "US", "GB", "IE", "CA", "AU", "DE", "AT", "CH", "FR", "BE", "NL", "ES", "PT", "IT",
    "CZ", "SK", "PL", "SE", "NO", "DK", "FI", "TR", "IN", "NG", "VN", "CN", "BR", "MX"};

}  // namespace piikit::gen
