// Constrained Viterbi decoding over per-token label scores: the result is always valid BIO, so
// every decoded span starts with B-X and continues with I-X of the same type.
//
// Allowed transitions: O->O, O->B-*, B-X->I-X, I-X->I-X, any->B-*, any->O; the first decoded
// position may not be I-*. Torch-free: works on a plain row-major float array.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "piikit/label_set.h"
#include "piikit/sample.h"

namespace piikit {

// Whether label `to` may follow label `from` (both in [0, kNumLabels)).
constexpr bool transition_allowed(int from, int to) {
  if (!is_inside_label(to)) return true;  // O and B-* may follow anything
  return from != kOutsideLabel && label_type(from) == label_type(to);
}
// Whether `label` may open a sequence (not I-*).
constexpr bool start_allowed(int label) { return !is_inside_label(label); }
// How a token joins the one before it (token_junctions() in tokenizer.h computes them).
enum Junction : uint8_t {
  kJunctionGap = 0,       // a line break between them, or a special token: any allowed transition
  kJunctionSameLine = 1,  // on one line, touching across punctuation ("anna" ".") or with spaces
                          // between: a span of type X may not end and another X start right there
                          // (B-X may not follow B-X or I-X): that is one entity cut in pieces
  kJunctionInWord = 2,    // a subword cut inside a word: no span starts or ends (O->O, X->I-X only)
};
constexpr bool junction_allowed(Junction junction, int from, int to) {
  if (!transition_allowed(from, to)) return false;
  switch (junction) {
    case kJunctionSameLine: return !(is_begin_label(to) && label_type(from) == label_type(to));
    case kJunctionInWord: return is_inside_label(to) || (from == kOutsideLabel && to == kOutsideLabel);
    default: return true;
  }
}

struct ViterbiResult {
  // Decoded label per position (num_tokens entries). Excluded positions get kOutsideLabel, so the
  // vector can go straight to decode_labels().
  std::vector<int32_t> labels;
  // Softmax probability of the decoded label per position, in [0, 1]; 0 at excluded positions.
  std::vector<float> probabilities;
};

// logits: row-major (num_tokens, kNumLabels) raw scores (logits or log-probabilities; a
// log-softmax is applied per row, so both give the same path). include: num_tokens flags, or
// nullptr for all; positions with include[i] == 0 are skipped and the chain links the included
// positions on either side directly. Runs in O(num_tokens * kNumLabels).
// junctions: num_tokens Junction values, or nullptr for none; where position i - 1 is included,
// the step from i - 1 to i must also satisfy junction_allowed(junctions[i], ...).
ViterbiResult constrained_viterbi(const float* logits, std::size_t num_tokens,
                                  const uint8_t* include = nullptr,
                                  const uint8_t* junctions = nullptr);

// Same, excluding special tokens: positions whose offsets[i].first == -1 ([CLS], [SEP], padding
// marked that way). num_tokens = offsets.size().
ViterbiResult constrained_viterbi(const float* logits,
                                  const std::vector<std::pair<int64_t, int64_t>>& offsets);
// Same, and spans never start or end inside a word nor split at punctuation: `junctions` has one
// Junction per token (token_junctions() of the encoding), or is empty for none.
ViterbiResult constrained_viterbi(const float* logits,
                                  const std::vector<std::pair<int64_t, int64_t>>& offsets,
                                  const std::vector<uint8_t>& junctions);

// Confidence of each entity: the mean of `token_probabilities` over the tokens whose code-point
// offsets overlap the entity (tokens with offset start -1 are ignored); 0 when none overlap.
// offsets and token_probabilities have one entry per token.
std::vector<float> entity_scores(const std::vector<std::pair<int64_t, int64_t>>& offsets,
                                 const std::vector<float>& token_probabilities,
                                 const std::vector<Entity>& entities);

}  // namespace piikit
