// Comparing class-weight schemes: one training run per (scheme, seed) on the same data, split,
// model and budget, each evaluated on the same held-out set; then per-type precision, recall and
// F1 per scheme as mean and spread over seeds, micro and macro figures, and the macro recall over
// the rarest types of the training split.
//
// The orchestration (compare) is separate from training: it takes a callback that performs one
// run, so the aggregation, table, JSON and pictures are tested with synthetic outcomes. The
// callback that really trains (train_and_evaluate) lives in the torch library (compare_run.cc).
//
// Conventions:
// - All figures are exact-span entity metrics (same start, end and type) on the held-out set.
// - Spread: the table and JSON give the sample standard deviation over seeds (n - 1 in the
//   denominator; 0 with one seed) and the JSON also min and max. The bar charts' whiskers are
//   min..max over seeds, so every seed's value lies within them.
// - Macro figures average over the types with support (gold entities) in the held-out set; the
//   set is the same for every run, so schemes are compared over the same types.
// - Rarest types: the `rare_types` types (default 8) with the fewest B- labels in the training
//   split (mean over runs when runs differ; ties broken by type id), among the types with
//   held-out support.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "piikit/class_weights.h"
#include "piikit/label_set.h"
#include "piikit/metrics.h"

namespace piikit {

struct CompareOptions {
  std::vector<std::string> schemes = {"none", "inverse_sqrt", "inverse", "effective"};
  std::vector<uint64_t> seeds = {1, 2, 3};  // training seeds; one run per scheme and seed
  int rare_types = 8;                       // how many of the rarest training types to average
  std::string out_dir = "runs/compare";     // compare.json, *.svg and one model dir per run
  std::string heldout_source;  // described in compare.json ("generator eval split ...")
};

// Throws ConfigError when a scheme name is unknown or repeated, a seed is repeated, a list is
// empty or rare_types < 1. Called by compare() before any run.
void validate(const CompareOptions& options);

// One point of a training curve (one validation evaluation during training).
struct CurvePoint {
  int64_t step = 0;
  double train_loss = 0;    // mean training loss since the previous evaluation
  double val_macro_f1 = 0;  // exact-span macro F1 on the validation split
};

// What one (scheme, seed) run produced.
struct RunOutcome {
  EvalReport heldout;             // the kept (best) model on the held-out set
  std::vector<CurvePoint> curve;  // in step order
  LabelCounts train_counts{};     // token-label counts of the training split
  std::string model_dir;          // where the run's model lives ("" for synthetic runs)
  double seconds = 0;             // wall-clock time of the run
  int64_t steps = 0;              // optimizer steps taken
};

struct RunRecord {
  std::string scheme;
  uint64_t seed = 0;
  RunOutcome outcome;
};

// Mean and spread of one figure over seeds.
struct Spread {
  double mean = 0;
  double std = 0;  // sample standard deviation (n - 1); 0 when n < 2
  double min = 0;
  double max = 0;
  int n = 0;
};
Spread spread_of(const std::vector<double>& values);

// One scheme's figures over its seeds.
struct SchemeSummary {
  std::string scheme;
  std::array<Spread, kNumTypes> precision{}, recall{}, f1{};  // per type (exact spans)
  Spread micro_precision, micro_recall, micro_f1;
  Spread macro_precision, macro_recall, macro_f1;  // over types with held-out support
  Spread rare_macro_recall;                        // over CompareResult::rare_types
};

// Paired differences scheme - baseline over seeds (the same seed gives both runs the same
// initialisation and batch order, so the per-seed difference removes much of the run-to-run noise).
struct SchemeDelta {
  std::string scheme, baseline;
  Spread rare_macro_recall, micro_precision, micro_recall, micro_f1, macro_f1;
};

struct CompareResult {
  CompareOptions options;
  std::vector<RunRecord> runs;           // in run order: for each scheme, for each seed
  std::vector<SchemeSummary> summaries;  // one per scheme, in options.schemes order
  LabelCounts train_counts{};            // training-split counts: mean over runs, rounded (the
                                         // runs' counts when identical, as with the default data)
  bool train_counts_identical = true;    // every run saw the same training-split counts
  std::array<uint64_t, kNumTypes> heldout_support{};  // gold entities per type (held-out set)
  std::vector<int> rare_types;                        // type ids, rarest first
  std::vector<int> macro_types;                       // type ids with held-out support
  std::vector<SchemeDelta> deltas;  // every other scheme against the baseline ("none" if
                                    // compared, else the first scheme)

  // Side-by-side text table: recall, precision and F1 blocks (rows: types, rarest training
  // types first and marked '*'; columns: schemes, "mean±std"), then micro/macro/rare summary.
  std::string to_table() const;
  // Everything: options, definitions, per-run raw counts and curves, per-scheme aggregates.
  std::string to_json() const;
};

// Aggregates finished runs. Throws std::invalid_argument when runs are missing for a
// (scheme, seed) of the options or when runs disagree on the held-out support (different held-out
// sets).
CompareResult summarize(const CompareOptions& options, std::vector<RunRecord> runs);

using RunFunction = std::function<RunOutcome(const std::string& scheme, uint64_t seed)>;
// Called after each run with its index (0-based), the total and the record.
using ProgressFunction =
    std::function<void(std::size_t index, std::size_t total, const RunRecord&)>;

// Validates the options, then calls `run` for every scheme and seed (schemes outer, seeds inner)
// and summarizes. Exceptions from `run` propagate.
CompareResult compare(const CompareOptions& options, const RunFunction& run,
                      const ProgressFunction& progress = nullptr);

// Writes <dir>/compare.json, recall.svg, precision.svg and curves.svg (each atomically; the
// directory is created). Returns the paths written.
std::vector<std::string> write_compare_outputs(const CompareResult& result, const std::string& dir);

// The three pictures as SVG documents (used by write_compare_outputs; exposed for tests).
std::string recall_svg(const CompareResult& result);
std::string precision_svg(const CompareResult& result);
std::string curves_svg(const CompareResult& result);

// One line per run, for progress output: "[2/8] inverse_sqrt seed 2: micro P 0.912 R 0.874 ..."
std::string run_line(std::size_t index, std::size_t total, const RunRecord& record);

}  // namespace piikit
