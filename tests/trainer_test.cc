#include "piikit/trainer.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <sstream>

#include "piikit/class_weights.h"
#include "piikit/error.h"
#include "piikit/file_util.h"
#include "piikit/generator.h"
#include "piikit/label_set.h"
#include "piikit/model.h"
#include "test_training.h"

namespace piikit {
namespace {

namespace fs = std::filesystem;

using testing::Killed;
using testing::training_data;

fs::path fresh_dir(const std::string& name) { return testing::fresh_dir("trainer_test_runs", name); }

// testing::tiny_train_options: ~45 steps on 360 training samples.
TrainOptions tiny_options(const fs::path& out) {
  return testing::tiny_train_options(out, testing::training_vocab("trainer_test_runs"));
}

std::vector<std::string> lines_of(const std::string& path) {
  std::vector<std::string> lines;
  std::istringstream in(read_file(path));
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// Largest absolute difference between the parameters of two models (same architecture).
double max_param_diff(TokenClassifier& a, TokenClassifier& b) {
  auto pa = a->named_parameters();
  auto pb = b->named_parameters();
  double diff = 0;
  for (const auto& item : pa) {
    const torch::Tensor* other = pb.find(item.key());
    if (other == nullptr) return INFINITY;
    diff = std::max(diff, (item.value() - *other).abs().max().item<double>());
  }
  return diff;
}

TEST(TrainerTest, SmokeRunLossFallsAndWritesALoadableModelDir) {
  const fs::path out = fresh_dir("smoke");
  std::ostringstream report;
  TrainOptions o = tiny_options(out);
  o.report = &report;
  const TrainResult r = train(o);

  EXPECT_EQ(r.steps, 45);
  EXPECT_EQ(r.stop_reason, "epochs");
  EXPECT_EQ(r.train_samples + r.validation_samples, 400u);
  // Evaluations at steps 10, 15 (epoch end), 20, 30 (epoch end), 40, 45 (epoch end).
  ASSERT_EQ(r.history.size(), 6u);
  EXPECT_EQ(r.history[0].step, 10);
  EXPECT_EQ(r.history[1].step, 15);
  EXPECT_EQ(r.history.back().step, 45);
  EXPECT_EQ(r.history.back().epoch, 3);
  // The weighted training loss falls clearly.
  EXPECT_LT(r.history.back().train_loss, 0.7 * r.history[0].train_loss)
      << "first " << r.history[0].train_loss << " last " << r.history.back().train_loss;
  EXPECT_GT(r.tokens_per_second, 0);
  for (const EvalRecord& rec : r.history) {
    EXPECT_GE(rec.metric, 0.0);
    EXPECT_LE(rec.metric, 1.0);
    EXPECT_EQ(rec.report.samples, r.validation_samples) << "every validation sample evaluated";
  }

  // Every file of the output directory, and they agree with the result.
  for (const char* name : {"model.pt", "model.toml", "config.toml", "label_mappings.json",
                           "class_weights.json", "metrics.jsonl", "summary.json", "tokenizer"}) {
    EXPECT_TRUE(fs::exists(out / name)) << name;
  }
  check_label_mappings((out / "label_mappings.json").string());
  const ClassWeights saved =
      ClassWeights::from_json(read_file((out / "class_weights.json").string()), "class_weights.json");
  EXPECT_EQ(saved.weights, r.class_weights.weights);
  EXPECT_EQ(saved.source, "inverse_sqrt");
  EXPECT_GT(r.class_weights.counts[kOutsideLabel], 0u) << "counted on the training split";
  EXPECT_EQ(lines_of((out / "metrics.jsonl").string()).size(), r.history.size());
  const auto summary = nlohmann::json::parse(read_file((out / "summary.json").string()));
  EXPECT_EQ(summary.at("stop_reason"), "epochs");
  EXPECT_EQ(summary.at("steps"), 45);
  EXPECT_EQ(summary.at("class_weights_source"), "inverse_sqrt");
  EXPECT_EQ(summary.at("best").at("step"), r.best.step);

  // The resolved config reads back and names the tokenizer's vocabulary size.
  const TrainConfig resolved = TrainConfig::load((out / "config.toml").string());
  EXPECT_EQ(resolved.model.d_model, 32);
  EXPECT_EQ(resolved.training.seed, 5u);

  LoadedModel loaded = load_model_dir(out.string());
  EXPECT_EQ(loaded.config.d_model, 32);
  EXPECT_EQ(loaded.config.vocab_size, resolved.model.vocab_size);
  EXPECT_EQ(loaded.tokenizer.vocab_size(), resolved.model.vocab_size);
  EXPECT_EQ(loaded.model->num_parameters(), r.parameters);

  // Start-up information and the final table went to the report stream.
  const std::string text = report.str();
  EXPECT_NE(text.find("parameters"), std::string::npos) << text;
  EXPECT_NE(text.find("B-" + std::string(type_name(0))), std::string::npos) << "class-weight table";
  EXPECT_NE(text.find("stopped: epochs after 45 steps"), std::string::npos) << text;
}

TEST(TrainerTest, SeededRunsAreReproducible) {
  TrainOptions a = tiny_options(fresh_dir("repro_a"));
  TrainOptions b = tiny_options(fresh_dir("repro_b"));
  a.config.training.max_steps = b.config.training.max_steps = 12;
  const TrainResult ra = train(a);
  const TrainResult rb = train(b);
  EXPECT_EQ(ra.stop_reason, "max_steps");
  ASSERT_EQ(ra.history.size(), rb.history.size());
  for (std::size_t i = 0; i < ra.history.size(); ++i) {
    EXPECT_EQ(ra.history[i].train_loss, rb.history[i].train_loss) << i;
    EXPECT_EQ(ra.history[i].report.to_json(), rb.history[i].report.to_json()) << i;
  }
  TokenClassifier ma = load_model_weights(latest_checkpoint_dir(ra.output_dir));
  TokenClassifier mb = load_model_weights(latest_checkpoint_dir(rb.output_dir));
  EXPECT_EQ(max_param_diff(ma, mb), 0.0);
}

TEST(TrainerTest, KillAndResumeLosesNothingBeyondTheLastCheckpoint) {
  // Uninterrupted reference run.
  const TrainResult full = train(tiny_options(fresh_dir("full")));

  // The same run "killed" after step 27: the last checkpoint is the evaluation at step 20.
  const fs::path out = fresh_dir("killed");
  TrainOptions killed = tiny_options(out);
  killed.after_step = [](int64_t step) {
    if (step == 27) throw Killed();
  };
  EXPECT_THROW(train(killed), Killed);
  const std::string ckpt = latest_checkpoint_dir(out.string());
  const TrainState at_kill = load_train_state(ckpt);
  EXPECT_EQ(at_kill.step, 20);
  EXPECT_EQ(at_kill.epoch, 1);
  EXPECT_EQ(at_kill.batch_in_epoch, 5);
  EXPECT_EQ(at_kill.history.size(), 3u);
  EXPECT_EQ(lines_of((out / "metrics.jsonl").string()).size(), 3u);
  EXPECT_FALSE(fs::exists(out / "summary.json")) << "the run did not finish";
  load_model_dir(out.string());  // the best model so far is loadable

  // Resume: continues at step 21 and ends exactly where the uninterrupted run ended.
  TrainOptions resume;
  resume.resume_dir = out.string();
  resume.config.training.threads = 1;
  resume.samples = training_data();
  resume.quiet = true;
  std::vector<int64_t> steps_seen;
  resume.after_step = [&](int64_t step) { steps_seen.push_back(step); };
  const TrainResult resumed = train(resume);
  ASSERT_FALSE(steps_seen.empty());
  EXPECT_EQ(steps_seen.front(), 21) << "nothing before the checkpoint is redone";
  EXPECT_EQ(resumed.steps, full.steps);
  EXPECT_EQ(resumed.stop_reason, full.stop_reason);
  ASSERT_EQ(resumed.history.size(), full.history.size());
  for (std::size_t i = 0; i < full.history.size(); ++i) {
    EXPECT_EQ(resumed.history[i].step, full.history[i].step) << i;
    EXPECT_NEAR(resumed.history[i].train_loss, full.history[i].train_loss, 1e-5) << i;
    EXPECT_NEAR(resumed.history[i].metric, full.history[i].metric, 1e-9) << i;
  }
  EXPECT_EQ(lines_of((out / "metrics.jsonl").string()).size(), full.history.size());
  EXPECT_EQ(resumed.tokens_seen, full.tokens_seen);
  TokenClassifier a = load_model_weights(latest_checkpoint_dir(full.output_dir));
  TokenClassifier b = load_model_weights(latest_checkpoint_dir(out.string()));
  EXPECT_LT(max_param_diff(a, b), 1e-5);
}

TEST(TrainerTest, TimeBudgetStopsTheRun) {
  TrainOptions o = tiny_options(fresh_dir("budget"));
  o.config.training.num_epochs = 1000;
  o.config.training.max_minutes = 0.01;  // 0.6 s of training
  const TrainResult r = train(o);
  EXPECT_EQ(r.stop_reason, "time budget");
  EXPECT_LT(r.steps, 1000 * 15);
  EXPECT_FALSE(r.history.empty()) << "the last steps are evaluated";
  EXPECT_EQ(r.history.back().step, r.steps);
}

TEST(TrainerTest, TimeBudgetIsUsedNotWasted) {
  // The schedule is fitted to the budget with measured step and evaluation times, and planned
  // again after each evaluation: the run neither overruns its budget nor stops far short of it.
  TrainOptions o = tiny_options(fresh_dir("budget_use"));
  o.config.training.num_epochs = 100000;
  o.config.training.max_minutes = 0.05;  // 3 s
  const TrainResult r = train(o);
  EXPECT_EQ(r.stop_reason, "time budget");
  EXPECT_GT(r.seconds, 0.5 * 3.0);
  EXPECT_LT(r.seconds, 3.0 + 1.0);
  EXPECT_GE(r.history.size(), 2u);
}

TEST(TrainerTest, EarlyStoppingKeepsTheBestModel) {
  TrainOptions o = tiny_options(fresh_dir("early"));
  o.config.training.num_epochs = 50;
  o.config.training.eval_every_steps = 0;
  o.config.training.learning_rate = 1e-9;  // nothing improves after the first evaluation
  o.config.training.warmup_steps = 0;
  o.config.training.early_stopping_patience = 2;
  o.config.training.early_stopping_threshold = 0.01;
  const TrainResult r = train(o);
  EXPECT_EQ(r.stop_reason, "early_stopping");
  ASSERT_EQ(r.history.size(), 3u);
  EXPECT_EQ(r.best.step, r.history[0].step);
  EXPECT_EQ(r.steps, 45);
}

TEST(TrainerTest, CorefClustersAddACorefHead) {
  std::vector<Sample> samples = training_data();
  // Every entity of a sample is a mention of one more cluster (enough for the head and its loss).
  std::size_t most = 0;
  for (Sample& s : samples) {
    if (s.entities.size() >= 2) {
      CorefCluster c;
      for (const Entity& e : s.entities) c.mentions.push_back({e.start, e.end});
      s.coref.push_back(c);
    }
    most = std::max(most, s.coref.size());
  }
  ASSERT_GT(most, 0u);
  const int expected = static_cast<int>(std::min<std::size_t>(most, 16)) + 1;
  TrainOptions o = tiny_options(fresh_dir("coref"));
  o.samples = samples;
  o.config.training.max_steps = 10;
  const TrainResult r = train(o);
  EXPECT_TRUE(std::isfinite(r.history.back().train_loss));
  const TrainConfig resolved = TrainConfig::load(r.output_dir + "/config.toml");
  // Upper bound: the split may leave the sample with the most clusters in validation.
  EXPECT_GE(resolved.model.coref_clusters, 2) << "clusters + NO_COREF";
  EXPECT_LE(resolved.model.coref_clusters, expected);
  EXPECT_EQ(load_model_dir(r.output_dir).config.coref_clusters, resolved.model.coref_clusters);
}

TEST(TrainerTest, ClassWeightsFromConfigAreUsedAndSaved) {
  TrainOptions o = tiny_options(fresh_dir("override"));
  o.config.training.max_steps = 3;
  ClassWeights given;
  given.weights.assign(kNumLabels, 2.0);
  given.weights[kOutsideLabel] = 0.5;
  given.source = "config";
  o.config.class_weights = given;
  const TrainResult r = train(o);
  EXPECT_EQ(r.class_weights.source, "config");
  EXPECT_EQ(r.class_weights.weights, given.weights);
  const ClassWeights saved =
      ClassWeights::from_json(read_file(r.output_dir + "/class_weights.json"), "class_weights.json");
  EXPECT_EQ(saved.weights, given.weights);
}

template <typename Error>
void expect_train_error(const TrainOptions& o, const std::string& needle) {
  try {
    train(o);
    ADD_FAILURE() << "accepted; expected an error containing " << needle;
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
}

TEST(TrainerTest, BadSettingsFailBeforeTraining) {
  const fs::path out = fresh_dir("bad");
  auto with = [&](auto edit) {
    TrainOptions o = tiny_options(out);
    edit(o.config);
    return o;
  };
  expect_train_error<ConfigError>(with([](TrainConfig& c) { c.training.batch_size = 0; }),
                                  "training.batch_size: must be >= 1, got 0");
  expect_train_error<ConfigError>(with([](TrainConfig& c) { c.training.max_sequence_length = 128; }),
                                  "training.max_sequence_length: must not exceed model.max_length (64)");
  expect_train_error<ConfigError>(with([](TrainConfig& c) { c.training.early_stopping_metric = "accuracy"; }),
                                  "training.early_stopping_metric: unknown metric \"accuracy\"");
  expect_train_error<ConfigError>(with([](TrainConfig& c) { c.training.lr_schedule = "step"; }),
                                  "training.lr_schedule");
  expect_train_error<ConfigError>(with([](TrainConfig& c) { c.training.loss_reduction = "none"; }),
                                  "training.loss_reduction");
  expect_train_error<ConfigError>(with([](TrainConfig& c) { c.training.eval_size_ratio = 1.0; }),
                                  "training.eval_size_ratio");
  // An output directory that cannot be created (a regular file is in the way).
  fs::create_directories(out);
  write_file_atomic((out / "file").string(), "x");
  expect_train_error<std::runtime_error>(
      with([&](TrainConfig& c) { c.paths.output_dir = (out / "file" / "run").string(); }),
      (out / "file" / "run").string());
  EXPECT_FALSE(fs::exists(out / "tokenizer")) << "nothing trained";
  // Resume from a directory that holds no run.
  TrainOptions r;
  r.resume_dir = out.string();
  expect_train_error<std::runtime_error>(r, "config.toml: missing");
}

TEST(TrainerTest, DecayGroupsSpareBiasesNormsAndEmbeddings) {
  ModelConfig mc;
  mc.vocab_size = 100;
  mc.d_model = 32;
  mc.num_layers = 1;
  mc.num_heads = 2;
  mc.ffn_dim = 64;
  TokenClassifier model(mc);
  DecayGroups g = split_decay_groups(*model);
  EXPECT_EQ(g.decay.size() + g.no_decay.size(), model->parameters().size());
  EXPECT_FALSE(g.decay.empty());
  for (std::size_t i = 0; i < g.decay.size(); ++i) {
    EXPECT_GE(g.decay[i].dim(), 2) << g.decay_names[i];
    EXPECT_EQ(g.decay_names[i].find("embedding"), std::string::npos) << g.decay_names[i];
  }
  bool token_embedding_spared = false;
  for (std::size_t i = 0; i < g.no_decay.size(); ++i) {
    if (g.no_decay[i].dim() >= 2) {
      EXPECT_NE(g.no_decay_names[i].find("embedding"), std::string::npos) << g.no_decay_names[i];
      token_embedding_spared = token_embedding_spared || g.no_decay[i].size(0) == 100;
    }
  }
  EXPECT_TRUE(token_embedding_spared);
}

}  // namespace
}  // namespace piikit
