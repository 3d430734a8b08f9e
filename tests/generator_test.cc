// Tests for the synthetic data generator (issue: piikit generate).
//
// The big checks run over 100,000 train samples (and 20,000 eval samples) generated once per test
// binary: exact spans, no overlaps, valid IBANs and card numbers, determinism, train/eval
// disjointness and the type frequencies of the chance table.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <tuple>

#include "piikit/error.h"
#include "piikit/generator.h"
#include "piikit/label_set.h"
#include "piikit/sample_io.h"
#include "piikit/utf8.h"

namespace piikit {
namespace {

constexpr std::size_t kBigCount = 100000;
constexpr std::size_t kEvalCount = 20000;
// FNV-1a of the first 200 train samples of seed 1 as JSONL (see GoldenFirstSampleIsStable).
// FNV-1a of the first 300 eval samples of seed 7 (see GoldenEvalSplitIsStable).
constexpr const char* kGoldenEvalHash = "2c79f5294d0e8fb9";
constexpr const char* kGoldenHash = "7430f63e784d4d00";

int type_of(const char* name) { return *type_from_name(name); }

std::string span_text(const Sample& s, const Entity& e) {
  return codepoint_substr(s.text, static_cast<std::size_t>(e.start), static_cast<std::size_t>(e.end));
}

// Independent checkers (not the generator's own code).
bool iban_valid(std::string iban) {
  iban.erase(std::remove(iban.begin(), iban.end(), ' '), iban.end());
  if (iban.size() < 15 || iban.size() > 34) return false;
  if (!std::isupper(static_cast<unsigned char>(iban[0])) || !std::isupper(static_cast<unsigned char>(iban[1])) ||
      !std::isdigit(static_cast<unsigned char>(iban[2])) || !std::isdigit(static_cast<unsigned char>(iban[3]))) {
    return false;
  }
  std::string moved = iban.substr(4) + iban.substr(0, 4);
  std::string digits;
  for (char c : moved) {
    if (std::isdigit(static_cast<unsigned char>(c))) digits.push_back(c);
    else if (c >= 'A' && c <= 'Z') digits += std::to_string(c - 'A' + 10);
    else return false;
  }
  int mod = 0;
  for (char c : digits) mod = (mod * 10 + (c - '0')) % 97;
  return mod == 1;
}

bool luhn_valid(const std::string& number) {
  std::string d;
  for (char c : number) {
    if (std::isdigit(static_cast<unsigned char>(c))) d.push_back(c);
    else if (c != ' ' && c != '-') return false;
  }
  if (d.size() < 13 || d.size() > 19) return false;
  int sum = 0;
  for (std::size_t i = 0; i < d.size(); ++i) {
    int v = d[d.size() - 1 - i] - '0';
    if (i % 2 == 1) v = v * 2 > 9 ? v * 2 - 9 : v * 2;
    sum += v;
  }
  return sum % 10 == 0;
}

bool is_word_char(char32_t c) { return (c < 0x80 && std::isalnum(static_cast<int>(c))) || c >= 0xC0; }

// Shape of a value: digits -> 9, letters -> a/A, others kept ("AB-123" -> "AA-999").
std::string shape(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (std::isdigit(static_cast<unsigned char>(c))) out.push_back('9');
    else if (std::islower(static_cast<unsigned char>(c))) out.push_back('a');
    else if (std::isupper(static_cast<unsigned char>(c))) out.push_back('A');
    else out.push_back(c);
  }
  return out;
}

class GeneratorBigTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    train_ = new std::vector<Sample>(generate_samples(GeneratorConfig(), Split::kTrain, 42, kBigCount));
    eval_ = new std::vector<Sample>(generate_samples(GeneratorConfig(), Split::kEval, 42, kEvalCount));
  }
  static void TearDownTestSuite() {
    delete train_;
    delete eval_;
  }
  static std::vector<Sample>* train_;
  static std::vector<Sample>* eval_;
};
std::vector<Sample>* GeneratorBigTest::train_ = nullptr;
std::vector<Sample>* GeneratorBigTest::eval_ = nullptr;

