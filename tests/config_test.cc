// TrainConfig: defaults, presets, overrides, round trip, and every kind of error with its place.
#include "piikit/config.h"

#include <gtest/gtest.h>
#include <toml++/toml.h>

#include <filesystem>

#include "piikit/error.h"
#include "piikit/file_util.h"

namespace piikit {
namespace {

namespace fs = std::filesystem;

// Runs f, expects a ConfigError, returns its message.
std::string config_error(const std::function<void()>& f) {
  try {
    f();
  } catch (const ConfigError& e) {
    return e.what();
  } catch (const std::exception& e) {
    return std::string("(wrong exception type) ") + e.what();
  }
  return "(no exception)";
}

#define EXPECT_CONTAINS(haystack, needle) \
  EXPECT_NE(std::string(haystack).find(needle), std::string::npos) << "message: " << (haystack)

TEST(ConfigTest, DefaultsWithoutFile) {
  TrainConfig c = TrainConfig::load("");
  EXPECT_EQ(c.model.preset, "tiny");
  EXPECT_EQ(c.model.d_model, 128);
  EXPECT_EQ(c.model.num_layers, 2);
  EXPECT_EQ(c.training.batch_size, 32);
  EXPECT_EQ(c.training.class_weight_scheme, "inverse_sqrt");
  EXPECT_TRUE(c.data.train_files.empty());
  EXPECT_FALSE(c.class_weights.has_value());
}

TEST(ConfigTest, ReadsEverySection) {
  TrainConfig c = TrainConfig::parse(R"(
[model]
d_model = 64
num_heads = 2
dropout = 0.2
char_cnn = true
[training]
num_epochs = 7
learning_rate = 5e-4
lr_schedule = "linear"
eval_size_ratio = 0.2
seed = 9
[paths]
output_dir = "runs/x"
[data]
train_files = ["a.jsonl", "b.jsonl"]
generate_train_samples = 100
)",
                                     "test.toml");
  EXPECT_EQ(c.model.d_model, 64);
  EXPECT_EQ(c.model.num_heads, 2);
  EXPECT_DOUBLE_EQ(c.model.dropout, 0.2);
  EXPECT_TRUE(c.model.char_cnn);
  EXPECT_EQ(c.training.num_epochs, 7);
  EXPECT_DOUBLE_EQ(c.training.learning_rate, 5e-4);
  EXPECT_EQ(c.training.lr_schedule, "linear");
  EXPECT_DOUBLE_EQ(c.training.eval_size_ratio, 0.2);
  EXPECT_EQ(c.training.seed, 9u);
  EXPECT_EQ(c.paths.output_dir, "runs/x");
  EXPECT_EQ(c.data.train_files, (std::vector<std::string>{"a.jsonl", "b.jsonl"}));
  EXPECT_EQ(c.data.generate_train_samples, 100);
}

TEST(ConfigTest, PresetSetsSizesAndExplicitFieldsOverrideIt) {
  TrainConfig small = TrainConfig::parse("[model]\npreset = \"small\"\n", "t.toml");
  EXPECT_EQ(small.model.d_model, 256);
  EXPECT_EQ(small.model.num_layers, 4);
  EXPECT_EQ(small.model.ffn_dim, 1024);
  // The explicit field wins even when written before the preset.
  TrainConfig mixed = TrainConfig::parse("[model]\nnum_layers = 3\npreset = \"base\"\n", "t.toml");
  EXPECT_EQ(mixed.model.d_model, 512);
  EXPECT_EQ(mixed.model.num_heads, 8);
  EXPECT_EQ(mixed.model.num_layers, 3);
  // A preset given as an override still yields to explicit sizes in the file.
  TrainConfig over =
      TrainConfig::parse("[model]\nffn_dim = 300\n", "t.toml", {"model.preset=small"});
  EXPECT_EQ(over.model.d_model, 256);
  EXPECT_EQ(over.model.ffn_dim, 300);
}

TEST(ConfigTest, OverridesAreTomlValuesOrStrings) {
  TrainConfig c = TrainConfig::parse(
      "[training]\nbatch_size = 8\n", "t.toml",
      {"training.batch_size=16", "paths.output_dir=runs/with/slashes", "training.device=cpu",
       "training.lr_schedule=\"linear\"", "data.train_files=[\"x.jsonl\"]", "model.char_cnn=true",
       "training.learning_rate=0.002", "training.num_epochs = 3"});
  EXPECT_EQ(c.training.batch_size, 16);
  EXPECT_EQ(c.paths.output_dir, "runs/with/slashes");
  EXPECT_EQ(c.training.device, "cpu");
  EXPECT_EQ(c.training.lr_schedule, "linear");
  EXPECT_EQ(c.data.train_files, (std::vector<std::string>{"x.jsonl"}));
  EXPECT_TRUE(c.model.char_cnn);
  EXPECT_DOUBLE_EQ(c.training.learning_rate, 0.002);
  EXPECT_EQ(c.training.num_epochs, 3);
  // A single string is one training file; a number given for a string key is kept as written.
  TrainConfig d =
      TrainConfig::parse("", "t", {"data.train_files=one.jsonl", "paths.output_dir=123"});
  EXPECT_EQ(d.data.train_files, (std::vector<std::string>{"one.jsonl"}));
  EXPECT_EQ(d.paths.output_dir, "123");
  // The last override of a key wins.
  EXPECT_EQ(TrainConfig::parse("", "t", {"training.seed=1", "training.seed=2"}).training.seed, 2u);
}

TEST(ConfigTest, ToTomlRoundTrips) {
  TrainConfig c =
      TrainConfig::parse("", "t",
                         {"model.preset=small", "model.ffn_dim=777", "model.dropout=0.15",
                          "training.learning_rate=3.3e-4", "training.seed=123456789012",
                          "training.eval_size_ratio=0.125", "data.train_files=[\"a\",\"b c\"]",
                          "paths.tokenizer=tok/dir", "training.max_minutes=9.5"});
  std::string text = c.to_toml();
  TrainConfig back = TrainConfig::parse(text, "roundtrip.toml");
  EXPECT_EQ(back.to_toml(), text);
  EXPECT_EQ(back.model.preset, "small");
  EXPECT_EQ(back.model.ffn_dim, 777);
  EXPECT_DOUBLE_EQ(back.model.dropout, 0.15);
  EXPECT_DOUBLE_EQ(back.training.learning_rate, 3.3e-4);
  EXPECT_EQ(back.training.seed, 123456789012u);
  EXPECT_DOUBLE_EQ(back.training.eval_size_ratio, 0.125);
  EXPECT_EQ(back.data.train_files, (std::vector<std::string>{"a", "b c"}));
  EXPECT_EQ(back.paths.tokenizer, "tok/dir");
  EXPECT_DOUBLE_EQ(back.training.max_minutes, 9.5);
}

TEST(ConfigTest, ClassWeightsTableIsReadAndRoundTrips) {
  TrainConfig c =
      TrainConfig::parse("[class_weights]\nO = 0.5\nSSN = 3.0\n\"B-EMAIL\" = 2.0\n", "w.toml");
  ASSERT_TRUE(c.class_weights.has_value());
  EXPECT_DOUBLE_EQ(c.class_weights->weights[0], 0.5);
  int ssn = *type_from_name("SSN");
  EXPECT_DOUBLE_EQ(c.class_weights->weights[begin_label(ssn)], 3.0);
  EXPECT_DOUBLE_EQ(c.class_weights->weights[inside_label(ssn)], 3.0);
  int email = *type_from_name("EMAIL");
  EXPECT_DOUBLE_EQ(c.class_weights->weights[begin_label(email)], 2.0);
  EXPECT_DOUBLE_EQ(c.class_weights->weights[inside_label(email)], 1.0);
  TrainConfig back = TrainConfig::parse(c.to_toml(), "back.toml");
  ASSERT_TRUE(back.class_weights.has_value());
  EXPECT_EQ(back.class_weights->weights, c.class_weights->weights);
  // An override adds to the table.
  TrainConfig o = TrainConfig::parse("", "t", {"class_weights.SSN=4"});
  ASSERT_TRUE(o.class_weights.has_value());
  EXPECT_DOUBLE_EQ(o.class_weights->weights[begin_label(ssn)], 4.0);
}

TEST(ConfigTest, LoadsFileAndNamesItInErrors) {
  fs::path p =
      fs::temp_directory_path() / ("piikit_config_test_" + std::to_string(::getpid()) + ".toml");
  write_file_atomic(p.string(), "[training]\nbatch_size = 4\n\n[model]\nnum_layers = \"two\"\n");
  std::string what = config_error([&] { TrainConfig::load(p.string()); });
  EXPECT_CONTAINS(what, p.string() + ":5: model.num_layers: expected an integer, got \"two\"");
  write_file_atomic(p.string(), "[training]\nbatch_size = 4\n");
  EXPECT_EQ(TrainConfig::load(p.string()).training.batch_size, 4);
  fs::remove(p);
  what = config_error([&] { TrainConfig::load(p.string()); });
  EXPECT_CONTAINS(what, p.string() + ": cannot open");
}

TEST(ConfigTest, ErrorsNameFileLineKeyAndValue) {
  struct Case {
    const char* toml;
    const char* expected;
  };
  const Case cases[] = {
      {"[modle]\nd_model = 3\n", "c.toml:1: modle: unknown section [modle]"},
      {"seed = 3\n", "c.toml:1: seed: unknown top-level key"},
      {"[training]\nbatch_sise = 3\n", "c.toml:2: training.batch_sise: unknown key"},
      {"[training]\nbatch_size = 0\n", "c.toml:2: training.batch_size: must be >= 1, got 0"},
      {"[training]\nbatch_size = 2.5\n",
       "c.toml:2: training.batch_size: expected an integer, got 2.5"},
      {"[training]\neval_size_ratio = 1.0\n",
       "c.toml:2: training.eval_size_ratio: must be in (0, 1), got 1.0"},
      {"[training]\no_weight = 1.5\n", "c.toml:2: training.o_weight: must be in (0, 1], got 1.5"},
      {"[training]\ntoken_dropout = 1.0\n",
       "c.toml:2: training.token_dropout: must be in [0, 1), got 1.0"},
      {"[training]\nreplicas = -1\n", "c.toml:2: training.replicas: must be in [0, 4096], got -1"},
      {"[training]\nclass_weight_scheme = \"log\"\n",
       "c.toml:2: training.class_weight_scheme: expected one of none | inverse | inverse_sqrt | "
       "effective, got \"log\""},
      {"[training]\nclass_weight_granularity = \"token\"\n",
       "c.toml:2: training.class_weight_granularity: expected one of label | type, got \"token\""},
      {"[training]\nlr_schedule = 3\n", "c.toml:2: training.lr_schedule: expected a string, got 3"},
      {"[model]\npreset = \"huge\"\n",
       "c.toml:2: model.preset: expected one of tiny | small | base"},
      {"[model]\nchar_cnn = \"yes\"\n", "c.toml:2: model.char_cnn: expected true or false"},
      {"[model]\nd_model = 100\nnum_heads = 3\n",
       "model.d_model: 100 is not divisible by model.num_heads = 3"},
      {"[data]\ntrain_files = [\"a\", 2]\n",
       "c.toml:2: data.train_files: element 1 must be a string, got 2"},
      {"[training]\nmax_sequence_length = 1024\n",
       "c.toml:2: training.max_sequence_length: 1024 exceeds model.max_length = 512"},
      {"[training\nbatch_size = 3\n", "c.toml:1:"},
      {"[class_weights]\nSSN = -1.0\n", "c.toml:1: class_weights:"},
      {"[class_weights]\nNOT_A_TYPE = 2.0\n", "NOT_A_TYPE"},
  };
  for (const Case& c : cases) {
    std::string what = config_error([&] { TrainConfig::parse(c.toml, "c.toml"); });
    EXPECT_CONTAINS(what, c.expected);
  }
  // The divisibility error names where num_heads was set.
  EXPECT_CONTAINS(config_error([&] {
                    TrainConfig::parse("[model]\nd_model = 100\nnum_heads = 3\n", "c.toml");
                  }),
                  "c.toml:");
}

TEST(ConfigTest, OverrideErrorsNameTheOverride) {
  std::string what =
      config_error([&] { TrainConfig::parse("", "t", {"training.batch_size=abc"}); });
  EXPECT_CONTAINS(
      what, "--set training.batch_size=abc: training.batch_size: expected an integer, got \"abc\"");
  what = config_error([&] { TrainConfig::parse("", "t", {"batch_size=3"}); });
  EXPECT_CONTAINS(what, "--set batch_size=3: expected section.key=value");
  what = config_error([&] { TrainConfig::parse("", "t", {"training.batch_size"}); });
  EXPECT_CONTAINS(what, "expected section.key=value");
  what = config_error([&] { TrainConfig::parse("", "t", {"trainin.batch_size=3"}); });
  EXPECT_CONTAINS(what, "unknown section [trainin]");
  what = config_error([&] { TrainConfig::parse("", "t", {"training.nope=3"}); });
  EXPECT_CONTAINS(what, "--set training.nope=3: training.nope: unknown key");
  what = config_error([&] { TrainConfig::parse("", "t", {"model.num_heads=5"}); });
  EXPECT_CONTAINS(what, "--set model.num_heads=5: model.d_model: 128 is not divisible");
}

TEST(ConfigTest, ModelConfigTomlRoundTrip) {
  ModelConfig m;
  apply_model_preset(m, "base");
  m.vocab_size = 1234;
  m.coref_clusters = 7;
  m.char_cnn = true;
  fs::path p =
      fs::temp_directory_path() / ("piikit_model_toml_" + std::to_string(::getpid()) + ".toml");
  write_file_atomic(p.string(), model_config_to_toml(m));
  ModelConfig back = load_model_config(p.string());
  EXPECT_EQ(back.preset, "base");
  EXPECT_EQ(back.d_model, 512);
  EXPECT_EQ(back.vocab_size, 1234);
  EXPECT_EQ(back.coref_clusters, 7);
  EXPECT_TRUE(back.char_cnn);
  // model.toml holds only [model].
  write_file_atomic(p.string(), "[training]\nseed = 1\n");
  EXPECT_CONTAINS(config_error([&] { load_model_config(p.string()); }),
                  "unknown section [training]");
  fs::remove(p);
}

TEST(ConfigTest, ShippedDefaultTomlHasEveryKeyWithTheBuiltInDefault) {
  const std::string path = std::string(PIIKIT_SOURCE_DIR) + "/configs/default.toml";
  EXPECT_EQ(TrainConfig::load(path).to_toml(), TrainConfig::load("").to_toml());
  toml::table shipped = toml::parse_file(path);
  toml::table resolved = toml::parse(TrainConfig::load("").to_toml());
  for (const auto& [section, table] : resolved) {
    for (const auto& [key, value] : *table.as_table()) {
      EXPECT_TRUE(shipped[section][key])
          << section.str() << "." << key.str() << " is missing from configs/default.toml";
    }
  }
}

TEST(ConfigTest, PresetNamesAndValidation) {
  EXPECT_EQ(model_preset_names(), (std::vector<std::string>{"tiny", "small", "base"}));
  ModelConfig m;
  EXPECT_CONTAINS(config_error([&] { apply_model_preset(m, "xl"); }), "valid: tiny, small, base");
  m.dropout = 1.0;
  EXPECT_CONTAINS(config_error([&] { validate_model_config(m); }),
                  "model.dropout: must be in [0, 1)");
  m.dropout = 0.1;
  m.coref_clusters = 1;
  EXPECT_CONTAINS(config_error([&] { validate_model_config(m); }), "model.coref_clusters");
}

}  // namespace
}  // namespace piikit
