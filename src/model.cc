// TokenClassifier: embeddings -> pre-norm transformer encoder -> PII / coreference heads, and the
// model directory format (model.pt + model.toml).
//
// The encoder layer is written out rather than taken from torch::nn::TransformerEncoderLayer so
// that the training step does less work (docs/model.md has the measurements): one fused QKV
// projection, baddbmm with the padding bias folded in (plain bmm when a batch has no padding),
// no dropout on attention probabilities by default, and piikit's cheaper dropout.
#include "piikit/model.h"

#include <fmt/format.h>

#include <cmath>
#include <filesystem>

#include "piikit/config.h"
#include "piikit/dropout.h"
#include "piikit/error.h"
#include "piikit/file_util.h"
#include "piikit/torch_runtime.h"
#include "piikit/utf8.h"

namespace piikit {
namespace {

// Applies `layer` to x (..., in): through oneDNN's fp32 GEMM when that backend is selected
// (torch_runtime.h; autograd has mkldnn_linear's own backward), else torch::nn::Linear. Small
// inputs (fewer than kMinOneDnnRows rows, e.g. one short text at inference) stay on the BLAS
// path, where the layout conversions would cost more than the GEMM saves.
constexpr int64_t kMinOneDnnRows = 128;

torch::Tensor linear(torch::nn::Linear& layer, const torch::Tensor& x) {
  const int64_t in = x.size(-1);
  const int64_t rows = in == 0 ? 0 : x.numel() / in;
  if (gemm_backend() != GemmBackend::kOneDnn || !x.device().is_cpu() ||
      x.scalar_type() != torch::kFloat || rows < kMinOneDnnRows) {
    return layer->forward(x);
  }
  std::vector<int64_t> shape = x.sizes().vec();
  shape.back() = layer->weight.size(0);
  const torch::Tensor flat = x.reshape({rows, in}).contiguous();
  return torch::mkldnn_linear(flat.to_mkldnn(), layer->weight, layer->bias).to_dense().view(shape);
}

}  // namespace

// One pre-norm encoder layer: x + Drop(Attn(LN1(x))), then x + Drop(FFN(LN2(x))), with
// FFN(h) = W2 Drop(GELU(W1 h)). Same computation as torch.nn.TransformerEncoderLayer(
// norm_first=True, activation="gelu") except attention-probability dropout, which is
// config.attention_dropout.
class EncoderLayerImpl : public torch::nn::Module {
 public:
  explicit EncoderLayerImpl(const ModelConfig& c)
      : num_heads_(c.num_heads), dropout_(c.dropout), attention_dropout_(c.attention_dropout) {
    const int64_t d = c.d_model;
    norm1_ = register_module("norm1", torch::nn::LayerNorm(torch::nn::LayerNormOptions({d})));
    qkv_ = register_module("qkv", torch::nn::Linear(d, 3 * d));
    out_ = register_module("out", torch::nn::Linear(d, d));
    norm2_ = register_module("norm2", torch::nn::LayerNorm(torch::nn::LayerNormOptions({d})));
    ffn1_ = register_module("ffn1", torch::nn::Linear(d, c.ffn_dim));
    ffn2_ = register_module("ffn2", torch::nn::Linear(c.ffn_dim, d));
  }