TEST_F(GeneratorBigTest, SpansAreExactSortedAndDisjoint) {
  for (const auto* set : {train_, eval_}) {
    for (const Sample& s : *set) {
      ASSERT_TRUE(is_valid_utf8(s.text)) << s.id;
      const std::u32string cps = utf8_decode(s.text);
      int64_t prev_end = 0;
      for (const Entity& e : s.entities) {
        ASSERT_GE(e.start, prev_end) << s.id << ": overlapping or unsorted spans\n" << s.text;
        ASSERT_LT(e.start, e.end) << s.id;
        ASSERT_LE(e.end, static_cast<int64_t>(cps.size())) << s.id;
        ASSERT_GE(e.type, 0);
        ASSERT_LT(e.type, kNumTypes);
        const std::string text = span_text(s, e);
        // No whitespace at the edges, and the span does not cut a word in two.
        ASSERT_FALSE(std::isspace(static_cast<unsigned char>(text.front()))) << s.id << " [" << text << "]";
        ASSERT_FALSE(std::isspace(static_cast<unsigned char>(text.back()))) << s.id << " [" << text << "]";
        if (e.start > 0) {
          ASSERT_FALSE(is_word_char(cps[e.start - 1]) && is_word_char(cps[e.start]))
              << s.id << ": span starts inside a word: " << text << "\n" << s.text;
        }
        if (e.end < static_cast<int64_t>(cps.size())) {
          ASSERT_FALSE(is_word_char(cps[e.end - 1]) && is_word_char(cps[e.end]))
              << s.id << ": span ends inside a word: " << text << "\n" << s.text;
        }
        prev_end = e.end;
      }
    }
  }
}

TEST_F(GeneratorBigTest, JsonlRoundTripKeepsEverySpan) {
  // to_jsonl writes each entity's text; read_jsonl checks it against the offsets.
  std::stringstream buf;
  for (std::size_t i = 0; i < 20000; ++i) buf << to_jsonl((*train_)[i]) << '\n';
  ReadOptions strict;
  strict.skip_unknown_labels = false;
  const std::vector<Sample> back = read_jsonl(buf, "generated.jsonl", strict);
  ASSERT_EQ(back.size(), 20000u);
  for (std::size_t i = 0; i < back.size(); ++i) {
    ASSERT_EQ(back[i].text, (*train_)[i].text);
    ASSERT_EQ(back[i].entities, (*train_)[i].entities) << back[i].id;
  }
}

TEST_F(GeneratorBigTest, IbansPassMod97AndCardsPassLuhn) {
  const int iban = type_of("IBAN"), card = type_of("CREDITCARDNUMBER");
  std::size_t ibans = 0, cards = 0, grouped = 0, ungrouped = 0, spaced = 0, dashed = 0;
  std::set<std::string> countries;
  for (const Sample& s : *train_) {
    for (const Entity& e : s.entities) {
      const std::string v = span_text(s, e);
      if (e.type == iban) {
        ++ibans;
        EXPECT_TRUE(iban_valid(v)) << s.id << ": " << v;
        countries.insert(v.substr(0, 2));
        (v.find(' ') != std::string::npos ? grouped : ungrouped)++;
      } else if (e.type == card) {
        ++cards;
        EXPECT_TRUE(luhn_valid(v)) << s.id << ": " << v;
        spaced += v.find(' ') != std::string::npos;
        dashed += v.find('-') != std::string::npos;
      }
    }
  }
  EXPECT_GT(ibans, 3000u);
  EXPECT_GT(cards, 3000u);
  EXPECT_GE(countries.size(), 15u) << "IBANs of several countries";
  EXPECT_GT(grouped, ibans / 4);
  EXPECT_GT(ungrouped, ibans / 4);
  EXPECT_GT(spaced, cards / 5);
  EXPECT_GT(dashed, cards / 5);
}

