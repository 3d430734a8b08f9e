#include "piikit/checkpoint.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "piikit/error.h"
#include "piikit/file_util.h"

namespace piikit {
namespace {

namespace fs = std::filesystem;

EvalReport some_report() {
  Evaluator ev;
  ev.add_spans({{0, 5, 0}, {10, 14, 3}}, {{0, 5, 0}, {10, 13, 3}});
  const int32_t gold[] = {1, 2, 0, 7};
  const int32_t pred[] = {1, 2, 0, 0};
  ev.add_tokens(gold, pred, 4);
  return ev.report();
}

TrainState some_state() {
  TrainState s;
  s.step = 123;
  s.epoch = 2;
  s.batch_in_epoch = 17;
  s.total_steps = 4000;
  s.tokens_seen = 987654;
  s.elapsed_seconds = 61.25;
  s.train_seconds = 55.5;
  s.budget_planned = true;
  s.loss_sum = 3.375;
  s.loss_batches = 9;
  s.last_learning_rate = 7.5e-4;
  s.best_index = 1;
  s.evals_without_improvement = 1;
  s.seed = 99;
  for (int i = 0; i < 3; ++i) {
    EvalRecord r;
    r.epoch = i + 1;
    r.step = 40 * (i + 1);
    r.train_loss = 0.5 / (i + 1);
    r.learning_rate = 1e-3;
    r.elapsed_seconds = 20.0 * i;
    r.metric = 0.1 * i;
    r.report = some_report();
    s.history.push_back(r);
  }
  return s;
}

fs::path fresh_dir(const std::string& name) {
  fs::path dir = fs::temp_directory_path() / ("piikit_checkpoint_test_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

TEST(CheckpointTest, StateRoundTrip) {
  const TrainState s = some_state();
  const TrainState r = train_state_from_json(train_state_to_json(s), "state.json");
  EXPECT_EQ(r.step, s.step);
  EXPECT_EQ(r.epoch, s.epoch);
  EXPECT_EQ(r.batch_in_epoch, s.batch_in_epoch);
  EXPECT_EQ(r.total_steps, s.total_steps);
  EXPECT_EQ(r.tokens_seen, s.tokens_seen);
  EXPECT_EQ(r.elapsed_seconds, s.elapsed_seconds);
  EXPECT_EQ(r.train_seconds, s.train_seconds);
  EXPECT_EQ(r.budget_planned, s.budget_planned);
  EXPECT_EQ(r.loss_sum, s.loss_sum);
  EXPECT_EQ(r.loss_batches, s.loss_batches);
  EXPECT_EQ(r.last_learning_rate, s.last_learning_rate);
  EXPECT_EQ(r.best_index, s.best_index);
  EXPECT_EQ(r.evals_without_improvement, s.evals_without_improvement);
  EXPECT_EQ(r.seed, s.seed);
  ASSERT_EQ(r.history.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(r.history[i].step, s.history[i].step);
    EXPECT_EQ(r.history[i].metric, s.history[i].metric);
    EXPECT_EQ(r.history[i].report.exact_micro, s.history[i].report.exact_micro);
    EXPECT_EQ(r.history[i].report.exact, s.history[i].report.exact);
    EXPECT_EQ(r.history[i].report.token, s.history[i].report.token);
    EXPECT_EQ(r.history[i].report.to_json(), s.history[i].report.to_json());
  }
}

TEST(CheckpointTest, MetricsLineHasEveryPerTypeFigure) {
  EvalRecord rec = some_state().history[1];
  const std::string line = eval_record_to_jsonl(rec);
  EXPECT_EQ(line.find('\n'), std::string::npos);
  const auto j = nlohmann::json::parse(line);
  EXPECT_EQ(j.at("step"), 80);
  EXPECT_EQ(j.at("epoch"), 2);
  EXPECT_EQ(j.at("metrics").at("exact").at("per_type").size(), static_cast<std::size_t>(kNumTypes));
  EXPECT_DOUBLE_EQ(j.at("metrics").at("exact").at("per_type").at(std::string(type_name(0))).at("f1"), 1.0);
}

TEST(CheckpointTest, BadStateFilesNameTheSource) {
  auto expect_error = [](const std::string& text, const std::string& needle) {
    try {
      train_state_from_json(text, "run/checkpoint/state.json");
      ADD_FAILURE() << "accepted: " << text;
    } catch (const DataError& e) {
      EXPECT_EQ(e.source(), "run/checkpoint/state.json");
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
  };
  expect_error("{not json", "not valid JSON");
  expect_error(R"({"magic":"other"})", "not a piikit checkpoint state");
  expect_error(R"({"magic":"piikit-checkpoint","version":7})", "checkpoint version 7");
  auto j = nlohmann::json::parse(train_state_to_json(some_state()));
  j["step"] = "many";
  expect_error(j.dump(), "field \"step\"");
  j = nlohmann::json::parse(train_state_to_json(some_state()));
  j["best_index"] = 5;
  expect_error(j.dump(), "best_index 5 past the 3 evaluations");
}

TEST(CheckpointTest, SaveReplacesAtomicallyAndCleansUp) {
  const fs::path dir = fresh_dir("save");
  EXPECT_THROW(latest_checkpoint_dir(dir.string()), std::runtime_error);
  TrainState s = some_state();
  s.step = 10;
  save_checkpoint(dir.string(), s, [](const std::string& d) { write_file_atomic(d + "/model.pt", "A"); });
  const std::string first = latest_checkpoint_dir(dir.string());
  EXPECT_EQ(fs::path(first).filename(), "checkpoint-000010");
  EXPECT_EQ(read_file(first + "/model.pt"), "A");
  EXPECT_EQ(load_train_state(first).step, 10);

  // A stale temporary directory of a killed save is ignored and then removed.
  fs::create_directories(dir / "checkpoint-000015.tmp");
  s.step = 20;
  save_checkpoint(dir.string(), s, [](const std::string& d) { write_file_atomic(d + "/model.pt", "B"); });
  const std::string second = latest_checkpoint_dir(dir.string());
  EXPECT_EQ(fs::path(second).filename(), "checkpoint-000020");
  EXPECT_EQ(read_file(second + "/model.pt"), "B");
  EXPECT_TRUE(fs::is_symlink(dir / "checkpoint"));
  EXPECT_FALSE(fs::exists(first)) << "superseded checkpoint removed";
  EXPECT_FALSE(fs::exists(dir / "checkpoint-000015.tmp"));

  // Saving twice at the same step never touches the directory the link points at.
  save_checkpoint(dir.string(), s, [](const std::string& d) { write_file_atomic(d + "/model.pt", "C"); });
  EXPECT_EQ(read_file(latest_checkpoint_dir(dir.string()) + "/model.pt"), "C");
  EXPECT_EQ(fs::path(latest_checkpoint_dir(dir.string())).filename(), "checkpoint-000020.1");
  fs::remove_all(dir);
}

TEST(CheckpointTest, FailedSaveKeepsThePreviousCheckpoint) {
  const fs::path dir = fresh_dir("fail");
  TrainState s = some_state();
  s.step = 5;
  save_checkpoint(dir.string(), s, [](const std::string& d) { write_file_atomic(d + "/model.pt", "good"); });
  s.step = 6;
  EXPECT_THROW(save_checkpoint(dir.string(), s,
                               [](const std::string&) { throw std::runtime_error("disk full"); }),
               std::runtime_error);
  const std::string kept = latest_checkpoint_dir(dir.string());
  EXPECT_EQ(load_train_state(kept).step, 5);
  EXPECT_EQ(read_file(kept + "/model.pt"), "good");
  fs::remove_all(dir);
}

TEST(CheckpointTest, RemoveTreeRemovesEverythingButFollowsNoLink) {
  const fs::path dir = fresh_dir("remove_tree");
  const fs::path outside = fresh_dir("remove_tree_outside");
  fs::create_directories(dir / "a" / "b" / "c");
  fs::create_directories(outside);
  write_file_atomic((dir / "a" / "b" / "c" / "f.txt").string(), "x");
  write_file_atomic((dir / "a" / "g.txt").string(), "y");
  write_file_atomic((outside / "keep.txt").string(), "z");
  fs::create_directory_symlink(outside, dir / "a" / "link");
  EXPECT_TRUE(remove_tree(dir.string()));
  EXPECT_FALSE(fs::exists(dir));
  EXPECT_EQ(read_file((outside / "keep.txt").string()), "z") << "a link's target is kept";
  EXPECT_TRUE(remove_tree(dir.string())) << "a missing path is no error";
  EXPECT_TRUE(remove_tree((outside / "keep.txt").string())) << "a plain file";
  EXPECT_FALSE(fs::exists(outside / "keep.txt"));
  fs::remove_all(outside);
}

}  // namespace
}  // namespace piikit
