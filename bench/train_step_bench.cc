// Training throughput of piikit's train step, and the machine's matrix-multiply ceiling.
//
//   BM_MatmulCeiling        torch::mm 2048 x 2048 x 2048 fp32 (the BLAS library): GFLOP/s; run it
//                           with PIIKIT_GEMM=blas so that OpenBLAS gets all the threads
//   BM_MatmulCeilingOneDnn  the same product through oneDNN's fp32 GEMM (at::mkldnn_linear), the
//                           kernel piikit's Linear layers use by default; the machine's ceiling is
//                           the larger of the two
//   BM_TrainStep/<preset>   forward + weighted masked CE + backward + grad-norm clip + AdamW step
//                           (FusedAdamW) on one batch (default 32 x 64 tokens, no padding):
//                           tokens/s and model GFLOP/s (matmul FLOPs: 3x the forward GEMMs and
//                           attention products)
//                           The step is the trainer's: data-parallel over one model replica
//                           per thread (include/piikit/data_parallel.h)
//   BM_MatmulCeilingCuda    with --device=cuda: torch::mm 8192^3 fp32 on the GPU (cuBLAS, TF32
//                           off as in training)
//   BM_TrainStep/<preset>/one_replica: the same step on one model with all threads intra-op
//   BM_TrainStep/tiny/<variant>: ablations for docs/model.md (libtorch's dropout, attention
//                           dropout on, libtorch's AdamW, all three; the first, third and fourth
//                           on one replica, as libtorch's dropout draws from a shared generator)
//
// The batch, labels and class weights follow closed formulas shared with train_step_bench.py, so
// both programs train on the same data. bench/run_train_bench.sh runs both and compares.
//
// Flags (besides Google Benchmark's): --batch=N --seq=N --threads=N (as `piikit train --threads`)
// --torch_threads=N (override torch's intra-op threads after that, for measurements)
// --device=cuda (the train steps on the GPU, one replica, as `piikit train --device cuda`; the
// loss read back every step, as the trainer does).
#include <benchmark/benchmark.h>
#include <malloc.h>
#include <torch/torch.h>

#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "piikit/data_parallel.h"
#include "piikit/dropout.h"
#include "piikit/label_set.h"
#include "piikit/loss.h"
#include "piikit/model.h"
#include "piikit/optimizer.h"
#include "piikit/torch_runtime.h"