  // x: (B, T, D). key_bias: (B*H, 1, T) float, 0 on real keys and a large negative value on
  // padded keys, or undefined when no key is padded. Returns (B, T, D).
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& key_bias) {
    const int64_t B = x.size(0), T = x.size(1), D = x.size(2);
    const int64_t H = num_heads_, Dh = D / H;
    const bool train = is_training();

    // (B, T, 3D) -> (3, B, H, T, Dh): q, k, v as (B*H, T, Dh).
    torch::Tensor qkv = linear(qkv_, norm1_->forward(x)).view({B, T, 3, H, Dh});
    qkv = qkv.permute({2, 0, 3, 1, 4});
    torch::Tensor q = qkv[0].reshape({B * H, T, Dh});
    torch::Tensor k = qkv[1].reshape({B * H, T, Dh});
    torch::Tensor v = qkv[2].reshape({B * H, T, Dh});
    const double scale = 1.0 / std::sqrt(static_cast<double>(Dh));
    torch::Tensor scores = key_bias.defined()
                               ? torch::baddbmm(key_bias, q, k.transpose(1, 2), 1.0, scale)
                               : torch::bmm(q, k.transpose(1, 2)).mul_(scale);  // (B*H, T, T)
    torch::Tensor probs = torch::softmax(scores, -1);
    if (train && attention_dropout_ > 0) probs = fast_dropout(probs, attention_dropout_);
    torch::Tensor context = torch::bmm(probs, v)  // (B*H, T, Dh) -> (B, T, D)
                                .view({B, H, T, Dh})
                                .transpose(1, 2)
                                .reshape({B, T, D});
    torch::Tensor attn = linear(out_, context);
    torch::Tensor y = x + (train ? fast_dropout(attn, dropout_) : attn);

    torch::Tensor h = torch::gelu(linear(ffn1_, norm2_->forward(y)));  // (B, T, F)
    if (train) h = fast_dropout(h, dropout_);
    h = linear(ffn2_, h);
    return y + (train ? fast_dropout(h, dropout_) : h);
  }

 private:
  int64_t num_heads_;
  double dropout_;
  double attention_dropout_;
  torch::nn::LayerNorm norm1_{nullptr}, norm2_{nullptr};
  torch::nn::Linear qkv_{nullptr}, out_{nullptr}, ffn1_{nullptr}, ffn2_{nullptr};
};

// Char-CNN: per token, the embeddings of its first kCharsPerToken characters -> Conv1d(k=3) ->
// GELU -> max over characters -> Linear(d_model). Gives every token a view of its spelling
// (digits, '@', '-', capitals), which subword ids of rare strings lack.
class CharCnnImpl : public torch::nn::Module {
 public:
  explicit CharCnnImpl(const ModelConfig& c) {
    embedding_ = register_module(
        "embedding", torch::nn::Embedding(
                         torch::nn::EmbeddingOptions(kCharVocabSize, c.char_dim).padding_idx(0)));
    conv_ = register_module(
        "conv",
        torch::nn::Conv1d(torch::nn::Conv1dOptions(c.char_dim, c.char_filters, 3).padding(1)));
    proj_ = register_module("proj", torch::nn::Linear(c.char_filters, c.d_model));
  }

  // char_ids: (B, T, C) int64. Returns (B, T, d_model).
  torch::Tensor forward(const torch::Tensor& char_ids) {
    const int64_t B = char_ids.size(0), T = char_ids.size(1), C = char_ids.size(2);
    torch::Tensor e = embedding_->forward(char_ids.reshape({B * T, C}));  // (B*T, C, E)
    torch::Tensor f = torch::gelu(conv_->forward(e.transpose(1, 2)));     // (B*T, F, C)
    torch::Tensor pooled = std::get<0>(f.max(2));                         // (B*T, F)
    return linear(proj_, pooled).view({B, T, -1});
  }

 private:
  torch::nn::Embedding embedding_{nullptr};
  torch::nn::Conv1d conv_{nullptr};
  torch::nn::Linear proj_{nullptr};
};

