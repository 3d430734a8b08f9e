#include "piikit/model_config.h"

#include <fmt/format.h>

#include <cmath>

#include "piikit/error.h"

namespace piikit {
namespace {

struct Preset {
  const char* name;
  int d_model, num_layers, num_heads, ffn_dim;
};

// tiny is the default: measured to train to the detect goal in about 10 minutes on 2 CPU cores
// (docs/model.md). small and base are for users with more compute.
constexpr Preset kPresets[] = {
    {"tiny", 128, 2, 4, 512},
    {"small", 256, 4, 4, 1024},
    {"base", 512, 6, 8, 2048},
};

}  // namespace

const std::vector<std::string>& model_preset_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const Preset& p : kPresets) out.emplace_back(p.name);
    return out;
  }();
  return names;
}

void apply_model_preset(ModelConfig& config, const std::string& name) {
  for (const Preset& p : kPresets) {
    if (name == p.name) {
      config.preset = name;
      config.d_model = p.d_model;
      config.num_layers = p.num_layers;
      config.num_heads = p.num_heads;
      config.ffn_dim = p.ffn_dim;
      return;
    }
  }
  throw ConfigError(fmt::format("model.preset: unknown preset \"{}\" (valid: {})", name,
                                fmt::join(model_preset_names(), ", ")));
}

void validate_model_config(const ModelConfig& c) {
  auto positive = [](const char* key, int value) {
    if (value <= 0) throw ConfigError(fmt::format("model.{}: must be > 0, got {}", key, value));
  };
  positive("vocab_size", c.vocab_size);
  positive("d_model", c.d_model);
  positive("num_layers", c.num_layers);
  positive("num_heads", c.num_heads);
  positive("ffn_dim", c.ffn_dim);
  positive("max_length", c.max_length);
  positive("char_dim", c.char_dim);
  positive("char_filters", c.char_filters);
  if (c.d_model % c.num_heads != 0) {
    throw ConfigError(fmt::format(
        "model.d_model: {} is not divisible by model.num_heads = {} (the head width must be whole)",
        c.d_model, c.num_heads));
  }
  for (auto [key, value] :
       {std::pair{"dropout", c.dropout}, std::pair{"attention_dropout", c.attention_dropout}}) {
    if (!std::isfinite(value) || value < 0.0 || value >= 1.0) {
      throw ConfigError(fmt::format("model.{}: must be in [0, 1), got {}", key, value));
    }
  }
  if (c.coref_clusters < 0 || c.coref_clusters == 1) {
    throw ConfigError(fmt::format(
        "model.coref_clusters: must be 0 (no coref head) or >= 2 (NO_COREF + clusters), got {}",
        c.coref_clusters));
  }
}

}  // namespace piikit
