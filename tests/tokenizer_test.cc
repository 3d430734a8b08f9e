// Tests for the tokenizer: offsets, tricky strings, save/load, WordPiece, alignment, decoding,
// windows and the align -> decode round trip.
#include "piikit/tokenizer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <thread>
#include <tuple>

#include "../src/pretokenizer.h"
#include "piikit/error.h"
#include "piikit/file_util.h"
#include "piikit/generator.h"
#include "piikit/label_set.h"
#include "piikit/utf8.h"
#include "piikit/viterbi.h"

namespace piikit {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

int type_of(const char* name) { return *type_from_name(name); }
using Span = std::pair<int64_t, int64_t>;

// A scratch directory removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    static int counter = 0;
    path_ = fs::temp_directory_path() /
            ("piikit_tok_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  std::string path(const std::string& name = "") const { return (path_ / name).string(); }

 private:
  fs::path path_;
};

// ---------------------------------------------------------------------------------------------
// A small sample maker for tests: templates with PII slots, varied enough for sentencepiece to
// learn real pieces, and with the punctuation around entities the generator produces.

struct Lexicon {
  std::vector<std::string> first = {"John",  "Anna",      "Jürgen", "Zoë",   "Łukasz",
                                    "José",  "Mia",       "Olivia", "Noah",  "Émilie",
                                    "Søren", "Ivan",      "Aiko",   "Björn", "Chloé",
                                    "Mateo", "Ana-Maria", "O'Neil", "Иван",  "Fatima"};
  std::vector<std::string> last = {"Smith",    "Müller",   "García",    "Nowak",   "Dubois",
                                   "Kowalski", "Rossi",    "Öztürk",    "Petrov",  "Nguyen",
                                   "O'Brien",  "Schröder", "Fernández", "Lefèvre", "Ødegaard",
                                   "Петров",   "van Dijk"};
  std::vector<std::string> city = {"Berlin",   "München", "Paris",    "São Paulo",
                                   "Kraków",   "Zürich",  "New York", "Москва",
                                   "Göteborg", "Málaga",  "Łódź"};
  std::vector<std::string> domain = {"example.com", "mail.co.uk", "firma.de", "uni-wien.ac.at",
                                     "post.example.org"};
};

std::string digits(std::mt19937& rng, int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s.push_back(static_cast<char>('0' + rng() % 10));
  return s;
}

std::string lower_ascii(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

// Appends literal text or an entity to a sample under construction.
struct Builder {
  Sample sample;
  int64_t length = 0;
  Builder& text(const std::string& s) {
    sample.text += s;
    length += static_cast<int64_t>(codepoint_count(s));
    return *this;
  }
  Builder& entity(const std::string& s, const char* type) {
    const int64_t start = length;
    text(s);
    sample.entities.push_back({start, length, type_of(type)});
    return *this;
  }
};

Sample make_sample(std::mt19937& rng) {
  static const Lexicon lex;
  auto pick = [&](const std::vector<std::string>& v) -> const std::string& {
    return v[rng() % v.size()];
  };
  const std::string first = pick(lex.first);
  const std::string last = pick(lex.last);
  Builder b;
  switch (rng() % 10) {
    case 0:
      b.text("Contact ").entity(first, "FIRSTNAME").text(" ").entity(last, "SURNAME").text(" at ");
      b.entity(lower_ascii(first) + "." + std::to_string(rng() % 100) + "@" + pick(lex.domain),
               "EMAIL");
      b.text(" or call ").entity("+49 " + digits(rng, 2) + " " + digits(rng, 7), "PHONENUMBER");
      b.text(".");
      break;
    case 1:
      b.text("Mein Name ist ").entity(first, "FIRSTNAME").text(" ").entity(last, "SURNAME");
      b.text(", ich wohne in ").entity(pick(lex.city), "CITY").text(" (PLZ ");
      b.entity(digits(rng, 5), "ZIP").text(").");
      break;
    case 2:
      b.text("API key: ")
          .entity("sk-proj-" + digits(rng, 4) + "AbX_" + digits(rng, 3) + "qZ", "SECURITYTOKEN");
      b.text(", password \"").entity("hunter" + digits(rng, 2) + "!", "PASSWORD").text("\"");
      break;
    case 3:
      b.text("Card: ").entity(
          digits(rng, 4) + " " + digits(rng, 4) + " " + digits(rng, 4) + " " + digits(rng, 4),
          "CREDITCARDNUMBER");
      b.text(", IBAN ").entity("DE" + digits(rng, 20), "IBAN").text("; born ");
      b.entity(std::to_string(1 + rng() % 28) + "/" + std::to_string(1 + rng() % 12) + "/19" +
                   digits(rng, 2),
               "DATEOFBIRTH");
      break;
    case 4:
      b.text("See https://").entity("www." + pick(lex.domain) + "/u/" + lower_ascii(last), "URL");
      b.text(" — by @").entity(lower_ascii(first) + "_" + digits(rng, 3), "USERNAME").text(".");
      break;
    case 5:
      b.text("Dear ")
          .entity(first, "FIRSTNAME")
          .text(",\nyour SSN ")
          .entity(digits(rng, 3) + "-" + digits(rng, 2) + "-" + digits(rng, 4), "SSN");
      b.text(" and passport ").entity("C" + digits(rng, 8), "PASSPORTID").text(" were received.");
      break;
    case 6:
      b.text("Lieferadresse: ").entity("Hauptstraße", "STREET").text(" ");
      b.entity(std::to_string(1 + rng() % 200), "BUILDINGNUM").text(", ");
      b.entity(digits(rng, 5), "ZIP").text(" ").entity(pick(lex.city), "CITY").text(", ");
      b.entity("Deutschland", "COUNTRY").text(".");
      break;
    case 7:
      b.text("Patient ")
          .entity(last, "SURNAME")
          .text(", age ")
          .entity(std::to_string(18 + rng() % 70), "AGE");
      b.text(", plate ")
          .entity(
              "B-" + std::string(1, static_cast<char>('A' + rng() % 26)) + "K " + digits(rng, 4),
              "LICENSEPLATENUM");
      b.text(" — tax no. ")
          .entity(digits(rng, 2) + "/" + digits(rng, 3) + "/" + digits(rng, 5), "TAXNUM");
      break;
    case 8:
      b.text("Von: ").entity(first, "FIRSTNAME").text(" ").entity(last, "SURNAME").text(" <");
      b.entity(lower_ascii(last) + "@" + pick(lex.domain), "EMAIL").text(">\tTel. ");
      b.entity("(0" + digits(rng, 3) + ") " + digits(rng, 3) + "-" + digits(rng, 4), "PHONENUMBER");
      break;
    default:
      b.text("The meeting with ").entity(pick(lex.first), "FIRSTNAME").text(" from ");
      b.entity("Acme GmbH", "COMPANYNAME").text(" is at ").entity(pick(lex.city), "CITY");
      b.text(" 🙂, ID ").entity("ID-" + digits(rng, 6), "IDCARDNUM").text(".");
      break;
  }
  return b.sample;
}

std::vector<Sample> make_samples(uint64_t seed, std::size_t n) {
  std::mt19937 rng(static_cast<uint32_t>(seed));
  std::vector<Sample> out;
  for (std::size_t i = 0; i < n; ++i) out.push_back(make_sample(rng));
  return out;
}

std::vector<std::string> texts_of(const std::vector<Sample>& samples) {
  std::vector<std::string> texts;
  for (const Sample& s : samples) texts.push_back(s.text);
  return texts;
}

std::string write_vocab(const TempDir& dir, const std::string& name,
                        const std::vector<std::string>& tokens) {
  std::string content;
  for (const auto& t : tokens) content += t + "\n";
  write_file_atomic(dir.path(name), content);
  return dir.path(name);
}

// One tokenizer for the suite: training takes about a second.
const Tokenizer& trained() {
  static const Tokenizer tokenizer = [] {
    TokenizerTrainOptions options;
    options.vocab_size = 2000;
    return Tokenizer::train(texts_of(make_samples(1, 3000)), options);
  }();
  return tokenizer;
}

// Invariants every encoding must satisfy, whatever the text.
void expect_valid_encoding(const Encoding& enc, std::string_view text, int32_t vocab_size) {
  const std::u32string cps = utf8_decode(text);
  const auto n = static_cast<int64_t>(cps.size());
  ASSERT_EQ(enc.ids.size(), enc.offsets.size());
  std::vector<int> covered(cps.size(), 0);
  int64_t prev_start = -1;
  for (std::size_t t = 0; t < enc.size(); ++t) {
    const auto [s, e] = enc.offsets[t];
    // [UNK] only from WordPiece (sentencepiece spells unknown characters with byte pieces).
    EXPECT_TRUE(enc.ids[t] >= kNumSpecialIds || enc.ids[t] == kUnkId)
        << "token " << t << " id " << enc.ids[t] << " of \"" << text << "\"";
    EXPECT_LT(enc.ids[t], vocab_size);
    ASSERT_LE(0, s) << "token " << t;
    ASSERT_LT(s, e) << "token " << t;
    ASSERT_LE(e, n) << "token " << t;
    EXPECT_GE(s, prev_start) << "offsets must be non-decreasing, token " << t;
    prev_start = s;
    const bool all_separators = [&] {
      for (int64_t i = s; i < e; ++i) {
        if (!detail::is_separator(cps[i])) return false;
      }
      return true;
    }();
    // A token is either one separator (a bare word-start mark) or holds no separator at all.
    if (all_separators) {
      EXPECT_EQ(e - s, 1) << "token " << t;
    } else {
      for (int64_t i = s; i < e; ++i) {
        EXPECT_FALSE(detail::is_separator(cps[i])) << "token " << t << " holds a separator";
        ++covered[i];
      }
    }
  }
  // Every non-separator code point belongs to a token: nothing is dropped.
  for (int64_t i = 0; i < n; ++i) {
    if (!detail::is_separator(cps[i])) {
      EXPECT_GE(covered[i], 1) << "code point " << i << " of \"" << text << "\" has no token";
    }
  }
}

// ---------------------------------------------------------------------------------------------

TEST(TokenizerTest, SpecialIdsAreFixed) {
  const Tokenizer& tok = trained();
  EXPECT_EQ(tok.id_to_piece(kPadId), "[PAD]");
  EXPECT_EQ(tok.id_to_piece(kUnkId), "[UNK]");
  EXPECT_EQ(tok.id_to_piece(kClsId), "[CLS]");
  EXPECT_EQ(tok.id_to_piece(kSepId), "[SEP]");
  EXPECT_EQ(tok.kind(), "sentencepiece");
  EXPECT_GT(tok.vocab_size(), 300);
  EXPECT_LE(tok.vocab_size(), 2000);
  EXPECT_THROW(tok.id_to_piece(tok.vocab_size()), std::out_of_range);
  EXPECT_THROW(tok.id_to_piece(-1), std::out_of_range);
}

TEST(TokenizerTest, LearnsWholeWordsFromTheCorpus) {
  const Tokenizer& tok = trained();
  const std::string text = "Contact Anna Smith at anna.7@example.com";
  const Encoding enc = tok.encode(text);
  std::vector<std::string> pieces;
  for (int32_t id : enc.ids) pieces.push_back(tok.id_to_piece(id));
  // Frequent words are single pieces; a word after white space carries the "▁" mark, a chunk
  // glued to punctuation does not.
  EXPECT_THAT(pieces, ::testing::Contains("Contact"));
  EXPECT_THAT(pieces, ::testing::Contains("▁Smith"));
  EXPECT_THAT(pieces, ::testing::Contains("@"));
  EXPECT_THAT(pieces, ::testing::Contains("com"));
  expect_valid_encoding(enc, text, tok.vocab_size());
}

TEST(TokenizerTest, OffsetsAreCodePointsOfTheOriginalText) {
  const Tokenizer& tok = trained();
  const std::string text = "Jürgen Müller, Łódź";
  const Encoding enc = tok.encode(text);
  expect_valid_encoding(enc, text, tok.vocab_size());
  std::string rebuilt;
  for (const auto& [s, e] : enc.offsets) rebuilt += codepoint_substr(text, s, e);
  EXPECT_EQ(rebuilt, "JürgenMüller,Łódź");
  EXPECT_EQ(enc.offsets.back().second, 19);  // code points, not the 24 bytes
}

TEST(TokenizerTest, TrickyStringsKeepTheirShapeAndNeverCrash) {
  const Tokenizer& tok = trained();
  const std::vector<std::string> texts = {
      "",
      " ",
      "   \t\n  ",
      "a",
      "john.doe+tag@sub.example.co.uk",
      "https://example.org:8080/a/b?q=1&r=%20#frag",
      "sk-proj-AbC123xyz_789-QQ",
      "4111 1111 1111 1111",
      "+49 (0)30 123-4567",
      "DE89 3704 0044 0532 0130 00",
      "Zoë Ødegaard-Łukasiewicz",
      "e\u0301te\u0301 (combining accents)",
      "😀👍🏽👨‍👩‍👧 emoji",
      "北京市朝阳区 王小明 电话 010-1234-5678",
      "שלום עולם 123 مرحبا بالعالم",
      "Ελληνικά и кириллица mixed with ASCII",
      "\u00a0nbsp\u2003em space\u200bzero width\ufeffbom",
      std::string("nul\0byte", 8),
      "\x01\x02 control \x7f chars",
      "▁literal▁marks ▁",
      "a\u0301",
      "\u0301starts with a mark",
      std::string(10000, 'x'),
      [] {
        std::string s;
        for (int i = 0; i < 2000; ++i) s += "Müller 😀 ";
        return s;
      }(),
  };
  for (const std::string& text : texts) {
    SCOPED_TRACE(text.substr(0, 60));
    const Encoding enc = tok.encode(text);
    expect_valid_encoding(enc, text, tok.vocab_size());
  }
}

// Random valid UTF-8 (code points from every plane, unassigned ones included, surrogates not),
// through both back ends, then align and decode with random labels: nothing throws or crashes.
TEST(TokenizerTest, RandomValidUtf8NeverBreaksAnything) {
  TempDir dir;
  const Tokenizer wordpiece = Tokenizer::load(write_vocab(dir, "vocab.txt", {"a", "##b", "é"}));
  std::mt19937 rng(12345);
  const char32_t pools[][2] = {{0x00, 0x7F},     {0x80, 0x7FF},       {0x800, 0xD7FF},
                               {0xE000, 0xFFFF}, {0x10000, 0x10FFFF}, {0x300, 0x36F},
                               {0x2000, 0x206F}, {0x1F300, 0x1FAFF}};
  for (int round = 0; round < 300; ++round) {
    std::u32string cps;
    const int n = static_cast<int>(rng() % 200);
    for (int i = 0; i < n; ++i) {
      const auto& pool = pools[rng() % std::size(pools)];
      cps.push_back(pool[0] + static_cast<char32_t>(rng() % (pool[1] - pool[0] + 1)));
    }
    const std::string text = utf8_encode(cps);
    ASSERT_TRUE(is_valid_utf8(text));
    for (const Tokenizer* tok : {&trained(), &wordpiece}) {
      const Encoding enc = tok->encode_for_model(text, 1 << 20);
      Encoding plain = enc;
      plain.ids.erase(plain.ids.begin());
      plain.ids.pop_back();
      plain.offsets.erase(plain.offsets.begin());
      plain.offsets.pop_back();
      expect_valid_encoding(plain, text, tok->vocab_size());
      std::vector<int32_t> labels(enc.size());
      for (auto& l : labels) l = static_cast<int32_t>(rng() % (kNumLabels + 1)) - 1;  // -1 -> O
      for (auto& l : labels) l = l < 0 ? kIgnoreLabel : l;
      const auto spans = decode_labels(enc, labels, text);
      for (const Entity& e : spans) {
        ASSERT_LT(e.start, e.end);
        ASSERT_LE(e.end, static_cast<int64_t>(cps.size()));
      }
      // Spans decoded from any labels align back without error.
      EXPECT_NO_THROW(align_labels(enc, spans));
    }
  }
}

TEST(TokenizerTest, PunctuationIsAlwaysItsOwnToken) {
  const Tokenizer& tok = trained();
  const std::string text = "a@b.c:d/e-f_g=h\"i'j,k;l(m)n<o>p";
  const Encoding enc = tok.encode(text);
  for (std::size_t t = 0; t < enc.size(); ++t) {
    const std::string surface = codepoint_substr(text, enc.offsets[t].first, enc.offsets[t].second);
    EXPECT_EQ(codepoint_count(surface), 1u) << surface;
  }
  EXPECT_EQ(enc.size(), codepoint_count(text));
}

TEST(TokenizerTest, InvalidUtf8ThrowsWithByteOffset) {
  const Tokenizer& tok = trained();
  try {
    tok.encode(
        "abc\xff"
        "def");
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_THAT(e.what(), HasSubstr("invalid UTF-8 at byte 3"));
  }
  EXPECT_THROW(tok.encode("\xc3"), std::invalid_argument);          // truncated
  EXPECT_THROW(tok.encode("\xed\xa0\x80"), std::invalid_argument);  // surrogate
  EXPECT_THROW(tok.encode("\xc0\xaf"), std::invalid_argument);      // overlong
}

TEST(TokenizerTest, EncodeForModelAddsSpecialsAndTruncates) {
  const Tokenizer& tok = trained();
  const std::string text = "Contact John Smith at john.5@example.com or call +49 30 1234567.";
  const Encoding plain = tok.encode(text);
  const Encoding full = tok.encode_for_model(text);
  ASSERT_EQ(full.size(), plain.size() + 2);
  EXPECT_EQ(full.ids.front(), kClsId);
  EXPECT_EQ(full.ids.back(), kSepId);
  EXPECT_EQ(full.offsets.front(), Span(-1, -1));
  EXPECT_EQ(full.offsets.back(), Span(-1, -1));
  const Encoding cut = tok.encode_for_model(text, 5);
  ASSERT_EQ(cut.size(), 5u);
  EXPECT_EQ(cut.ids[1], plain.ids[0]);
  EXPECT_EQ(cut.ids[3], plain.ids[2]);
  EXPECT_EQ(cut.ids[4], kSepId);
  EXPECT_EQ(tok.encode_for_model("", 3).ids, (std::vector<int32_t>{kClsId, kSepId}));
  EXPECT_THROW(tok.encode_for_model(text, 2), std::invalid_argument);
}

TEST(TokenizerTest, TrainingIsDeterministic) {
  TokenizerTrainOptions options;
  options.vocab_size = 600;
  const auto texts = texts_of(make_samples(7, 400));
  const Tokenizer a = Tokenizer::train(texts, options);
  const Tokenizer b = Tokenizer::train(texts, options);
  ASSERT_EQ(a.vocab_size(), b.vocab_size());
  for (int32_t id = 0; id < a.vocab_size(); ++id) ASSERT_EQ(a.id_to_piece(id), b.id_to_piece(id));
  // Subsampling the corpus is seeded: same seed, same model; another seed, another sample.
  options.max_sentences = 100;
  const Tokenizer c = Tokenizer::train(texts, options);
  const Tokenizer d = Tokenizer::train(texts, options);
  options.seed = 2;
  const Tokenizer e = Tokenizer::train(texts, options);
  ASSERT_EQ(c.vocab_size(), d.vocab_size());
  bool differs_from_e = c.vocab_size() != e.vocab_size();
  for (int32_t id = 0; id < c.vocab_size(); ++id) {
    ASSERT_EQ(c.id_to_piece(id), d.id_to_piece(id));
    if (!differs_from_e && c.id_to_piece(id) != e.id_to_piece(id)) differs_from_e = true;
  }
  EXPECT_TRUE(differs_from_e);
  for (int32_t id = 0; id < a.vocab_size() && id < c.vocab_size(); ++id) {
    if (a.id_to_piece(id) != c.id_to_piece(id)) return;  // 100 of 400 texts: another model
  }
  ADD_FAILURE() << "max_sentences = 100 did not change the model";
}

TEST(TokenizerTest, UnigramModelTypeWorks) {
  TokenizerTrainOptions options;
  options.vocab_size = 600;
  options.model_type = "unigram";
  const auto samples = make_samples(8, 400);
  const Tokenizer tok = Tokenizer::train(texts_of(samples), options);
  for (const Sample& s : samples)
    expect_valid_encoding(tok.encode(s.text), s.text, tok.vocab_size());
}

TEST(TokenizerTest, ChunkCacheIsPerTokenizerAndThreadSafe) {
  // Two tokenizers with different vocabularies used in turn on one thread, and one tokenizer
  // used from four threads at once, give what a fresh single-threaded encode gives.
  TokenizerTrainOptions small;
  small.vocab_size = 400;
  const auto samples = make_samples(21, 200);
  std::vector<Encoding> want_big, want_small;
  {
    TempDir dir;
    trained().save(dir.path("big"));
    const Tokenizer fresh = Tokenizer::load(dir.path("big"));
    for (const Sample& s : samples) want_big.push_back(fresh.encode(s.text));
  }
  const Tokenizer other = Tokenizer::train(texts_of(make_samples(22, 300)), small);
  for (const Sample& s : samples) want_small.push_back(other.encode(s.text));
  for (std::size_t i = 0; i < samples.size(); ++i) {
    EXPECT_EQ(trained().encode(samples[i].text).ids, want_big[i].ids);
    EXPECT_EQ(other.encode(samples[i].text).ids, want_small[i].ids);
    EXPECT_EQ(other.encode(samples[i].text).offsets, want_small[i].offsets);
  }
  std::vector<std::thread> threads;
  std::atomic<int> mismatches{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 3; ++round) {
        for (std::size_t i = t; i < samples.size(); i += 2) {
          const Encoding got = trained().encode(samples[i].text);
          if (got.ids != want_big[i].ids || got.offsets != want_big[i].offsets) ++mismatches;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(mismatches.load(), 0);
}

TEST(TokenizerTest, TrainRejectsBadInput) {
  TokenizerTrainOptions options;
  try {
    Tokenizer::train({"ok", "bad \xfe"}, options);
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_THAT(e.what(), HasSubstr("training text 1: invalid UTF-8 at byte 4"));
  }
  EXPECT_THROW(Tokenizer::train({}, options), std::invalid_argument);
  EXPECT_THROW(Tokenizer::train({"  ", ""}, options), std::invalid_argument);
  TokenizerTrainOptions bad_type;
  bad_type.model_type = "wordpiece";
  EXPECT_THROW(Tokenizer::train({"a b c"}, bad_type), std::invalid_argument);
  TokenizerTrainOptions tiny;
  tiny.vocab_size = 10;
  try {
    Tokenizer::train({"a b c"}, tiny);
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_THAT(e.what(), HasSubstr("vocab_size must be >= 300"));
  }
}

TEST(TokenizerTest, SaveAndLoadGiveTheSameEncodings) {
  TempDir dir;
  trained().save(dir.path("tok"));
  EXPECT_TRUE(fs::exists(dir.path("tok/tokenizer.json")));
  EXPECT_TRUE(fs::exists(dir.path("tok/spm.model")));
  const Tokenizer loaded = Tokenizer::load(dir.path("tok"));
  EXPECT_EQ(loaded.vocab_size(), trained().vocab_size());
  for (const Sample& s : make_samples(99, 50)) {
    const Encoding a = trained().encode(s.text);
    const Encoding b = loaded.encode(s.text);
    EXPECT_EQ(a.ids, b.ids);
    EXPECT_EQ(a.offsets, b.offsets);
  }
}

TEST(TokenizerTest, LineBreaksAreTokens) {
  // "Name: Anna\nCity: Brno" is two fields: the line break is a token of its own ("<0x0A>") on
  // the first '\n' of a gap, so a model can tell a form's lines apart. Other white space is not.
  const Tokenizer& tok = trained();
  auto breaks = [&](const std::string& text) {
    const Encoding enc = tok.encode(text);
    expect_valid_encoding(enc, text, tok.vocab_size());
    std::vector<int64_t> at;
    for (std::size_t i = 0; i < enc.size(); ++i) {
      if (tok.id_to_piece(enc.ids[i]) == "<0x0A>") {
        EXPECT_EQ(enc.offsets[i].second, enc.offsets[i].first + 1);
        at.push_back(enc.offsets[i].first);
      }
    }
    return at;
  };
  EXPECT_EQ(breaks("Name: Anna\nCity: Brno"), (std::vector<int64_t>{10}));
  EXPECT_EQ(breaks("a \r\n\n\t b\nč"), (std::vector<int64_t>{3, 8}));  // one per gap, code points
  EXPECT_EQ(breaks("Žluťoučký\u00a0\nkůň"), (std::vector<int64_t>{10}));
  EXPECT_TRUE(breaks("no break\there  at all").empty());
  EXPECT_TRUE(breaks("\n\nleading and trailing\n\n").empty());

  // Saved and loaded, the tokenizer keeps them; a tokenizer.json from before line-break tokens
  // (no "line_breaks" field) keeps the old encoding.
  TempDir dir;
  tok.save(dir.path("tok"));
  const std::string text = "Name: Anna\nCity: Brno";
  EXPECT_EQ(Tokenizer::load(dir.path("tok")).encode(text).ids, tok.encode(text).ids);
  nlohmann::json meta = nlohmann::json::parse(read_file(dir.path("tok/tokenizer.json")));
  EXPECT_EQ(meta.at("line_breaks"), true);
  meta.erase("line_breaks");
  write_file_atomic(dir.path("tok/tokenizer.json"), meta.dump());
  const Encoding old = Tokenizer::load(dir.path("tok")).encode(text);
  EXPECT_EQ(old.size() + 1, tok.encode(text).size());
  for (int32_t id : old.ids) EXPECT_NE(tok.id_to_piece(id), "<0x0A>");
}

TEST(TokenizerTest, JunctionsTellSubwordCutsFromPunctuationAndGaps) {
  const Tokenizer& tok = trained();
  const std::string text = "Mail sani.neumann@yahoo.com, Qzxvbq 北京 ok\nNext";
  const Encoding enc = tok.encode_for_model(text, 64);
  const std::vector<uint8_t> junctions = token_junctions(enc, text);
  ASSERT_EQ(junctions.size(), enc.size());
  EXPECT_EQ(junctions.front(), kJunctionGap);  // [CLS]
  EXPECT_EQ(junctions.back(), kJunctionGap);   // [SEP]
  const std::u32string cps = utf8_decode(text);
  auto punct_or_han = [](char32_t c) { return std::u32string(U".@,北京").find(c) != std::u32string::npos; };
  std::size_t in_word = 0;
  for (std::size_t i = 1; i + 1 < enc.size(); ++i) {
    const auto [start, end] = enc.offsets[i];
    const auto [prev_start, prev_end] = enc.offsets[i - 1];
    Junction expected = kJunctionGap;  // after [CLS], or across the line break
    if (prev_start >= 0 && start < prev_end) {
      expected = kJunctionInWord;  // byte pieces of one character
    } else if (prev_start >= 0 && std::u32string_view(cps).substr(prev_end - 1, start - prev_end + 2).find(U'\n') ==
                                      std::u32string_view::npos) {
      const bool touching = start == prev_end && cps[start - 1] != U' ' && cps[start] != U' ';
      expected = touching && !punct_or_han(cps[start - 1]) && !punct_or_han(cps[start]) ? kJunctionInWord
                                                                                         : kJunctionSameLine;
    }
    EXPECT_EQ(junctions[i], expected) << "token " << i << " \"" << codepoint_substr(text, start, end) << "\"";
    in_word += junctions[i] == kJunctionInWord;
  }
  EXPECT_GT(in_word, 0u);  // the rare word is cut into several pieces
  EXPECT_GT(std::count(junctions.begin(), junctions.end(), kJunctionSameLine), 6);  // . @ . , and spaces
  EXPECT_GE(std::count(junctions.begin(), junctions.end(), kJunctionGap), 2);  // [CLS] and the line break
}

TEST(TokenizerTest, AlignedGoldLabelsRespectTheJunctions) {
  // The decoder forbids spans that start or end inside a word, and an entity that ends and
  // restarts as the same type on one line; aligned labels of generated data must (almost) never
  // need either, or the constraints would cost recall. Inside words: never. On one line: only
  // where the generator joins two sentences with a space and the second starts with the name the
  // first ended with ("Next of kin: Marcelo Marcelo was not reachable"), well under 0.1%.
  const Tokenizer& tok = trained();
  std::size_t checked = 0, same_line_restarts = 0;
  for (Split split : {Split::kTrain, Split::kEval}) {
    for (const Sample& s : generate_samples(GeneratorConfig(), split, 77, 3000)) {
      const Encoding enc = tok.encode_for_model(s.text, 512);
      const std::vector<int32_t> labels = align_labels(enc, s.entities);
      const std::vector<uint8_t> junctions = token_junctions(enc, s.text);
      for (std::size_t i = 1; i < enc.size(); ++i) {
        if (junctions[i] == kJunctionGap) continue;
        ++checked;
        const int from = labels[i - 1] == kIgnoreLabel ? kOutsideLabel : labels[i - 1];
        const int to = labels[i] == kIgnoreLabel ? kOutsideLabel : labels[i];
        if (junction_allowed(static_cast<Junction>(junctions[i]), from, to)) continue;
        if (junctions[i] == kJunctionSameLine) {
          ++same_line_restarts;
          continue;
        }
        ADD_FAILURE() << s.text << "\n token " << i << ": " << label_name(from) << " -> " << label_name(to);
        return;
      }
    }
  }
  EXPECT_GT(checked, 10000u);
  EXPECT_LT(static_cast<double>(same_line_restarts), 0.001 * static_cast<double>(checked))
      << same_line_restarts << " of " << checked;
}

TEST(TokenizerTest, LoadErrorsNameTheFile) {
  TempDir dir;
  auto expect_data_error = [](const std::string& path, const std::string& file,
                              const std::string& message) {
    try {
      Tokenizer::load(path);
      FAIL() << "expected DataError for " << path;
    } catch (const DataError& e) {
      EXPECT_EQ(e.source(), file);
      EXPECT_THAT(e.what(), HasSubstr(message));
    }
  };
  expect_data_error(dir.path("missing"), dir.path("missing"), "no such tokenizer");
  fs::create_directories(dir.path("empty"));
  expect_data_error(dir.path("empty"), dir.path("empty/tokenizer.json"), "missing");

  fs::create_directories(dir.path("bad"));
  write_file_atomic(dir.path("bad/tokenizer.json"), "{not json");
  expect_data_error(dir.path("bad"), dir.path("bad/tokenizer.json"), "malformed JSON");
  write_file_atomic(dir.path("bad/tokenizer.json"),
                    R"({"format":"piikit-tokenizer","version":1,"kind":"bert"})");
  expect_data_error(dir.path("bad"), dir.path("bad/tokenizer.json"), "kind: expected");
  write_file_atomic(dir.path("bad/tokenizer.json"),
                    R"({"format":"piikit-tokenizer","version":7,"kind":"sentencepiece"})");
  expect_data_error(dir.path("bad"), dir.path("bad/tokenizer.json"), "version: expected 1, got 7");
  write_file_atomic(dir.path("bad/tokenizer.json"), R"({"format":"piikit-tokenizer"})");
  expect_data_error(dir.path("bad"), dir.path("bad/tokenizer.json"), "missing field \"version\"");

  trained().save(dir.path("ok"));
  EXPECT_EQ(Tokenizer::load(dir.path("ok/tokenizer.json")).vocab_size(), trained().vocab_size());
  expect_data_error(dir.path("ok/spm.model"), dir.path("ok/spm.model"), "pass its directory");

  trained().save(dir.path("flag"));
  write_file_atomic(dir.path("flag/tokenizer.json"),
                    R"({"format":"piikit-tokenizer","version":1,"kind":"sentencepiece","model":"spm.model","line_breaks":"yes"})");
  expect_data_error(dir.path("flag"), dir.path("flag/tokenizer.json"),
                    "line_breaks: expected true or false, got \"yes\"");

  trained().save(dir.path("corrupt"));
  write_file_atomic(dir.path("corrupt/spm.model"), "garbage bytes");
  expect_data_error(dir.path("corrupt"), dir.path("corrupt/spm.model"),
                    "not a sentencepiece model");
}

// ---------------------------------------------------------------------------------------------
// WordPiece

const std::vector<std::string> kBertLikeVocab = {
    "[PAD]",  "[unused0]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "john",  "##son",  "smith",  "@",
    ".",      "example",   "com",   "jo",    "##hn",  "un",     "##aff", "##able", "müller", "mu",
    "##ller", "1",         "##2",   "##3",   "4",     "-",      "hello", "world",  "é",      "e"};

TEST(WordPieceTest, GreedyLongestMatchWithOffsets) {
  TempDir dir;
  const Tokenizer tok = Tokenizer::load(write_vocab(dir, "vocab.txt", kBertLikeVocab));
  EXPECT_EQ(tok.kind(), "wordpiece");
  const std::string text = "Johnson unaffable  JOHN@Example.com";
  const Encoding enc = tok.encode(text);
  std::vector<std::string> pieces;
  for (int32_t id : enc.ids) pieces.push_back(tok.id_to_piece(id));
  EXPECT_THAT(pieces, ::testing::ElementsAre("john", "##son", "un", "##aff", "##able", "john", "@",
                                             "example", ".", "com"));
  using P = std::pair<int64_t, int64_t>;
  EXPECT_THAT(enc.offsets,
              ::testing::ElementsAre(P{0, 4}, P{4, 7}, P{8, 10}, P{10, 13}, P{13, 17}, P{19, 23},
                                     P{23, 24}, P{24, 31}, P{31, 32}, P{32, 35}));
}

TEST(WordPieceTest, SpecialTokensAreRemappedToFixedIds) {
  TempDir dir;
  const Tokenizer tok = Tokenizer::load(write_vocab(dir, "vocab.txt", kBertLikeVocab));
  EXPECT_EQ(tok.id_to_piece(kPadId), "[PAD]");
  EXPECT_EQ(tok.id_to_piece(kUnkId), "[UNK]");
  EXPECT_EQ(tok.id_to_piece(kClsId), "[CLS]");
  EXPECT_EQ(tok.id_to_piece(kSepId), "[SEP]");
  // Other entries follow in file order: "[unused0]" is the first non-special line.
  EXPECT_EQ(tok.id_to_piece(4), "[unused0]");
  EXPECT_EQ(tok.id_to_piece(5), "[MASK]");
  EXPECT_EQ(tok.vocab_size(), static_cast<int32_t>(kBertLikeVocab.size()));
  // A byte-order mark and CRLF line ends are accepted.
  write_file_atomic(dir.path("bom.txt"), "\xEF\xBB\xBF[PAD]\r\n[UNK]\r\nhello\r\n");
  const Tokenizer bom = Tokenizer::load(dir.path("bom.txt"));
  EXPECT_EQ(bom.vocab_size(), 5);
  EXPECT_EQ(bom.id_to_piece(4), "hello");
  // A vocab without the specials still gets them.
  const Tokenizer bare = Tokenizer::load(write_vocab(dir, "bare.txt", {"a", "##b"}));
  EXPECT_EQ(bare.vocab_size(), 6);
  EXPECT_EQ(bare.encode("ab").ids, (std::vector<int32_t>{4, 5}));
  EXPECT_EQ(bare.encode("abc").ids, (std::vector<int32_t>{kUnkId}));
}

TEST(WordPieceTest, UnknownWordIsOneUnkOverTheWholeWord) {
  TempDir dir;
  const Tokenizer tok = Tokenizer::load(write_vocab(dir, "vocab.txt", kBertLikeVocab));
  const Encoding enc = tok.encode("hello Xylophone😀 world");
  ASSERT_EQ(enc.size(), 3u);
  EXPECT_EQ(enc.ids[1], kUnkId);
  EXPECT_EQ(enc.offsets[1], Span(6, 16));
}

TEST(WordPieceTest, LowercaseIsDetectedAndAccentsAreKeptByDefault) {
  TempDir dir;
  const std::string path = write_vocab(dir, "vocab.txt", kBertLikeVocab);
  const Tokenizer tok = Tokenizer::load(path);
  // Uncased vocab: "MÜLLER" is lower-cased to "müller" and found whole (accent kept).
  const Encoding enc = tok.encode("MÜLLER");
  ASSERT_EQ(enc.size(), 1u);
  EXPECT_EQ(tok.id_to_piece(enc.ids[0]), "müller");

  WordPieceOptions strip;
  strip.strip_accents = true;
  const Tokenizer stripped = Tokenizer::load_wordpiece(path, strip);
  const Encoding s = stripped.encode("Müller e\u0301");
  std::vector<std::string> pieces;
  for (int32_t id : s.ids) pieces.push_back(stripped.id_to_piece(id));
  EXPECT_THAT(pieces, ::testing::ElementsAre("mu", "##ller", "e"));
  // The dropped combining accent stays inside the token's span.
  EXPECT_EQ(s.offsets.back(), Span(7, 9));

  // A cased vocab (upper-case entries) is not lower-cased.
  const Tokenizer cased = Tokenizer::load(write_vocab(dir, "cased.txt", {"John", "john"}));
  EXPECT_EQ(cased.id_to_piece(cased.encode("John").ids[0]), "John");
  EXPECT_EQ(cased.encode("JOHN").ids[0], kUnkId);
}

TEST(WordPieceTest, DigitsAndPunctuationSplitLikeBert) {
  TempDir dir;
  const Tokenizer tok = Tokenizer::load(write_vocab(dir, "vocab.txt", kBertLikeVocab));
  const std::string text = "123-4";
  const Encoding enc = tok.encode(text);
  std::vector<std::string> pieces;
  for (int32_t id : enc.ids) pieces.push_back(tok.id_to_piece(id));
  EXPECT_THAT(pieces, ::testing::ElementsAre("1", "##2", "##3", "-", "4"));
  expect_valid_encoding(enc, text, tok.vocab_size());
}

TEST(WordPieceTest, SaveAndLoadKeepsIdsAndOptions) {
  TempDir dir;
  WordPieceOptions options;
  options.strip_accents = true;
  const Tokenizer tok =
      Tokenizer::load_wordpiece(write_vocab(dir, "vocab.txt", kBertLikeVocab), options);
  tok.save(dir.path("saved"));
  const Tokenizer loaded = Tokenizer::load(dir.path("saved"));
  EXPECT_EQ(loaded.kind(), "wordpiece");
  EXPECT_EQ(loaded.vocab_size(), tok.vocab_size());
  const std::string text = "JOHNSON Müller é smith@example.com";
  EXPECT_EQ(loaded.encode(text).ids, tok.encode(text).ids);
  EXPECT_EQ(loaded.encode(text).offsets, tok.encode(text).offsets);
}

TEST(WordPieceTest, BadVocabFilesNameFileAndLine) {
  TempDir dir;
  auto expect_error = [](const std::string& path, std::size_t line, const std::string& message) {
    try {
      Tokenizer::load(path);
      FAIL() << "expected DataError";
    } catch (const DataError& e) {
      EXPECT_EQ(e.source(), path);
      EXPECT_EQ(e.line(), line);
      EXPECT_THAT(e.what(), HasSubstr(message));
    }
  };
  expect_error(write_vocab(dir, "dup.txt", {"a", "b", "a"}), 3, "duplicate token \"a\"");
  expect_error(write_vocab(dir, "blank.txt", {"a", "", "b"}), 2, "empty token");
  expect_error(write_vocab(dir, "utf8.txt", {"a", "b\xff"}), 2, "invalid UTF-8");
  expect_error(write_vocab(dir, "specials.txt", {"[PAD]", "[UNK]"}), 0, "empty vocabulary");
  write_file_atomic(dir.path("empty.txt"), "");
  expect_error(dir.path("empty.txt"), 0, "empty vocabulary");
}

// ---------------------------------------------------------------------------------------------
// Alignment and decoding, on hand-made encodings (so the rules are tested, not a vocabulary).

Encoding make_encoding(std::vector<std::pair<int64_t, int64_t>> offsets) {
  Encoding enc;
  enc.offsets = std::move(offsets);
  enc.ids.assign(enc.offsets.size(), 10);
  return enc;
}

TEST(AlignLabelsTest, BeginInsideOutsideAndSpecials) {
  // "[CLS] John Smith , Berlin [SEP]" with "John Smith" = FIRSTNAME+SURNAME, "Berlin" = CITY
  const Encoding enc =
      make_encoding({{-1, -1}, {0, 4}, {5, 8}, {8, 10}, {10, 11}, {12, 18}, {-1, -1}});
  const int first = type_of("FIRSTNAME"), last = type_of("SURNAME"), city = type_of("CITY");
  const std::vector<Entity> entities = {{12, 18, city}, {0, 4, first}, {5, 10, last}};
  EXPECT_EQ(
      align_labels(enc, entities),
      (std::vector<int32_t>{kIgnoreLabel, begin_label(first), begin_label(last), inside_label(last),
                            kOutsideLabel, begin_label(city), kIgnoreLabel}));
}

TEST(AlignLabelsTest, StraddlingTokenGoesToTheMajority) {
  // Token [0,6) holds 4 code points of the entity [2,10): majority -> inside.
  // Token [6,12) holds 4 of 6 in the entity: inside. Token [12,16): none.
  const int zip = type_of("ZIP");
  EXPECT_EQ(align_labels(make_encoding({{0, 6}, {6, 12}, {12, 16}}), {{2, 10, zip}}),
            (std::vector<int32_t>{begin_label(zip), inside_label(zip), kOutsideLabel}));
  // Token [0,6) with only 2 code points in the entity [4,10): outside; exactly half counts in.
  EXPECT_EQ(align_labels(make_encoding({{0, 6}, {6, 8}, {8, 12}}), {{4, 10, zip}}),
            (std::vector<int32_t>{kOutsideLabel, begin_label(zip), inside_label(zip)}));
}

TEST(AlignLabelsTest, AdjacentEntitiesOfOneTypeEachGetABegin) {
  const int name = type_of("FIRSTNAME");
  EXPECT_EQ(align_labels(make_encoding({{0, 3}, {3, 4}, {4, 7}}), {{0, 3, name}, {3, 7, name}}),
            (std::vector<int32_t>{begin_label(name), begin_label(name), inside_label(name)}));
}

TEST(AlignLabelsTest, InvalidEntitiesThrow) {
  const Encoding enc = make_encoding({{0, 3}});
  EXPECT_THROW(align_labels(enc, {{3, 3, 0}}), std::invalid_argument);
  EXPECT_THROW(align_labels(enc, {{-1, 2, 0}}), std::invalid_argument);
  EXPECT_THROW(align_labels(enc, {{0, 2, kNumTypes}}), std::invalid_argument);
}

TEST(DecodeLabelsTest, RepairsInvalidBio) {
  const std::string text = "aa bb cc dd";
  const Encoding enc = make_encoding({{0, 2}, {3, 5}, {6, 8}, {9, 11}});
  const int a = type_of("CITY"), b = type_of("STREET");
  // O I-A I-B I-B: the I-A after O starts an entity; the I-B after A starts another.
  const auto got = decode_labels(enc, {0, inside_label(a), inside_label(b), inside_label(b)}, text);
  EXPECT_EQ(got, (std::vector<Entity>{{3, 5, a}, {6, 11, b}}));
  // B-A B-A: two entities; -100 acts as O.
  EXPECT_EQ(
      decode_labels(enc, {begin_label(a), begin_label(a), kIgnoreLabel, inside_label(a)}, text),
      (std::vector<Entity>{{0, 2, a}, {3, 5, a}, {9, 11, a}}));
}

TEST(DecodeLabelsTest, ABareSpaceTokenTaggedODoesNotSplitAnEntityOfOneType) {
  // sentencepiece: "5500" " " "0000" " " "0000": the model tags the bare spaces O and restarts.
  const std::string text = "5500 0000 0000\n0000 1 x";
  const Encoding enc = make_encoding({{0, 4}, {4, 5}, {5, 9}, {9, 10}, {10, 14}, {14, 15}, {15, 19},
                                      {19, 20}, {20, 21}, {21, 22}, {22, 23}});
  const int card = type_of("CREDITCARDNUMBER"), zip = type_of("ZIP");
  const std::vector<int32_t> labels = {begin_label(card), 0, begin_label(card), 0,
                                       inside_label(card), 0 /* line break */, begin_label(card),
                                       0, begin_label(zip), 0, 0};
  // One card number up to the line break; after it a new entity; a bare space before another
  // type closes the entity as before.
  EXPECT_EQ(decode_labels(enc, labels, text),
            (std::vector<Entity>{{0, 14, card}, {15, 19, card}, {20, 21, zip}}));
  // A word tagged O between two entities of one type still separates them.
  const std::string words = "Anna and Bob";
  EXPECT_EQ(decode_labels(make_encoding({{0, 4}, {4, 5}, {5, 8}, {8, 9}, {9, 12}}),
                          {begin_label(card), 0, 0, 0, begin_label(card)}, words),
            (std::vector<Entity>{{0, 4, card}, {9, 12, card}}));
}

TEST(DecodeLabelsTest, AClosingBracketTaggedOJoinsTheEntityThatOpenedIt) {
  // "United States (US)": the model tags "(" and "US" but not ")".
  const std::string text = "in United States (US). (x)";
  const int country = type_of("COUNTRY");
  const Encoding enc = make_encoding({{0, 2}, {2, 3}, {3, 9}, {9, 10}, {10, 16}, {16, 17}, {17, 18},
                                      {18, 20}, {20, 21}, {21, 22}, {22, 23}, {23, 24}, {24, 25},
                                      {25, 26}});
  std::vector<int32_t> labels = {0, 0, begin_label(country), inside_label(country),
                                 inside_label(country), inside_label(country), inside_label(country),
                                 inside_label(country), 0, 0, 0, 0, begin_label(country), 0};
  EXPECT_EQ(decode_labels(enc, labels, text), (std::vector<Entity>{{3, 21, country}, {24, 25, country}}));
  // No opening bracket in the entity ("x" of "(x)"): the ")" stays outside, as above. Nor does a
  // bracket separated from the entity by a space join it.
  const std::string spaced = "United States (US )";
  EXPECT_EQ(decode_labels(make_encoding({{0, 6}, {6, 7}, {7, 13}, {13, 14}, {14, 15}, {15, 17}, {17, 18}, {18, 19}}),
                          {begin_label(country), inside_label(country), inside_label(country),
                           inside_label(country), inside_label(country), inside_label(country), 0, 0},
                          spaced),
            (std::vector<Entity>{{0, 17, country}}));
}

TEST(DecodeLabelsTest, TrimsWhitespaceAndSkipsSpecials) {
  const std::string text = "x  Main Street\n";
  // [CLS] "x" " "(bare mark, 2) "Main" " "(7) "Street" "\n"-mark [SEP]
  const Encoding enc =
      make_encoding({{-1, -1}, {0, 1}, {2, 3}, {3, 7}, {7, 8}, {8, 14}, {14, 15}, {-1, -1}});
  const int street = type_of("STREET");
  const std::vector<int32_t> labels = {kIgnoreLabel,         0,
                                       begin_label(street),  inside_label(street),
                                       inside_label(street), inside_label(street),
                                       inside_label(street), kIgnoreLabel};
  EXPECT_EQ(decode_labels(enc, labels, text), (std::vector<Entity>{{3, 14, street}}));
  // An entity made only of white space disappears.
  EXPECT_TRUE(decode_labels(make_encoding({{1, 2}}), {begin_label(street)}, "a b").empty());
}

TEST(DecodeLabelsTest, DropsTrailingSentencePunctuation) {
  // One token per character run: the span's last token is the sentence's punctuation.
  auto decode = [](const std::string& text, const std::vector<std::pair<int64_t, int64_t>>& offsets,
                   int type) {
    std::vector<int32_t> labels(offsets.size(), inside_label(type));
    labels[0] = begin_label(type);
    return decode_labels(make_encoding(offsets), labels, text);
  };
  const int dob = type_of("DATEOFBIRTH"), company = type_of("COMPANYNAME"), password = type_of("PASSWORD");
  // "1986." before the end or white space: the period goes; glued to more text it stays.
  EXPECT_EQ(decode("1986.", {{0, 4}, {4, 5}}, dob), (std::vector<Entity>{{0, 4, dob}}));
  EXPECT_EQ(decode("1986, x", {{0, 4}, {4, 5}}, dob), (std::vector<Entity>{{0, 4, dob}}));
  EXPECT_EQ(decode("1986.x", {{0, 4}, {4, 5}}, dob), (std::vector<Entity>{{0, 5, dob}}));
  // Companies keep the period of "Inc." but not a second one; passwords keep theirs.
  EXPECT_EQ(decode("Inc. ", {{0, 3}, {3, 4}}, company), (std::vector<Entity>{{0, 4, company}}));
  EXPECT_EQ(decode("Inc..", {{0, 3}, {3, 4}, {4, 5}}, company), (std::vector<Entity>{{0, 4, company}}));
  EXPECT_EQ(decode("Pw2019!", {{0, 6}, {6, 7}}, password), (std::vector<Entity>{{0, 7, password}}));
  // A span that is only punctuation stays as it is (one character).
  EXPECT_EQ(decode("?", {{0, 1}}, dob), (std::vector<Entity>{{0, 1, dob}}));
}

TEST(DecodeLabelsTest, BadInputThrows) {
  const Encoding enc = make_encoding({{0, 2}});
  EXPECT_THROW(decode_labels(enc, {}, "ab"), std::invalid_argument);
  EXPECT_THROW(decode_labels(enc, {kNumLabels}, "ab"), std::invalid_argument);
  EXPECT_THROW(decode_labels(enc, {-1}, "ab"), std::invalid_argument);
  EXPECT_THROW(decode_labels(enc, {0}, "a"), std::invalid_argument);  // offset past the text
}

// ---------------------------------------------------------------------------------------------
// The round trip: align gold spans to tokens, decode them back, compare.

struct RoundTrip {
  std::size_t entities = 0;
  std::size_t exact = 0;
  std::map<std::string, std::size_t> causes;  // failure cause -> count
  std::vector<std::string> examples;
  std::size_t tokens = 0;
  std::size_t codepoints = 0;
};

// Why a gold entity did not come back: its boundary falls inside a token, or another reason.
std::string failure_cause(const Encoding& enc, const Entity& e) {
  bool start_inside = false, end_inside = false;
  for (const auto& [s, t] : enc.offsets) {
    if (s < e.start && e.start < t) start_inside = true;
    if (s < e.end && e.end < t) end_inside = true;
  }
  if (start_inside || end_inside) return "entity boundary inside a token";
  return "other";
}

RoundTrip round_trip(const Tokenizer& tok, const std::vector<Sample>& samples) {
  RoundTrip r;
  for (const Sample& s : samples) {
    const Encoding enc = tok.encode_for_model(s.text, 1 << 20);
    const auto labels = align_labels(enc, s.entities);
    const auto decoded = decode_labels(enc, labels, s.text);
    r.tokens += enc.size() - 2;
    r.codepoints += codepoint_count(s.text);
    for (const Entity& gold : s.entities) {
      ++r.entities;
      if (std::find(decoded.begin(), decoded.end(), gold) != decoded.end()) {
        ++r.exact;
        continue;
      }
      ++r.causes[failure_cause(enc, gold)];
      if (r.examples.size() < 10) {
        r.examples.push_back(std::string(type_name(gold.type)) + " \"" +
                             codepoint_substr(s.text, gold.start, gold.end) + "\" in \"" + s.text +
                             "\"");
      }
    }
  }
  return r;
}

TEST(RoundTripTest, AlignThenDecodeGivesBackTheGoldSpans) {
  const auto samples = make_samples(2, 5000);  // other seed than the training corpus
  const RoundTrip r = round_trip(trained(), samples);
  const double rate = static_cast<double>(r.exact) / static_cast<double>(r.entities);
  std::string report;
  for (const auto& [cause, n] : r.causes) report += "  " + cause + ": " + std::to_string(n) + "\n";
  for (const auto& ex : r.examples) report += "  e.g. " + ex + "\n";
  std::cout << "[ round trip ] " << r.exact << "/" << r.entities << " entities exact ("
            << 100.0 * rate << "%), " << static_cast<double>(r.tokens) / samples.size()
            << " tokens/sample, " << static_cast<double>(r.codepoints) / r.tokens
            << " code points/token\n"
            << report;
  EXPECT_GE(rate, 0.995) << report;
}

TEST(RoundTripTest, FailuresAreListedByCause) {
  // "smithson" is one WordPiece token: the entity "smith" ends inside it, so it cannot come
  // back exactly (the token is labelled with it by the majority rule and decodes to "smithson").
  TempDir dir;
  const Tokenizer tok =
      Tokenizer::load(write_vocab(dir, "vocab.txt", {"smithson", "smith", "and", "jo", "##nes"}));
  Sample sample;
  sample.text = "smithson and jones";
  sample.entities = {{0, 5, type_of("SURNAME")}, {13, 18, type_of("SURNAME")}};
  const RoundTrip r = round_trip(tok, {sample});
  EXPECT_EQ(r.entities, 2u);
  EXPECT_EQ(r.exact, 1u);
  EXPECT_EQ(r.causes, (std::map<std::string, std::size_t>{{"entity boundary inside a token", 1}}));
  ASSERT_EQ(r.examples.size(), 1u);
  EXPECT_THAT(r.examples[0], HasSubstr("SURNAME \"smith\""));
}

// The issue's acceptance test: a tokenizer trained on generated training samples, and the round
// trip over 5000 other training-split samples and 5000 eval-split samples (other templates and
// lexicon entries, so many words the tokenizer never saw).
TEST(RoundTripTest, GeneratedSamplesComeBackAtLeast995Percent) {
  const auto train = generate_samples(GeneratorConfig(), Split::kTrain, 101, 3000);
  TokenizerTrainOptions options;  // defaults: BPE, vocab 8000 (soft limit)
  const Tokenizer tok = Tokenizer::train(texts_of(train), options);
  for (const auto& [name, split, seed] :
       {std::tuple{"train", Split::kTrain, 202}, std::tuple{"eval", Split::kEval, 303}}) {
    const auto samples = generate_samples(GeneratorConfig(), split, seed, 5000);
    const RoundTrip r = round_trip(tok, samples);
    const double rate = static_cast<double>(r.exact) / static_cast<double>(r.entities);
    std::string report;
    for (const auto& [cause, n] : r.causes)
      report += "  " + cause + ": " + std::to_string(n) + "\n";
    for (const auto& ex : r.examples) report += "  e.g. " + ex + "\n";
    std::cout << "[ round trip ] generated " << name << " split: " << r.exact << "/" << r.entities
              << " entities exact (" << 100.0 * rate << "%), "
              << static_cast<double>(r.tokens) / samples.size() << " tokens/sample, "
              << static_cast<double>(r.codepoints) / r.tokens << " code points/token\n"
              << report;
    EXPECT_GT(r.entities, 5000u);
    EXPECT_GE(rate, 0.995) << name << "\n" << report;
  }
}

TEST(RoundTripTest, WordPieceRoundTripOnItsOwnVocabulary) {
  // Every character of the samples is in this vocab, so nothing becomes [UNK].
  TempDir dir;
  const auto samples = make_samples(3, 300);
  std::map<std::string, int> chars;
  for (const Sample& s : samples) {
    for (char32_t c : utf8_decode(s.text)) {
      std::string u;
      append_utf8(u, c);
      chars[u] = 1;
    }
  }
  std::vector<std::string> vocab = {"[PAD]", "[UNK]", "[CLS]", "[SEP]"};
  for (const auto& [c, one] : chars) {
    if (detail::is_separator(utf8_decode(c)[0])) continue;
    vocab.push_back(c);
    vocab.push_back("##" + c);
  }
  WordPieceOptions options;
  options.lowercase = false;
  const Tokenizer tok = Tokenizer::load_wordpiece(write_vocab(dir, "vocab.txt", vocab), options);
  const RoundTrip r = round_trip(tok, samples);
  EXPECT_EQ(r.exact, r.entities);
}

// ---------------------------------------------------------------------------------------------
// Windows

TEST(WindowsTest, CoverAllTokensWithOverlap) {
  const auto windows = make_windows(20, 10, 3);  // 8 text tokens per window, step 5
  ASSERT_EQ(windows.size(), 4u);
  EXPECT_EQ(windows[0].first_token, 0u);
  EXPECT_EQ(windows[0].num_tokens, 8u);
  EXPECT_EQ(windows[1].first_token, 5u);
  EXPECT_EQ(windows[2].first_token, 10u);
  EXPECT_EQ(windows[3].first_token, 15u);
  EXPECT_EQ(windows[3].num_tokens, 5u);
  for (std::size_t n : {0u, 1u, 7u, 8u, 9u, 13u, 100u, 1001u}) {
    SCOPED_TRACE(n);
    const auto ws = make_windows(n, 10, 3);
    if (n == 0) {
      EXPECT_TRUE(ws.empty());
      continue;
    }
    EXPECT_EQ(ws.front().first_token, 0u);
    EXPECT_EQ(ws.back().first_token + ws.back().num_tokens, n);
    for (std::size_t k = 0; k < ws.size(); ++k) {
      EXPECT_LE(ws[k].num_tokens, 8u);
      EXPECT_GT(ws[k].num_tokens, 0u);
      if (k > 0) {
        EXPECT_EQ(ws[k].first_token, ws[k - 1].first_token + 5);
        EXPECT_GE(ws[k - 1].first_token + ws[k - 1].num_tokens, ws[k].first_token + 3);
      }
    }
  }
  EXPECT_EQ(make_windows(8, 10, 3).size(), 1u);  // fits: one window, no overlap needed
}

TEST(WindowsTest, BadParametersThrow) {
  EXPECT_THROW(make_windows(10, 2, 0), std::invalid_argument);
  EXPECT_THROW(make_windows(10, 10, 8), std::invalid_argument);
  EXPECT_THROW(make_windows(10, 10, -1), std::invalid_argument);
  EXPECT_NO_THROW(make_windows(10, 3, 0));
}

TEST(WindowsTest, WindowEncodingAddsSpecials) {
  const Encoding tokens = make_encoding({{0, 1}, {1, 2}, {2, 3}, {3, 4}});
  const Encoding w = window_encoding(tokens, Window{1, 2});
  EXPECT_EQ(w.ids, (std::vector<int32_t>{kClsId, 10, 10, kSepId}));
  using P = std::pair<int64_t, int64_t>;
  EXPECT_EQ(w.offsets, (std::vector<P>{{-1, -1}, {1, 2}, {2, 3}, {-1, -1}}));
  EXPECT_THROW(window_encoding(tokens, Window{3, 2}), std::invalid_argument);
}

TEST(MergeWindowEntitiesTest, PrefersTheWindowWithMoreContext) {
  // 20 one-character tokens; windows [0,8) [5,13) [10,18) [15,20).
  std::vector<std::pair<int64_t, int64_t>> offsets;
  for (int64_t i = 0; i < 20; ++i) offsets.emplace_back(i, i + 1);
  const Encoding tokens = make_encoding(offsets);
  const auto windows = make_windows(20, 10, 3);
  const int t = type_of("IBAN");
  std::vector<std::vector<Entity>> found(windows.size());
  // An entity [6,10) is cut by window 0's right edge ([6,8) seen there) and whole in window 1.
  found[0] = {{1, 3, t}, {6, 8, t}};
  found[1] = {{6, 10, t}, {11, 13, t}};  // [11,13) touches window 1's right edge
  found[2] = {{11, 14, t}};              // ... and is whole in window 2
  found[3] = {{17, 20, t}};              // last window: the text end is not a cut
  EXPECT_EQ(merge_window_entities(tokens, windows, found),
            (std::vector<Entity>{{1, 3, t}, {6, 10, t}, {11, 14, t}, {17, 20, t}}));
}

TEST(MergeWindowEntitiesTest, DuplicatesCollapseAndTypesDoNotOverlap) {
  std::vector<std::pair<int64_t, int64_t>> offsets;
  for (int64_t i = 0; i < 12; ++i) offsets.emplace_back(2 * i, 2 * i + 1);  // gaps: separators
  const Encoding tokens = make_encoding(offsets);
  const auto windows = make_windows(12, 8, 2);  // [0,6) [4,10) [8,12)
  ASSERT_EQ(windows.size(), 3u);
  const int a = type_of("CITY"), b = type_of("STREET");
  std::vector<std::vector<Entity>> found(3);
  found[0] = {{8, 11, a}};
  found[1] = {{8, 11, a}, {12, 13, b}};  // same span seen twice
  found[2] = {{16, 19, b}, {20, 23, a}};
  const auto merged = merge_window_entities(tokens, windows, found);
  EXPECT_EQ(merged, (std::vector<Entity>{{8, 11, a}, {12, 13, b}, {16, 19, b}, {20, 23, a}}));
  for (std::size_t i = 1; i < merged.size(); ++i) EXPECT_LE(merged[i - 1].end, merged[i].start);
  EXPECT_THROW(merge_window_entities(tokens, windows, {{}, {}}), std::invalid_argument);
  EXPECT_TRUE(merge_window_entities(tokens, {}, {}).empty());
}

TEST(MergeWindowEntitiesTest, EndToEndOverALongText) {
  // Gold labels decoded per window and merged give back the gold entities of a long text.
  const auto samples = make_samples(5, 60);
  std::string text;
  std::vector<Entity> gold;
  int64_t offset = 0;
  for (const Sample& s : samples) {
    for (Entity e : s.entities) {
      e.start += offset;
      e.end += offset;
      gold.push_back(e);
    }
    text += s.text + "\n";
    offset += static_cast<int64_t>(codepoint_count(s.text)) + 1;
  }
  const Tokenizer& tok = trained();
  const Encoding tokens = tok.encode(text);
  const auto gold_labels = align_labels(tokens, gold);
  const auto windows = make_windows(tokens.size(), 64, 16);
  ASSERT_GT(windows.size(), 10u);
  std::vector<std::vector<Entity>> found;
  for (const Window& w : windows) {
    const Encoding enc = window_encoding(tokens, w);
    std::vector<int32_t> labels = {kIgnoreLabel};
    labels.insert(labels.end(), gold_labels.begin() + static_cast<std::ptrdiff_t>(w.first_token),
                  gold_labels.begin() + static_cast<std::ptrdiff_t>(w.first_token + w.num_tokens));
    labels.push_back(kIgnoreLabel);
    // A window that starts inside an entity sees I-X first: decoding repairs it into a (cut)
    // entity.
    found.push_back(decode_labels(enc, labels, text));
  }
  const auto merged = merge_window_entities(tokens, windows, found);
  const auto whole = decode_labels(tokens, gold_labels, text);
  EXPECT_EQ(merged, whole);
}

// ---------------------------------------------------------------------------------------------
// Golden files: tests/data/tokenizer/<name>.inp (one text per line) and <name>.out (the
// format_tokens dump of each line, after "> text"), made with `piikit tokenizer encode`.

std::string golden_dump(const Tokenizer& tok, const std::string& inp_path) {
  std::ifstream in(inp_path, std::ios::binary);
  std::string out, line;
  while (std::getline(in, line)) {
    out += "> " + line + "\n" + format_tokens(tok, tok.encode(line), line);
  }
  return out;
}

TEST(GoldenTest, SentencePieceModelPinsTrickyStrings) {
  const std::string dir = std::string(PIIKIT_TEST_DATA_DIR) + "/tokenizer";
  const Tokenizer tok = Tokenizer::load(dir + "/spm");
  const std::string got = golden_dump(tok, dir + "/tricky.inp");
  const std::string want = read_file(dir + "/tricky.spm.out");
  EXPECT_EQ(got, want) << "regenerate with: build/piikit tokenizer encode --tokenizer " << dir
                       << "/spm --input " << dir << "/tricky.inp > " << dir << "/tricky.spm.out";
}

TEST(GoldenTest, WordPieceVocabPinsTrickyStrings) {
  const std::string dir = std::string(PIIKIT_TEST_DATA_DIR) + "/tokenizer";
  const Tokenizer tok = Tokenizer::load(dir + "/wordpiece/vocab.txt");
  const std::string got = golden_dump(tok, dir + "/tricky.inp");
  const std::string want = read_file(dir + "/tricky.wordpiece.out");
  EXPECT_EQ(got, want);
}

}  // namespace
}  // namespace piikit
