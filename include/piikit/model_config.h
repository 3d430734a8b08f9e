// Model hyper-parameters and the size presets. Torch-free, so the configuration code (piikit_data)
// can read and write them without libtorch; include/piikit/model.h builds the network from them.
#pragma once

#include <string>
#include <vector>

namespace piikit {

// Characters per token seen by the optional char-CNN: the first kCharsPerToken code points of the
// token's text span (shorter tokens are padded with id 0).
inline constexpr int kCharsPerToken = 16;
// Char-CNN input alphabet: 0 = padding, 1 = any code point outside printable ASCII,
// 2 + (c - 0x20) for printable ASCII c in [0x20, 0x7e]; 97 ids in all.
inline constexpr int kCharVocabSize = 2 + 95;

struct ModelConfig {
  std::string preset = "tiny";     // tiny (default) | small | base; explicit fields override
  int vocab_size = 4000;           // set from the tokenizer
  int d_model = 128;               // embedding and hidden width
  int num_layers = 2;              // encoder layers
  int num_heads = 4;               // attention heads; d_model % num_heads == 0
  int ffn_dim = 512;               // feed-forward inner width
  double dropout = 0.1;            // on embeddings, attention output, FFN and residual branches
  double attention_dropout = 0.0;  // on the attention probabilities (0 = off, the cheaper default)
  int max_length = 512;            // maximum sequence length in tokens (position embeddings)
  bool char_cnn = false;           // character-level CNN features per token (see kCharsPerToken)
  int char_dim = 32;               // char-CNN: character embedding width
  int char_filters = 64;           // char-CNN: convolution output channels (projected to d_model)
  int coref_clusters = 0;          // 0 = no coreference head; else number of CLUSTER_k labels + 1
};

// Names accepted by apply_model_preset, smallest first.
const std::vector<std::string>& model_preset_names();

// Sets preset, d_model, num_layers, num_heads and ffn_dim of `config` to the named preset:
//   tiny  d=128 L=2 heads=4 ffn=512   (default: trains in about 10 minutes on 2 CPU cores)
//   small d=256 L=4 heads=4 ffn=1024
//   base  d=512 L=6 heads=8 ffn=2048
// Throws ConfigError listing the valid names for an unknown preset.
void apply_model_preset(ModelConfig& config, const std::string& name);

// Checks ranges (positive sizes, d_model % num_heads == 0, dropout in [0, 1), ...). Throws
// ConfigError naming the field ("model.d_model") and the value.
void validate_model_config(const ModelConfig& config);

}  // namespace piikit
