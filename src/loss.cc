// Masked, class-weighted sparse cross-entropy (see include/piikit/loss.h for the reductions).
//
// Two paths give the same numbers: without focal loss and with a scalar reduction, the sum of
// weighted per-token losses comes from one fused at::nll_loss call (what a training step runs);
// otherwise per-token losses are built explicitly (focal factor, "none").
#include "piikit/loss.h"

#include <fmt/format.h>

#include <limits>
#include <stdexcept>

#include "piikit/error.h"

namespace piikit {

LossReduction parse_loss_reduction(const std::string& name) {
  if (name == "mean") return LossReduction::kMean;
  if (name == "weighted_mean") return LossReduction::kWeightedMean;
  if (name == "sum") return LossReduction::kSum;
  if (name == "none") return LossReduction::kNone;
  throw ConfigError(fmt::format(
      "training.loss_reduction: expected mean | weighted_mean | sum | none, got \"{}\"", name));
}

MaskedSparseCategoricalCrossEntropy::MaskedSparseCategoricalCrossEntropy(
    int64_t pad_label, std::vector<double> class_weights, int64_t num_classes,
    LossReduction reduction, double focal_gamma)
    : pad_label_(pad_label),
      num_classes_(num_classes),
      reduction_(reduction),
      focal_gamma_(focal_gamma) {
  TORCH_CHECK(num_classes > 0, "num_classes must be > 0, got ", num_classes);
  TORCH_CHECK(pad_label < 0 || pad_label >= num_classes, "pad_label ", pad_label,
              " collides with a class id in [0, ", num_classes, ")");
  TORCH_CHECK(focal_gamma >= 0.0, "focal gamma must be >= 0, got ", focal_gamma);
  if (!class_weights.empty()) {
    TORCH_CHECK(static_cast<int64_t>(class_weights.size()) == num_classes, "got ",
                class_weights.size(), " class weights for ", num_classes, " classes");
    weights_ = torch::tensor(class_weights, torch::kDouble).to(torch::kFloat);
  }
}

void MaskedSparseCategoricalCrossEntropy::to(torch::Device device) {
  if (weights_.defined()) weights_ = weights_.to(device);
}

torch::Tensor MaskedSparseCategoricalCrossEntropy::weighted_sum(const torch::Tensor& logits,
                                                                const torch::Tensor& labels) const {
  // logits: (..., C) float; labels: (...) int64, values in [0, C) or pad_label.
  TORCH_CHECK(logits.dim() >= 1 && logits.size(-1) == num_classes_, "logits ", logits.sizes(),
              " must end in num_classes = ", num_classes_);
  TORCH_CHECK(logits.sizes().slice(0, logits.dim() - 1) == labels.sizes(), "logits ",
              logits.sizes(), " vs labels ", labels.sizes());
  const torch::Tensor flat_logits = logits.reshape({-1, num_classes_});     // (N, C)
  const torch::Tensor flat_labels = labels.reshape({-1}).to(torch::kLong);  // (N)
  const torch::Tensor weights = weights_.defined() ? weights_.to(logits.device()) : weights_;

  torch::Tensor log_probs = torch::log_softmax(flat_logits, /*dim=*/1);  // (N, C)

  if (focal_gamma_ == 0.0 && reduction_ != LossReduction::kNone) {
    // sum_i weight[label_i] * -log p_i over valid i, fused; nll_loss rejects labels outside
    // [0, C) other than pad_label.
    return at::nll_loss(log_probs, flat_labels, weights, at::Reduction::Sum, pad_label_);
  }

  // Explicit per-token path.
  const torch::Tensor valid = flat_labels != pad_label_;                 // (N) bool
  const torch::Tensor safe_labels = flat_labels.masked_fill(~valid, 0);  // (N), pads -> class 0
  if (safe_labels.numel() > 0) {
    TORCH_CHECK(
        safe_labels.min().item<int64_t>() >= 0 && safe_labels.max().item<int64_t>() < num_classes_,
        "labels must be in [0, ", num_classes_, ") or ", pad_label_);
  }
  torch::Tensor nll = -log_probs.gather(1, safe_labels.unsqueeze(1)).squeeze(1);  // (N)
  if (focal_gamma_ > 0.0) {
    // Focal loss (Lin et al. 2017): scale by (1 - p)^gamma, p the probability of the true class.
    nll = nll * (1.0 - torch::exp(-nll)).clamp_min(0.0).pow(focal_gamma_);
  }
  torch::Tensor token_weights =
      weights.defined() ? weights.index({safe_labels}) : torch::ones_like(nll);  // (N)
  token_weights = token_weights.masked_fill(~valid, 0.0);
  // where(), not a product, so a non-finite loss at a padded position cannot leak in.
  torch::Tensor per_token = torch::where(valid, nll * token_weights, torch::zeros_like(nll));
  if (reduction_ == LossReduction::kNone) return per_token.view(labels.sizes());
  return per_token.sum();
}

torch::Tensor MaskedSparseCategoricalCrossEntropy::denominator(const torch::Tensor& labels) const {
  const torch::Tensor flat_labels = labels.reshape({-1}).to(torch::kLong);
  const torch::Tensor valid = flat_labels != pad_label_;
  const auto dtype = torch::TensorOptions().dtype(torch::kFloat).device(labels.device());
  switch (reduction_) {
    case LossReduction::kSum:
      return torch::ones({}, dtype);
    case LossReduction::kMean:
      // The number of valid tokens, at least 1: an all-padding batch gives a loss of 0.
      return valid.sum().clamp_min(1).to(torch::kFloat);
    case LossReduction::kWeightedMean: {
      const torch::Tensor w = weights_.defined()
                                  ? weights_.to(labels.device()).index({flat_labels.masked_select(valid)}).sum()
                                  : valid.sum().to(torch::kFloat);
      return w.to(torch::kFloat).clamp_min(std::numeric_limits<float>::min());
    }
    case LossReduction::kNone:
      break;
  }
  throw std::logic_error("MaskedSparseCategoricalCrossEntropy: reduction none has no denominator");
}

torch::Tensor MaskedSparseCategoricalCrossEntropy::operator()(const torch::Tensor& logits,
                                                              const torch::Tensor& labels) const {
  if (reduction_ == LossReduction::kNone) return weighted_sum(logits, labels);
  const torch::Tensor total = weighted_sum(logits, labels);
  return total / denominator(labels).to(total.dtype());
}

torch::Tensor MaskedSparseCategoricalCrossEntropy::operator()(const torch::Tensor& logits,
                                                              const torch::Tensor& labels,
                                                              const torch::Tensor& denominator) const {
  if (reduction_ == LossReduction::kNone) {
    throw std::logic_error("MaskedSparseCategoricalCrossEntropy: reduction none has no denominator");
  }
  const torch::Tensor total = weighted_sum(logits, labels);
  return total / denominator.to(total.dtype());
}

}  // namespace piikit