TEST_F(GeneratorBigTest, TypeFrequenciesFollowTheChanceTable) {
  std::array<std::size_t, kNumTypes> present{};
  std::size_t negatives = 0;
  for (const Sample& s : *train_) {
    uint32_t mask = 0;
    for (const Entity& e : s.entities) mask |= 1u << e.type;
    if (mask == 0) ++negatives;
    for (int t = 0; t < kNumTypes; ++t) present[t] += (mask >> t) & 1;
  }
  for (int t = 0; t < kNumTypes; ++t) EXPECT_GT(present[t], 3000u) << type_name(t);
  // Stated tolerance (docs/generator.md): FIRSTNAME appears in 4.0 to 6.0 times as many samples
  // as SSN (0.5 vs 0.1 chance; the draw without replacement gives about 4.3).
  const double ratio = static_cast<double>(present[type_of("FIRSTNAME")]) / present[type_of("SSN")];
  EXPECT_GE(ratio, 4.0);
  EXPECT_LE(ratio, 6.0);
  EXPECT_NEAR(static_cast<double>(present[type_of("SURNAME")]) / present[type_of("FIRSTNAME")], 1.0, 0.05);
  // All 0.1 types outside the address group within 10% of their mean.
  double mean = 0;
  int n = 0;
  for (int t = 0; t < kNumTypes; ++t) {
    if (!pii_types()[t].address && pii_types()[t].chance < 0.2) mean += present[t], ++n;
  }
  mean /= n;
  for (int t = 0; t < kNumTypes; ++t) {
    if (!pii_types()[t].address && pii_types()[t].chance < 0.2) {
      EXPECT_NEAR(present[t] / mean, 1.0, 0.10) << type_name(t);
    }
  }
  // The address group is pulled in whole: every address type in exactly the same samples.
  const std::size_t city = present[type_of("CITY")];
  for (int t = 0; t < kNumTypes; ++t) {
    if (pii_types()[t].address) EXPECT_EQ(present[t], city) << type_name(t);
  }
  EXPECT_NEAR(static_cast<double>(negatives) / kBigCount, 0.08, 0.01);
}

TEST_F(GeneratorBigTest, EvalValuesAndTextsAreDisjointFromTrain) {
  // Lexicon-valued types: no value seen in train samples appears in eval samples.
  const std::set<int> lexical = {type_of("FIRSTNAME"), type_of("SURNAME"), type_of("CITY"),
                                 type_of("STREET"),    type_of("STATE"),   type_of("COUNTRY"),
                                 type_of("COMPANYNAME")};
  std::map<int, std::set<std::string>> train_values;
  for (const Sample& s : *train_) {
    for (const Entity& e : s.entities) {
      if (lexical.count(e.type)) train_values[e.type].insert(span_text(s, e));
    }
  }
  std::size_t checked = 0;
  for (const Sample& s : *eval_) {
    for (const Entity& e : s.entities) {
      if (!lexical.count(e.type)) continue;
      ++checked;
      EXPECT_EQ(train_values[e.type].count(span_text(s, e)), 0u)
          << type_name(e.type) << " \"" << span_text(s, e) << "\" occurs in both splits";
    }
  }
  EXPECT_GT(checked, 20000u);
}

TEST_F(GeneratorBigTest, NamesComeFromTheSplitsLexicon) {
  std::set<std::string> eval_first;
  for (const auto& v : generator_lexicon_values("first_names.txt", Split::kEval)) eval_first.insert(v);
  std::size_t n = 0;
  for (const Sample& s : *eval_) {
    for (const Entity& e : s.entities) {
      if (e.type != type_of("FIRSTNAME")) continue;
      ++n;
      EXPECT_EQ(eval_first.count(span_text(s, e)), 1u) << span_text(s, e);
    }
  }
  EXPECT_GT(n, 3000u);
}

TEST_F(GeneratorBigTest, SomeTrainNamesAndPlacesAreMadeUpAndNoneIsAnEvalValue) {
  // About 30% of train first names and surnames, 25% of cities and 20% of streets, states and
  // countries come from a character model of the train lexicon (src/gen_names.h): new values,
  // never one of the eval split's.
  for (const auto& [type, file, share] : {std::tuple{"FIRSTNAME", "first_names.txt", 0.3},
                                          std::tuple{"SURNAME", "surnames.txt", 0.3},
                                          std::tuple{"CITY", "cities.txt", 0.25},
                                          std::tuple{"STREET", "streets.txt", 0.2},
                                          std::tuple{"STATE", "states.txt", 0.2},
                                          std::tuple{"COUNTRY", "countries.txt", 0.2}}) {
    std::set<std::string> train_lex, eval_lex;
    for (const auto& v : generator_lexicon_values(file, Split::kTrain)) train_lex.insert(v);
    for (const auto& v : generator_lexicon_values(file, Split::kEval)) eval_lex.insert(v);
    std::size_t n = 0, made_up = 0;
    std::set<std::string> distinct;
    for (const Sample& s : *train_) {
      for (const Entity& e : s.entities) {
        if (e.type != type_of(type)) continue;
        const std::string v = span_text(s, e);
        ++n;
        EXPECT_EQ(eval_lex.count(v), 0u) << type << " \"" << v << "\" is an eval value";
        if (!train_lex.count(v)) ++made_up, distinct.insert(v);
      }
    }
    ASSERT_GT(n, 3000u) << type;
    // Names may carry a title or an initial inside the span, so the share is a lower bound.
    EXPECT_GT(static_cast<double>(made_up) / n, share - 0.08) << type;
    EXPECT_LT(static_cast<double>(made_up) / n, share + 0.1) << type;
    EXPECT_GT(distinct.size(), made_up / 2) << type << ": made-up values should rarely repeat";
  }
}

