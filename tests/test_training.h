// Test helper for tests that run the trainer: 400 generated train-split samples, a WordPiece
// vocabulary made from them, fresh run directories under the build tree, and the options of a
// tiny, quick run (~45 steps).
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "piikit/file_util.h"
#include "piikit/generator.h"
#include "piikit/trainer.h"
#include "test_vocab.h"

namespace piikit::testing {

// 400 train-split samples of seed 11.
inline const std::vector<Sample>& training_data() {
  static const std::vector<Sample> samples =
      generate_samples(GeneratorConfig(), Split::kTrain, /*seed=*/11, /*count=*/400);
  return samples;
}

// <build>/<suite>/<name>, removed first.
inline std::filesystem::path fresh_dir(const std::string& suite, const std::string& name) {
  std::filesystem::path dir = std::filesystem::path(PIIKIT_BINARY_DIR) / suite / name;
  std::filesystem::remove_all(dir);
  return dir;
}

// A WordPiece vocab.txt for the tests in <build>/<suite>/vocab.txt: every printable ASCII character
// alone and as "##c", plus the 600 most frequent words of the data. (Loading it needs no
// sentencepiece, and it keeps the tests fast; the sentencepiece path is exercised by the
// tokenizer's own tests.)
inline std::string training_vocab(const std::string& suite) {
  const std::filesystem::path file = std::filesystem::path(PIIKIT_BINARY_DIR) / suite / "vocab.txt";
  std::filesystem::create_directories(file.parent_path());
  write_file_atomic(file.string(), word_piece_vocab(training_data(), 600));  // atomic: tests run in parallel
  return file.string();
}

// A tiny, quick configuration: ~45 steps on 360 training samples, one thread, evaluations every
// 10 steps and at each epoch's end.
inline TrainOptions tiny_train_options(const std::filesystem::path& out, const std::string& vocab) {
  TrainOptions o;
  TrainConfig& c = o.config;
  c.model.d_model = 32;
  c.model.num_layers = 1;
  c.model.num_heads = 2;
  c.model.ffn_dim = 64;
  c.model.max_length = 64;
  c.training.max_sequence_length = 64;
  c.training.num_epochs = 3;
  c.training.batch_size = 24;  // 360 / 24 = 15 batches per epoch
  c.training.learning_rate = 3e-3;
  c.training.warmup_steps = 5;
  c.training.eval_every_steps = 10;
  c.training.early_stopping_patience = 0;
  c.training.seed = 5;
  c.training.threads = 1;
  c.paths.tokenizer = vocab;
  c.paths.output_dir = out.string();
  o.samples = training_data();
  o.quiet = true;
  return o;
}

// Thrown from TrainOptions::after_step to simulate a kill.
struct Killed : std::runtime_error {
  Killed() : std::runtime_error("killed") {}
};

}  // namespace piikit::testing
