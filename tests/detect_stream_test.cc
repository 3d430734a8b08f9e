#include "piikit/detect_stream.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <istream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <streambuf>
#include <thread>

#include "piikit/label_set.h"
#include "piikit/utf8.h"

namespace piikit {
namespace {

using nlohmann::json;
using testing::HasSubstr;

// Fake detector: every occurrence of "Anna" (FIRSTNAME) and "Graz" (CITY), in code points.
// Throws for a text containing "BOOM", so the batch-retry path can be tested.
struct FakeDetector {
  std::vector<std::size_t> batch_sizes;
  std::vector<std::vector<DetectedEntity>> operator()(const std::vector<std::string>& texts) {
    batch_sizes.push_back(texts.size());
    std::vector<std::vector<DetectedEntity>> out;
    for (const std::string& text : texts) {
      if (text.find("BOOM") != std::string::npos) throw std::runtime_error("boom");
      const std::u32string cps = utf8_decode(text);
      std::vector<DetectedEntity> found;
      for (const auto& [word, type] :
           {std::pair<std::u32string, const char*>{U"Anna", "FIRSTNAME"}, {U"Graz", "CITY"}}) {
        for (std::size_t p = cps.find(word); p != std::u32string::npos; p = cps.find(word, p + 1)) {
          found.push_back({int64_t(p), int64_t(p + word.size()), *type_from_name(type), 0.875f});
        }
      }
      std::sort(found.begin(), found.end(),
                [](const auto& a, const auto& b) { return a.start < b.start; });
      out.push_back(found);
    }
    return out;
  }
};

std::string fmt_line(int i) {
  return "{\"id\":" + std::to_string(i) + ",\"text\":\"Anna number " + std::to_string(i) + "\"}\n";
}

std::vector<std::string> lines_of(const std::string& s) {
  std::vector<std::string> lines;
  std::istringstream in(s);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::vector<std::string> run(const std::string& input, StreamOptions options,
                             StreamStats* stats = nullptr, FakeDetector* fake = nullptr) {
  FakeDetector local;
  FakeDetector& f = fake ? *fake : local;
  std::istringstream in(input);
  std::ostringstream out;
  const StreamStats s = run_detect_stream(
      in, out, [&](const std::vector<std::string>& t) { return f(t); }, options);
  if (stats) *stats = s;
  return lines_of(out.str());
}

TEST(DetectStreamTest, JsonlLinesGiveEntitiesWithCodePointOffsets) {
  const auto out = run(R"({"id": "a1", "text": "Zoë and Anna in Graz"})"
                       "\n"
                       R"({"id": 7, "text": "nothing"})"
                       "\n",
                       {});
  ASSERT_EQ(out.size(), 2u);
  const json first = json::parse(out[0]);
  EXPECT_EQ(first["id"], "a1");
  ASSERT_EQ(first["entities"].size(), 2u);
  EXPECT_EQ(
      first["entities"][0],
      json(
          {{"start", 8}, {"end", 12}, {"label", "FIRSTNAME"}, {"text", "Anna"}, {"score", 0.875}}));
  EXPECT_EQ(first["entities"][1]["label"], "CITY");
  EXPECT_EQ(first["entities"][1]["start"], 16);
  EXPECT_EQ(json::parse(out[1]), json({{"id", 7}, {"entities", json::array()}}));
}

TEST(DetectStreamTest, BadLinesGiveErrorLinesAndTheRunGoesOn) {
  StreamStats stats;
  const auto out =
      run("{\"id\": 1, \"text\": \"Anna\"}\n"
          "{\"id\": 2, \"text\": \n"
          "{\"id\": 3}\n"
          "[1, 2]\n"
          "\n"
          "{\"id\": 4, \"text\": 5}\n"
          "{\"id\": 5, \"text\": \"Graz\"}\n",
          {}, &stats);
  ASSERT_EQ(out.size(), 6u);  // the blank line is skipped
  EXPECT_EQ(json::parse(out[0])["id"], 1);
  const json e2 = json::parse(out[1]);
  EXPECT_EQ(e2["line"], 2);
  EXPECT_THAT(e2["error"].get<std::string>(), HasSubstr("bad JSON"));
  EXPECT_EQ(json::parse(out[2]), json({{"line", 3}, {"error", "missing field \"text\""}}));
  EXPECT_EQ(json::parse(out[3])["line"], 4);
  EXPECT_THAT(json::parse(out[3])["error"].get<std::string>(), HasSubstr("expected a JSON object"));
  EXPECT_EQ(json::parse(out[4])["line"], 6);
  EXPECT_THAT(json::parse(out[4])["error"].get<std::string>(), HasSubstr("must be a string"));
  EXPECT_EQ(json::parse(out[5])["entities"][0]["label"], "CITY");
  EXPECT_EQ(stats.lines, 7u);
  EXPECT_EQ(stats.texts, 2u);
  EXPECT_EQ(stats.failed, 4u);
  EXPECT_EQ(stats.entities, 2u);
}

TEST(DetectStreamTest, DetectorFailureOnOneTextSparesTheOthers) {
  FakeDetector fake;
  StreamOptions options;
  options.batch_size = 8;
  const auto out =
      run("{\"id\":1,\"text\":\"Anna\"}\n{\"id\":2,\"text\":\"BOOM\"}\n"
          "{\"id\":3,\"text\":\"Graz\"}\n",
          options, nullptr, &fake);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(json::parse(out[0])["entities"][0]["text"], "Anna");
  EXPECT_EQ(json::parse(out[1]), json({{"line", 2}, {"error", "detection failed: boom"}}));
  EXPECT_EQ(json::parse(out[2])["entities"][0]["text"], "Graz");
}

TEST(DetectStreamTest, PlainTextModeUsesLineNumbersAsIds) {
  StreamOptions options;
  options.plain_text = true;
  const auto out = run("Anna\n\nGraz\r\n", options);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(json::parse(out[0])["id"], 1);
  EXPECT_EQ(json::parse(out[1]), json({{"id", 2}, {"entities", json::array()}}));
  EXPECT_EQ(json::parse(out[2])["id"], 3);
  EXPECT_EQ(json::parse(out[2])["entities"][0]["end"], 4);  // the \r is not text
}

TEST(DetectStreamTest, JsonlRejectsInvalidUtf8) {
  const auto out = run("{\"id\":1,\"text\":\"bad \xff byte\"}\n{\"id\":2,\"text\":\"Anna\"}\n", {});
  ASSERT_EQ(out.size(), 2u);
  const json e = json::parse(out[0]);
  EXPECT_EQ(e["line"], 1);
  EXPECT_THAT(e["error"].get<std::string>(), HasSubstr("bad JSON"));
  EXPECT_EQ(json::parse(out[1])["id"], 2);
}

TEST(DetectStreamTest, PlainTextRejectsInvalidUtf8) {
  StreamOptions options;
  options.plain_text = true;
  const auto out = run("ok\nbad \xff byte\n", options);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(json::parse(out[1]), json({{"line", 2}, {"error", "invalid UTF-8 at byte 4"}}));
}

TEST(DetectStreamTest, MaskModes) {
  StreamOptions options;
  options.plain_text = true;
  options.mask = MaskStyle::kLabel;
  EXPECT_EQ(run("Anna saw Anna in Graz\n", options),
            std::vector<std::string>{"[FIRSTNAME] saw [FIRSTNAME] in [CITY]"});
  options.mask = MaskStyle::kNumbered;
  EXPECT_EQ(run("Anna saw Anna in Graz\n", options),
            std::vector<std::string>{"[FIRSTNAME_1] saw [FIRSTNAME_1] in [CITY_1]"});
  options.plain_text = false;
  const auto out = run("{\"id\":\"x\",\"text\":\"Anna, Graz\"}\n", options);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(json::parse(out[0]), json({{"id", "x"}, {"masked_text", "[FIRSTNAME_1], [CITY_1]"}}));
}

TEST(DetectStreamTest, BatchesRespectTheLimitAndKeepOrder) {
  std::string input;
  for (int i = 1; i <= 100; ++i) input += fmt_line(i);
  FakeDetector fake;
  StreamOptions options;
  options.batch_size = 16;
  const auto out = run(input, options, nullptr, &fake);
  ASSERT_EQ(out.size(), 100u);
  for (int i = 1; i <= 100; ++i) EXPECT_EQ(json::parse(out[i - 1])["id"], i);
  std::size_t total = 0;
  for (std::size_t b : fake.batch_sizes) {
    EXPECT_LE(b, 16u);
    total += b;
  }
  EXPECT_EQ(total, 100u);
}

// An input stream fed by the test while run_detect_stream reads it: lets the test check that an
// answer comes out before the rest of the input exists.
class FeedBuf : public std::streambuf {
 public:
  void feed(const std::string& s) {
    std::lock_guard lock(mu_);
    pending_ += s;
    cv_.notify_all();
  }
  void close() {
    std::lock_guard lock(mu_);
    closed_ = true;
    cv_.notify_all();
  }

 protected:
  int_type underflow() override {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return !pending_.empty() || closed_; });
    if (pending_.empty()) return traits_type::eof();
    current_ = std::move(pending_);
    pending_.clear();
    setg(current_.data(), current_.data(), current_.data() + current_.size());
    return traits_type::to_int_type(current_[0]);
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::string pending_, current_;
  bool closed_ = false;
};

// Output stream that records what was flushed, for the streaming test.
class WatchBuf : public std::stringbuf {
 public:
  std::string flushed() {
    std::lock_guard lock(mu_);
    return flushed_;
  }

 protected:
  int sync() override {
    std::lock_guard lock(mu_);
    flushed_ = str();
    return 0;
  }

 private:
  std::mutex mu_;
  std::string flushed_;
};

TEST(DetectStreamTest, AnswersEachLineBeforeTheInputEnds) {
  FeedBuf feed;
  WatchBuf watch;
  std::istream in(&feed);
  std::ostream out(&watch);
  FakeDetector fake;
  std::thread runner([&] {
    run_detect_stream(in, out, [&](const std::vector<std::string>& t) { return fake(t); }, {});
  });
  feed.feed("{\"id\":1,\"text\":\"Anna\"}\n");
  // The first answer must appear while the input is still open.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (watch.flushed().find("\"id\":1") == std::string::npos &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_THAT(watch.flushed(), HasSubstr("\"id\":1"));
  feed.feed("{\"id\":2,\"text\":\"Graz\"}\n");
  feed.close();
  runner.join();
  EXPECT_EQ(lines_of(watch.str()).size(), 2u);
}

}  // namespace
}  // namespace piikit
