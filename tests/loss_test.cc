// MaskedSparseCategoricalCrossEntropy against hand computations.
//
// The expected numbers were computed independently in float64 with Debian's python3-torch
// (F.cross_entropy with weight= and ignore_index=-100, and an explicit focal formula) on the
// same tensors; the script is in the comment of each constant block.
#include "piikit/loss.h"

#include <gtest/gtest.h>

#include "piikit/error.h"

namespace piikit {
namespace {

// logits (2, 3, 4): 4 classes; labels (2, 3) with two padded (-100) positions.
torch::Tensor test_logits() {
  return torch::tensor({1.0,  2.0, 0.5, -1.0, 0.0, 0.0, 0.0,  0.0, 3.0, -2.0, 1.0, 0.5,  //
                        -1.0, 0.5, 2.5, 1.0,  2.0, 1.0, -0.5, 0.0, 0.3, 0.2,  0.1, 0.0},
                       torch::kFloat)
      .view({2, 3, 4});
}
torch::Tensor test_labels() {
  return torch::tensor({1, -100, 0, 2, 3, -100}, torch::kLong).view({2, 3});
}
const std::vector<double> kWeights = {0.5, 2.0, 1.0, 3.0};

// F.cross_entropy(flat, lab, weight=w, reduction='none', ignore_index=-100)
const std::vector<double> kWeightedNone = {
    0.9903637961717121, 0.0, 0.10112672383967578, 0.32834128902572496, 7.382320467470553, 0.0};
constexpr double kWeightedSum = 8.802152276507664;
constexpr double kWeightedMeanByCount = 2.200538069126916;    // sum / 4 valid tokens
constexpr double kWeightedMeanByWeight = 1.3541772733088717;  // PyTorch's weighted mean
constexpr double kUnweightedMean = 0.871637530986946;
// -(1-p)^2 log p * w[label], gamma = 2
const std::vector<double> kFocalNone = {
    0.1510517343340118, 0.0, 0.0033907845699602144, 0.02572041009860622, 6.175680637085113, 0.0};
constexpr double kFocalSum = 6.355843566087692;
constexpr double kFocalMean = 1.588960891521923;
constexpr double kFocalWeightedMean = 0.9778220870904142;

constexpr double kTol = 1e-5;

double scalar(const torch::Tensor& t) { return t.item<double>(); }

void expect_values(const torch::Tensor& got, const std::vector<double>& want) {
  ASSERT_EQ(got.numel(), static_cast<int64_t>(want.size()));
  torch::Tensor flat = got.reshape({-1}).to(torch::kDouble);
  for (std::size_t i = 0; i < want.size(); ++i) {
    EXPECT_NEAR(flat[i].item<double>(), want[i], kTol) << "index " << i;
  }
}

MaskedSparseCategoricalCrossEntropy make(LossReduction r, std::vector<double> w = kWeights,
                                         double gamma = 0.0) {
  return MaskedSparseCategoricalCrossEntropy(-100, std::move(w), 4, r, gamma);
}

TEST(LossTest, NoneGivesWeightedPerTokenLossAndZeroOnPadding) {
  torch::Tensor got = make(LossReduction::kNone)(test_logits(), test_labels());
  EXPECT_EQ(got.sizes(), test_labels().sizes());
  expect_values(got, kWeightedNone);
}

TEST(LossTest, SumAddsWeightedLosses) {
  EXPECT_NEAR(scalar(make(LossReduction::kSum)(test_logits(), test_labels())), kWeightedSum, kTol);
}

TEST(LossTest, MeanDividesByValidTokenCount) {
  EXPECT_NEAR(scalar(make(LossReduction::kMean)(test_logits(), test_labels())),
              kWeightedMeanByCount, kTol);
}

TEST(LossTest, WeightedMeanDividesBySumOfWeights) {
  EXPECT_NEAR(scalar(make(LossReduction::kWeightedMean)(test_logits(), test_labels())),
              kWeightedMeanByWeight, kTol);
}

TEST(LossTest, WeightsAreAppliedByLabel) {
  // Doubling the weight of label 3 (used once) adds exactly that token's loss again.
  std::vector<double> w = kWeights;
  w[3] *= 2.0;
  double doubled = scalar(make(LossReduction::kSum, w)(test_logits(), test_labels()));
  EXPECT_NEAR(doubled - kWeightedSum, kWeightedNone[4], kTol);
  // Changing the weight of a label that appears only on padding changes nothing.
  torch::Tensor labels = test_labels().clone();
  labels.index_put_({1, 1}, 2);  // the label-3 token becomes label 2
  std::vector<double> w3 = kWeights;
  w3[3] = 100.0;
  EXPECT_NEAR(scalar(make(LossReduction::kSum, w3)(test_logits(), labels)),
              scalar(make(LossReduction::kSum)(test_logits(), labels)), kTol);
}

TEST(LossTest, UnweightedMeanMatchesPlainCrossEntropy) {
  // The coreference loss: same masked CE, no class weights.
  EXPECT_NEAR(scalar(make(LossReduction::kMean, {})(test_logits(), test_labels())), kUnweightedMean,
              kTol);
  EXPECT_NEAR(scalar(make(LossReduction::kWeightedMean, {})(test_logits(), test_labels())),
              kUnweightedMean, kTol);
}

TEST(LossTest, FocalLossOnTopOfWeights) {
  expect_values(make(LossReduction::kNone, kWeights, 2.0)(test_logits(), test_labels()),
                kFocalNone);
  EXPECT_NEAR(scalar(make(LossReduction::kSum, kWeights, 2.0)(test_logits(), test_labels())),
              kFocalSum, kTol);
  EXPECT_NEAR(scalar(make(LossReduction::kMean, kWeights, 2.0)(test_logits(), test_labels())),
              kFocalMean, kTol);
  EXPECT_NEAR(
      scalar(make(LossReduction::kWeightedMean, kWeights, 2.0)(test_logits(), test_labels())),
      kFocalWeightedMean, kTol);
}

TEST(LossTest, PaddedPositionsGetNoGradient) {
  torch::Tensor logits = test_logits().requires_grad_(true);
  make(LossReduction::kMean)(logits, test_labels()).backward();
  torch::Tensor g = logits.grad();
  EXPECT_EQ(g.index({0, 1}).abs().sum().item<double>(), 0.0);
  EXPECT_EQ(g.index({1, 2}).abs().sum().item<double>(), 0.0);
  EXPECT_GT(g.index({0, 0}).abs().sum().item<double>(), 0.0);
  // Softmax gradient rows sum to zero: (p - onehot) * w / n.
  EXPECT_NEAR(g.index({0, 0}).sum().item<double>(), 0.0, 1e-6);
}

TEST(LossTest, AllPaddingGivesZeroNotNan) {
  torch::Tensor labels = torch::full({2, 3}, -100, torch::kLong);
  for (auto r : {LossReduction::kMean, LossReduction::kWeightedMean, LossReduction::kSum}) {
    for (double gamma : {0.0, 2.0}) {
      EXPECT_EQ(scalar(make(r, kWeights, gamma)(test_logits(), labels)), 0.0)
          << "reduction " << static_cast<int>(r) << " gamma " << gamma;
    }
  }
}

TEST(LossTest, LabelsOutOfRangeAreRejected) {
  torch::Tensor labels = test_labels().clone();
  labels.index_put_({0, 0}, 7);
  EXPECT_THROW(make(LossReduction::kMean)(test_logits(), labels), c10::Error);
  EXPECT_THROW(make(LossReduction::kNone)(test_logits(), labels), c10::Error);
}

TEST(LossTest, ShapeMismatchAndBadWeightCountAreRejected) {
  EXPECT_THROW(make(LossReduction::kMean)(test_logits(), torch::zeros({2, 2}, torch::kLong)),
               c10::Error);
  EXPECT_THROW(MaskedSparseCategoricalCrossEntropy(-100, {1.0, 2.0}, 4, LossReduction::kMean),
               c10::Error);
}

TEST(LossTest, PartsDividedByTheWholeBatchsDenominatorAddUpToTheWholeLoss) {
  // Data-parallel steps split a batch by rows: row 0 and row 1 of the test batch.
  const torch::Tensor logits = test_logits(), labels = test_labels();
  const std::vector<std::pair<LossReduction, double>> cases = {
      {LossReduction::kSum, kWeightedSum}, {LossReduction::kMean, kWeightedMeanByCount},
      {LossReduction::kWeightedMean, kWeightedMeanByWeight}};
  for (const auto& [reduction, want] : cases) {
    for (double gamma : {0.0, 2.0}) {
      const auto loss = make(reduction, kWeights, gamma);
      const torch::Tensor d = loss.denominator(labels);
      const double parts = scalar(loss(logits.narrow(0, 0, 1), labels.narrow(0, 0, 1), d)) +
                           scalar(loss(logits.narrow(0, 1, 1), labels.narrow(0, 1, 1), d));
      EXPECT_NEAR(parts, scalar(loss(logits, labels)), kTol);
      if (gamma == 0.0) EXPECT_NEAR(parts, want, kTol);
    }
  }
  EXPECT_NEAR(scalar(make(LossReduction::kMean).denominator(labels)), 4.0, kTol);
  EXPECT_NEAR(scalar(make(LossReduction::kWeightedMean).denominator(labels)), 2.0 + 0.5 + 1.0 + 3.0, kTol);
  EXPECT_NEAR(scalar(make(LossReduction::kSum).denominator(labels)), 1.0, kTol);
  EXPECT_THROW(make(LossReduction::kNone).denominator(labels), std::logic_error);
}

TEST(LossTest, ParseReduction) {
  EXPECT_EQ(parse_loss_reduction("mean"), LossReduction::kMean);
  EXPECT_EQ(parse_loss_reduction("weighted_mean"), LossReduction::kWeightedMean);
  EXPECT_EQ(parse_loss_reduction("sum"), LossReduction::kSum);
  EXPECT_EQ(parse_loss_reduction("none"), LossReduction::kNone);
  try {
    parse_loss_reduction("average");
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("\"average\""), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace piikit
