// Test helper: the smallest useful model configuration, for tests that build models but do not
// train them to quality (vocabulary 50, d_model 16, 2 layers, 4 heads, 12 positions).
#pragma once

#include "piikit/model_config.h"

namespace piikit::testing {

inline ModelConfig small_model_config() {
  ModelConfig c;
  c.vocab_size = 50;
  c.d_model = 16;
  c.num_layers = 2;
  c.num_heads = 4;
  c.ffn_dim = 32;
  c.max_length = 12;
  return c;
}

}  // namespace piikit::testing
