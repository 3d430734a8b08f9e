// Label counting: exact counts against a naive loop, -100 skipped, every kind of bad label
// rejected with its value and first position, whatever its place in the unrolled loop.
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

LabelCounts naive_counts(const std::vector<int32_t>& labels) {
  LabelCounts counts{};
  for (int32_t l : labels) {
    if (l != kIgnoreLabel) ++counts.at(l);
  }
  return counts;
}

TEST(LabelCountingTest, CountsAndSkipsIgnoreLabel) {
  const std::vector<int32_t> labels = {-100, 0, 0, 27, 28, 28, 0, -100, 52, 1, 0};
  const LabelCounts counts = count_labels(labels);
  EXPECT_EQ(counts[0], 4u);
  EXPECT_EQ(counts[1], 1u);
  EXPECT_EQ(counts[27], 1u);
  EXPECT_EQ(counts[28], 2u);
  EXPECT_EQ(counts[52], 1u);
  EXPECT_EQ(total_count(counts), 9u) << "the two -100 positions are not counted";
  EXPECT_EQ(present_labels(counts), 5);
}

TEST(LabelCountingTest, EmptyInput) {
  const LabelCounts counts = count_labels(nullptr, 0);
  EXPECT_EQ(total_count(counts), 0u);
  EXPECT_EQ(present_labels(counts), 0);
}

TEST(LabelCountingTest, MatchesNaiveCountForEveryTailLength) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> label(-1, kNumLabels - 1);
  for (std::size_t n = 0; n < 40; ++n) {
    std::vector<int32_t> labels(n);
    for (auto& l : labels) {
      int v = label(rng);
      l = v < 0 ? kIgnoreLabel : v;
    }
    EXPECT_EQ(count_labels(labels), naive_counts(labels)) << "n = " << n;
  }
}

TEST(LabelCountingTest, MatchesNaiveCountOnSkewedData) {
  // Mostly O, like real token labels.
  std::mt19937 rng(11);
  std::discrete_distribution<int> pick({88.0, 3.0, 9.0});
  std::uniform_int_distribution<int> entity(1, kNumLabels - 1);
  std::vector<int32_t> labels(100'003);
  for (auto& l : labels) {
    const int kind = pick(rng);
    l = kind == 0 ? 0 : kind == 1 ? kIgnoreLabel : entity(rng);
  }
  EXPECT_EQ(count_labels(labels), naive_counts(labels));
}

TEST(LabelCountingTest, IntoAccumulates) {
  LabelCounts counts{};
  const std::vector<int32_t> a = {0, 1, 1}, b = {1, 2, -100};
  count_labels_into(a.data(), a.size(), counts);
  count_labels_into(b.data(), b.size(), counts);
  EXPECT_EQ(counts[0], 1u);
  EXPECT_EQ(counts[1], 3u);
  EXPECT_EQ(counts[2], 1u);
}

TEST(LabelCountingTest, RejectsBadLabelsWithValueAndPosition) {
  const int32_t bad_values[] = {kNumLabels, -1, -99, -101, -128, -129, 75, 127, 128, 255, 256,
                                1000, 100000, INT_MAX, INT_MIN};
  for (int32_t bad : bad_values) {
    for (std::size_t pos : {0u, 1u, 2u, 3u, 4u, 9u}) {  // every lane of the unrolled loop + tail
      std::vector<int32_t> labels(10, 0);
      labels[pos] = bad;
      try {
        count_labels(labels);
        ADD_FAILURE() << "expected std::out_of_range for " << bad << " at " << pos;
      } catch (const std::out_of_range& e) {
        EXPECT_THAT(e.what(), HasSubstr("token label " + std::to_string(bad) + " at position " +
                                        std::to_string(pos) + " is outside [0, 53)"));
      }
    }
  }
}

TEST(LabelCountingTest, ReportsTheFirstBadPositionAndLeavesCountsUnchanged) {
  std::vector<int32_t> labels(1000, 5);
  labels[700] = 99;
  labels[321] = -7;
  LabelCounts counts{};
  counts[5] = 3;
  try {
    count_labels_into(labels.data(), labels.size(), counts);
    FAIL() << "expected std::out_of_range";
  } catch (const std::out_of_range& e) {
    EXPECT_THAT(e.what(), HasSubstr("token label -7 at position 321"));
  }
  EXPECT_EQ(counts[5], 3u);
  EXPECT_EQ(total_count(counts), 3u);
}

}  // namespace
}  // namespace piikit
