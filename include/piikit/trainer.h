// The trainer: data -> split -> tokenizer -> class weights -> model -> training loop with
// evaluation, early stopping and checkpoints -> output directory (docs/training.md).
//
// Output directory (<out> = config.paths.output_dir, or the --resume directory):
//   model.pt, model.toml   the best evaluation's weights (load_model_dir(<out>) works)
//   tokenizer/             the tokenizer the model was trained with
//   config.toml            the resolved configuration (vocab size and coref head filled in)
//   label_mappings.json    label ids, in the layout existing tooling reads
//   class_weights.json     the weights the loss used (ClassWeights::to_json)
//   metrics.jsonl          one line per evaluation (eval_record_to_jsonl)
//   summary.json           best metrics, steps, time, tokens/s, stop reason, weights source
//   checkpoint -> checkpoint-<step>/   last state for --resume (see checkpoint.h)
// Every file is replaced atomically, so a run killed at any moment leaves the last good
// checkpoint and the best model loadable.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

#include "piikit/checkpoint.h"
#include "piikit/class_weights.h"
#include "piikit/config.h"
#include "piikit/metrics.h"
#include "piikit/sample.h"

namespace piikit {

struct TrainResult {
  std::string output_dir;
  ClassWeights class_weights;       // what the loss used
  std::vector<EvalRecord> history;  // every evaluation, in order (resumed runs: all sessions)
  EvalRecord best;                  // the kept model's evaluation
  int64_t steps = 0;                // optimizer steps done in all
  int64_t total_steps = 0;          // the schedule's planned length
  int64_t parameters = 0;           // model parameter count
  int64_t tokens_seen = 0;          // real training tokens (specials included, padding not)
  double tokens_per_second = 0;     // tokens_seen / time spent in training steps
  double seconds = 0;               // wall time of the run (evaluations included; all sessions)
  std::size_t train_samples = 0, validation_samples = 0;
  std::string stop_reason;          // "epochs", "max_steps", "early_stopping", "time budget"
};

struct TrainOptions {
  // The run's configuration. With resume_dir set, <resume_dir>/config.toml is used instead,
  // except training.threads and training.device (runtime settings), which come from here.
  TrainConfig config;
  std::string resume_dir;  // continue an interrupted run from its last checkpoint (empty = fresh)
  bool quiet = false;      // no live progress line and no per-evaluation lines
  // Start-up information (parameter count, class-weight table) and the final per-type table go
  // here; nullptr prints nothing. The progress line always goes to stderr.
  std::ostream* report = nullptr;
  // Training samples; when empty, config.data decides (files, else generated data). A resumed
  // run must be given the same samples.
  std::vector<Sample> samples;
  // Called after every optimizer step with the number of steps done. An exception thrown from it
  // leaves train() at once, writing nothing more: tests use it to simulate a kill.
  std::function<void(int64_t step)> after_step;
};

// Trains and writes the output directory. Throws ConfigError for bad settings, DataError for bad
// data, std::runtime_error for I/O problems (all before the first step where they can be checked:
// the output directory is tested for writability first).
TrainResult train(const TrainOptions& options);

// Parameter groups of AdamW: weight decay applies to weight matrices and kernels (dim >= 2) of
// linear/conv layers; never to biases, LayerNorm gains or embeddings (names containing
// "embedding"). Exposed for tests.
struct DecayGroups {
  std::vector<torch::Tensor> decay, no_decay;
  std::vector<std::string> decay_names, no_decay_names;
};
DecayGroups split_decay_groups(torch::nn::Module& module);

}  // namespace piikit
