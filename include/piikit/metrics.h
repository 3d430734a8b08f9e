// Evaluation metrics: entity-level precision/recall/F1 per type (exact and relaxed span match),
// token-level per BIO label, micro and macro averages, and type confusions.
//
// Matching rules (see docs/detect-eval.md):
//   exact    a prediction is a true positive when a gold entity has the same start, end and type.
//   relaxed  same type and overlapping spans, matched one-to-one: candidate (gold, predicted) pairs
//            are taken greedily by decreasing overlap length (ties: earlier gold, then earlier
//            prediction); each gold and each prediction is used at most once.
//   macro    the unweighted mean over the types that have gold support or predictions
//            (tp + fp + fn > 0); types absent from both sides do not count.
//   confusion  confusions[g][p] counts gold entities of type g overlapped by at least one
//            prediction of type p != g (each (gold entity, p) pair counts once).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "piikit/label_set.h"
#include "piikit/sample.h"

namespace piikit {

struct Prf {
  uint64_t tp = 0, fp = 0, fn = 0;
  double precision() const;  // 0 when tp + fp == 0
  double recall() const;     // 0 when tp + fn == 0
  double f1() const;         // 0 when precision + recall == 0
  uint64_t support() const { return tp + fn; }
  bool empty() const { return tp + fp + fn == 0; }
  Prf& operator+=(const Prf& other);
  friend bool operator==(const Prf&, const Prf&) = default;
};

// A confusion between two types, for the "most frequent confusions" list.
struct Confusion {
  int gold_type = 0;
  int predicted_type = 0;
  uint64_t count = 0;
};

struct EvalReport {
  std::array<Prf, kNumTypes> exact{};           // per type, exact (start, end, type) match
  std::array<Prf, kNumTypes> relaxed{};         // per type, same type and overlapping, one-to-one
  std::array<Prf, kNumLabels> token{};          // per BIO label, token level
  Prf exact_micro, relaxed_micro, token_micro;  // token micro over entity labels (not O)
  double exact_macro_f1 = 0, relaxed_macro_f1 = 0;  // over types with support or predictions
  double exact_macro_precision = 0, exact_macro_recall = 0;
  double relaxed_macro_precision = 0, relaxed_macro_recall = 0;
  double token_macro_f1 = 0;  // over entity labels (not O) with support or predictions
  // confusions[gold][pred]: gold entity overlapped by a prediction of another type.
  std::array<std::array<uint64_t, kNumTypes>, kNumTypes> confusions{};
  uint64_t samples = 0;  // samples given to add_spans
  uint64_t tokens = 0;   // token positions counted by add_tokens (ignored ones excluded)

  // The `n` most frequent confusions, by decreasing count (ties: gold type, then predicted type).
  std::vector<Confusion> top_confusions(std::size_t n) const;

  // Every figure as one JSON object (no newline):
  //   {"samples", "tokens",
  //    "exact":   {"micro": {tp,fp,fn,precision,recall,f1}, "macro": {precision,recall,f1},
  //                "per_type": {"SURNAME": {tp,fp,fn,support,precision,recall,f1}, ... all 26}},
  //    "relaxed": {same layout},
  //    "token":   {"micro": {...}, "macro": {"f1"}, "per_label": {"O": {...}, "B-SURNAME": ...}},
  //    "confusions": [{"gold","predicted","count"}, ... every non-zero cell, most frequent first]}
  std::string to_json() const;
  // Reads what to_json() wrote. Throws DataError (source "<eval report>") on malformed JSON,
  // a missing field or an unknown type/label name.
  static EvalReport from_json(const std::string& json);
  // Readable per-type table (type, support, P, R, F1 exact; F1 relaxed), micro/macro lines and
  // the top-5 confusions. Types with no support and no predictions are left out.
  std::string to_table() const;
};

class Evaluator {
 public:
  // Entities of one sample (code points). Order does not matter.
  void add_spans(const std::vector<Entity>& gold, const std::vector<Entity>& predicted);
  // Token labels of one sequence; positions with gold == kIgnoreLabel are skipped. Labels outside
  // [0, kNumLabels) otherwise throw std::out_of_range.
  void add_tokens(const int32_t* gold, const int32_t* predicted, std::size_t n);
  // Merges counts from another evaluator (e.g. one per thread).
  void merge(const Evaluator& other);
  // Counts plus derived micro/macro figures.
  EvalReport report() const;

 private:
  EvalReport acc_;
};

// Relaxed one-to-one matching used by Evaluator (exposed for tests): pairs (gold index,
// predicted index) of same-type overlapping entities, chosen greedily by overlap length.
std::vector<std::pair<std::size_t, std::size_t>> match_relaxed(
    const std::vector<Entity>& gold, const std::vector<Entity>& predicted);

}  // namespace piikit
