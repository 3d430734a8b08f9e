// Data-parallel training steps (include/piikit/data_parallel.h): the split step computes the
// same loss and gradient as a single-model step on the whole batch.
#include <gtest/gtest.h>

#include <torch/torch.h>

#include <string>
#include <vector>

#include "piikit/data_parallel.h"
#include "piikit/error.h"
#include "piikit/label_set.h"
#include "piikit/loss.h"
#include "piikit/model.h"
#include "piikit/torch_runtime.h"
#include "test_model_config.h"

namespace piikit {
namespace {

ModelConfig test_config(double dropout, int coref_clusters = 0) {
  ModelConfig c = testing::small_model_config();
  c.dropout = dropout;
  c.coref_clusters = coref_clusters;
  return c;
}

// Five rows of lengths 9, 4, 12, 2 and 7 (left-aligned, padded to 12), labels with ignored
// positions on the first token and on padding; coreference labels when `coref` > 0.
Batch test_batch(int coref = 0, uint64_t seed = 3) {
  torch::manual_seed(seed);
  const std::vector<int64_t> lengths = {9, 4, 12, 2, 7};
  const int64_t rows = static_cast<int64_t>(lengths.size()), width = 12;
  Batch b;
  b.ids = torch::randint(4, 50, {rows, width}, torch::kLong);
  b.labels = torch::randint(0, kNumLabels, {rows, width}, torch::kLong);
  b.mask = torch::zeros({rows, width}, torch::kBool);
  if (coref > 0) b.coref = torch::randint(0, coref, {rows, width}, torch::kLong);
  for (int64_t r = 0; r < rows; ++r) {
    b.mask.index_put_({r, torch::indexing::Slice(0, lengths[r])}, true);
    b.ids.index_put_({r, torch::indexing::Slice(lengths[r], width)}, 0);
    b.labels.index_put_({r, torch::indexing::Slice(lengths[r], width)}, kIgnoreLabel);
    b.labels.index_put_({r, 0}, kIgnoreLabel);
    if (coref > 0) b.coref.index_put_({r, torch::indexing::Slice(lengths[r], width)}, kIgnoreLabel);
    b.num_tokens += lengths[r];
  }
  return b;
}

std::vector<double> class_weights() {
  std::vector<double> w(kNumLabels);
  for (int i = 0; i < kNumLabels; ++i) w[static_cast<std::size_t>(i)] = i == 0 ? 1.0 : 0.5 + 0.05 * i;
  return w;
}

TokenClassifier copy_of(const TokenClassifier& m) {
  TokenClassifier c(m->config());
  torch::NoGradGuard g;
  for (std::size_t i = 0; i < m->parameters().size(); ++i) c->parameters()[i].copy_(m->parameters()[i]);
  c->train();
  return c;
}

// Loss and gradients of a single-model step on the whole batch.
double single_step(TokenClassifier& m, const Batch& b, const StepLosses& losses) {
  ReplicaSet one(m, 1);
  return one.forward_backward(b, losses, 0);
}

void expect_same_gradients(const TokenClassifier& a, const TokenClassifier& b) {
  const auto pa = a->named_parameters(), pb = b->named_parameters();
  ASSERT_EQ(pa.size(), pb.size());
  for (std::size_t i = 0; i < pa.size(); ++i) {
    const torch::Tensor& ga = pa[i].value().grad();
    const torch::Tensor& gb = pb[i].value().grad();
    ASSERT_EQ(ga.defined(), gb.defined()) << pa[i].key();
    if (!ga.defined()) continue;
    EXPECT_TRUE(torch::allclose(ga, gb, 1e-4, 5e-5))
        << pa[i].key() << ": max difference " << (ga - gb).abs().max().item<double>();
  }
}

// A seeded model in training mode and an exact copy of it: `whole` takes single-model steps,
// `split` goes into the ReplicaSet under test.
struct TwinModels {
  TokenClassifier whole{nullptr}, split{nullptr};
};
TwinModels twin_models(const ModelConfig& config, uint64_t seed) {
  torch::manual_seed(seed);
  TwinModels m;
  m.whole = TokenClassifier(config);
  m.whole->train();
  m.split = copy_of(m.whole);
  return m;
}

// One step of `set` (built on m.split) gives the loss and every gradient of a single-model step
// of m.whole on the whole batch.
void expect_split_step_matches(TwinModels& m, ReplicaSet& set, const Batch& batch, const StepLosses& losses) {
  const double whole = single_step(m.whole, batch, losses);
  EXPECT_NEAR(set.forward_backward(batch, losses, 7), whole, 1e-5 * std::abs(whole));
  expect_same_gradients(m.whole, m.split);
}

class DataParallelTest : public ::testing::Test {
 protected:
  void SetUp() override { configure_threads(1); }
};

TEST_F(DataParallelTest, SplitStepGivesTheWholeBatchsLossAndGradient) {
  for (LossReduction reduction : {LossReduction::kMean, LossReduction::kWeightedMean, LossReduction::kSum}) {
    for (int replicas : {2, 3, 5}) {
      SCOPED_TRACE("replicas " + std::to_string(replicas));
      TwinModels m = twin_models(test_config(0.0), 1);
      MaskedSparseCategoricalCrossEntropy pii(kIgnoreLabel, class_weights(), kNumLabels, reduction);
      ReplicaSet set(m.split, replicas);
      expect_split_step_matches(m, set, test_batch(), StepLosses{&pii, 1.0, nullptr, 0.0});
    }
  }
}

TEST_F(DataParallelTest, CoreferenceLossIsSplitTheSameWay) {
  TwinModels m = twin_models(test_config(0.0, 3), 2);
  MaskedSparseCategoricalCrossEntropy pii(kIgnoreLabel, class_weights(), kNumLabels, LossReduction::kMean);
  MaskedSparseCategoricalCrossEntropy coref(kIgnoreLabel, {}, 3, LossReduction::kMean);
  ReplicaSet set(m.split, 2);
  expect_split_step_matches(m, set, test_batch(3), StepLosses{&pii, 1.0, &coref, 0.5});
}

TEST_F(DataParallelTest, MoreReplicasThanRows) {
  TwinModels m = twin_models(test_config(0.0), 3);
  MaskedSparseCategoricalCrossEntropy pii(kIgnoreLabel, class_weights(), kNumLabels, LossReduction::kMean);
  ReplicaSet set(m.split, 4);
  expect_split_step_matches(m, set, slice_batch(test_batch(), 2, 3) /* one row */,
                            StepLosses{&pii, 1.0, nullptr, 0.0});
}

TEST_F(DataParallelTest, SyncCopiesTheUpdatedMasterIntoTheReplicas) {
  TwinModels m = twin_models(test_config(0.0), 4);
  ReplicaSet set(m.split, 2);
  // An update of the master (what optimizer.step() does), then sync: the replica's part of the
  // next step must see the new weights, so the step matches a single model with them.
  {
    torch::NoGradGuard g;
    for (auto& p : m.whole->parameters()) p.mul_(0.9).add_(0.01);
    for (auto& p : m.split->parameters()) p.mul_(0.9).add_(0.01);
  }
  set.sync();
  MaskedSparseCategoricalCrossEntropy pii(kIgnoreLabel, class_weights(), kNumLabels, LossReduction::kMean);
  expect_split_step_matches(m, set, test_batch(), StepLosses{&pii, 1.0, nullptr, 0.0});
}

TEST_F(DataParallelTest, DropoutMasksDependOnTheSeedOnly) {
  MaskedSparseCategoricalCrossEntropy pii(kIgnoreLabel, class_weights(), kNumLabels, LossReduction::kMean);
  const StepLosses losses{&pii, 1.0, nullptr, 0.0};
  const Batch batch = test_batch();
  torch::manual_seed(5);
  TokenClassifier base(test_config(0.3));
  auto run = [&](uint64_t seed) {
    TokenClassifier m = copy_of(base);
    ReplicaSet set(m, 2);
    torch::manual_seed(999 + seed * 7);  // the default generator must not matter
    const double loss = set.forward_backward(batch, losses, seed);
    std::vector<torch::Tensor> grads;
    for (const auto& p : m->parameters()) grads.push_back(p.grad().clone());
    return std::make_pair(loss, grads);
  };
  const auto [l1, g1] = run(11);
  const auto [l2, g2] = run(11);
  const auto [l3, g3] = run(12);
  EXPECT_EQ(l1, l2);
  for (std::size_t i = 0; i < g1.size(); ++i) EXPECT_TRUE(torch::equal(g1[i], g2[i]));
  EXPECT_NE(l1, l3);
}

TEST_F(DataParallelTest, AnErrorOnAReplicaThreadIsRethrown) {
  torch::manual_seed(6);
  TokenClassifier m(test_config(0.0));
  m->train();
  MaskedSparseCategoricalCrossEntropy pii(kIgnoreLabel, class_weights(), kNumLabels, LossReduction::kMean);
  const StepLosses losses{&pii, 1.0, nullptr, 0.0};
  Batch batch = test_batch();
  batch.labels.index_put_({4, 3}, kNumLabels + 7);  // a bad label in the last row: replica 1's part
  ReplicaSet set(m, 2);
  EXPECT_THROW(set.forward_backward(batch, losses, 1), std::exception);
}

TEST(SliceBatchTest, TakesRowsAndDropsUnneededPaddingColumns) {
  const Batch b = test_batch(3);
  const Batch part = slice_batch(b, 3, 5);  // lengths 2 and 7
  EXPECT_EQ(part.ids.sizes(), (std::vector<int64_t>{2, 7}));
  EXPECT_EQ(part.labels.sizes(), (std::vector<int64_t>{2, 7}));
  EXPECT_EQ(part.coref.sizes(), (std::vector<int64_t>{2, 7}));
  EXPECT_FALSE(part.chars.defined());
  EXPECT_EQ(part.num_tokens, 9);
  EXPECT_TRUE(torch::equal(part.ids, b.ids.narrow(0, 3, 2).narrow(1, 0, 7)));
  EXPECT_TRUE(torch::equal(part.mask, b.mask.narrow(0, 3, 2).narrow(1, 0, 7)));
}

TEST(ResolveReplicasTest, AutoIsOnePerThreadOnCpu) {
  EXPECT_EQ(resolve_replicas(0, 2, torch::Device(torch::kCPU)), 2);
  EXPECT_EQ(resolve_replicas(0, 1, torch::Device(torch::kCPU)), 1);
  EXPECT_EQ(resolve_replicas(3, 2, torch::Device(torch::kCPU)), 3);
  EXPECT_EQ(resolve_replicas(1, 8, torch::Device(torch::kCPU)), 1);
  // Other devices: auto is 1, and asking for more is a clear error (checked without a GPU:
  // only the device type matters).
  EXPECT_EQ(resolve_replicas(0, 2, torch::Device(torch::kCUDA)), 1);
  EXPECT_EQ(resolve_replicas(1, 2, torch::Device(torch::kCUDA)), 1);
  try {
    resolve_replicas(2, 2, torch::Device(torch::kCUDA));
    ADD_FAILURE() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("training.replicas"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace piikit
