// The real runs behind `piikit compare`: train one model with piikit::train for a (scheme, seed)
// and evaluate its kept (best) checkpoint on the shared held-out set with the Detector.
//
// Within one seed every scheme sees the same data, train/validation split, tokenizer,
// initialisation and batch order (all derived from training.seed by the trainer), so the only
// difference between two runs of one seed is the class-weight scheme. Across seeds all of these
// change: the spread over seeds is the run-to-run noise a user would see.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "piikit/compare.h"
#include "piikit/config.h"
#include "piikit/sample.h"

namespace piikit {

struct CompareRunOptions {
  // Shared configuration (data, model, budget). Per run, training.class_weight_scheme,
  // training.seed and paths.output_dir are replaced; nothing else changes.
  TrainConfig base;
  std::vector<Sample> heldout;       // the held-out set every run is evaluated on (non-empty)
  std::string out_dir;               // each run trains into <out_dir>/<scheme>-seed<seed>/
  std::size_t eval_batch_size = 64;  // texts per Detector::detect call
  std::ostream* log = nullptr;       // trainer start-up/final tables (nullptr: nothing)
};

// Throws ConfigError when the configuration cannot compare schemes: a [class_weights] table
// (it overrides every scheme) or an empty held-out set.
void check_compare_config(const CompareRunOptions& options);

// <out_dir>/<scheme>-seed<seed>
std::string run_dir(const std::string& out_dir, const std::string& scheme, uint64_t seed);

// Trains (quietly) and evaluates one run. Exceptions from training or evaluation propagate.
RunOutcome train_and_evaluate(const CompareRunOptions& options, const std::string& scheme,
                              uint64_t seed);

// The default held-out set: `count` samples of the generator's eval split (templates and values
// disjoint from the training split) with `seed`, using base.data.generator_config if set.
std::vector<Sample> default_heldout(const TrainConfig& base, std::size_t count = 2000,
                                    uint64_t seed = 7);

// Creates `dir` and checks a file can be written there, before hours of training (throws
// std::runtime_error naming the directory).
void check_output_dir(const std::string& dir);

}  // namespace piikit
