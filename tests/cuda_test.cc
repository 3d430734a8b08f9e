// piikit on a CUDA GPU: the same model, loss, trainer and detector as on the CPU.
//
// Built and registered only when libtorch has CUDA (CMake finds torch_cuda: a build against a
// CUDA-enabled libtorch, e.g. Python's torch via -DTorch_DIR=...); every test then needs a visible
// GPU. scripts/cuda_check.sh builds this on a GPU machine and runs it.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "piikit/crash_report.h"
#include "piikit/data_parallel.h"
#include "piikit/detector.h"
#include "piikit/file_util.h"
#include "piikit/generator.h"
#include "piikit/label_set.h"
#include "piikit/loss.h"
#include "piikit/model.h"
#include "piikit/torch_runtime.h"
#include "piikit/trainer.h"
#include "test_model_config.h"
#include "test_training.h"

namespace piikit {
namespace {

namespace fs = std::filesystem;

const torch::Device kCuda(torch::kCUDA, 0);

// A crash on the GPU machine prints where it happened.
const bool kCrashReport = (install_crash_report(), true);

double rel_diff(const torch::Tensor& a, const torch::Tensor& b) {
  const torch::Tensor x = a.detach().to(torch::kCPU, torch::kDouble);
  const torch::Tensor y = b.detach().to(torch::kCPU, torch::kDouble);
  return (x - y).norm().item<double>() / std::max(y.norm().item<double>(), 1e-12);
}

TEST(CudaTest, TheDeviceResolves) {
  ASSERT_TRUE(torch::cuda::is_available()) << "this build has CUDA but sees no GPU";
  EXPECT_TRUE(resolve_device("cuda").is_cuda());
  EXPECT_EQ(resolve_device("cuda:0"), kCuda);
  EXPECT_THROW(resolve_device("cuda:" + std::to_string(torch::cuda::device_count())),
               std::runtime_error)
      << "a device index past the last GPU is an error";
}

TEST(CudaTest, ForwardMatchesTheCpu) {
  torch::manual_seed(3);
  ModelConfig c = testing::small_model_config();
  c.coref_clusters = 3;
  c.char_cnn = true;
  TokenClassifier cpu(c);
  cpu->eval();
  TokenClassifier gpu(c);
  gpu->eval();
  {
    torch::NoGradGuard no_grad;
    auto src = cpu->named_parameters();
    for (auto& p : gpu->named_parameters()) p.value().copy_(src[p.key()]);
  }
  gpu->to(kCuda);
  const torch::Tensor ids = torch::randint(4, 50, {3, 9}, torch::kLong);
  torch::Tensor mask = torch::ones({3, 9}, torch::kBool);
  mask.index_put_({2, torch::indexing::Slice(5)}, false);  // a padded row
  const torch::Tensor chars = torch::randint(0, kCharVocabSize, {3, 9, kCharsPerToken}, torch::kLong);
  const ModelOutput a = cpu->forward(ids, mask, chars);
  const ModelOutput b = gpu->forward(ids.to(kCuda), mask.to(kCuda), chars.to(kCuda));
  ASSERT_TRUE(b.pii_logits.is_cuda());
  EXPECT_LT(rel_diff(b.pii_logits, a.pii_logits), 1e-4);
  EXPECT_LT(rel_diff(b.coref_logits, a.coref_logits), 1e-4);
}

TEST(CudaTest, WeightedLossAndGradientsMatchTheCpu) {
  torch::manual_seed(4);
  const torch::Tensor logits = torch::randn({2, 5, kNumLabels});
  torch::Tensor labels = torch::randint(0, kNumLabels, {2, 5}, torch::kLong);
  labels.index_put_({1, torch::indexing::Slice(3)}, kIgnoreLabel);
  std::vector<double> weights(kNumLabels);
  for (int c = 0; c < kNumLabels; ++c) weights[c] = c == 0 ? 1.0 : 0.5 + 0.1 * c;
  for (LossReduction r : {LossReduction::kMean, LossReduction::kWeightedMean, LossReduction::kSum}) {
    // The weights live on the CPU; the loss follows the logits to the GPU.
    MaskedSparseCategoricalCrossEntropy loss(kIgnoreLabel, weights, kNumLabels, r);
    torch::Tensor x_cpu = logits.clone().requires_grad_();
    torch::Tensor x_gpu = logits.to(kCuda).clone().requires_grad_();
    const torch::Tensor l_cpu = loss(x_cpu, labels);
    const torch::Tensor l_gpu = loss(x_gpu, labels.to(kCuda));
    ASSERT_TRUE(l_gpu.is_cuda());
    EXPECT_NEAR(l_gpu.item<double>(), l_cpu.item<double>(), 1e-5 * std::abs(l_cpu.item<double>()));
    l_cpu.backward();
    l_gpu.backward();
    EXPECT_LT(rel_diff(x_gpu.grad(), x_cpu.grad()), 1e-5);
  }
}

TEST(CudaTest, OneReplicaOnCuda) {
  EXPECT_EQ(resolve_replicas(0, 16, kCuda), 1);
  EXPECT_THROW(resolve_replicas(2, 16, kCuda), std::exception);
}

using testing::Killed;
using testing::training_data;

fs::path fresh_dir(const std::string& name) { return testing::fresh_dir("cuda_test_runs", name); }

// trainer_test's tiny run, on the GPU.
TrainOptions cuda_options(const fs::path& out) {
  TrainOptions o = testing::tiny_train_options(out, testing::training_vocab("cuda_test_runs"));
  o.config.training.threads = 2;
  o.config.training.device = "cuda";
  return o;
}

TEST(CudaTest, TrainingOnCudaLearnsAndTheModelLoadsOnTheCpu) {
  const fs::path out = fresh_dir("train");
  std::ostringstream report;
  TrainOptions o = cuda_options(out);
  o.report = &report;
  // Big and long enough for the detector to find entities.
  o.config.model.d_model = 64;
  o.config.model.num_layers = 2;
  o.config.model.num_heads = 4;
  o.config.model.ffn_dim = 128;
  o.config.training.num_epochs = 30;
  o.config.training.learning_rate = 3e-3;
  o.config.training.eval_every_steps = 0;
  const TrainResult r = train(o);
  EXPECT_EQ(r.steps, 450);
  ASSERT_GE(r.history.size(), 2u);
  EXPECT_LT(r.history.back().train_loss, 0.7 * r.history.front().train_loss)
      << "first " << r.history.front().train_loss << " last " << r.history.back().train_loss;
  EXPECT_NE(report.str().find("cuda"), std::string::npos) << "the report names the device";

  // The saved model is device-free: it loads on the CPU and on the GPU, with the same logits.
  LoadedModel on_cpu = load_model_dir(out.string());
  LoadedModel on_gpu = load_model_dir(out.string(), kCuda);
  ASSERT_TRUE(on_gpu.model->parameters().front().is_cuda());
  const torch::Tensor ids = torch::randint(4, 200, {2, 16}, torch::kLong);
  const torch::Tensor mask = torch::ones({2, 16}, torch::kBool);
  torch::NoGradGuard no_grad;
  EXPECT_LT(rel_diff(on_gpu.model->forward(ids.to(kCuda), mask.to(kCuda)).pii_logits,
                     on_cpu.model->forward(ids, mask).pii_logits),
            1e-4);

  // The detector finds the same entities on either device.
  std::vector<std::string> texts;
  for (std::size_t i = 0; i < 40; ++i) texts.push_back(training_data()[i].text);
  DetectorOptions gpu_options;
  gpu_options.device = "cuda";
  Detector cpu_detector(out.string());
  Detector gpu_detector(out.string(), gpu_options);
  const auto a = cpu_detector.detect(texts);
  const auto b = gpu_detector.detect(texts);
  ASSERT_EQ(a.size(), b.size());
  std::size_t entities = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    ASSERT_EQ(a[i].size(), b[i].size()) << texts[i];
    for (std::size_t j = 0; j < a[i].size(); ++j) {
      EXPECT_EQ(a[i][j].entity(), b[i][j].entity()) << texts[i];
      EXPECT_NEAR(a[i][j].score, b[i][j].score, 1e-3);
    }
    entities += a[i].size();
  }
  EXPECT_GT(entities, 0u) << "the trained model finds something (best validation metric "
                          << r.best.metric << ")";
}

TEST(CudaTest, KillAndResumeOnCuda) {
  const TrainResult full = train(cuda_options(fresh_dir("full")));
  const fs::path out = fresh_dir("killed");
  TrainOptions killed = cuda_options(out);
  killed.after_step = [](int64_t step) {
    if (step == 27) throw Killed();
  };
  EXPECT_THROW(train(killed), Killed);

  // Resumed on the GPU: the optimizer state, saved from the GPU, goes back to it.
  TrainOptions resume;
  resume.resume_dir = out.string();
  resume.config.training.threads = 2;
  resume.config.training.device = "cuda";
  resume.samples = training_data();
  resume.quiet = true;
  std::vector<int64_t> steps_seen;
  resume.after_step = [&](int64_t step) { steps_seen.push_back(step); };
  const TrainResult resumed = train(resume);
  ASSERT_FALSE(steps_seen.empty());
  EXPECT_EQ(steps_seen.front(), 21);
  EXPECT_EQ(resumed.steps, full.steps);
  ASSERT_EQ(resumed.history.size(), full.history.size());
  // The GPU's dropout masks come from its own generator, reseeded at resume as on the CPU; the
  // sums are reordered, so the losses agree closely rather than bit for bit.
  for (std::size_t i = 0; i < full.history.size(); ++i) {
    EXPECT_EQ(resumed.history[i].step, full.history[i].step) << i;
    EXPECT_NEAR(resumed.history[i].train_loss, full.history[i].train_loss,
                1e-3 * full.history[i].train_loss)
        << i;
  }

  // A GPU run resumes on the CPU as well.
  const fs::path out2 = fresh_dir("killed_cpu_resume");
  TrainOptions killed2 = cuda_options(out2);
  killed2.after_step = killed.after_step;
  EXPECT_THROW(train(killed2), Killed);
  resume.resume_dir = out2.string();
  resume.config.training.device = "cpu";
  resume.after_step = nullptr;
  const TrainResult on_cpu = train(resume);
  EXPECT_EQ(on_cpu.steps, full.steps);
  EXPECT_NEAR(on_cpu.history.back().train_loss, full.history.back().train_loss,
              0.05 * full.history.back().train_loss);
}

}  // namespace
}  // namespace piikit
