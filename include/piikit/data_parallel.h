// Data-parallel training steps on CPU: one model replica per thread.
//
// A training step of the small default model does not keep two cores busy: its GEMMs are small
// and much of the step is element-wise work. Measured on the 2-core development machine: one
// training process with 2 intra-op threads ran 12.6k-16.5k tokens/s, while two processes with one
// thread each ran 11.9k tokens/s each at the same time. So the trainer splits each batch by rows
// over replicas of the model, one per thread, each thread running its part's forward and backward
// with a single intra-op thread; the parts' gradients are summed into the master model, which the
// optimizer updates and which is copied back into the replicas.
//
// The step computes the same thing as a single-model step on the whole batch: each part's loss is
// divided by the whole batch's denominator (MaskedSparseCategoricalCrossEntropy::denominator), so
// the parts' losses and gradients add up to the whole batch's (data_parallel_test checks this
// against a single-model step). Only dropout differs: each replica draws its own masks.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <vector>

#include "piikit/batching.h"
#include "piikit/loss.h"
#include "piikit/model.h"

namespace piikit {

struct StepLosses {
  const MaskedSparseCategoricalCrossEntropy* pii = nullptr;
  double pii_weight = 1.0;
  const MaskedSparseCategoricalCrossEntropy* coref = nullptr;  // null: no coreference loss
  double coref_weight = 0.0;
};

class ReplicaSet {
 public:
  // `master` is the model the optimizer updates; replicas - 1 copies of it are made (on the
  // master's device). replicas >= 1; 1 gives plain single-model steps.
  ReplicaSet(TokenClassifier master, int replicas);

  int size() const { return 1 + static_cast<int>(copies_.size()); }

  // Forward and backward of `batch`. With one replica: on the calling thread, dropout from
  // torch's default generator. With R > 1: rows split into min(R, B) contiguous parts, part r on
  // replica r in its own thread (part 0 on the calling thread), each trimmed of the padding
  // columns it does not need; the dropout masks of part r come from DropoutSeedScope(seed, r), so the step is reproducible whatever the threads' timing. The calling thread
  // should have one intra-op thread (configure_threads(1)) so that the threads do not compete.
  // Afterwards the master's gradients hold the whole batch's gradient (added to what they held:
  // zero them before); returns the whole batch's loss. An exception on any thread is rethrown
  // once all threads have finished.
  double forward_backward(const Batch& batch, const StepLosses& losses, uint64_t seed);

  // Copies the master's parameters and buffers into the other replicas (after optimizer.step()).
  void sync();

 private:
  TokenClassifier master_;
  std::vector<TokenClassifier> copies_;
};

// Rows [begin, end) of `batch`, without the padding columns none of those rows needs.
Batch slice_batch(const Batch& batch, int64_t begin, int64_t end);

// training.replicas: 0 (auto) gives one replica per thread on CPU and 1 on other devices; any
// other value is used as given (1 = off). More than 1 on a device other than the CPU is a
// ConfigError naming training.replicas.
int resolve_replicas(int configured, int threads, const torch::Device& device);

}  // namespace piikit
