// AdamW with a fused CPU update: one pass over (param, grad, exp_avg, exp_avg_sq) per parameter
// instead of libtorch's nine tensor ops (each a full pass, two with temporaries). Same maths,
// options, state and serialisation as torch::optim::AdamW, so it is a drop-in replacement:
// torch::save / torch::load of the optimizer and AdamWOptions (param groups, lr changes) work
// unchanged. Decoupled weight decay: p *= 1 - lr * weight_decay before the Adam update.
//
// Falls back to torch::optim::AdamW's step for non-CPU or non-float parameters and for amsgrad.
#pragma once

#include <torch/optim/adamw.h>

#include <vector>

namespace piikit {

class FusedAdamW : public torch::optim::AdamW {
 public:
  using torch::optim::AdamW::AdamW;
  torch::Tensor step(LossClosure closure = nullptr) override;
};

}  // namespace piikit
