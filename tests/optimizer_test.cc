// FusedAdamW against libtorch's AdamW: same updates, same state, interchangeable checkpoints.
#include "piikit/optimizer.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <filesystem>

namespace piikit {
namespace {

// Two parameter groups (with and without weight decay), as the trainer sets them up.
template <class Optimizer>
Optimizer make_optimizer(std::vector<torch::Tensor>& params) {
  std::vector<torch::optim::OptimizerParamGroup> groups;
  groups.emplace_back(std::vector<torch::Tensor>{params[0], params[1]},
                      std::make_unique<torch::optim::AdamWOptions>(
                          torch::optim::AdamWOptions(1e-2).weight_decay(0.1)));
  groups.emplace_back(std::vector<torch::Tensor>{params[2]},
                      std::make_unique<torch::optim::AdamWOptions>(
                          torch::optim::AdamWOptions(1e-2).weight_decay(0.0).betas({0.8, 0.95})));
  return Optimizer(std::move(groups));
}

std::vector<torch::Tensor> make_params() {
  torch::manual_seed(11);
  return {torch::randn({40, 30}).requires_grad_(true), torch::randn({70000}).requires_grad_(true),
          torch::randn({30}).requires_grad_(true)};
}

// Deterministic gradients for step s.
void set_grads(std::vector<torch::Tensor>& params, int s) {
  for (std::size_t i = 0; i < params.size(); ++i) {
    torch::manual_seed(100 * s + static_cast<int>(i));
    params[i].mutable_grad() = torch::randn_like(params[i]);
  }
}

double max_diff(const std::vector<torch::Tensor>& a, const std::vector<torch::Tensor>& b) {
  double d = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    d = std::max(d, (a[i] - b[i]).abs().max().item<double>());
  }
  return d;
}

TEST(FusedAdamWTest, MatchesLibtorchAdamW) {
  auto ref_params = make_params();
  auto fused_params = make_params();
  auto ref = make_optimizer<torch::optim::AdamW>(ref_params);
  auto fused = make_optimizer<FusedAdamW>(fused_params);
  for (int s = 1; s <= 6; ++s) {
    if (s == 4) {  // a schedule changes the learning rate between steps
      for (auto* opt : {static_cast<torch::optim::Optimizer*>(&ref),
                        static_cast<torch::optim::Optimizer*>(&fused)}) {
        for (auto& g : opt->param_groups()) {
          static_cast<torch::optim::AdamWOptions&>(g.options()).lr(3e-3);
        }
      }
    }
    set_grads(ref_params, s);
    set_grads(fused_params, s);
    ref.step();
    fused.step();
    EXPECT_LT(max_diff(ref_params, fused_params), 2e-6) << "step " << s;
  }
  // The parameters actually moved (the test would pass trivially otherwise).
  EXPECT_GT(max_diff(ref_params, make_params()), 1e-2);
}

TEST(FusedAdamWTest, CheckpointsInterchangeWithLibtorchAdamW) {
  auto params = make_params();
  auto fused = make_optimizer<FusedAdamW>(params);
  for (int s = 1; s <= 3; ++s) {
    set_grads(params, s);
    fused.step();
  }
  auto path = (std::filesystem::temp_directory_path() /
               ("piikit_opt_" + std::to_string(::getpid()) + ".pt"))
                  .string();
  torch::save(fused, path);
  // Continue with libtorch's AdamW loaded from that file, and with FusedAdamW: same result.
  auto params_ref = std::vector<torch::Tensor>{};
  for (auto& p : params) params_ref.push_back(p.detach().clone().requires_grad_(true));
  auto ref = make_optimizer<torch::optim::AdamW>(params_ref);
  torch::load(ref, path);
  auto reloaded = make_optimizer<FusedAdamW>(params);
  torch::load(reloaded, path);
  std::filesystem::remove(path);
  set_grads(params, 4);
  set_grads(params_ref, 4);
  reloaded.step();
  ref.step();
  EXPECT_LT(max_diff(params, params_ref), 2e-6);
  const auto& state = static_cast<const torch::optim::AdamWParamState&>(
      *reloaded.state().at(optimizer_state_key(params[0])));
  EXPECT_EQ(state.step(), 4);
}

TEST(FusedAdamWTest, SkipsParametersWithoutGradient) {
  auto params = make_params();
  auto fused = make_optimizer<FusedAdamW>(params);
  torch::Tensor before = params[2].detach().clone();
  set_grads(params, 1);
  params[2].mutable_grad() = torch::Tensor();
  fused.step();
  EXPECT_TRUE(torch::equal(params[2], before));
  EXPECT_EQ(fused.state().size(), 2u);
}

}  // namespace
}  // namespace piikit
