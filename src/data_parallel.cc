#include "piikit/data_parallel.h"

#include <algorithm>
#include <exception>
#include <stdexcept>
#include <string>
#include <thread>

#include "piikit/dropout.h"
#include "piikit/error.h"

namespace piikit {

namespace {

void copy_parameters(const TokenClassifier& from, TokenClassifier& to) {
  torch::NoGradGuard no_grad;
  const auto src = from->parameters(), dst = to->parameters();
  for (std::size_t i = 0; i < src.size(); ++i) dst[i].copy_(src[i]);
  const auto src_buffers = from->buffers(), dst_buffers = to->buffers();
  for (std::size_t i = 0; i < src_buffers.size(); ++i) dst_buffers[i].copy_(src_buffers[i]);
}

}  // namespace

Batch slice_batch(const Batch& batch, int64_t begin, int64_t end) {
  Batch part;
  const int64_t rows = end - begin;
  part.mask = batch.mask.narrow(0, begin, rows);
  // Sequences are left-aligned: the part needs as many columns as its longest row.
  const torch::Tensor lengths = part.mask.sum(1);
  const int64_t width = std::max<int64_t>(1, lengths.numel() > 0 ? lengths.max().item<int64_t>() : 1);
  part.mask = part.mask.narrow(1, 0, width);
  part.ids = batch.ids.narrow(0, begin, rows).narrow(1, 0, width);
  part.labels = batch.labels.narrow(0, begin, rows).narrow(1, 0, width);
  if (batch.coref.defined()) part.coref = batch.coref.narrow(0, begin, rows).narrow(1, 0, width);
  if (batch.chars.defined()) part.chars = batch.chars.narrow(0, begin, rows).narrow(1, 0, width);
  part.num_tokens = lengths.sum().item<int64_t>();
  return part;
}

ReplicaSet::ReplicaSet(TokenClassifier master, int replicas) : master_(std::move(master)) {
  if (replicas < 1) throw std::invalid_argument("ReplicaSet: replicas must be >= 1");
  const torch::Device device = master_->parameters().front().device();
  for (int r = 1; r < replicas; ++r) {
    TokenClassifier copy(master_->config());
    copy->to(device);
    copy->train(master_->is_training());
    copy_parameters(master_, copy);
    copies_.push_back(std::move(copy));
  }
}

void ReplicaSet::sync() {
  for (TokenClassifier& copy : copies_) copy_parameters(master_, copy);
}

double ReplicaSet::forward_backward(const Batch& batch, const StepLosses& losses, uint64_t seed) {
  const bool with_coref = losses.coref != nullptr && batch.coref.defined();
  if (copies_.empty()) {
    const ModelOutput out = master_->forward(batch.ids, batch.mask, batch.chars);
    torch::Tensor loss = (*losses.pii)(out.pii_logits, batch.labels) * losses.pii_weight;
    if (with_coref) loss = loss + (*losses.coref)(out.coref_logits, batch.coref) * losses.coref_weight;
    loss.backward();
    return loss.item<double>();
  }

  // The whole batch's denominators, so that the parts' losses add up to its loss.
  const torch::Tensor pii_denominator = losses.pii->denominator(batch.labels);
  const torch::Tensor coref_denominator = with_coref ? losses.coref->denominator(batch.coref) : torch::Tensor();
  const int64_t rows = batch.ids.size(0);
  const int parts = static_cast<int>(std::min<int64_t>(size(), rows));
  std::vector<double> part_loss(static_cast<std::size_t>(parts), 0.0);
  std::vector<std::exception_ptr> errors(static_cast<std::size_t>(parts));

  for (TokenClassifier& copy : copies_) {
    for (torch::Tensor& p : copy->parameters()) {
      if (p.grad().defined()) p.mutable_grad().zero_();
    }
  }
  auto run = [&](int r) {
    try {
      DropoutSeedScope dropout_seed(seed, static_cast<uint64_t>(r));
      const Batch part = slice_batch(batch, rows * r / parts, rows * (r + 1) / parts);
      TokenClassifier& model = r == 0 ? master_ : copies_[static_cast<std::size_t>(r - 1)];
      const ModelOutput out = model->forward(part.ids, part.mask, part.chars);
      torch::Tensor loss = (*losses.pii)(out.pii_logits, part.labels, pii_denominator) * losses.pii_weight;
      if (with_coref) {
        loss = loss + (*losses.coref)(out.coref_logits, part.coref, coref_denominator) * losses.coref_weight;
      }
      loss.backward();
      part_loss[static_cast<std::size_t>(r)] = loss.item<double>();
    } catch (...) {
      errors[static_cast<std::size_t>(r)] = std::current_exception();
    }
  };
  std::vector<std::thread> threads;
  for (int r = 1; r < parts; ++r) threads.emplace_back(run, r);
  run(0);
  for (std::thread& t : threads) t.join();
  for (const std::exception_ptr& e : errors) {
    if (e) std::rethrow_exception(e);
  }

  // Sum the replicas' gradients into the master's.
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> master_params = master_->parameters();
  for (int r = 1; r < parts; ++r) {
    const std::vector<torch::Tensor> params = copies_[static_cast<std::size_t>(r - 1)]->parameters();
    for (std::size_t i = 0; i < params.size(); ++i) {
      const torch::Tensor& g = params[i].grad();
      if (!g.defined()) continue;
      torch::Tensor& mg = master_params[i].mutable_grad();
      if (mg.defined()) mg.add_(g);
      else mg = g.clone();
    }
  }
  double total = 0;
  for (double l : part_loss) total += l;
  return total;
}

int resolve_replicas(int configured, int threads, const torch::Device& device) {
  if (configured > 1 && !device.is_cpu()) {
    throw ConfigError("training.replicas: " + std::to_string(configured) +
                      " replicas need device cpu (data-parallel steps are CPU threads); use 0 or 1 with " +
                      device.str());
  }
  if (configured > 0) return configured;
  return device.is_cpu() ? std::max(1, threads) : 1;
}

}  // namespace piikit
