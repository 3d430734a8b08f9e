// Label counting: exact counts against a naive loop, -100 skipped, every kind of bad label
// rejected with its value and first position, whatever its place in the unrolled or vector loop.
// Each test runs through count_labels_into (the dispatcher) and each implementation behind it
// (the AVX-512 one only where the CPU has it).
#include "piikit/label_counting.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <climits>
#include <random>
#include <stdexcept>
#include <vector>

namespace piikit {
namespace {

using ::testing::HasSubstr;

using CountFn = void (*)(const int32_t*, std::size_t, LabelCounts&);
struct Impl {
  const char* name;
  CountFn fn;
};

std::vector<Impl> implementations() {
  std::vector<Impl> impls = {{"dispatch", &count_labels_into},
                             {"portable", &detail::count_labels_portable}};
  if (detail::avx512_counting_available())
    impls.push_back({"avx512", &detail::count_labels_avx512});
  return impls;
}

class LabelCountingTest : public ::testing::TestWithParam<Impl> {
 protected:
  LabelCounts count(const std::vector<int32_t>& labels) const {
    LabelCounts counts{};
    GetParam().fn(labels.data(), labels.size(), counts);
    return counts;
  }
};

LabelCounts naive_counts(const std::vector<int32_t>& labels) {
  LabelCounts counts{};
  for (int32_t l : labels) {
    if (l != kIgnoreLabel) ++counts.at(l);
  }
  return counts;
}

TEST_P(LabelCountingTest, CountsAndSkipsIgnoreLabel) {
  const std::vector<int32_t> labels = {-100, 0, 0, 27, 28, 28, 0, -100, 52, 1, 0};
  const LabelCounts counts = count(labels);
  EXPECT_EQ(counts[0], 4u);
  EXPECT_EQ(counts[1], 1u);
  EXPECT_EQ(counts[27], 1u);
  EXPECT_EQ(counts[28], 2u);
  EXPECT_EQ(counts[52], 1u);
  EXPECT_EQ(total_count(counts), 9u) << "the two -100 positions are not counted";
  EXPECT_EQ(present_labels(counts), 5);
}

TEST_P(LabelCountingTest, EmptyInput) {
  LabelCounts counts{};
  GetParam().fn(nullptr, 0, counts);
  EXPECT_EQ(total_count(counts), 0u);
  EXPECT_EQ(present_labels(counts), 0);
}

TEST_P(LabelCountingTest, MatchesNaiveCountForEveryTailLength) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> label(-1, kNumLabels - 1);
  for (std::size_t n = 0; n < 80; ++n) {
    std::vector<int32_t> labels(n);
    for (auto& l : labels) {
      int v = label(rng);
      l = v < 0 ? kIgnoreLabel : v;
    }
    EXPECT_EQ(count(labels), naive_counts(labels)) << "n = " << n;
  }
}

TEST_P(LabelCountingTest, MatchesNaiveCountOnSkewedData) {
  // Mostly O, like real token labels.
  std::mt19937 rng(11);
  std::discrete_distribution<int> pick({88.0, 3.0, 9.0});
  std::uniform_int_distribution<int> entity(1, kNumLabels - 1);
  std::vector<int32_t> labels(100'003);
  for (auto& l : labels) {
    const int kind = pick(rng);
    l = kind == 0 ? 0 : kind == 1 ? kIgnoreLabel : entity(rng);
  }
  EXPECT_EQ(count(labels), naive_counts(labels));
}

TEST_P(LabelCountingTest, IntoAccumulates) {
  LabelCounts counts{};
  const std::vector<int32_t> a = {0, 1, 1}, b = {1, 2, -100};
  GetParam().fn(a.data(), a.size(), counts);
  GetParam().fn(b.data(), b.size(), counts);
  EXPECT_EQ(counts[0], 1u);
  EXPECT_EQ(counts[1], 3u);
  EXPECT_EQ(counts[2], 1u);
}

TEST_P(LabelCountingTest, RejectsBadLabelsWithValueAndPosition) {
  const int32_t bad_values[] = {kNumLabels, -1,  -99, -101, -128,   -129,    75,     127,
                                128,        255, 256, 1000, 100000, INT_MAX, INT_MIN};
  for (int32_t bad : bad_values) {
    // Lanes of the unrolled loop, of each of the four vectors of a 64-label step (first and last
    // lane), of a second step, and of the scalar tail.
    for (std::size_t pos : {0u, 1u, 2u, 3u, 4u, 15u, 16u, 31u, 32u, 47u, 48u, 63u, 64u, 100u,
                            127u, 128u, 130u}) {
      std::vector<int32_t> labels(131, 0);
      labels[pos] = bad;
      try {
        count(labels);
        ADD_FAILURE() << "expected std::out_of_range for " << bad << " at " << pos;
      } catch (const std::out_of_range& e) {
        EXPECT_THAT(e.what(), HasSubstr("token label " + std::to_string(bad) + " at position " +
                                        std::to_string(pos) + " is outside [0, 53)"));
      }
    }
  }
}

TEST_P(LabelCountingTest, ReportsTheFirstBadPositionAndLeavesCountsUnchanged) {
  std::vector<int32_t> labels(1000, 5);
  labels[700] = 99;
  labels[321] = -7;
  LabelCounts counts{};
  counts[5] = 3;
  try {
    GetParam().fn(labels.data(), labels.size(), counts);
    FAIL() << "expected std::out_of_range";
  } catch (const std::out_of_range& e) {
    EXPECT_THAT(e.what(), HasSubstr("token label -7 at position 321"));
  }
  EXPECT_EQ(counts[5], 3u);
  EXPECT_EQ(total_count(counts), 3u);
}

TEST_P(LabelCountingTest, LongUniformRunsDoNotOverflowPerLaneCounters) {
  // The vector loop counts O and -100 in 8-bit lanes per 8192-label chunk; whole chunks of one
  // value are the worst case.
  for (int32_t value : {0, kIgnoreLabel, 17}) {
    const std::vector<int32_t> labels(3 * 8192 + 77, value);
    EXPECT_EQ(count(labels), naive_counts(labels)) << "value " << value;
  }
}

TEST_P(LabelCountingTest, CountsAcrossChunkBoundaries) {
  // Long runs of O and of entity labels around the vector loop's 4096-label chunks.
  std::vector<int32_t> labels;
  for (int run = 0; run < 40; ++run) {
    labels.insert(labels.end(), 997 + run * 13,
                  run % 3 == 0   ? 0
                  : run % 3 == 1 ? 27
                                 : kIgnoreLabel);
  }
  EXPECT_EQ(count(labels), naive_counts(labels));
}

TEST(LabelCountingDispatchTest, CountLabelsWrapperMatchesNaive) {
  const std::vector<int32_t> labels = {0, 0, 5, -100, 5, 52};
  EXPECT_EQ(count_labels(labels), naive_counts(labels));
  EXPECT_EQ(count_labels(labels.data(), labels.size()), naive_counts(labels));
}

INSTANTIATE_TEST_SUITE_P(Impls, LabelCountingTest, ::testing::ValuesIn(implementations()),
                         [](const ::testing::TestParamInfo<Impl>& info) {
                           return std::string(info.param.name);
                         });

}  // namespace
}  // namespace piikit