TEST_F(GeneratorBigTest, TrainTextHasMadeUpWordsThatAreNotPii) {
  // The train split writes made-up words in title-case phrases and capitalised look-alikes
  // ("Quarterly Brindon Review"): words in no lexicon and no template, outside every entity. The
  // eval split has none of them.
  std::set<std::string> known;
  auto add_words = [&known](std::string_view text) {
    std::string w;
    for (char c : std::string(text) + " ") {
      if (std::isalpha(static_cast<unsigned char>(c))) {
        w.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
      } else {
        if (!w.empty()) known.insert(w);
        w.clear();
      }
    }
  };
  for (Split split : {Split::kTrain, Split::kEval}) {
    for (const std::string& t : generator_template_texts(split)) add_words(t);
    for (const std::string& name : generator_lexicon_names()) {
      for (const auto& v : generator_lexicon_values(name, split)) add_words(v);
    }
  }
  // Words of 5+ lower-case ASCII letters with a vowel, capitalised or not, outside entities.
  auto unknown_words = [&known](const std::vector<Sample>& samples, std::size_t* occurrences) {
    std::set<std::string> found;
    *occurrences = 0;
    for (const Sample& s : samples) {
      std::u32string cps = utf8_decode(s.text);
      for (const Entity& e : s.entities) std::fill(cps.begin() + e.start, cps.begin() + e.end, U' ');
      const std::string text = utf8_encode(cps) + " ";
      std::string w;
      bool plain = true;
      for (std::size_t i = 0; i < text.size(); ++i) {
        const unsigned char c = static_cast<unsigned char>(text[i]);
        if (std::isalnum(c) || c == '_' || c == '@' || c == '.' || c >= 0x80) {
          plain = plain && std::isalpha(c) && (w.empty() || std::islower(c));
          w.push_back(static_cast<char>(std::tolower(c)));
          continue;
        }
        if (plain && w.size() >= 5 && w.find_first_of("aeiouy") != std::string::npos && !known.count(w)) {
          found.insert(w);
          ++*occurrences;
        }
        w.clear();
        plain = true;
      }
    }
    return found;
  };
  std::size_t train_n = 0, eval_n = 0;
  const std::set<std::string> train_words = unknown_words(*train_, &train_n);
  const std::set<std::string> eval_words = unknown_words(*eval_, &eval_n);
  // Other unknown words (inflections such as "tickets", glued words) are few: about 30 distinct
  // in the eval split's 20,000 samples, against thousands of made-up ones in train's 100,000.
  EXPECT_GT(train_words.size(), 2000u) << "made-up words should rarely repeat";
  EXPECT_LT(eval_words.size(), 100u);
}

