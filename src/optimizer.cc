#include "piikit/optimizer.h"

#include <ATen/Parallel.h>

#include <cmath>
#include <memory>

namespace piikit {
namespace {

// One AdamW update of n floats, in the order of torch::optim::AdamW::step (1.13):
//   p *= 1 - lr*wd;  m = b1 m + (1-b1) g;  v = b2 v + (1-b2) g^2;
//   p -= lr/bc1 * m / (sqrt(v)/sqrt(bc2) + eps)
void adamw_kernel(float* p, const float* g, float* m, float* v, int64_t n, float decay, float beta1,
                  float beta2, float inv_sqrt_bc2, float eps, float step_size) {
  const float one_minus_b1 = 1.0f - beta1, one_minus_b2 = 1.0f - beta2;
  at::parallel_for(0, n, 1 << 15, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) {
      const float gi = g[i];
      const float mi = beta1 * m[i] + one_minus_b1 * gi;
      const float vi = beta2 * v[i] + one_minus_b2 * gi * gi;
      m[i] = mi;
      v[i] = vi;
      p[i] = p[i] * decay - step_size * mi / (std::sqrt(vi) * inv_sqrt_bc2 + eps);
    }
  });
}

}  // namespace

torch::Tensor FusedAdamW::step(LossClosure closure) {
  torch::NoGradGuard no_grad;
  torch::Tensor loss;
  if (closure != nullptr) {
    at::AutoGradMode enable_grad(true);
    loss = closure();
  }
  // Anything the kernel does not handle goes through libtorch's implementation, whole.
  for (auto& group : param_groups_) {
    const auto& options = static_cast<const torch::optim::AdamWOptions&>(group.options());
    for (auto& p : group.params()) {
      if (!p.grad().defined()) continue;
      if (options.amsgrad() || !p.device().is_cpu() || p.scalar_type() != torch::kFloat ||
          p.grad().is_sparse()) {
        torch::optim::AdamW::step(nullptr);
        return loss;
      }
    }
  }
  for (auto& group : param_groups_) {
    const auto& options = static_cast<const torch::optim::AdamWOptions&>(group.options());
    const double beta1 = std::get<0>(options.betas());
    const double beta2 = std::get<1>(options.betas());
    for (auto& p : group.params()) {
      if (!p.grad().defined()) continue;
      const auto key = optimizer_state_key(p);
      auto it = state_.find(key);
      if (it == state_.end()) {
        auto state = std::make_unique<torch::optim::AdamWParamState>();
        state->step(0);
        state->exp_avg(torch::zeros_like(p, torch::MemoryFormat::Contiguous));
        state->exp_avg_sq(torch::zeros_like(p, torch::MemoryFormat::Contiguous));
        it = state_.emplace(key, std::move(state)).first;
      }
      auto& state = static_cast<torch::optim::AdamWParamState&>(*it->second);
      state.step(state.step() + 1);
      const double bc1 = 1.0 - std::pow(beta1, static_cast<double>(state.step()));
      const double bc2 = 1.0 - std::pow(beta2, static_cast<double>(state.step()));
      // The kernel needs plain contiguous float buffers; parameters and fresh state are, and
      // state loaded from disk is made so once.
      if (!state.exp_avg().is_contiguous()) state.exp_avg(state.exp_avg().contiguous());
      if (!state.exp_avg_sq().is_contiguous()) state.exp_avg_sq(state.exp_avg_sq().contiguous());
      torch::Tensor grad = p.grad().contiguous();
      TORCH_CHECK(p.is_contiguous(), "FusedAdamW needs contiguous parameters");
      adamw_kernel(p.data_ptr<float>(), grad.data_ptr<float>(), state.exp_avg().data_ptr<float>(),
                   state.exp_avg_sq().data_ptr<float>(), p.numel(),
                   static_cast<float>(1.0 - options.lr() * options.weight_decay()),
                   static_cast<float>(beta1), static_cast<float>(beta2),
                   static_cast<float>(1.0 / std::sqrt(bc2)), static_cast<float>(options.eps()),
                   static_cast<float>(options.lr() / bc1));
    }
  }
  return loss;
}

}  // namespace piikit
