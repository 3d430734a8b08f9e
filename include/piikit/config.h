// Training configuration: TOML sections [model], [training], [paths], [data], [class_weights],
// with every default built in. Unknown sections/keys and bad values throw ConfigError naming the
// key and the value. `--set section.key=value` overrides are applied after the file.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "piikit/class_weights.h"
#include "piikit/model_config.h"

namespace piikit {

struct TrainingConfig {
  // The class-weight settings below as the computation takes them (validated by check_class_weight_options).
  ClassWeightOptions class_weight_options() const;

  int num_epochs = 4;                  // passes over the training split
  int max_steps = 0;                   // stop after this many optimizer steps (0 = no limit)
  double max_minutes = 10;             // wall-clock budget for the run (0 = no limit)
  int batch_size = 32;                 // sequences per batch
  double learning_rate = 2e-3;         // peak learning rate (AdamW)
  int warmup_steps = 200;              // linear warm-up
  std::string lr_schedule = "cosine";  // cosine | linear decay after warm-up
  double weight_decay = 0.01;          // AdamW; never applied to biases and norms
  double max_grad_norm = 1.0;          // gradient-norm clipping (0 = off)
  double eval_size_ratio = 0.1;        // validation share of the training data
  int eval_every_steps = 0;            // also evaluate every N steps (0 = once per epoch)
  int max_sequence_length = 512;       // truncation for training, in tokens
  uint64_t seed = 42;
  std::string class_weight_scheme = "inverse_sqrt";  // none | inverse | inverse_sqrt | effective
  double class_weight_beta = 0.999;
  std::string class_weight_granularity = "label";  // label (53 BIO classes) | type (O + types)
  double o_weight = 1.0;                // <= 1.0
  double max_weight = 0.0;              // cap after normalization (0 = none)
  std::string loss_reduction = "mean";  // mean | weighted_mean | sum
  double focal_gamma = 0.0;             // 0 = off
  double token_dropout = 0.1;           // share of input tokens replaced by [UNK] in training
  double pii_loss_weight = 1.0;
  double coref_loss_weight = 0.5;
  std::string early_stopping_metric = "entity_macro_f1";
  int early_stopping_patience = 3;         // evaluations without improvement (0 = off)
  double early_stopping_threshold = 1e-3;  // minimum improvement that counts
  int threads = 0;                         // 0 = all cores
  int replicas = 0;  // data-parallel model replicas, one per thread (0 = auto: threads on CPU, else 1)
  std::string device = "cpu";              // cpu | cuda
};

struct PathsConfig {
  std::string output_dir = "runs/default";
  std::string tokenizer;  // existing tokenizer dir or vocab.txt; empty = train one
};

struct DataConfig {
  std::vector<std::string> train_files;  // empty = generate data with piikit's generator
  int generate_train_samples = 80000;    // used when train_files is empty
  uint64_t generate_seed = 1;
  std::string generator_config;  // optional TOML for the generator
  int tokenizer_vocab_size = 4000;
};

struct TrainConfig {
  ModelConfig model;
  TrainingConfig training;
  PathsConfig paths;
  DataConfig data;
  std::optional<ClassWeights> class_weights;  // from a [class_weights] table; overrides computing

  // Defaults, then the file (if non-empty), then each "section.key=value" override (the value is
  // read as a TOML value; if it is not one, as a string: --set paths.output_dir=runs/x works).
  // `[model] preset` is applied before the other model keys, so explicit sizes override it.
  // Throws ConfigError: "<file>:<line>: <section.key>: <problem>, got <value>" (or
  // "--set <text>: ..." for an override); unknown sections and keys are errors.
  static TrainConfig load(const std::string& path, const std::vector<std::string>& overrides = {});
  // Same, from TOML text; `source_name` stands in for the file name in errors.
  static TrainConfig parse(const std::string& toml_text, const std::string& source_name,
                           const std::vector<std::string>& overrides = {});
  // Resolved configuration as TOML (written to <output_dir>/config.toml); load() reads it back.
  std::string to_toml() const;
};

// ModelConfig as a TOML document with one [model] table (model.toml in a model directory), and
// back. Reading accepts only a [model] table; errors are ConfigErrors naming file:line and key.
std::string model_config_to_toml(const ModelConfig& config);
ModelConfig load_model_config(const std::string& path);

}  // namespace piikit
