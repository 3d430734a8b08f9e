#include "piikit/batching.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <set>

#include "piikit/label_set.h"

namespace piikit {
namespace {

// An example of n tokens ([CLS] ... [SEP]) with ids 10+i and labels i % 3 on real tokens.
EncodedExample make_example(std::size_t n, bool with_coref = false) {
  EncodedExample ex;
  for (std::size_t i = 0; i < n; ++i) {
    const bool special = i == 0 || i + 1 == n;
    ex.encoding.ids.push_back(static_cast<int32_t>(10 + i));
    ex.encoding.offsets.emplace_back(special ? -1 : static_cast<int64_t>(i), special ? -1 : static_cast<int64_t>(i + 1));
    ex.labels.push_back(special ? kIgnoreLabel : static_cast<int32_t>(i % 3));
    if (with_coref) ex.coref.push_back(special ? kIgnoreLabel : static_cast<int32_t>(i % 2));
  }
  return ex;
}

TEST(BatchingTest, TokenDropoutHidesOrdinaryTokensOnlyAtTheGivenRateAndIsSeeded) {
  // 200 rows: [CLS] 40 ordinary ids [SEP] then padding.
  torch::Tensor ids = torch::zeros({200, 50}, torch::kLong);
  ids.index_put_({torch::indexing::Slice(), 0}, kClsId);
  ids.index_put_({torch::indexing::Slice(), torch::indexing::Slice(1, 41)},
                 torch::randint(kNumSpecialIds, 8000, {200, 40}, torch::kLong));
  ids.index_put_({torch::indexing::Slice(), 41}, kSepId);
  torch::manual_seed(5);
  const torch::Tensor a = drop_tokens(ids, 0.15);
  torch::manual_seed(5);
  EXPECT_TRUE(torch::equal(a, drop_tokens(ids, 0.15))) << "same seed, same draws";
  const torch::Tensor changed = a.ne(ids);
  // Only ordinary tokens change, and they become [UNK].
  EXPECT_TRUE(a.masked_select(changed).eq(kUnkId).all().item<bool>());
  EXPECT_FALSE(changed.index({torch::indexing::Slice(), 0}).any().item<bool>());
  EXPECT_FALSE(changed.index({torch::indexing::Slice(), torch::indexing::Slice(41, 50)}).any().item<bool>());
  const double rate = changed.sum().item<double>() / (200.0 * 40.0);
  EXPECT_NEAR(rate, 0.15, 0.015);
  EXPECT_TRUE(torch::equal(drop_tokens(ids, 0.0), ids));
  EXPECT_THROW(drop_tokens(ids, 1.0), std::invalid_argument);
}

TEST(BatchingTest, CollatePadsWithZeroAndIgnoreLabel) {
  std::vector<EncodedExample> examples = {make_example(5), make_example(3), make_example(7)};
  Batch b = collate(examples, {1, 0}, torch::kCPU);
  ASSERT_EQ(b.ids.sizes(), (std::vector<int64_t>{2, 5})) << "padded to the longest in the batch";
  EXPECT_EQ(b.ids.scalar_type(), torch::kLong);
  EXPECT_EQ(b.labels.scalar_type(), torch::kLong);
  EXPECT_EQ(b.mask.scalar_type(), torch::kBool);
  EXPECT_EQ(b.num_tokens, 8);
  EXPECT_FALSE(b.coref.defined());
  EXPECT_FALSE(b.chars.defined());
  auto ids = b.ids.accessor<int64_t, 2>();
  auto labels = b.labels.accessor<int64_t, 2>();
  auto mask = b.mask.accessor<bool, 2>();
  // Row 0 = example 1 (3 tokens): [CLS] x [SEP] then 2 pads.
  const int64_t want_ids[2][5] = {{10, 11, 12, 0, 0}, {10, 11, 12, 13, 14}};
  const int64_t want_labels[2][5] = {{-100, 1, -100, -100, -100}, {-100, 1, 2, 0, -100}};
  const bool want_mask[2][5] = {{true, true, true, false, false}, {true, true, true, true, true}};
  for (int r = 0; r < 2; ++r) {
    for (int c = 0; c < 5; ++c) {
      EXPECT_EQ(ids[r][c], want_ids[r][c]) << r << "," << c;
      EXPECT_EQ(labels[r][c], want_labels[r][c]) << r << "," << c;
      EXPECT_EQ(mask[r][c], want_mask[r][c]) << r << "," << c;
    }
  }
}

TEST(BatchingTest, CollateCorefAndChars) {
  std::vector<EncodedExample> examples = {make_example(4, true), make_example(2, true)};
  for (auto& ex : examples) {
    ex.chars.resize(ex.size() * kCharsPerToken);
    std::iota(ex.chars.begin(), ex.chars.end(), 1);
  }
  Batch b = collate(examples, {0, 1}, torch::kCPU);
  ASSERT_TRUE(b.coref.defined());
  EXPECT_EQ(b.coref[1][1].item<int64_t>(), -100);
  EXPECT_EQ(b.coref[1][3].item<int64_t>(), -100) << "padding";
  EXPECT_EQ(b.coref[0][1].item<int64_t>(), 1);
  EXPECT_EQ(b.coref[0][2].item<int64_t>(), 0);
  ASSERT_EQ(b.chars.sizes(), (std::vector<int64_t>{2, 4, kCharsPerToken}));
  EXPECT_EQ(b.chars[0][3][kCharsPerToken - 1].item<int64_t>(), 4 * kCharsPerToken);
  EXPECT_EQ(b.chars[1][1][0].item<int64_t>(), kCharsPerToken + 1);
  EXPECT_EQ(b.chars[1][2].sum().item<int64_t>(), 0) << "padded token has no chars";
}

TEST(BatchingTest, EveryIndexOnceAndBatchSizes) {
  std::vector<std::size_t> lengths(1003);
  for (std::size_t i = 0; i < lengths.size(); ++i) lengths[i] = 3 + (i * 7919) % 120;
  for (bool shuffle : {true, false}) {
    auto batches = make_batches(lengths, 32, 5, shuffle);
    std::vector<int> seen(lengths.size(), 0);
    std::size_t small = 0;
    for (const auto& b : batches) {
      EXPECT_LE(b.size(), 32u);
      if (b.size() < 32) ++small;
      for (std::size_t i : b) ++seen[i];
    }
    EXPECT_TRUE(std::all_of(seen.begin(), seen.end(), [](int n) { return n == 1; })) << shuffle;
    // One short batch per pool at most (1003 examples = 1 pool of 1600).
    EXPECT_LE(small, 1u) << shuffle;
  }
}

TEST(BatchingTest, SimilarLengthsKeepPaddingLow) {
  std::vector<std::size_t> lengths(3200);
  for (std::size_t i = 0; i < lengths.size(); ++i) lengths[i] = 3 + (i * 7919) % 200;
  auto padding = [&](const std::vector<std::vector<std::size_t>>& batches) {
    std::size_t real = 0, padded = 0;
    for (const auto& b : batches) {
      std::size_t longest = 0;
      for (std::size_t i : b) {
        longest = std::max(longest, lengths[i]);
        real += lengths[i];
      }
      padded += longest * b.size();
    }
    return static_cast<double>(padded - real) / static_cast<double>(padded);
  };
  // Random batches of uniform lengths in [3, 203) waste about a third; bucketing far less.
  EXPECT_LT(padding(make_batches(lengths, 32, 1, true)), 0.05);
  EXPECT_LT(padding(make_batches(lengths, 32, 1, false)), 0.02);
}

TEST(BatchingTest, SeededOrderReproducibleAndVariesWithSeed) {
  std::vector<std::size_t> lengths(500);
  for (std::size_t i = 0; i < lengths.size(); ++i) lengths[i] = 3 + i % 50;
  EXPECT_EQ(make_batches(lengths, 16, 3, true), make_batches(lengths, 16, 3, true));
  EXPECT_NE(make_batches(lengths, 16, 3, true), make_batches(lengths, 16, 4, true));
  // Evaluation order is sorted and seed-independent.
  auto eval = make_batches(lengths, 16, 3, false);
  EXPECT_EQ(eval, make_batches(lengths, 16, 99, false));
  for (std::size_t b = 1; b < eval.size(); ++b) {
    EXPECT_LE(lengths[eval[b - 1].back()], lengths[eval[b].front()]);
  }
  EXPECT_THROW(make_batches(lengths, 0, 1, true), std::invalid_argument);
}

TEST(BatchingTest, CorefTokenLabels) {
  // Tokens: [CLS] [0,4) [5,8) [9,12) [13,17) [SEP]
  Encoding enc;
  enc.ids = {2, 20, 21, 22, 23, 3};
  enc.offsets = {{-1, -1}, {0, 4}, {5, 8}, {9, 12}, {13, 17}, {-1, -1}};
  std::vector<CorefCluster> clusters(3);
  clusters[0].mentions = {{0, 4}, {13, 17}};
  clusters[1].mentions = {{6, 7}};   // inside token 2
  clusters[2].mentions = {{9, 12}};  // beyond capacity with coref_classes = 3
  EXPECT_EQ(coref_token_labels(enc, clusters, 3), (std::vector<int32_t>{-100, 1, 2, -100, 1, -100}));
  EXPECT_EQ(coref_token_labels(enc, clusters, 4), (std::vector<int32_t>{-100, 1, 2, 3, 1, -100}));
  EXPECT_EQ(coref_token_labels(enc, {}, 4), (std::vector<int32_t>{-100, 0, 0, 0, 0, -100}));
}

}  // namespace
}  // namespace piikit
