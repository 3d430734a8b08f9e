// A real, tiny `piikit compare`: 2 schemes x 2 seeds, a small model, 90 steps on a few
// hundred generated samples, evaluated on a generated held-out set. Checks the table, the JSON and
// that the pictures are well formed (and render, where rsvg-convert is installed).
#include "piikit/compare_run.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "piikit/error.h"
#include "piikit/file_util.h"
#include "piikit/generator.h"
#include "test_vocab.h"
#include "xml_check.h"

namespace piikit {
namespace {

namespace fs = std::filesystem;
using testing::count_occurrences;
using testing::have_tool;
using testing::xml_problem;

// A WordPiece vocab.txt from the training data (tests/test_vocab.h): the runs load it through
// paths.tokenizer instead of training a tokenizer, which keeps the test fast.
std::string test_vocab(const TrainConfig& config) {
  const std::string vocab = testing::word_piece_vocab(
      generate_samples(GeneratorConfig(), Split::kTrain, config.data.generate_seed,
                       static_cast<std::size_t>(config.data.generate_train_samples)),
      500);
  const fs::path file = fs::path(PIIKIT_BINARY_DIR) / "compare_run_test_vocab.txt";
  write_file_atomic(file.string(), vocab);
  return file.string();
}

TrainConfig tiny_config() {
  TrainConfig config = TrainConfig::parse(R"(
[model]
d_model = 32
num_layers = 1
num_heads = 2
ffn_dim = 64
max_length = 96
[training]
num_epochs = 50
max_steps = 90
batch_size = 16
warmup_steps = 10
learning_rate = 5e-3
eval_every_steps = 30
max_sequence_length = 96
early_stopping_patience = 0
threads = 1
[data]
generate_train_samples = 300
)",
                                          "tiny.toml");
  config.paths.tokenizer = test_vocab(config);
  return config;
}

TEST(CompareRunTest, TinyRealCompareWritesTableJsonAndWellFormedPictures) {
  const fs::path out = fs::path(PIIKIT_BINARY_DIR) / "compare_run_test_out";
  fs::remove_all(out);
  CompareRunOptions run;
  run.base = tiny_config();
  run.heldout = default_heldout(run.base, 150, 7);
  run.out_dir = out.string();
  ASSERT_NO_THROW(check_compare_config(run));
  check_output_dir(run.out_dir);

  CompareOptions options;
  options.schemes = {"none", "inverse_sqrt"};
  options.seeds = {1, 2};
  options.rare_types = 4;
  options.out_dir = run.out_dir;
  options.heldout_source = "generator eval split, seed 7, 150 samples";
  std::vector<std::string> lines;
  CompareResult result = compare(
      options,
      [&](const std::string& scheme, uint64_t seed) {
        return train_and_evaluate(run, scheme, seed);
      },
      [&](std::size_t i, std::size_t n, const RunRecord& r) {
        lines.push_back(run_line(i, n, r));
      });

  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[3].rfind("[4/4] inverse_sqrt seed 2: 90 steps", 0), 0u) << lines[3];
  for (const auto& r : result.runs) {
    std::cerr << lines[&r - result.runs.data()] << "\n";
    EXPECT_EQ(r.outcome.steps, 90) << r.scheme << r.seed;
    // Evaluations every 30 steps and at each epoch end (17 steps of 16 out of 270 samples).
    std::vector<int64_t> steps;
    for (const auto& c : r.outcome.curve) steps.push_back(c.step);
    for (int64_t s : {30, 60, 90}) {
      EXPECT_NE(std::find(steps.begin(), steps.end(), s), steps.end())
          << r.scheme << r.seed << " step " << s;
    }
    EXPECT_TRUE(std::is_sorted(steps.begin(), steps.end()));
    EXPECT_GT(r.outcome.train_counts[kOutsideLabel], 0u);
    EXPECT_TRUE(fs::exists(fs::path(r.outcome.model_dir) / "model.pt")) << r.outcome.model_dir;
    EXPECT_EQ(r.outcome.model_dir, run_dir(run.out_dir, r.scheme, r.seed));
    // The loss falls over the run.
    EXPECT_LT(r.outcome.curve.back().train_loss, r.outcome.curve.front().train_loss)
        << r.scheme << r.seed;
  }
  // Same held-out set for every run (summarize checks it); the generated set covers many types.
  EXPECT_GE(result.macro_types.size(), 20u);
  EXPECT_EQ(result.rare_types.size(), 4u);
  ASSERT_EQ(result.deltas.size(), 1u);

  const std::string table = result.to_table();
  for (const char* s :
       {"Recall\n", "Precision\n", "F1\n", "none", "inverse_sqrt", "rare macro recall (4)",
        "mean±std over seeds", "Paired differences against none"}) {
    EXPECT_NE(table.find(s), std::string::npos) << s << "\n" << table;
  }
  // One row per type with support in each of the three blocks, 4 of them rare-marked.
  for (int t : result.macro_types) {
    EXPECT_EQ(count_occurrences(table, std::string(type_name(t)) + " "), 3u) << type_name(t) << "\n"
                                                                             << table;
  }
  EXPECT_EQ(count_occurrences(table, "\n*"), 3u * 4);

  auto files = write_compare_outputs(result, run.out_dir);
  ASSERT_EQ(files.size(), 4u);
  for (const auto& f : files) {
    const std::string content = read_file(f);
    if (!f.ends_with(".svg")) continue;
    EXPECT_EQ(xml_problem(content), "") << f;
    if (have_tool("rsvg-convert")) {
      EXPECT_EQ(std::system(("rsvg-convert -o '" + f + ".png' '" + f + "' 2>/dev/null").c_str()), 0)
          << f;
    }
  }
  auto j = nlohmann::json::parse(read_file((out / "compare.json").string()));
  EXPECT_EQ(j["runs"].size(), 4u);
  EXPECT_EQ(j["schemes"].size(), 2u);
  EXPECT_EQ(count_occurrences(read_file((out / "curves.svg").string()), "<path "), 8u);
}

TEST(CompareRunTest, RejectsAClassWeightsTableAndAnEmptyHeldOutSet) {
  CompareRunOptions run;
  run.base = TrainConfig::parse("[class_weights]\nSSN = 2.0\n", "cw.toml");
  run.heldout = default_heldout(run.base, 5, 7);
  try {
    check_compare_config(run);
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("[class_weights] table, which overrides every scheme"),
              std::string::npos);
  }
  run.base = TrainConfig();
  run.heldout.clear();
  EXPECT_THROW(check_compare_config(run), ConfigError);
}

TEST(CompareRunTest, OutputDirectoryMustBeWritable) {
  const fs::path file = fs::path(PIIKIT_BINARY_DIR) / "compare_run_not_a_dir";
  write_file_atomic(file.string(), std::string("x"));
  EXPECT_THROW(check_output_dir((file / "sub").string()), std::runtime_error);
  fs::remove(file);
}

}  // namespace
}  // namespace piikit
