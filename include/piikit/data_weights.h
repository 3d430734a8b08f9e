// The class weights a training run would use for some data, without training: the library side
// of `piikit weights`. It follows the trainer step by step (trainer.cc): the same config loader,
// the same training/validation split, the same tokenizer choice and the same label counting
// (count_sample_labels), so that what it prints is what the loss will get.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "piikit/class_weights.h"

namespace piikit {

struct DataWeightsOptions {
  std::vector<std::string> data_files;  // samples to count; empty = data.train_files of the config
  std::string config_file;              // training config (TOML); empty = built-in defaults
  std::optional<std::string> scheme;    // replaces training.class_weight_scheme
  std::optional<double> beta;           // replaces training.class_weight_beta
  std::optional<std::string> granularity;  // replaces training.class_weight_granularity
  std::string tokenizer;                // tokenizer dir or vocab.txt; empty = paths.tokenizer of
                                        // the config, else one trained on the training split
  bool whole_data = false;              // count every sample, not just the training split
};

struct DataWeights {
  ClassWeights weights;             // counts attached; source "config" for a [class_weights] table
  std::size_t num_samples = 0;      // samples read
  std::size_t counted_samples = 0;  // samples counted (the training split unless whole_data)
  std::string tokenizer;            // where the tokenizer came from, for the report
  std::vector<std::string> notes;   // split warnings, skipped samples, ignored flags, ...
};

// Reads the config and the data, splits, tokenizes, counts and resolves the weights. Throws
// ConfigError / DataError (naming file, line and key) for bad input, like `piikit train` would.
DataWeights compute_data_weights(const DataWeightsOptions& options);

}  // namespace piikit