TokenClassifierImpl::TokenClassifierImpl(const ModelConfig& config) : config_(config) {
  validate_model_config(config_);
  const int64_t d = config_.d_model;
  token_embedding_ = register_module(
      "token_embedding",
      torch::nn::Embedding(torch::nn::EmbeddingOptions(config_.vocab_size, d).padding_idx(kPadId)));
  {
    torch::NoGradGuard no_grad;
    // Small embeddings: with pre-norm layers the residual stream starts near the scale of
    // the attention/FFN outputs. The pad row stays 0 (padding_idx).
    token_embedding_->weight.normal_(0.0, 0.02);
    token_embedding_->weight[kPadId].zero_();
  }
  position_embedding_ =
      register_parameter("position_embedding", torch::randn({config_.max_length, d}) * 0.02);
  if (config_.char_cnn) {
    char_cnn_ = register_module("char_cnn", std::make_shared<CharCnnImpl>(config_));
  }
  for (int i = 0; i < config_.num_layers; ++i) {
    layers_.push_back(
        register_module("layer" + std::to_string(i), std::make_shared<EncoderLayerImpl>(config_)));
  }
  final_norm_ =
      register_module("final_norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({d})));
  pii_head_ = register_module("pii_head", torch::nn::Linear(d, kNumLabels));
  if (config_.coref_clusters > 0) {
    coref_head_ = register_module("coref_head", torch::nn::Linear(d, config_.coref_clusters));
  }
}

ModelOutput TokenClassifierImpl::forward(const torch::Tensor& ids,
                                         const torch::Tensor& attention_mask,
                                         const torch::Tensor& char_ids) {
  TORCH_CHECK(ids.dim() == 2, "ids must be (B, T), got ", ids.sizes());
  TORCH_CHECK(attention_mask.sizes() == ids.sizes(), "attention_mask ", attention_mask.sizes(),
              " vs ids ", ids.sizes());
  const int64_t B = ids.size(0), T = ids.size(1), H = config_.num_heads;
  TORCH_CHECK(T <= config_.max_length, "sequence of ", T, " tokens exceeds model.max_length ",
              config_.max_length);

  torch::Tensor x = token_embedding_->forward(ids) + position_embedding_.slice(0, 0, T);
  if (char_cnn_) {
    TORCH_CHECK(
        char_ids.defined() && char_ids.dim() == 3 && char_ids.size(0) == B && char_ids.size(1) == T,
        "this model has a char-CNN: char_ids must be (B, T, ", kCharsPerToken, "), got ",
        char_ids.defined() ? char_ids.sizes() : torch::IntArrayRef{});
    x = x + char_cnn_->forward(char_ids);
  }
  if (is_training()) x = fast_dropout(x, config_.dropout);

  // Padding bias for attention scores, built once for all layers; skipped when nothing is padded.
  torch::Tensor key_bias;
  torch::Tensor mask = attention_mask.to(torch::kBool);
  if (!mask.all().item<bool>()) {
    key_bias = torch::zeros({B, 1, 1, T}, x.options())
                   .masked_fill_(mask.logical_not().view({B, 1, 1, T}), -1e9)
                   .expand({B, H, 1, T})
                   .reshape({B * H, 1, T});
  }
  for (const auto& layer : layers_) x = layer->forward(x, key_bias);
  x = final_norm_->forward(x);

  ModelOutput out;
  out.pii_logits = linear(pii_head_, x);
  if (coref_head_) out.coref_logits = linear(coref_head_, x);
  return out;
}

int64_t TokenClassifierImpl::num_parameters() const {
  int64_t n = 0;
  for (const auto& p : parameters()) n += p.numel();
  return n;
}

std::vector<int64_t> char_ids_for(const Encoding& encoding, std::string_view text) {
  std::vector<int64_t> out(encoding.size() * kCharsPerToken, 0);
  const std::u32string cps = utf8_decode(text);
  const auto n = static_cast<int64_t>(cps.size());
  for (std::size_t i = 0; i < encoding.size(); ++i) {
    auto [start, end] = encoding.offsets[i];
    if (start < 0 || end <= start) continue;  // special token or empty piece
    end = std::min({end, n, start + kCharsPerToken});
    for (int64_t p = start; p < end; ++p) {
      char32_t c = cps[p];
      out[i * kCharsPerToken + (p - start)] = (c >= 0x20 && c <= 0x7e) ? 2 + (c - 0x20) : 1;
    }
  }
  return out;
}

std::string describe_parameters(const TokenClassifier& model) {
  int64_t total = model->num_parameters();
  int64_t embed = 0;
  for (const auto& item : model->named_parameters()) {
    if (item.key().find("embedding") != std::string::npos) embed += item.value().numel();
  }
  auto m = [](int64_t n) { return fmt::format("{:.2f}M", static_cast<double>(n) / 1e6); };
  return fmt::format("{} parameters (embeddings {}, encoder and heads {})", m(total), m(embed),
                     m(total - embed));
}

// ---- Model directory -----------------------------------------------------------------------

namespace {

// model.pt holds every parameter and buffer by name, plus "piikit.format" = [magic, version].
constexpr int64_t kMagic = 0x706969'6b6974;  // "piikit"
constexpr int64_t kFormatVersion = 1;
constexpr const char* kFormatKey = "piikit.format";

std::string shape_str(torch::IntArrayRef s) { return fmt::format("[{}]", fmt::join(s, ", ")); }

}  // namespace

void save_model(const TokenClassifier& model, const std::string& dir) {
  namespace fs = std::filesystem;
  if (!fs::is_directory(dir)) {
    throw std::runtime_error(dir + ": model directory does not exist");
  }
  torch::serialize::OutputArchive archive;
  archive.write(kFormatKey, torch::tensor({kMagic, kFormatVersion}, torch::kLong));
  for (const auto& item : model->named_parameters()) {
    archive.write(item.key(), item.value().detach().to(torch::kCPU));
  }
  for (const auto& item : model->named_buffers()) {
    archive.write(item.key(), item.value().to(torch::kCPU), /*is_buffer=*/true);
  }
  write_file_atomic((fs::path(dir) / "model.pt").string(),
                    [&](std::ostream& out) { archive.save_to(out); });
  write_file_atomic((fs::path(dir) / "model.toml").string(),
                    "# piikit model configuration (written with model.pt)\n" +
                        model_config_to_toml(model->config()));
}

TokenClassifier load_model_weights(const std::string& dir) {
  namespace fs = std::filesystem;
  const std::string toml_path = (fs::path(dir) / "model.toml").string();
  const std::string pt_path = (fs::path(dir) / "model.pt").string();
  if (!fs::is_directory(dir)) throw std::runtime_error(dir + ": model directory does not exist");
  if (!fs::exists(toml_path))
    throw std::runtime_error(toml_path + ": missing (not a model directory?)");
  if (!fs::exists(pt_path))
    throw std::runtime_error(pt_path + ": missing (not a model directory?)");

  ModelConfig config = load_model_config(toml_path);
  TokenClassifier model(config);

  torch::serialize::InputArchive archive;
  try {
    archive.load_from(pt_path);
  } catch (const c10::Error& e) {
    std::string what = e.what_without_backtrace();
    throw std::runtime_error(pt_path + ": not a readable piikit model file (" +
                             what.substr(0, what.find('\n')) + ")");
  }
  torch::Tensor format;
  if (!archive.try_read(kFormatKey, format) || format.numel() != 2 ||
      format.scalar_type() != torch::kLong || format[0].item<int64_t>() != kMagic) {
    throw std::runtime_error(pt_path + ": not a piikit model file (no piikit format header)");
  }
  if (int64_t version = format[1].item<int64_t>(); version != kFormatVersion) {
    throw std::runtime_error(
        fmt::format("{}: model format version {}, this piikit reads version {}", pt_path, version,
                    kFormatVersion));
  }
  torch::NoGradGuard no_grad;
  auto load_into = [&](const std::string& name, torch::Tensor& target, bool is_buffer) {
    torch::Tensor stored;
    if (!archive.try_read(name, stored, is_buffer)) {
      throw std::runtime_error(fmt::format("{}: tensor \"{}\" is missing (does {} match it?)",
                                           pt_path, name, toml_path));
    }
    if (stored.sizes() != target.sizes()) {
      throw std::runtime_error(fmt::format("{}: tensor \"{}\" has shape {}, {} implies {}", pt_path,
                                           name, shape_str(stored.sizes()), toml_path,
                                           shape_str(target.sizes())));
    }
    target.copy_(stored);
  };
  for (auto& item : model->named_parameters()) load_into(item.key(), item.value(), false);
  for (auto& item : model->named_buffers()) load_into(item.key(), item.value(), true);
  return model;
}

LoadedModel load_model_dir(const std::string& dir, torch::Device device) {
  namespace fs = std::filesystem;
  LoadedModel loaded;
  loaded.dir = dir;
  loaded.model = load_model_weights(dir);
  loaded.config = loaded.model->config();
  const std::string tok_path = (fs::path(dir) / "tokenizer").string();
  if (!fs::exists(tok_path)) throw std::runtime_error(tok_path + ": missing tokenizer directory");
  loaded.tokenizer = Tokenizer::load(tok_path);
  if (loaded.tokenizer.vocab_size() > loaded.config.vocab_size) {
    throw std::runtime_error(fmt::format(
        "{}: tokenizer has {} pieces but model.toml says vocab_size = {} (mismatched files)",
        tok_path, loaded.tokenizer.vocab_size(), loaded.config.vocab_size));
  }
  loaded.model->to(device);
  loaded.model->eval();
  return loaded;
}

}  // namespace piikit
