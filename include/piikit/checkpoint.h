// Training state and the checkpoint directory: what --resume needs to continue a run exactly.
//
// Layout of <out>/ (written by the trainer):
//   checkpoint -> checkpoint-000123    symlink to the last complete checkpoint
//   checkpoint-000123/state.json       TrainState (magic "piikit-checkpoint", version)
//   checkpoint-000123/model.pt, model.toml, optimizer.pt   (written by the trainer's callback)
// A new checkpoint is written into checkpoint-<step>.tmp, renamed to checkpoint-<step>, then the
// symlink is replaced with rename(2), which is atomic: a process killed at any moment leaves
// `checkpoint` pointing at a complete directory. Stale *.tmp and superseded directories are
// removed by the next save.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "piikit/metrics.h"

namespace piikit {

// One evaluation on the validation split (one line of metrics.jsonl).
struct EvalRecord {
  int epoch = 0;                // 1-based epoch the evaluation happened in (or ended)
  int64_t step = 0;             // optimizer steps done
  double train_loss = 0;        // mean training loss (per batch) since the previous evaluation
  double learning_rate = 0;     // rate of the last step before the evaluation
  double elapsed_seconds = 0;   // training wall time so far (all sessions of a resumed run)
  double metric = 0;            // value of the early-stopping metric
  EvalReport report;
};

// The metrics.jsonl line of a record: {"epoch","step","train_loss","learning_rate",
// "elapsed_seconds","metric","metrics":<EvalReport::to_json()>} (no trailing newline).
std::string eval_record_to_jsonl(const EvalRecord& record);

// Everything but the tensors that a resumed run needs to continue where the checkpoint was taken.
struct TrainState {
  int64_t step = 0;               // optimizer steps done
  int epoch = 0;                  // epoch in progress (0-based)
  int64_t batch_in_epoch = 0;     // batches of `epoch` already done
  int64_t total_steps = 0;        // the LR schedule's planned length
  int64_t tokens_seen = 0;        // real tokens trained on so far
  double elapsed_seconds = 0;     // wall time of the run so far (evaluations included)
  double train_seconds = 0;       // time spent in training steps so far (for tokens/s)
  bool budget_planned = false;    // total_steps was shortened to fit training.max_minutes
  double loss_sum = 0;            // sum of batch losses since the last evaluation
  int64_t loss_batches = 0;       // batches in loss_sum
  double last_learning_rate = 0;
  int64_t best_index = -1;        // index into history of the kept (best) evaluation; -1 = none
  int evals_without_improvement = 0;
  uint64_t seed = 0;              // the run's seed (checked on resume)
  std::vector<EvalRecord> history;
};

std::string train_state_to_json(const TrainState& state);
// Throws DataError naming `source` for a wrong magic/version or a missing/ill-typed field.
TrainState train_state_from_json(const std::string& json, const std::string& source);

// Writes a checkpoint for `state` under out_dir as described above. write_tensors(dir) must write
// the model and optimizer files into `dir` (a fresh directory). Throws std::runtime_error naming
// the path on failure; the previous checkpoint is then untouched.
void save_checkpoint(const std::string& out_dir, const TrainState& state,
                     const std::function<void(const std::string& dir)>& write_tensors);

// Directory of the last complete checkpoint of `out_dir` (the resolved symlink target).
// Throws std::runtime_error naming the path when there is none.
std::string latest_checkpoint_dir(const std::string& out_dir);

// Reads <dir>/state.json.
TrainState load_train_state(const std::string& checkpoint_dir);

}  // namespace piikit