namespace {

int64_t g_batch = 32;
torch::Device g_device = torch::kCPU;
int64_t g_seq = 64;
constexpr int kVocab = 8000;

// Same formulas as make_batch() in train_step_bench.py.
struct Batch {
  torch::Tensor ids, mask, labels;
};

Batch make_batch(int64_t B, int64_t T) {
  std::vector<int64_t> ids(B * T), labels(B * T);
  for (int64_t i = 0; i < B * T; ++i) {
    ids[i] = 4 + (i * 7919 + 13) % (kVocab - 4);
    int64_t r = (i * 104729 + 7) % 100;
    labels[i] = r < 85 ? 0 : 1 + (i * 31 + r) % (piikit::kNumLabels - 1);
  }
  Batch b;
  b.ids = torch::tensor(ids, torch::kLong).view({B, T});
  b.labels = torch::tensor(labels, torch::kLong).view({B, T});
  b.mask = torch::ones({B, T}, torch::kBool);
  return b;
}

std::vector<double> class_weights() {
  std::vector<double> w(piikit::kNumLabels);
  for (int c = 0; c < piikit::kNumLabels; ++c) w[c] = c == 0 ? 1.0 : 1.0 + 0.25 * (c % 7);
  return w;
}

// Matmul FLOPs of one training step per token: 3x the forward (backward = 2 GEMMs per GEMM).
double train_flops_per_token(const piikit::ModelConfig& c, int64_t T) {
  const double d = c.d_model, f = c.ffn_dim;
  const double per_layer = 2 * d * 3 * d + 2 * d * d + 2 * 2 * d * f + 2 * 2 * T * d;
  return 3.0 * (c.num_layers * per_layer + 2 * d * piikit::kNumLabels);
}

void BM_MatmulCeiling(benchmark::State& state) {
  const int64_t n = 2048;
  torch::manual_seed(0);
  torch::Tensor a = torch::randn({n, n}), b = torch::randn({n, n}), c = torch::empty({n, n});
  torch::mm_out(c, a, b);  // warm-up
  for (auto _ : state) {
    torch::mm_out(c, a, b);
    benchmark::DoNotOptimize(c.data_ptr<float>());
  }
  state.counters["GFLOPs"] =
      benchmark::Counter(2.0 * n * n * n / 1e9, benchmark::Counter::kIsIterationInvariantRate);
}

void BM_MatmulCeilingCuda(benchmark::State& state) {
  const int64_t n = 8192;
  torch::manual_seed(0);
  const auto on_gpu = torch::TensorOptions().device(g_device);
  torch::Tensor a = torch::randn({n, n}, on_gpu), b = torch::randn({n, n}, on_gpu);
  torch::Tensor c = torch::empty({n, n}, on_gpu);
  for (int i = 0; i < 3; ++i) torch::mm_out(c, a, b);  // warm-up: cuBLAS handle, kernel choice
  torch::cuda::synchronize();
  for (auto _ : state) {
    torch::mm_out(c, a, b);
    torch::cuda::synchronize();
  }
  state.counters["GFLOPs"] =
      benchmark::Counter(2.0 * n * n * n / 1e9, benchmark::Counter::kIsIterationInvariantRate);
}

void BM_MatmulCeilingOneDnn(benchmark::State& state) {
  if (!piikit::onednn_available()) {
    state.SkipWithError("this libtorch has no oneDNN");
    return;
  }
  const int64_t n = 2048;
  torch::manual_seed(0);
  torch::Tensor a = torch::randn({n, n}).to_mkldnn(), w = torch::randn({n, n});
  torch::Tensor c = torch::mkldnn_linear(a, w);  // warm-up (and oneDNN's kernel selection)
  for (auto _ : state) {
    c = torch::mkldnn_linear(a, w);
    benchmark::DoNotOptimize(c);
  }
  state.counters["GFLOPs"] =
      benchmark::Counter(2.0 * n * n * n / 1e9, benchmark::Counter::kIsIterationInvariantRate);
}

// What a benchmark changes from piikit's defaults (ablations for docs/model.md).
struct Variant {
  bool torch_dropout = false;    // libtorch's dropout instead of fast_dropout
  double attention_dropout = 0;  // dropout on attention probabilities
  bool torch_adamw = false;      // torch::optim::AdamW instead of FusedAdamW
  int replicas = 0;              // data-parallel replicas: 0 = the trainer's default (one per thread)
};

int g_threads = 1;  // threads in effect (configure_threads in main)

template <class Optimizer>
Optimizer make_optimizer(const piikit::TokenClassifier& model) {
  // As the trainer: no weight decay on biases and norms (parameters with fewer than 2 dims).
  std::vector<torch::Tensor> decay, no_decay;
  for (const auto& item : model->named_parameters()) {
    (item.value().dim() < 2 ? no_decay : decay).push_back(item.value());
  }
  std::vector<torch::optim::OptimizerParamGroup> groups;
  groups.emplace_back(decay, std::make_unique<torch::optim::AdamWOptions>(
                                 torch::optim::AdamWOptions(1e-3).weight_decay(0.01)));
  groups.emplace_back(no_decay, std::make_unique<torch::optim::AdamWOptions>(
                                    torch::optim::AdamWOptions(1e-3).weight_decay(0.0)));
  return Optimizer(std::move(groups));
}

void train_step_bench(benchmark::State& state, const std::string& preset, Variant variant) {
  const bool torch_dropout = variant.torch_dropout;
  const double attention_dropout = variant.attention_dropout;
  torch::manual_seed(0);
  piikit::ModelConfig config;
  piikit::apply_model_preset(config, preset);
  config.vocab_size = kVocab;
  config.attention_dropout = attention_dropout;
  piikit::set_fast_dropout_enabled(!torch_dropout);
  piikit::TokenClassifier model(config);
  model->train();
  model->to(g_device);

  piikit::FusedAdamW fused = make_optimizer<piikit::FusedAdamW>(model);
  torch::optim::AdamW plain = make_optimizer<torch::optim::AdamW>(model);
  torch::optim::Optimizer& optimizer =
      variant.torch_adamw ? static_cast<torch::optim::Optimizer&>(plain) : fused;
  piikit::MaskedSparseCategoricalCrossEntropy loss_fn(
      piikit::kIgnoreLabel, class_weights(), piikit::kNumLabels, piikit::LossReduction::kMean);
  loss_fn.to(g_device);
  Batch batch = make_batch(g_batch, g_seq);
  batch.ids = batch.ids.to(g_device);
  batch.mask = batch.mask.to(g_device);
  batch.labels = batch.labels.to(g_device);
  // As the trainer: the step through a ReplicaSet, one replica per thread by default, each
  // thread with one intra-op thread.
  const int replicas = piikit::resolve_replicas(variant.replicas, g_threads, g_device);
  piikit::ReplicaSet replica_set(model, replicas);
  if (replicas > 1) piikit::configure_threads(1);
  piikit::Batch full;
  full.ids = batch.ids;
  full.mask = batch.mask;
  full.labels = batch.labels;
  full.num_tokens = g_batch * g_seq;
  const piikit::StepLosses losses{&loss_fn, 1.0, nullptr, 0.0};
  uint64_t step_seed = 0;

  auto step = [&] {
    optimizer.zero_grad();
    const double loss = replica_set.forward_backward(full, losses, ++step_seed);
    torch::nn::utils::clip_grad_norm_(model->parameters(), 1.0);
    optimizer.step();
    replica_set.sync();
    return loss;
  };
  for (int i = 0; i < 3; ++i) step();  // warm-up: allocator, OpenBLAS buffers, Adam state
  double last_loss = 0;
  for (auto _ : state) last_loss = step();
  piikit::set_fast_dropout_enabled(true);
  if (replicas > 1) piikit::configure_threads(g_threads);
  state.counters["replicas"] = replicas;

  const double tokens = static_cast<double>(g_batch * g_seq);
  state.counters["tokens_per_second"] =
      benchmark::Counter(tokens, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["model_GFLOPs"] =
      benchmark::Counter(tokens * train_flops_per_token(config, g_seq) / 1e9,
                         benchmark::Counter::kIsIterationInvariantRate);
  state.counters["params_M"] = static_cast<double>(model->num_parameters()) / 1e6;
  state.counters["loss"] = last_loss;
  state.SetLabel(preset + " " + std::to_string(g_batch) + "x" + std::to_string(g_seq));
}

bool take_string_flag(const char* arg, const char* name, std::string& value) {
  std::string prefix = std::string("--") + name + "=";
  if (std::strncmp(arg, prefix.c_str(), prefix.size()) != 0) return false;
  value = arg + prefix.size();
  return true;
}

bool take_flag(const char* arg, const char* name, int64_t& value) {
  std::string text;
  if (!take_string_flag(arg, name, text)) return false;
  value = std::atoll(text.c_str());
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  // As tools/piikit_main.cc: keep large activations mapped between steps (shared/PERF-NOTES.md).
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  mallopt(M_TOP_PAD, 256 << 20);

  int64_t threads = 0, torch_threads = -1;
  std::string device = "cpu";
  std::vector<char*> rest{argv[0]};
  for (int i = 1; i < argc; ++i) {
    if (take_flag(argv[i], "batch", g_batch) || take_flag(argv[i], "seq", g_seq) ||
        take_flag(argv[i], "threads", threads) || take_string_flag(argv[i], "device", device) ||
        take_flag(argv[i], "torch_threads", torch_threads)) {
      continue;
    }
    rest.push_back(argv[i]);
  }
  const int in_effect = piikit::configure_threads(static_cast<int>(threads));
  g_threads = in_effect;
  if (torch_threads > 0) torch::set_num_threads(static_cast<int>(torch_threads));
  std::cerr << "threads: " << in_effect << " (" << piikit::describe_threads() << ")\n";
  try {
    g_device = piikit::resolve_device(device);
  } catch (const std::exception& e) {
    std::cerr << "train_step_bench: " << e.what() << "\n";
    return 2;
  }
  if (g_device.is_cuda()) {
    benchmark::RegisterBenchmark("BM_MatmulCeilingCuda", BM_MatmulCeilingCuda)
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime()
        ->MinTime(2.0);
  }

  benchmark::RegisterBenchmark("BM_MatmulCeiling", BM_MatmulCeiling)
      ->Unit(benchmark::kMillisecond)
      ->UseRealTime()
      ->MinTime(2.0);
  benchmark::RegisterBenchmark("BM_MatmulCeilingOneDnn", BM_MatmulCeilingOneDnn)
      ->Unit(benchmark::kMillisecond)
      ->UseRealTime()
      ->MinTime(2.0);
  auto add = [](const std::string& name, const std::string& preset, Variant v) {
    benchmark::RegisterBenchmark(name.c_str(), train_step_bench, preset, v)
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime()
        ->MinTime(3.0);
  };
  for (const std::string& preset : piikit::model_preset_names()) {
    add("BM_TrainStep/" + preset, preset, Variant{});
  }
  add("BM_TrainStep/tiny/one_replica", "tiny", Variant{.replicas = 1});
  add("BM_TrainStep/small/one_replica", "small", Variant{.replicas = 1});
  add("BM_TrainStep/tiny/torch_dropout", "tiny", Variant{.torch_dropout = true, .replicas = 1});
  add("BM_TrainStep/tiny/attention_dropout", "tiny", Variant{.attention_dropout = 0.1});
  add("BM_TrainStep/tiny/torch_adamw", "tiny", Variant{.torch_adamw = true, .replicas = 1});
  add("BM_TrainStep/tiny/all_torch", "tiny",
      Variant{.torch_dropout = true, .attention_dropout = 0.1, .torch_adamw = true, .replicas = 1});

  int rest_argc = static_cast<int>(rest.size());
  benchmark::Initialize(&rest_argc, rest.data());
  if (benchmark::ReportUnrecognizedArguments(rest_argc, rest.data())) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
