#include "piikit/viterbi.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

#include "piikit/label_set.h"

namespace piikit {
namespace {

// Scores (T, 53) with `hot[t]` given a large logit at each position.
std::vector<float> peaked(const std::vector<std::pair<int, float>>& hot) {
  std::vector<float> s(hot.size() * kNumLabels, 0.0f);
  for (std::size_t t = 0; t < hot.size(); ++t) s[t * kNumLabels + hot[t].first] = hot[t].second;
  return s;
}

bool valid_bio(const std::vector<int32_t>& labels) {
  int prev = -1;
  for (int32_t l : labels) {
    if (prev == -1 ? !start_allowed(l) : !transition_allowed(prev, l)) return false;
    prev = l;
  }
  return true;
}

// Generic O(T * L^2) Viterbi over all label paths with the same constraints: the reference.
std::vector<int32_t> brute_force(const std::vector<float>& s, std::size_t T,
                                 const std::vector<uint8_t>& junctions = {}) {
  const float ninf = -std::numeric_limits<float>::infinity();
  std::vector<double> delta(kNumLabels);
  std::vector<std::vector<int>> back(T, std::vector<int>(kNumLabels, 0));
  auto logp = [&](std::size_t t, int l) {
    double m = -1e30, sum = 0;
    for (int k = 0; k < kNumLabels; ++k) m = std::max(m, double(s[t * kNumLabels + k]));
    for (int k = 0; k < kNumLabels; ++k) sum += std::exp(s[t * kNumLabels + k] - m);
    return s[t * kNumLabels + l] - m - std::log(sum);
  };
  for (int l = 0; l < kNumLabels; ++l) delta[l] = start_allowed(l) ? logp(0, l) : ninf;
  for (std::size_t t = 1; t < T; ++t) {
    std::vector<double> next(kNumLabels, ninf);
    for (int to = 0; to < kNumLabels; ++to) {
      for (int from = 0; from < kNumLabels; ++from) {
        const auto junction = junctions.empty() ? kJunctionGap : static_cast<Junction>(junctions[t]);
        if (!junction_allowed(junction, from, to)) continue;
        const double v = delta[from] + logp(t, to);
        if (v > next[to]) {
          next[to] = v;
          back[t][to] = from;
        }
      }
    }
    delta = next;
  }
  int best = 0;
  for (int l = 1; l < kNumLabels; ++l) {
    if (delta[l] > delta[best]) best = l;
  }
  std::vector<int32_t> path(T);
  for (std::size_t t = T; t-- > 0;) {
    path[t] = best;
    best = back[t][best];
  }
  return path;
}

TEST(ViterbiTest, TransitionTable) {
  const int b_name = begin_label(0), i_name = inside_label(0), i_other = inside_label(1);
  EXPECT_TRUE(transition_allowed(kOutsideLabel, kOutsideLabel));
  EXPECT_TRUE(transition_allowed(kOutsideLabel, b_name));
  EXPECT_FALSE(transition_allowed(kOutsideLabel, i_name));
  EXPECT_TRUE(transition_allowed(b_name, i_name));
  EXPECT_TRUE(transition_allowed(i_name, i_name));
  EXPECT_FALSE(transition_allowed(b_name, i_other));
  EXPECT_FALSE(transition_allowed(i_name, i_other));
  EXPECT_TRUE(transition_allowed(i_other, b_name));
  EXPECT_TRUE(transition_allowed(i_name, kOutsideLabel));
  EXPECT_TRUE(start_allowed(kOutsideLabel));
  EXPECT_TRUE(start_allowed(b_name));
  EXPECT_FALSE(start_allowed(i_name));
}

TEST(ViterbiTest, FollowsArgmaxWhenValid) {
  const int b = begin_label(3), i = inside_label(3);
  const auto s = peaked({{0, 8}, {b, 8}, {i, 8}, {i, 8}, {0, 8}});
  const auto r = constrained_viterbi(s.data(), 5);
  EXPECT_EQ(r.labels, (std::vector<int32_t>{0, b, i, i, 0}));
  for (float p : r.probabilities) EXPECT_GT(p, 0.9f);
}

TEST(ViterbiTest, NeverEmitsInsideAfterOutside) {
  // Argmax would be O, I-X: an invalid start of a span. The best valid path either turns the
  // I-X into B-X or the position into O; here B-X has the second-highest score.
  const int b = begin_label(2), i = inside_label(2);
  std::vector<float> s = peaked({{0, 6}, {i, 6}, {0, 6}});
  s[1 * kNumLabels + b] = 4.0f;
  const auto r = constrained_viterbi(s.data(), 3);
  EXPECT_EQ(r.labels, (std::vector<int32_t>{0, b, 0}));
}

TEST(ViterbiTest, NeverSwitchesTypeInsideASpan) {
  // Argmax: B-X I-Y. With I-X a close second at position 1, the span stays type X.
  const int bx = begin_label(5), ix = inside_label(5), iy = inside_label(7);
  std::vector<float> s = peaked({{bx, 6}, {iy, 6}});
  s[1 * kNumLabels + ix] = 5.5f;
  const auto r = constrained_viterbi(s.data(), 2);
  EXPECT_EQ(r.labels, (std::vector<int32_t>{bx, ix}));
  // With B-Y as the runner-up instead, the span is re-opened as type Y.
  std::vector<float> s2 = peaked({{bx, 6}, {iy, 6}});
  s2[1 * kNumLabels + begin_label(7)] = 5.5f;
  const auto r2 = constrained_viterbi(s2.data(), 2);
  EXPECT_EQ(r2.labels, (std::vector<int32_t>{bx, begin_label(7)}));
}

TEST(ViterbiTest, FirstPositionCannotBeInside) {
  const int b = begin_label(0), i = inside_label(0);
  std::vector<float> s = peaked({{i, 8}, {i, 8}});
  s[b] = 1.0f;  // position 0: I-X strongly, B-X weakly
  const auto r = constrained_viterbi(s.data(), 2);
  EXPECT_TRUE(start_allowed(r.labels[0]));
  EXPECT_EQ(r.labels, (std::vector<int32_t>{b, i}));
}

TEST(ViterbiTest, SkipsExcludedPositions) {
  // [CLS] B-X [SEP]-like layout: excluded positions get O and probability 0, and the chain links
  // the included positions directly (B-X, excluded, I-X stays one span).
  const int b = begin_label(1), i = inside_label(1);
  const auto s = peaked({{i, 9}, {b, 5}, {0, 9}, {i, 5}, {i, 9}});
  const std::vector<std::pair<int64_t, int64_t>> offsets = {
      {-1, -1}, {0, 3}, {-1, -1}, {3, 5}, {-1, -1}};
  const auto r = constrained_viterbi(s.data(), offsets);
  EXPECT_EQ(r.labels, (std::vector<int32_t>{0, b, 0, i, 0}));
  EXPECT_EQ(r.probabilities[0], 0.0f);
  EXPECT_EQ(r.probabilities[2], 0.0f);
  EXPECT_GT(r.probabilities[1], 0.5f);
}

TEST(ViterbiTest, EmptyAndAllExcluded) {
  EXPECT_TRUE(constrained_viterbi(nullptr, 0).labels.empty());
  const auto s = peaked({{3, 1}, {4, 1}});
  const uint8_t none[2] = {0, 0};
  const auto r = constrained_viterbi(s.data(), 2, none);
  EXPECT_EQ(r.labels, (std::vector<int32_t>{0, 0}));
}

TEST(ViterbiTest, MatchesBruteForceOnRandomScores) {
  std::mt19937 rng(7);
  std::normal_distribution<float> noise(0.0f, 3.0f);
  for (int trial = 0; trial < 40; ++trial) {
    const std::size_t T = 1 + trial % 17;
    std::vector<float> s(T * kNumLabels);
    for (float& x : s) x = noise(rng);
    // Make inside labels attractive so the constraints matter.
    for (std::size_t t = 0; t < T; ++t) {
      for (int l = 2; l < kNumLabels; l += 2) s[t * kNumLabels + l] += 2.0f;
    }
    const auto r = constrained_viterbi(s.data(), T);
    EXPECT_TRUE(valid_bio(r.labels)) << "trial " << trial;
    EXPECT_EQ(r.labels, brute_force(s, T)) << "trial " << trial << " T=" << T;
  }
}

TEST(ViterbiTest, JunctionTable) {
  const int b = begin_label(4), i = inside_label(4), b2 = begin_label(5), i2 = inside_label(5);
  for (Junction j : {kJunctionGap, kJunctionSameLine, kJunctionInWord}) {
    EXPECT_TRUE(junction_allowed(j, kOutsideLabel, kOutsideLabel));
    EXPECT_TRUE(junction_allowed(j, b, i));
    EXPECT_TRUE(junction_allowed(j, i, i));
    EXPECT_FALSE(junction_allowed(j, kOutsideLabel, i));  // the BIO rules always hold
    EXPECT_FALSE(junction_allowed(j, i2, i));
  }
  EXPECT_TRUE(junction_allowed(kJunctionGap, b, b));
  EXPECT_FALSE(junction_allowed(kJunctionSameLine, b, b));  // "anna" "." or "5500" "0000" cut in two
  EXPECT_FALSE(junction_allowed(kJunctionSameLine, i, b));
  EXPECT_TRUE(junction_allowed(kJunctionSameLine, i2, b));  // another type may start
  EXPECT_TRUE(junction_allowed(kJunctionSameLine, i, kOutsideLabel));
  EXPECT_FALSE(junction_allowed(kJunctionInWord, kOutsideLabel, b));  // no span starts in a word
  EXPECT_FALSE(junction_allowed(kJunctionInWord, i2, b));
  EXPECT_FALSE(junction_allowed(kJunctionInWord, i, kOutsideLabel));  // nor ends
}

TEST(ViterbiTest, NoSpanIsCutInsideAWordOrAtGluedPunctuation) {
  // "▁s" "ani" "." "ne" "um": a model that puts B-EMAIL on "▁s", again on "ani" (same word) and on
  // "ne" (after the glued "."), and O on "um", would cut the e-mail into pieces.
  const int b = begin_label(4), i = inside_label(4);
  auto s = peaked({{b, 6}, {b, 5}, {i, 4}, {b, 5}, {0, 3}});
  s[3 * kNumLabels + i] = 3;  // second choices: I-EMAIL on "ne" and "um"
  s[4 * kNumLabels + i] = 2;
  const std::vector<std::pair<int64_t, int64_t>> offsets = {{0, 1}, {1, 4}, {4, 5}, {5, 7}, {7, 9}};
  EXPECT_EQ(constrained_viterbi(s.data(), offsets).labels, (std::vector<int32_t>{b, b, i, b, 0}));
  const std::vector<uint8_t> junctions = {kJunctionGap, kJunctionInWord, kJunctionSameLine, kJunctionSameLine,
                                          kJunctionInWord};
  EXPECT_EQ(constrained_viterbi(s.data(), offsets, junctions).labels, (std::vector<int32_t>{b, i, i, i, i}));
  EXPECT_EQ(constrained_viterbi(s.data(), offsets, std::vector<uint8_t>{}).labels,
            constrained_viterbi(s.data(), offsets).labels);
  EXPECT_THROW(constrained_viterbi(s.data(), offsets, std::vector<uint8_t>{0, 1}), std::invalid_argument);
}

TEST(ViterbiTest, MatchesBruteForceWithJunctions) {
  std::mt19937 rng(11);
  std::normal_distribution<float> noise(0.0f, 3.0f);
  std::uniform_int_distribution<int> pick(0, 2);
  for (int trial = 0; trial < 80; ++trial) {
    const std::size_t T = 1 + trial % 13;
    std::vector<float> s(T * kNumLabels);
    for (float& x : s) x = noise(rng);
    // Make a few types attractive so glued restarts of the same type compete.
    for (std::size_t t = 0; t < T; ++t) {
      for (int l = 1; l <= 6; ++l) s[t * kNumLabels + l] += 3.0f;
    }
    std::vector<uint8_t> junctions(T, kJunctionGap);
    for (std::size_t t = 1; t < T; ++t) junctions[t] = static_cast<uint8_t>(pick(rng));
    const auto r = constrained_viterbi(s.data(), T, nullptr, junctions.data());
    EXPECT_TRUE(valid_bio(r.labels)) << "trial " << trial;
    EXPECT_EQ(r.labels, brute_force(s, T, junctions)) << "trial " << trial << " T=" << T;
  }
}

TEST(ViterbiTest, ProbabilitiesAreSoftmaxOfChosenLabel) {
  std::vector<float> s(kNumLabels, 0.0f);
  s[0] = std::log(10.0f);  // exp: 10 vs 52 ones -> p(O) = 10 / 62
  const auto r = constrained_viterbi(s.data(), 1);
  ASSERT_EQ(r.labels[0], 0);
  EXPECT_NEAR(r.probabilities[0], 10.0 / 62.0, 1e-6);
}

TEST(ViterbiTest, EntityScoresAverageOverlappingTokens) {
  const std::vector<std::pair<int64_t, int64_t>> offsets = {
      {-1, -1}, {0, 4}, {4, 6}, {7, 10}, {-1, -1}};
  const std::vector<float> probs = {0.0f, 0.9f, 0.7f, 0.5f, 0.0f};
  const std::vector<Entity> ents = {{0, 6, 1}, {7, 9, 2}, {20, 25, 3}};
  const auto scores = entity_scores(offsets, probs, ents);
  ASSERT_EQ(scores.size(), 3u);
  EXPECT_NEAR(scores[0], 0.8f, 1e-6);
  EXPECT_NEAR(scores[1], 0.5f, 1e-6);
  EXPECT_EQ(scores[2], 0.0f);
}

}  // namespace
}  // namespace piikit
