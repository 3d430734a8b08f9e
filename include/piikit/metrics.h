// Evaluation metrics: entity-level precision/recall/F1 per type (exact and relaxed span match),
// token-level per BIO label, micro and macro averages, and type confusions.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "piikit/label_set.h"
#include "piikit/sample.h"

namespace piikit {

struct Prf {
  uint64_t tp = 0, fp = 0, fn = 0;
  double precision() const;  // 0 when tp + fp == 0
  double recall() const;     // 0 when tp + fn == 0
  double f1() const;
  uint64_t support() const { return tp + fn; }
};

struct EvalReport {
  std::array<Prf, kNumTypes> exact{};    // per type, exact (start, end, type) match
  std::array<Prf, kNumTypes> relaxed{};  // per type, same type and overlapping, one-to-one
  std::array<Prf, kNumLabels> token{};   // per BIO label, token level
  Prf exact_micro, relaxed_micro, token_micro;  // token micro over entity labels (not O)
  double exact_macro_f1 = 0, relaxed_macro_f1 = 0;  // over types with support or predictions
  double exact_macro_precision = 0, exact_macro_recall = 0;
  // confusions[gold][pred]: gold entity overlapped by a prediction of another type.
  std::array<std::array<uint64_t, kNumTypes>, kNumTypes> confusions{};
  uint64_t samples = 0;

  std::string to_json() const;   // every figure, per type by name
  std::string to_table() const;  // readable per-type table + micro/macro + top confusions
};

class Evaluator {
 public:
  // Entities of one sample (code points). Order does not matter.
  void add_spans(const std::vector<Entity>& gold, const std::vector<Entity>& predicted);
  // Token labels of one sequence; positions with gold == kIgnoreLabel are skipped.
  void add_tokens(const int32_t* gold, const int32_t* predicted, std::size_t n);
  EvalReport report() const;

 private:
  EvalReport acc_;
};

}  // namespace piikit
