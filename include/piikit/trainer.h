// The trainer: data -> tokenizer -> class weights -> model -> evaluation -> output directory.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "piikit/class_weights.h"
#include "piikit/config.h"
#include "piikit/metrics.h"
#include "piikit/sample.h"

namespace piikit {

// One evaluation on the validation split (one line of metrics.jsonl).
struct EvalRecord {
  int epoch = 0;
  int64_t step = 0;
  double train_loss = 0;      // mean training loss since the previous evaluation
  double learning_rate = 0;
  double elapsed_seconds = 0;
  EvalReport report;
};

struct TrainResult {
  std::string output_dir;
  ClassWeights class_weights;       // what the loss used
  std::vector<EvalRecord> history;  // every evaluation, in order
  EvalRecord best;                  // the kept checkpoint's evaluation
  int64_t steps = 0;
  double tokens_per_second = 0;
  double seconds = 0;
  std::string stop_reason;          // "epochs", "max_steps", "early_stopping", "time budget"
};

struct TrainOptions {
  TrainConfig config;
  std::string resume_dir;  // continue an interrupted run from its last checkpoint (empty = fresh)
  bool quiet = false;      // no live progress line (tests, compare)
  // Training samples; when empty, config.data decides (files, else generated data).
  std::vector<Sample> samples;
};

TrainResult train(const TrainOptions& options);

}  // namespace piikit
