// Inverted dropout with a cheap mask generator.
//
// libtorch 1.13's dropout draws its mask with bernoulli_, one serial draw per element; that was
// about 30% of a training step on 2 cores (shared/PERF-NOTES.md). fast_dropout draws 16 random
// bits per element from a counter-seeded xoshiro256++ stream and applies mask and scale in the
// same pass; the backward reuses the byte mask. Keep probability is quantised to 1/65536.
//
// Reproducible: the stream seed comes from torch's default CPU generator, so torch::manual_seed
// fixes the masks. CUDA tensors (and other dtypes than float) fall back to torch::dropout.
#pragma once

#include <torch/types.h>

#include <cstdint>

namespace piikit {

// x: any shape. Returns x * mask / (1 - p) with mask ~ Bernoulli(1 - p); differentiable in x.
// p == 0 returns x unchanged; p must be in [0, 1).
torch::Tensor fast_dropout(const torch::Tensor& x, double p);

// While alive, fast_dropout calls on the constructing thread draw their masks from stream
// `stream` of `seed` instead of torch's default generator, which threads share: data-parallel
// replicas (src/data_parallel.cc) each get their own stream, so masks do not depend on thread
// timing. Scopes nest; destroy on the thread that constructed it.
class DropoutSeedScope {
 public:
  DropoutSeedScope(uint64_t seed, uint64_t stream);
  ~DropoutSeedScope();
  DropoutSeedScope(const DropoutSeedScope&) = delete;
  DropoutSeedScope& operator=(const DropoutSeedScope&) = delete;

 private:
  bool previous_scoped_;
  uint64_t previous_stream_;
};

// Process-wide switch for measurements (bench/train_step_bench.cc): false makes fast_dropout call
// torch::dropout. Default true.
void set_fast_dropout_enabled(bool enabled);

}  // namespace piikit
