// AdamW with a fused CPU update: one pass over (param, grad, exp_avg, exp_avg_sq) per parameter
// instead of libtorch's nine tensor ops (each a full pass, two with temporaries). Same maths,
// options, state and serialisation as torch::optim::AdamW, so it is a drop-in replacement:
// torch::save / torch::load of the optimizer and AdamWOptions (param groups, lr changes) work
// unchanged. Decoupled weight decay: p *= 1 - lr * weight_decay before the Adam update.
//
// Falls back to torch::optim::AdamW's step for non-CPU or non-float parameters and for amsgrad.
#pragma once

#include <torch/optim/adamw.h>

#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

namespace piikit {

// The key of parameter `p` in torch::optim::Optimizer::state(). libtorch 1.13 keys the state by
// the printed address of the parameter's TensorImpl (c10::guts::to_string), later versions by the
// address itself; this gives whichever the libtorch at hand uses.
// (A template so that only the branch for that key type is compiled.)
template <class Optimizer = torch::optim::Optimizer>
auto optimizer_state_key(const at::Tensor& p) {
  using Key = typename std::decay_t<decltype(std::declval<Optimizer&>().state())>::key_type;
  if constexpr (std::is_same_v<Key, std::string>) {
    std::ostringstream out;
    out << static_cast<void*>(p.unsafeGetTensorImpl());
    return out.str();
  } else {
    return static_cast<Key>(p.unsafeGetTensorImpl());
  }
}

class FusedAdamW : public torch::optim::AdamW {
 public:
  using torch::optim::AdamW::AdamW;
  torch::Tensor step(LossClosure closure = nullptr) override;
};

}  // namespace piikit
