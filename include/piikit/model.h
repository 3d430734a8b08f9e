// The token-classification model: embeddings -> pre-norm transformer encoder -> PII head
// (53 BIO labels) and, when training data has coreference clusters, a coreference head.
#pragma once

#include <torch/torch.h>

#include <string>

#include "piikit/tokenizer.h"

namespace piikit {

struct ModelConfig {
  std::string preset = "tiny";  // tiny (default) | small | base; explicit fields override
  int vocab_size = 8000;        // set from the tokenizer
  int d_model = 128;
  int num_layers = 2;
  int num_heads = 4;
  int ffn_dim = 512;
  double dropout = 0.1;
  int max_length = 512;         // maximum sequence length (position embeddings)
  bool char_cnn = false;        // character-level CNN features per token
  int coref_clusters = 0;       // 0 = no coreference head; else number of CLUSTER_k labels + 1
};

struct ModelOutput {
  torch::Tensor pii_logits;    // (B, T, 53)
  torch::Tensor coref_logits;  // (B, T, coref_clusters) or undefined when there is no coref head
};

class TokenClassifierImpl : public torch::nn::Module {
 public:
  explicit TokenClassifierImpl(const ModelConfig& config);
  // ids: (B, T) int64; attention_mask: (B, T) bool, true on real tokens (false on padding).
  ModelOutput forward(const torch::Tensor& ids, const torch::Tensor& attention_mask);
  const ModelConfig& config() const { return config_; }
  int64_t num_parameters() const;

 private:
  ModelConfig config_;
  // submodules are registered in the constructor (see model.cc)
  struct Layers;
  std::shared_ptr<Layers> layers_;
};
TORCH_MODULE(TokenClassifier);

// Everything a model directory holds that inference needs: the directory alone is enough.
struct LoadedModel {
  ModelConfig config;
  TokenClassifier model{nullptr};
  Tokenizer tokenizer;
  std::string dir;
};

// Loads <dir>/model.pt, <dir>/model.toml (ModelConfig) and <dir>/tokenizer/. The model is put in
// eval mode on `device`. Throws std::runtime_error naming the file on any problem (missing, wrong
// magic/version, shape mismatch).
LoadedModel load_model_dir(const std::string& dir, torch::Device device = torch::kCPU);

// Writes model weights and model.toml into `dir` atomically (the tokenizer is saved separately).
void save_model(const TokenClassifier& model, const std::string& dir);

}  // namespace piikit
