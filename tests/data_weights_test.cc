// compute_data_weights (`piikit weights`): the training split, the tokenizer, the config's scheme
// and override table, CLI-style overrides, and errors, against the trainer's own building blocks.
#include "piikit/data_weights.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "piikit/data_split.h"
#include "piikit/error.h"
#include "piikit/file_util.h"
#include "piikit/generator.h"
#include "piikit/sample_io.h"
#include "piikit/tokenizer.h"

namespace piikit {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

constexpr std::size_t kNumSamples = 300;
constexpr int kVocab = 600;  // small: keeps tokenizer training fast

class DataWeightsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(PIIKIT_BINARY_DIR) / "test-tmp" /
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    samples_ = generate_samples(GeneratorConfig(), Split::kTrain, 5, kNumSamples);
    data_ = (dir_ / "train.jsonl").string();
    write_file_atomic(data_, [&](std::ostream& out) { write_jsonl(out, samples_); });
  }

  std::string write_config(const std::string& extra) {
    const std::string path = (dir_ / "train.toml").string();
    write_file_atomic(path,
                      "[data]\ntokenizer_vocab_size = " + std::to_string(kVocab) + "\n" + extra);
    return path;
  }

  DataWeightsOptions options_with(const std::string& config_extra) {
    DataWeightsOptions options;
    options.data_files = {data_};
    options.config_file = write_config(config_extra);
    return options;
  }

  // The trainer's path (src/trainer.cc), step by step, with its defaults (eval_size_ratio 0.1,
  // seed 42, max_sequence_length 512).
  LabelCounts trainer_counts(bool whole) const {
    std::vector<Sample> counted = samples_;
    if (!whole) counted = split_train_validation(samples_, 0.1, 42).train;
    std::vector<std::string> texts;
    for (const Sample& s : counted) texts.push_back(s.text);
    TokenizerTrainOptions topt;
    topt.vocab_size = kVocab;
    topt.seed = 42;
    const Tokenizer tokenizer = Tokenizer::train(texts, topt);
    return count_sample_labels(counted, tokenizer, 512);
  }

  fs::path dir_;
  std::vector<Sample> samples_;
  std::string data_;
};

TEST_F(DataWeightsTest, CountsTheTrainingSplitLikeTheTrainer) {
  const DataWeights result = compute_data_weights(options_with(""));
  EXPECT_EQ(result.num_samples, kNumSamples);
  EXPECT_EQ(result.counted_samples, kNumSamples - 30) << "10% held out for validation";
  EXPECT_EQ(result.weights.counts, trainer_counts(false));
  EXPECT_EQ(result.weights.source, "inverse_sqrt");
  const ClassWeights expected = compute_class_weights(trainer_counts(false), ClassWeightOptions{});
  EXPECT_EQ(result.weights.weights, expected.weights);
  EXPECT_THAT(result.tokenizer, HasSubstr("trained on the counted samples"));
  // Generated data has names in most samples: the counts are real, not a degenerate table.
  EXPECT_GT(result.weights.counts[*label_from_name("B-FIRSTNAME")], 20u);
  EXPECT_GT(result.weights.counts[0], result.weights.counts[1]);
}

TEST_F(DataWeightsTest, AllCountsEverySample) {
  DataWeightsOptions options = options_with("");
  options.whole_data = true;
  const DataWeights result = compute_data_weights(options);
  EXPECT_EQ(result.counted_samples, kNumSamples);
  EXPECT_EQ(result.weights.counts, trainer_counts(true));
}

TEST_F(DataWeightsTest, SchemeAndBetaFromConfigAndFlags) {
  DataWeightsOptions options =
      options_with("[training]\nclass_weight_scheme = \"effective\"\nclass_weight_beta = 0.99\n");
  DataWeights result = compute_data_weights(options);
  EXPECT_EQ(result.weights.source, "effective");
  EXPECT_EQ(result.weights.beta, 0.99);
  ClassWeightOptions expected_options;
  expected_options.scheme = WeightScheme::kEffective;
  expected_options.beta = 0.99;
  EXPECT_EQ(result.weights.weights,
            compute_class_weights(result.weights.counts, expected_options).weights);

  options.scheme = "inverse";  // --scheme replaces the config's scheme
  result = compute_data_weights(options);
  EXPECT_EQ(result.weights.source, "inverse");
  options.scheme = "effective";
  options.beta = 0.9;  // --beta replaces the config's beta
  result = compute_data_weights(options);
  EXPECT_EQ(result.weights.beta, 0.9);
}

TEST_F(DataWeightsTest, OverrideTableWinsAndFlagsAreReportedIgnored) {
  DataWeightsOptions options = options_with("[class_weights]\nSSN = 3.0\nO = 0.5\n");
  options.scheme = "inverse";
  const DataWeights result = compute_data_weights(options);
  EXPECT_EQ(result.weights.source, "config");
  EXPECT_EQ(result.weights.weights[*label_from_name("B-SSN")], 3.0);
  EXPECT_EQ(result.weights.weights[*label_from_name("I-SSN")], 3.0);
  EXPECT_EQ(result.weights.weights[0], 0.5);
  EXPECT_EQ(result.weights.weights[*label_from_name("B-FIRSTNAME")], 1.0);
  EXPECT_EQ(result.weights.counts, trainer_counts(false)) << "counts shown next to the table";
  ASSERT_FALSE(result.notes.empty());
  EXPECT_THAT(result.notes.front(), HasSubstr("--scheme/--beta/--granularity have no effect"));
}

TEST_F(DataWeightsTest, BadSettingsAreConfigErrors) {
  const std::pair<std::string, const char*> cases[] = {
      {"[training]\nclass_weight_scheme = \"balanced\"\n", "balanced"},
      {"[training]\no_weight = 2.0\n", "o_weight"},
      {"[training]\nclass_weight_beta = 1.0\n", "class_weight_beta"},
      {"[class_weights]\nO = 2.0\n", "O = 2.0"},
      {"[class_weights]\nFOO = 2.0\n", "FOO = 2.0: unknown key"},
  };
  for (const auto& [config, message] : cases) {
    try {
      compute_data_weights(options_with(config));
      ADD_FAILURE() << "expected ConfigError for " << config;
    } catch (const ConfigError& e) {
      EXPECT_THAT(e.what(), HasSubstr(message)) << config;
    }
  }
  DataWeightsOptions options = options_with("");
  options.scheme = "sqrt";
  EXPECT_THROW(compute_data_weights(options), ConfigError);
  options = options_with("");
  options.beta = -0.1;
  options.scheme = "effective";
  EXPECT_THROW(compute_data_weights(options), ConfigError);
}

TEST_F(DataWeightsTest, EmptyDataIsAnError) {
  DataWeightsOptions options = options_with("");
  const std::string empty = (dir_ / "empty.jsonl").string();
  write_file_atomic(empty, "");
  options.data_files = {empty};
  try {
    compute_data_weights(options);
    FAIL() << "expected an error for empty data";
  } catch (const std::exception& e) {
    EXPECT_THAT(e.what(), HasSubstr("empty"));
  }
}

}  // namespace
}  // namespace piikit