TEST_F(GeneratorBigTest, ProseUsesOnlyTheSplitsEnglishWords) {
  // Ordinary prose (src/gen_prose.h) draws its content words from the split's part of the English
  // lexicons: train text uses thousands of them and never a word that only the eval split owns.
  // (The English lists leave out the grammar words gen_prose.cc writes itself.)
  auto lower_words = [](const std::string& text) {  // whole words of letters, lower-cased
    std::vector<std::string> words;
    std::string w;
    bool letters_only = true;
    for (char c : text + " ") {
      const unsigned char u = static_cast<unsigned char>(c);
      if (std::isalnum(u) || c == '_' || c == '-' || u >= 0x80) {
        letters_only = letters_only && std::isalpha(u);
        w.push_back(static_cast<char>(std::tolower(u)));
      } else {
        if (!w.empty() && letters_only) words.push_back(w);
        w.clear();
        letters_only = true;
      }
    }
    return words;
  };
  std::set<std::string> train_only, eval_only;
  for (const char* name : {"english_words.txt", "english_nouns.txt", "english_verbs.txt", "english_adjectives.txt"}) {
    for (const auto& v : generator_lexicon_values(name, Split::kTrain)) train_only.insert(v);
    for (const auto& v : generator_lexicon_values(name, Split::kEval)) eval_only.insert(v);
  }
  // A word may also be written in a template or be part of another lexicon's value: only words
  // owned by one split's English lists and found nowhere else are checked.
  std::set<std::string> elsewhere;
  for (Split split : {Split::kTrain, Split::kEval}) {
    for (const std::string& t : generator_template_texts(split)) {
      for (const std::string& w : lower_words(t)) elsewhere.insert(w);
    }
    for (const std::string& name : generator_lexicon_names()) {
      if (name.rfind("english_", 0) == 0) continue;
      for (const auto& v : generator_lexicon_values(name, split)) {
        std::string lower(v);
        for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        for (const std::string& w : lower_words(lower)) elsewhere.insert(w);
      }
    }
  }
  std::set<std::string> train_used;
  for (const Sample& s : *train_) {
    std::u32string cps = utf8_decode(s.text);  // PII values are not prose: blank them out
    for (const Entity& e : s.entities) std::fill(cps.begin() + e.start, cps.begin() + e.end, U' ');
    for (const std::string& w : lower_words(utf8_encode(cps))) {
      if (elsewhere.count(w)) continue;
      EXPECT_EQ(eval_only.count(w) && !train_only.count(w), 0u) << "eval-only word in train text: " << w;
      if (train_only.count(w)) train_used.insert(w);
    }
  }
  EXPECT_GT(train_used.size(), 4000u);
  // The other direction of the same rule: no word of the eval English lists is written in a train
  // template (such words are seen in training, so the eval lists leave them out).
  std::set<std::string> train_template_words;
  for (const std::string& t : generator_template_texts(Split::kTrain)) {
    for (const std::string& w : lower_words(t)) train_template_words.insert(w);
  }
  for (const std::string& w : eval_only) {
    EXPECT_EQ(train_template_words.count(w), 0u) << "eval English word in a train template: " << w;
  }
}

TEST_F(GeneratorBigTest, EveryTypeHasManySurfaceForms) {
  std::map<int, std::set<std::string>> shapes;
  std::map<int, std::set<std::string>> values;
  for (const Sample& s : *train_) {
    for (const Entity& e : s.entities) {
      const std::string v = span_text(s, e);
      shapes[e.type].insert(shape(v));
      values[e.type].insert(v);
    }
  }
  // Formatted identifiers come in several national formats.
  for (const char* name : {"DATEOFBIRTH", "PHONENUMBER", "ZIP", "SSN", "DRIVERLICENSENUM", "PASSPORTID",
                           "NATIONALID", "IDCARDNUM", "TAXNUM", "LICENSEPLATENUM", "SECURITYTOKEN",
                           "CREDITCARDNUMBER", "IBAN", "BUILDINGNUM", "PASSWORD", "USERNAME", "EMAIL", "URL"}) {
    EXPECT_GE(shapes[type_of(name)].size(), 6u) << name;
  }
  for (int t = 0; t < kNumTypes; ++t) {
    const std::size_t min_distinct = type_name(t) == "AGE" ? 90 : 150;
    EXPECT_GE(values[t].size(), min_distinct) << type_name(t);
  }
  EXPECT_GE(values[type_of("FIRSTNAME")].size(), 1000u);
  EXPECT_GE(values[type_of("SURNAME")].size(), 1000u);
  // Diacritics and international phone numbers are there.
  auto any_of = [&](const char* type, auto pred) {
    const auto& vs = values[type_of(type)];
    return std::any_of(vs.begin(), vs.end(), pred);
  };
  EXPECT_TRUE(any_of("SURNAME", [](const std::string& v) { return v.find("\xC5\xA1") != std::string::npos; }));  // š
  EXPECT_TRUE(any_of("PHONENUMBER", [](const std::string& v) { return v.rfind("+44 ", 0) == 0; }));
  EXPECT_TRUE(any_of("PHONENUMBER", [](const std::string& v) { return v.rfind("(", 0) == 0; }));
  EXPECT_TRUE(any_of("COMPANYNAME", [](const std::string& v) { return v.find(" & ") != std::string::npos; }));
  EXPECT_TRUE(any_of("COMPANYNAME", [](const std::string& v) { return v.find(", ") != std::string::npos; }));
  EXPECT_TRUE(any_of("COMPANYNAME", [](const std::string& v) { return v.find(" and ") != std::string::npos; }));
  for (const char* prefix : {"AKIA", "ghp_", "github_pat_", "xoxb-", "sk_live_", "sk-", "eyJ", "AIza", "glpat-"}) {
    EXPECT_TRUE(any_of("SECURITYTOKEN", [&](const std::string& v) { return v.rfind(prefix, 0) == 0; })) << prefix;
  }
}

