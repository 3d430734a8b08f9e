// The token-classification model: token + learned position embeddings (plus optional char-CNN
// features) -> N pre-norm transformer encoder layers (LayerNorm -> multi-head attention ->
// residual; LayerNorm -> FFN(GELU) -> residual) -> final LayerNorm -> PII head (53 BIO labels)
// and, when the training data has coreference clusters, a coreference head.
//
// Sizes come from ModelConfig (include/piikit/model_config.h: presets tiny/small/base).
// docs/model.md describes the architecture and the measured speed of each preset.
#pragma once

#include <torch/torch.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "piikit/model_config.h"
#include "piikit/tokenizer.h"

namespace piikit {

struct ModelOutput {
  torch::Tensor pii_logits;    // (B, T, 53) float
  torch::Tensor coref_logits;  // (B, T, coref_clusters) or undefined when there is no coref head
};

class EncoderLayerImpl;  // model.cc: one pre-norm transformer layer
class CharCnnImpl;       // model.cc: char embedding -> Conv1d -> max-pool -> Linear(d_model)

class TokenClassifierImpl : public torch::nn::Module {
 public:
  // Throws ConfigError for an invalid config (see validate_model_config).
  explicit TokenClassifierImpl(const ModelConfig& config);

  // ids: (B, T) int64 token ids, T <= max_length; attention_mask: (B, T) bool, true on real
  // tokens, false on padding (padded keys get no attention; padded outputs are garbage and must be
  // masked by the loss). char_ids: (B, T, kCharsPerToken) int64 from char_ids_for(); required
  // when config().char_cnn, ignored (may be undefined) otherwise.
  ModelOutput forward(const torch::Tensor& ids, const torch::Tensor& attention_mask,
                      const torch::Tensor& char_ids = {});

  const ModelConfig& config() const { return config_; }
  int64_t num_parameters() const;

 private:
  ModelConfig config_;
  torch::nn::Embedding token_embedding_{nullptr};
  torch::Tensor position_embedding_;       // (max_length, d_model) parameter
  std::shared_ptr<CharCnnImpl> char_cnn_;  // null unless config.char_cnn
  std::vector<std::shared_ptr<EncoderLayerImpl>> layers_;
  torch::nn::LayerNorm final_norm_{nullptr};
  torch::nn::Linear pii_head_{nullptr};
  torch::nn::Linear coref_head_{nullptr};  // null when coref_clusters == 0
};
TORCH_MODULE(TokenClassifier);

// Char-CNN input for one encoded text: encoding.size() * kCharsPerToken ids, row-major
// (token, char). Row i holds the first kCharsPerToken code points of text[offsets[i]] mapped to
// the char alphabet (see kCharVocabSize), 0-padded; special tokens (offset -1) are all 0.
// Precondition: `text` is the valid UTF-8 string that `encoding` was made from.
std::vector<int64_t> char_ids_for(const Encoding& encoding, std::string_view text);

// Human-readable parameter count: "1.53M parameters (embeddings 1.09M)".
std::string describe_parameters(const TokenClassifier& model);

// Everything a model directory holds that inference needs: the directory alone is enough.
struct LoadedModel {
  ModelConfig config;
  TokenClassifier model{nullptr};
  Tokenizer tokenizer;
  std::string dir;
};

// Loads <dir>/model.pt, <dir>/model.toml (ModelConfig) and <dir>/tokenizer/. The model is put in
// eval mode on `device`. Throws std::runtime_error naming the file on any problem (missing, wrong
// magic/version, missing tensor, shape mismatch).
LoadedModel load_model_dir(const std::string& dir, torch::Device device = torch::kCPU);

// Builds a model from <dir>/model.toml and loads <dir>/model.pt into it (no tokenizer), on CPU in
// training mode: what the trainer's --resume needs. Same errors as load_model_dir.
TokenClassifier load_model_weights(const std::string& dir);

// Writes <dir>/model.pt (named tensors + format magic/version) and <dir>/model.toml, each
// atomically (temporary file in `dir`, then rename). `dir` must exist. The tokenizer is saved
// separately (Tokenizer::save).
void save_model(const TokenClassifier& model, const std::string& dir);

}  // namespace piikit
