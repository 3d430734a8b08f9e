// Constrained Viterbi. The transition structure is sparse enough to avoid the generic
// O(T * L^2) loop: O and B-* may follow anything (so they take the best previous label overall),
// and I-X may follow only B-X or I-X (two candidates). That makes decoding O(T * L), which keeps
// it far below the cost of the forward pass even for long texts.
#include "piikit/viterbi.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace piikit {
namespace {

constexpr float kNegInf = -std::numeric_limits<float>::infinity();

// log(sum(exp(row))) computed stably.
float log_sum_exp(const float* row) {
  float m = row[0];
  for (int l = 1; l < kNumLabels; ++l) m = std::max(m, row[l]);
  double sum = 0;
  for (int l = 0; l < kNumLabels; ++l) sum += std::exp(double(row[l]) - double(m));
  return m + static_cast<float>(std::log(sum));
}

}  // namespace

ViterbiResult constrained_viterbi(const float* logits, std::size_t num_tokens,
                                  const uint8_t* include, const uint8_t* junctions) {
  ViterbiResult result;
  result.labels.assign(num_tokens, kOutsideLabel);
  result.probabilities.assign(num_tokens, 0.0f);

  std::vector<std::size_t> positions;  // included positions, in order
  positions.reserve(num_tokens);
  for (std::size_t i = 0; i < num_tokens; ++i) {
    if (include == nullptr || include[i]) positions.push_back(i);
  }
  if (positions.empty()) return result;

  const std::size_t n = positions.size();
  std::vector<float> lse(n);
  // back[k * L + to] = best previous label for `to` at step k (k >= 1).
  std::vector<uint8_t> back(n * kNumLabels, 0);
  std::array<float, kNumLabels> delta{}, next{};

  for (std::size_t k = 0; k < n; ++k) {
    const float* row = logits + positions[k] * kNumLabels;
    lse[k] = log_sum_exp(row);
    if (k == 0) {
      for (int l = 0; l < kNumLabels; ++l) delta[l] = start_allowed(l) ? row[l] - lse[k] : kNegInf;
      continue;
    }
    const Junction junction = junctions != nullptr && positions[k - 1] + 1 == positions[k]
                                  ? static_cast<Junction>(junctions[positions[k]])
                                  : kJunctionGap;
    // The three best previous labels: B-X must skip at most two of them (B-X and I-X when glued).
    std::array<int, 3> top = {0, 0, 0};
    std::array<float, 3> top_v = {kNegInf, kNegInf, kNegInf};
    for (int l = 0; l < kNumLabels; ++l) {
      if (delta[l] <= top_v[2]) continue;
      int j = 2;
      for (; j > 0 && delta[l] > top_v[j - 1]; --j) {
        top[j] = top[j - 1];
        top_v[j] = top_v[j - 1];
      }
      top[j] = l;
      top_v[j] = delta[l];
    }
    const int best_any = top[0];
    uint8_t* bp = back.data() + k * kNumLabels;
    // Inside a word O follows only O and no B-* may start (junction_allowed).
    const int o_from = junction == kJunctionInWord ? kOutsideLabel : best_any;
    next[kOutsideLabel] = delta[o_from] + (row[kOutsideLabel] - lse[k]);
    bp[kOutsideLabel] = static_cast<uint8_t>(o_from);
    for (int t = 0; t < kNumTypes; ++t) {
      const int b = begin_label(t), i = inside_label(t);
      int b_from = best_any;
      if (junction == kJunctionSameLine) {  // the best previous label of another type than t
        int j = 0;
        while (j < 2 && label_type(top[j]) == t) ++j;
        b_from = top[j];
      }
      next[b] = junction == kJunctionInWord || delta[b_from] == kNegInf ? kNegInf
                                                                       : delta[b_from] + (row[b] - lse[k]);
      bp[b] = static_cast<uint8_t>(b_from);
      const int from = delta[b] >= delta[i] ? b : i;
      next[i] = delta[from] == kNegInf ? kNegInf : delta[from] + (row[i] - lse[k]);
      bp[i] = static_cast<uint8_t>(from);
    }
    delta = next;
  }

  int label = 0;
  for (int l = 1; l < kNumLabels; ++l) {
    if (delta[l] > delta[label]) label = l;
  }
  for (std::size_t k = n; k-- > 0;) {
    const std::size_t pos = positions[k];
    result.labels[pos] = label;
    result.probabilities[pos] = std::exp(logits[pos * kNumLabels + label] - lse[k]);
    if (k > 0) label = back[k * kNumLabels + label];
  }
  return result;
}

ViterbiResult constrained_viterbi(const float* logits,
                                  const std::vector<std::pair<int64_t, int64_t>>& offsets) {
  return constrained_viterbi(logits, offsets, std::vector<uint8_t>{});
}

ViterbiResult constrained_viterbi(const float* logits,
                                  const std::vector<std::pair<int64_t, int64_t>>& offsets,
                                  const std::vector<uint8_t>& junctions) {
  if (!junctions.empty() && junctions.size() != offsets.size()) {
    throw std::invalid_argument("constrained_viterbi: " + std::to_string(junctions.size()) +
                                " junctions for " + std::to_string(offsets.size()) + " tokens");
  }
  std::vector<uint8_t> include(offsets.size());
  for (std::size_t i = 0; i < offsets.size(); ++i) include[i] = offsets[i].first != -1;
  return constrained_viterbi(logits, offsets.size(), include.data(),
                             junctions.empty() ? nullptr : junctions.data());
}

std::vector<float> entity_scores(const std::vector<std::pair<int64_t, int64_t>>& offsets,
                                 const std::vector<float>& token_probabilities,
                                 const std::vector<Entity>& entities) {
  std::vector<float> scores(entities.size(), 0.0f);
  const std::size_t n = std::min(offsets.size(), token_probabilities.size());
  for (std::size_t e = 0; e < entities.size(); ++e) {
    double sum = 0;
    int count = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const auto [start, end] = offsets[i];
      if (start < 0) continue;
      if (std::min(end, entities[e].end) > std::max(start, entities[e].start)) {
        sum += token_probabilities[i];
        ++count;
      }
    }
    if (count > 0) scores[e] = static_cast<float>(sum / count);
  }
  return scores;
}

}  // namespace piikit