TEST_F(GeneratorBigTest, HardNegativesHoldLookAlikes) {
  std::size_t negatives = 0, with_digits = 0;
  for (const Sample& s : *train_) {
    if (!s.entities.empty()) continue;
    ++negatives;
    EXPECT_FALSE(s.text.empty()) << s.id;
    with_digits += std::any_of(s.text.begin(), s.text.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
  }
  ASSERT_GT(negatives, 0u);
  EXPECT_GT(static_cast<double>(with_digits) / negatives, 0.8) << "negatives carry numbers that are not PII";
}

TEST_F(GeneratorBigTest, CorefMentionsCoverNameEntities) {
  std::size_t clusters = 0;
  for (const Sample& s : *train_) {
    for (const CorefCluster& c : s.coref) {
      ++clusters;
      ASSERT_GE(c.mentions.size(), 2u) << s.id;
      ASSERT_TRUE(c.type == type_of("FIRSTNAME") || c.type == type_of("SURNAME")) << s.id;
      for (const Mention& m : c.mentions) {
        // Each mention is exactly covered by name entities of the same person.
        bool starts = false, ends = false;
        for (const Entity& e : s.entities) {
          starts |= e.start == m.start && (e.type == type_of("FIRSTNAME") || e.type == type_of("SURNAME"));
          ends |= e.end == m.end && (e.type == type_of("FIRSTNAME") || e.type == type_of("SURNAME"));
        }
        ASSERT_TRUE(starts && ends) << s.id << " mention [" << m.start << "," << m.end << ")\n" << s.text;
      }
    }
  }
  EXPECT_GT(clusters, 1000u);
}

TEST(GeneratorTest, DeterministicPerSeedAndIndex) {
  Generator a(GeneratorConfig(), Split::kTrain, 7), b(GeneratorConfig(), Split::kTrain, 7);
  Generator c(GeneratorConfig(), Split::kTrain, 8);
  std::size_t differ = 0;
  for (int i = 0; i < 2000; ++i) {
    const Sample sa = a.next(), sb = b.next(), sc = c.next();
    ASSERT_EQ(to_jsonl(sa), to_jsonl(sb)) << i;
    differ += sa.text != sc.text;
    if (i % 97 == 0) ASSERT_EQ(to_jsonl(a.sample_at(i)), to_jsonl(sa)) << "sample_at(" << i << ")";
  }
  EXPECT_GT(differ, 1900u);
  EXPECT_EQ(a.sample_at(5).id, "train-7-5");
  EXPECT_EQ(Generator(GeneratorConfig(), Split::kEval, 3).next().id, "eval-3-0");
}

// FNV-1a (hex) of the first `count` samples of (split, seed) as JSONL lines.
std::string jsonl_hash(Split split, uint64_t seed, std::size_t count) {
  std::string all;
  for (const Sample& s : generate_samples(GeneratorConfig(), split, seed, count)) all += to_jsonl(s) + "\n";
  uint64_t h = 0xCBF29CE484222325ULL;
  for (unsigned char ch : all) h = (h ^ ch) * 0x100000001B3ULL;
  std::ostringstream hex;
  hex << std::hex << h;
  return hex.str();
}

TEST(GeneratorTest, GoldenEvalSplitIsStable) {
  // The eval split is what every held-out figure in docs/ was measured on: train-side changes to
  // the generator (made-up names, unknown field names) must leave it byte for byte as it was.
  EXPECT_EQ(jsonl_hash(Split::kEval, 7, 300), std::string(kGoldenEvalHash)) << "eval split output changed";
}

TEST(GeneratorTest, GoldenFirstSampleIsStable) {
  // Pins the output of version 0.7 (0.3 plus, in the train split, unknown field names, made-up
  // names and places, company names from English words, counts in prose, made-up non-PII words)
  // for seed 1: a change
  // here changes every generated dataset, so it must be deliberate (update the hash and say so in
  // the commit).
  const std::string hash = jsonl_hash(Split::kTrain, 1, 200);
  RecordProperty("fnv1a", hash);
  EXPECT_EQ(hash, std::string(kGoldenHash)) << "generator output changed";
}

TEST(GeneratorTest, TemplatesOfTheSplitsAreDisjoint) {
  const auto train = generator_template_texts(Split::kTrain), eval = generator_template_texts(Split::kEval);
  EXPECT_GE(train.size(), 150u);
  EXPECT_GE(eval.size(), 80u);
  const std::set<std::string> train_set(train.begin(), train.end());
  for (const std::string& t : eval) {
    if (t.empty()) continue;  // "no header" is not a text
    EXPECT_EQ(train_set.count(t), 0u) << "template in both splits: " << t;
  }
}

TEST(GeneratorTest, LexiconsAreLargeCleanAndPartitioned) {
  const auto names = generator_lexicon_names();
  ASSERT_GE(names.size(), 12u);
  for (const std::string& name : names) {
    const auto train = generator_lexicon_values(name, Split::kTrain);
    const auto eval = generator_lexicon_values(name, Split::kEval);
    std::set<std::string> seen;
    for (const auto* part : {&train, &eval}) {
      for (const std::string& v : *part) {
        EXPECT_TRUE(is_valid_utf8(v)) << name << ": " << v;
        EXPECT_EQ(v, std::string(v.c_str())) << name;
        // Places are tagged with a country: "London" may be in GB and CA, once each.
        const bool tagged = name == "cities.txt" || name == "streets.txt" || name == "states.txt" ||
                            name == "countries.txt";
        if (!tagged && (generator_lexicon_is_partitioned(name) || part == &train)) {
          EXPECT_TRUE(seen.insert(v).second) << name << ": duplicate entry \"" << v << "\"";
        }
      }
    }
    if (generator_lexicon_is_partitioned(name)) {
      const double share = static_cast<double>(eval.size()) / (train.size() + eval.size());
      EXPECT_GT(share, 0.12) << name;
      EXPECT_LT(share, 0.28) << name;
    } else {
      EXPECT_EQ(train, eval) << name << " is shared by both splits";
    }
  }
  const auto first = generator_lexicon_values("first_names.txt", Split::kTrain).size() +
                     generator_lexicon_values("first_names.txt", Split::kEval).size();
  const auto last = generator_lexicon_values("surnames.txt", Split::kTrain).size() +
                    generator_lexicon_values("surnames.txt", Split::kEval).size();
  EXPECT_GE(first, 1000u);
  EXPECT_GE(last, 1000u);
  EXPECT_THROW(generator_lexicon_values("nope.txt", Split::kTrain), std::out_of_range);
}

TEST(GeneratorTest, EmbeddedLexiconsMatchTheSourceFiles) {
  // The binary carries the lexicons; they must be the ones in data/lexicon/.
  for (const std::string& name : generator_lexicon_names()) {
    std::ifstream in(std::string(PIIKIT_SOURCE_DIR) + "/data/lexicon/" + name);
    ASSERT_TRUE(in) << name;
    std::size_t lines = 0;
    std::string line;
    while (std::getline(in, line)) lines += !line.empty() && line[0] != '#';
    const std::size_t split_total =
        generator_lexicon_values(name, Split::kTrain).size() +
        (generator_lexicon_is_partitioned(name) ? generator_lexicon_values(name, Split::kEval).size() : 0);
    if (name.rfind("english_", 0) == 0) {
      // The eval English lists leave out the words written in train templates (under 10%).
      EXPECT_LE(split_total, lines) << name;
      EXPECT_GE(split_total * 10, lines * 9) << name;
    } else {
      EXPECT_EQ(lines, split_total) << name;
    }
  }
}

// ---- configuration -------------------------------------------------------------------------

std::string config_error(const std::string& toml) {
  try {
    GeneratorConfig::from_toml(toml, "gen.toml");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(GeneratorConfigTest, ReadsTomlTable) {
  const GeneratorConfig c = GeneratorConfig::from_toml(
      "[train]\nepochs = 3\n[generator]\nmin_types = 2\nmax_types = 3\nnegative_ratio = 0.2\n"
      "chances.SSN = 0.3\nchances.IBAN = 1\n",
      "gen.toml");
  EXPECT_EQ(c.min_types, 2);
  EXPECT_EQ(c.max_types, 3);
  EXPECT_DOUBLE_EQ(c.negative_ratio, 0.2);
  EXPECT_DOUBLE_EQ(c.chances[type_of("SSN")], 0.3);
  EXPECT_DOUBLE_EQ(c.chances[type_of("IBAN")], 1.0);
  EXPECT_DOUBLE_EQ(c.chances[type_of("FIRSTNAME")], 0.5);  // untouched default
  // The same as a [generator.chances] table.
  const GeneratorConfig t = GeneratorConfig::from_toml("[generator]\n[generator.chances]\nAGE = 0.25\n", "gen.toml");
  EXPECT_DOUBLE_EQ(t.chances[type_of("AGE")], 0.25);
  EXPECT_EQ(t.max_types, 4);
}

TEST(GeneratorConfigTest, BadKeysAndValuesNameFileLineAndKey) {
  EXPECT_EQ(config_error("[generator]\nmin_typs = 2\n"),
            "gen.toml:2: generator.min_typs: unknown key (expected min_types, max_types, negative_ratio, chances)");
  EXPECT_EQ(config_error("[generator]\n\nchances.SSNN = 0.3\n").substr(0, 45),
            "gen.toml:3: generator.chances.SSNN: unknown t");
  EXPECT_EQ(config_error("[generator]\nchances.SSN = -1\n"),
            "gen.toml:2: generator.chances.SSN: must be a finite number >= 0, got -1");
  EXPECT_EQ(config_error("[generator]\nmax_types = \"four\"\n"),
            "gen.toml:2: generator.max_types: expected an integer, got \"four\"");
  EXPECT_EQ(config_error("[generator]\nnegative_ratio = \"x\"\n"),
            "gen.toml:2: generator.negative_ratio: expected a number, got \"x\"");
  EXPECT_EQ(config_error("[generator]\nmin_types = 3\nmax_types = 2\n"),
            "gen.toml: generator.max_types: must be in [min_types, 26] = [3, 26], got 2");
  EXPECT_EQ(config_error("[generator]\nnegative_ratio = 1.5\n"),
            "gen.toml: generator.negative_ratio: must be in [0, 1], got 1.500000");
  EXPECT_EQ(config_error("[generatr]\nmin_types = 1\n"), "gen.toml: no [generator] table");
  EXPECT_EQ(config_error("[generator]\nchances = 3\n"),
            "gen.toml:2: generator.chances: expected a table of TYPE = chance, got 3");
  EXPECT_EQ(config_error("[generator\n").substr(0, 11), "gen.toml:1:");
  EXPECT_THROW(GeneratorConfig::from_toml_file("/nonexistent/gen.toml"), ConfigError);
}

TEST(GeneratorConfigTest, AllZeroChancesAreRejected) {
  std::string toml = "[generator]\n";
  for (int t = 0; t < kNumTypes; ++t) toml += "chances." + std::string(type_name(t)) + " = 0\n";
  EXPECT_EQ(config_error(toml), "gen.toml: generator.chances: every chance is 0, nothing can be drawn");
}

TEST(GeneratorConfigTest, ChancesChangeTheImbalance) {
  GeneratorConfig c;
  c.chances[type_of("SSN")] = 0.5;      // as common as names
  c.chances[type_of("PASSWORD")] = 0;   // never
  c.chances[type_of("STATE")] = 0;      // address without a state
  c.negative_ratio = 0;
  std::array<std::size_t, kNumTypes> present{};
  for (const Sample& s : generate_samples(c, Split::kTrain, 3, 20000)) {
    ASSERT_FALSE(s.entities.empty()) << s.id;
    uint32_t mask = 0;
    for (const Entity& e : s.entities) mask |= 1u << e.type;
    for (int t = 0; t < kNumTypes; ++t) present[t] += (mask >> t) & 1;
  }
  EXPECT_EQ(present[type_of("PASSWORD")], 0u);
  EXPECT_EQ(present[type_of("STATE")], 0u);
  EXPECT_GT(present[type_of("CITY")], 1000u);
  EXPECT_NEAR(static_cast<double>(present[type_of("SSN")]) / present[type_of("FIRSTNAME")], 1.0, 0.1);
}

TEST(GeneratorConfigTest, TypesPerSampleFollowMinAndMax) {
  GeneratorConfig c;
  c.min_types = c.max_types = 1;
  c.negative_ratio = 0;
  for (int t = 0; t < kNumTypes; ++t) {
    if (pii_types()[t].address) c.chances[t] = 0;  // no group expansion
  }
  for (const Sample& s : generate_samples(c, Split::kEval, 9, 3000)) {
    std::set<int> types;
    for (const Entity& e : s.entities) types.insert(e.type);
    ASSERT_EQ(types.size(), 1u) << s.id << "\n" << s.text;
  }
  c.min_types = 0;
  EXPECT_THROW(Generator(c, Split::kTrain, 1), ConfigError);
}

TEST(GeneratorTest, SplitNames) {
  EXPECT_EQ(split_name(Split::kTrain), "train");
  EXPECT_EQ(split_from_name("eval"), Split::kEval);
  EXPECT_EQ(split_from_name("test"), std::nullopt);
}

}  // namespace
}  // namespace piikit
