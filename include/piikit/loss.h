// Masked sparse categorical cross-entropy with per-class weights.
//
// loss_i = CE(logits_i, label_i) * weight[label_i] (times (1-p)^gamma with focal gamma > 0);
// positions whose label equals pad_label are masked out.
//   kMean          sum_i loss_i / (number of valid tokens)   (the established behaviour)
//   kWeightedMean  sum_i loss_i / sum_i weight[label_i]      (PyTorch's convention)
//   kSum           sum_i loss_i
//   kNone          per-position losses, shape of labels, 0 at masked positions
#pragma once

#include <torch/torch.h>

#include <optional>
#include <string>
#include <vector>

namespace piikit {

enum class LossReduction { kMean, kWeightedMean, kSum, kNone };
LossReduction parse_loss_reduction(const std::string& name);  // throws ConfigError

class MaskedSparseCategoricalCrossEntropy {
 public:
  // class_weights: num_classes entries, or empty for unweighted.
  MaskedSparseCategoricalCrossEntropy(int64_t pad_label, std::vector<double> class_weights,
                                      int64_t num_classes, LossReduction reduction,
                                      double focal_gamma = 0.0);
  // logits: (..., C) float; labels: (...) int64 with values in [0, C) or pad_label.
  torch::Tensor operator()(const torch::Tensor& logits, const torch::Tensor& labels) const;

  // For a batch split into parts (data-parallel training, src/data_parallel.cc): the number the
  // reduction divides by, computed on the whole batch's labels (valid tokens for kMean, their
  // summed weights for kWeightedMean, 1 for kSum), and the loss of one part divided by it. The
  // parts' losses then add up to the whole batch's loss. Both throw std::logic_error for kNone.
  torch::Tensor denominator(const torch::Tensor& labels) const;
  torch::Tensor operator()(const torch::Tensor& logits, const torch::Tensor& labels,
                           const torch::Tensor& denominator) const;
  void to(torch::Device device);

 private:
  int64_t pad_label_;
  int64_t num_classes_;
  LossReduction reduction_;
  double focal_gamma_;
  torch::Tensor weights_;  // (C) float, undefined when unweighted

  // sum_i loss_i over valid positions (a scalar); per-position losses for kNone.
  torch::Tensor weighted_sum(const torch::Tensor& logits, const torch::Tensor& labels) const;
};

}  // namespace piikit
