#include "piikit/detector.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cctype>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <sstream>

#include "piikit/error.h"
#include "piikit/file_util.h"
#include "piikit/label_set.h"
#include "piikit/utf8.h"

namespace piikit {
namespace {

namespace fs = std::filesystem;
using testing::HasSubstr;

// <build>/test_tmp/<name>_<pid>: CTest runs the tests of this file as parallel processes, which
// must not remove each other's files.
fs::path temp_dir(const std::string& name) {
  fs::path dir = fs::path(PIIKIT_BINARY_DIR) / "test_tmp" / (name + "_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

// A WordPiece tokenizer over a tiny lower-case vocabulary: every word below is one token.
Tokenizer word_tokenizer() {
  const fs::path dir = temp_dir("detector_vocab");
  std::string vocab = "[PAD]\n[UNK]\n[CLS]\n[SEP]\n";
  for (const char* w :
       {"anna", "new", "york", "lives", "in", "and", "met", "bob", "the", "a", ".", ","}) {
    vocab += std::string(w) + "\n";
  }
  write_file_atomic((dir / "vocab.txt").string(), vocab);
  return Tokenizer::load((dir / "vocab.txt").string());
}

// Hand-made logits that depend only on the token id: "anna" -> B-FIRSTNAME, "new" -> B-CITY,
// "york" -> I-CITY (so a window starting at "york" cannot open a span with it), else O.
struct TokenLogits {
  int64_t anna, new_, york;
  int calls = 0;
  std::vector<std::vector<int64_t>> shapes;
  torch::Tensor operator()(const torch::Tensor& ids, const torch::Tensor& mask) {
    ++calls;
    shapes.push_back(ids.sizes().vec());
    EXPECT_EQ(ids.sizes(), mask.sizes());
    EXPECT_TRUE(torch::equal(mask, ids != kPadId)) << "mask must be true exactly on real tokens";
    const int fn = *type_from_name("FIRSTNAME"), city = *type_from_name("CITY");
    torch::Tensor label = torch::zeros_like(ids);  // (B, T) chosen label per token
    label.masked_fill_(ids == anna, begin_label(fn));
    label.masked_fill_(ids == new_, begin_label(city));
    label.masked_fill_(ids == york, inside_label(city));
    // (B, T, 53): 2 on O everywhere, 6 on the chosen entity label.
    torch::Tensor logits = torch::zeros({ids.size(0), ids.size(1), kNumLabels});
    logits.select(2, kOutsideLabel).fill_(2.0);
    logits +=
        torch::one_hot(label, kNumLabels).to(torch::kFloat) * (label != 0).unsqueeze(-1) * 6.0;
    return logits;
  }
};

struct FakeModel {
  Tokenizer tokenizer = word_tokenizer();
  std::shared_ptr<TokenLogits> logits;
  FakeModel() {
    auto id = [&](const char* w) { return int64_t(tokenizer.encode(w).ids.at(0)); };
    logits = std::make_shared<TokenLogits>(TokenLogits{id("anna"), id("new"), id("york")});
  }
  Detector detector(const DetectorOptions& options) {
    auto l = logits;
    return Detector(
        Tokenizer::load((fs::path(PIIKIT_BINARY_DIR) / "test_tmp" /
                         ("detector_vocab_" + std::to_string(::getpid())) / "vocab.txt")
                            .string()),
        [l](const torch::Tensor& ids, const torch::Tensor& mask, const torch::Tensor&) {
          return (*l)(ids, mask);
        },
        512, false, options);
  }
};

std::vector<std::string> texts_of(const std::vector<DetectedEntity>& ents,
                                  const std::string& text) {
  std::vector<std::string> out;
  for (const auto& e : ents) {
    out.push_back(std::string(type_name(e.type)) + ":" + codepoint_substr(text, e.start, e.end));
  }
  return out;
}

TEST(DetectorTest, DecodesSpansFromTokenScores) {
  FakeModel fake;
  Detector det = fake.detector({});
  const std::string text = "Anna lives in New York.";
  const auto found = det.detect({text});
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(texts_of(found[0], text),
            (std::vector<std::string>{"FIRSTNAME:Anna", "CITY:New York"}));
  EXPECT_EQ(found[0][1].start, 14);
  EXPECT_EQ(found[0][1].end, 22);
  // Scores: softmax probability of the decoded label, e^6 / (e^6 + e^2 + 51) per token.
  const double p = std::exp(6.0) / (std::exp(6.0) + std::exp(2.0) + 51.0);
  EXPECT_NEAR(found[0][0].score, p, 1e-5);
  EXPECT_NEAR(found[0][1].score, p, 1e-5);
}

TEST(DetectorTest, InsideWithoutBeginIsNeverASpan) {
  FakeModel fake;
  Detector det = fake.detector({});
  // "york" alone scores I-CITY: the constrained decoder cannot start a span there.
  const std::string text = "York and Anna";
  EXPECT_EQ(texts_of(det.detect({text})[0], text), (std::vector<std::string>{"FIRSTNAME:Anna"}));
}

TEST(DetectorTest, SlidingWindowsGiveTheSameSpansAsOneWindow) {
  // A long text in which "New York" falls across window edges at many different offsets.
  std::string text;
  std::mt19937 rng(3);
  const std::vector<std::string> filler = {"the", "a", "met", "bob", "and", ","};
  for (int i = 0; i < 120; ++i) {
    text += filler[rng() % filler.size()] + " ";
    if (i % 3 == 0) text += "New York ";
    if (i % 7 == 0) text += "Anna ";
  }
  FakeModel fake;
  Detector whole = fake.detector({});
  const auto expected = whole.detect({text})[0];
  ASSERT_GT(expected.size(), 50u);
  for (const auto& [len, stride] :
       std::vector<std::pair<int, int>>{{8, 2}, {9, 3}, {16, 5}, {32, 8}}) {
    DetectorOptions options;
    options.max_length = len;
    options.stride = stride;
    options.max_batch_tokens = 64;
    Detector windowed = fake.detector(options);
    EXPECT_EQ(windowed.window_length(), len);
    const auto got = windowed.detect({text})[0];
    EXPECT_EQ(texts_of(got, text), texts_of(expected, text)) << "windows of " << len;
    ASSERT_EQ(got.size(), expected.size());
    for (std::size_t k = 0; k < got.size(); ++k) {
      EXPECT_EQ(got[k].entity(), expected[k].entity()) << "entity " << k << ", windows of " << len;
      EXPECT_NEAR(got[k].score, expected[k].score, 1e-5);
    }
  }
}

TEST(DetectorTest, PacksWindowsIntoBoundedBatches) {
  FakeModel fake;
  DetectorOptions options;
  options.max_batch_windows = 3;
  options.max_batch_tokens = 512;
  Detector det = fake.detector(options);
  std::vector<std::string> texts;
  for (int i = 0; i < 10; ++i) texts.push_back(std::string(i % 2 ? "Anna met Bob" : "Anna") + ".");
  texts.push_back("");  // no tokens: no window, no entities
  const auto found = det.detect(texts);
  ASSERT_EQ(found.size(), 11u);
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(texts_of(found[i], texts[i]), (std::vector<std::string>{"FIRSTNAME:Anna"})) << i;
  }
  EXPECT_TRUE(found[10].empty());
  EXPECT_EQ(fake.logits->calls, 4);  // 10 windows, at most 3 per pass
  for (const auto& shape : fake.logits->shapes) EXPECT_LE(shape[0], 3);
}

TEST(DetectorTest, RejectsBadOptions) {
  FakeModel fake;
  DetectorOptions options;
  options.max_length = 16;
  options.stride = 14;
  EXPECT_THROW(fake.detector(options), ConfigError);
  options.stride = -2;
  EXPECT_THROW(fake.detector(options), ConfigError);
  options.stride = -1;  // automatic: a quarter of the window's text tokens, at most 64
  EXPECT_EQ(fake.detector(options).stride(), 3);
  EXPECT_EQ(fake.detector({}).stride(), 64);
}

// ---- With a real (randomly initialised) model saved to a directory ---------------------------

fs::path tiny_model_dir() {
  static const fs::path dir = [] {
    const fs::path d = temp_dir("detector_model");
    std::vector<std::string> texts;
    std::mt19937 rng(1);
    const std::vector<std::string> first = {"Anna", "Bob", "Chen", "Dmitri", "Eve", "Farah"};
    const std::vector<std::string> city = {"Graz", "Lyon", "Oslo", "Porto", "Quito", "Riga"};
    for (int i = 0; i < 300; ++i) {  // a few hundred texts
      texts.push_back(first[rng() % 6] + " lives in " + city[rng() % 6] + ", call +43 " +
                      std::to_string(rng() % 100000) + " or mail x" + std::to_string(i) +
                      "@example.org.");
    }
    // A WordPiece vocabulary of the texts' words (not a trained sentencepiece model: in this
    // build a process that links libtorch cannot run sentencepiece, see docs/detect-eval.md).
    std::set<std::string> words;
    for (const std::string& t : texts) {
      std::string w;
      for (char c : t + " ") {
        if (std::isalnum(static_cast<unsigned char>(c))) {
          w += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        } else {
          if (!w.empty()) words.insert(w);
          w.clear();
          if (c != ' ') words.insert(std::string(1, c));
        }
      }
    }
    std::string vocab = "[PAD]\n[UNK]\n[CLS]\n[SEP]\n";
    for (const std::string& w : words) vocab += w + "\n";
    write_file_atomic((d / "vocab.txt").string(), vocab);
    Tokenizer tok = Tokenizer::load((d / "vocab.txt").string());
    tok.save((d / "tokenizer").string());
    fs::remove(d / "vocab.txt");  // the model directory alone must be enough
    ModelConfig config;
    config.vocab_size = tok.vocab_size();
    config.d_model = 32;
    config.num_layers = 1;
    config.num_heads = 2;
    config.ffn_dim = 64;
    config.max_length = 64;
    torch::manual_seed(5);
    TokenClassifier model(config);
    save_model(model, d.string());
    return d;
  }();
  return dir;
}

bool well_formed(const std::vector<DetectedEntity>& ents, const std::string& text) {
  const int64_t n = static_cast<int64_t>(codepoint_count(text));
  int64_t prev_end = 0;
  for (const auto& e : ents) {
    if (e.start < prev_end || e.end <= e.start || e.end > n) return false;
    if (e.type < 0 || e.type >= kNumTypes || !(e.score >= 0.0f && e.score <= 1.0f)) return false;
    prev_end = e.end;
  }
  return true;
}

TEST(DetectorModelTest, LoadsFromTheDirectoryAlone) {
  Detector det(tiny_model_dir().string());
  EXPECT_EQ(det.window_length(), 64);
  EXPECT_EQ(det.stride(), 15);
  const std::vector<std::string> texts = {"Anna lives in Graz.", "", "nothing to see",
                                          "Zoë from Zürich, call +43 555 0100"};
  const auto found = det.detect(texts);
  ASSERT_EQ(found.size(), texts.size());
  for (std::size_t i = 0; i < texts.size(); ++i) EXPECT_TRUE(well_formed(found[i], texts[i])) << i;
}

TEST(DetectorModelTest, BatchingAndPaddingDoNotChangeResults) {
  Detector det(tiny_model_dir().string());
  std::vector<std::string> texts;
  for (int i = 0; i < 12; ++i) {
    texts.push_back("Chen lives in Oslo" + std::string(i, '!') + " mail y" + std::to_string(i) +
                    "@example.org");
  }
  const auto batched = det.detect(texts);
  for (std::size_t i = 0; i < texts.size(); ++i) {
    const auto alone = det.detect({texts[i]})[0];
    ASSERT_EQ(alone.size(), batched[i].size()) << i;
    for (std::size_t k = 0; k < alone.size(); ++k) {
      EXPECT_EQ(alone[k].entity(), batched[i][k].entity()) << i;
      EXPECT_NEAR(alone[k].score, batched[i][k].score, 1e-4) << i;
    }
  }
}

TEST(DetectorModelTest, LongTextsGoThroughWindows) {
  Detector det(tiny_model_dir().string());
  std::string text;
  for (int i = 0; i < 60; ++i)
    text += "Farah lives in Porto, mail z" + std::to_string(i) + "@example.org. ";
  ASSERT_GT(det.tokenizer().encode(text).size(), 300u);  // several windows of 64
  const auto found = det.detect({text});
  EXPECT_TRUE(well_formed(found[0], text));
  EXPECT_GT(det.timings().tokens, 300u);
}

TEST(DetectorModelTest, StreamsJsonlWithBadLines) {
  Detector det(tiny_model_dir().string());
  std::istringstream in(
      "{\"id\":\"a\",\"text\":\"Anna lives in Graz.\"}\n"
      "not json\n"
      "{\"id\":\"c\"}\n"
      "{\"id\":\"d\",\"text\":\"Bob, Riga\"}\n");
  std::ostringstream out;
  const StreamStats stats = run_detect_stream(
      in, out, [&](const std::vector<std::string>& t) { return det.detect(t); }, {});
  EXPECT_EQ(stats.texts, 2u);
  EXPECT_EQ(stats.failed, 2u);
  std::istringstream lines(out.str());
  std::vector<nlohmann::json> parsed;
  for (std::string l; std::getline(lines, l);) parsed.push_back(nlohmann::json::parse(l));
  ASSERT_EQ(parsed.size(), 4u);
  EXPECT_EQ(parsed[0]["id"], "a");
  EXPECT_TRUE(parsed[0]["entities"].is_array());
  EXPECT_EQ(parsed[1]["line"], 2);
  EXPECT_EQ(parsed[2]["line"], 3);
  EXPECT_EQ(parsed[3]["id"], "d");
}

TEST(DetectorModelTest, MissingDirectoryNamesTheFile) {
  try {
    Detector det((fs::path(PIIKIT_BINARY_DIR) / "test_tmp/no_such_model").string());
    FAIL() << "no exception";
  } catch (const std::exception& e) {
    EXPECT_THAT(e.what(), HasSubstr("no_such_model"));
  }
}

}  // namespace
}  // namespace piikit
