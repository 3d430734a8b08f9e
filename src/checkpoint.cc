#include "piikit/checkpoint.h"

#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <system_error>

#include "piikit/error.h"
#include "piikit/file_util.h"

namespace piikit {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* kMagic = "piikit-checkpoint";
constexpr int kVersion = 1;
constexpr const char* kLink = "checkpoint";

json record_header(const EvalRecord& rec) {
  return json{{"epoch", rec.epoch},
              {"step", rec.step},
              {"train_loss", rec.train_loss},
              {"learning_rate", rec.learning_rate},
              {"elapsed_seconds", rec.elapsed_seconds},
              {"metric", rec.metric}};
}

std::string step_dir_name(int64_t step) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "checkpoint-%06lld", static_cast<long long>(step));
  return buf;
}

}  // namespace

std::string eval_record_to_jsonl(const EvalRecord& record) {
  json j = record_header(record);
  j["metrics"] = json::parse(record.report.to_json());
  return j.dump();
}

std::string train_state_to_json(const TrainState& s) {
  json j;
  j["magic"] = kMagic;
  j["version"] = kVersion;
  j["step"] = s.step;
  j["epoch"] = s.epoch;
  j["batch_in_epoch"] = s.batch_in_epoch;
  j["total_steps"] = s.total_steps;
  j["tokens_seen"] = s.tokens_seen;
  j["elapsed_seconds"] = s.elapsed_seconds;
  j["train_seconds"] = s.train_seconds;
  j["budget_planned"] = s.budget_planned;
  j["loss_sum"] = s.loss_sum;
  j["loss_batches"] = s.loss_batches;
  j["last_learning_rate"] = s.last_learning_rate;
  j["best_index"] = s.best_index;
  j["evals_without_improvement"] = s.evals_without_improvement;
  j["seed"] = s.seed;
  json history = json::array();
  for (const EvalRecord& rec : s.history) {
    json h = record_header(rec);
    h["report"] = json::parse(rec.report.to_json());
    history.push_back(std::move(h));
  }
  j["history"] = std::move(history);
  return j.dump(1);
}

TrainState train_state_from_json(const std::string& text, const std::string& source) {
  json j;
  try {
    j = json::parse(text);
  } catch (const json::exception& e) {
    throw DataError(source, 0, std::string("not valid JSON: ") + e.what());
  }
  if (!j.is_object() || j.value("magic", "") != kMagic) {
    throw DataError(source, 0, "not a piikit checkpoint state (magic \"" + std::string(kMagic) +
                                   "\" missing)");
  }
  if (j.value("version", 0) != kVersion) {
    throw DataError(source, 0, "checkpoint version " + j.value("version", json(0)).dump() +
                                   ", this piikit reads version " + std::to_string(kVersion));
  }
  TrainState s;
  std::string field;
  try {
    auto get = [&](const char* key, auto& out) {
      field = key;
      out = j.at(key).get<std::decay_t<decltype(out)>>();
    };
    get("step", s.step);
    get("epoch", s.epoch);
    get("batch_in_epoch", s.batch_in_epoch);
    get("total_steps", s.total_steps);
    get("tokens_seen", s.tokens_seen);
    get("elapsed_seconds", s.elapsed_seconds);
    get("train_seconds", s.train_seconds);
    get("budget_planned", s.budget_planned);
    get("loss_sum", s.loss_sum);
    get("loss_batches", s.loss_batches);
    get("last_learning_rate", s.last_learning_rate);
    get("best_index", s.best_index);
    get("evals_without_improvement", s.evals_without_improvement);
    get("seed", s.seed);
    field = "history";
    for (const json& h : j.at("history")) {
      EvalRecord rec;
      rec.epoch = h.at("epoch").get<int>();
      rec.step = h.at("step").get<int64_t>();
      rec.train_loss = h.at("train_loss").get<double>();
      rec.learning_rate = h.at("learning_rate").get<double>();
      rec.elapsed_seconds = h.at("elapsed_seconds").get<double>();
      rec.metric = h.at("metric").get<double>();
      rec.report = EvalReport::from_json(h.at("report").dump());
      s.history.push_back(std::move(rec));
    }
  } catch (const std::exception& e) {
    throw DataError(source, 0, "field \"" + field + "\": " + e.what());
  }
  if (s.best_index >= static_cast<int64_t>(s.history.size())) {
    throw DataError(source, 0, "best_index " + std::to_string(s.best_index) + " past the " +
                                   std::to_string(s.history.size()) + " evaluations in history");
  }
  return s;
}

void save_checkpoint(const std::string& out_dir, const TrainState& state,
                     const std::function<void(const std::string& dir)>& write_tensors) {
  const fs::path out(out_dir);
  // A fresh name, so the directory the link points at is never touched (a second save at the
  // same step gets checkpoint-<step>.1, ...).
  std::string name = step_dir_name(state.step);
  for (int n = 1; fs::exists(out / name) || fs::exists(out / (name + ".tmp")); ++n) {
    name = step_dir_name(state.step) + "." + std::to_string(n);
  }
  const fs::path tmp = out / (name + ".tmp");
  std::error_code ec;
  fs::create_directories(tmp);
  write_tensors(tmp.string());
  write_file_atomic((tmp / "state.json").string(), train_state_to_json(state));
  fs::rename(tmp, out / name);

  const fs::path link = out / kLink;
  const fs::path link_tmp = out / (std::string(kLink) + ".lnk.tmp");
  fs::remove(link_tmp, ec);
  fs::create_symlink(name, link_tmp);
  fs::rename(link_tmp, link);  // atomic replacement of the symlink

  // Everything else named checkpoint-* is superseded.
  for (const auto& entry : fs::directory_iterator(out)) {
    const std::string n = entry.path().filename().string();
    if (n.rfind("checkpoint-", 0) == 0 && n != name) remove_tree(entry.path().string());
  }
}

std::string latest_checkpoint_dir(const std::string& out_dir) {
  const fs::path link = fs::path(out_dir) / kLink;
  std::error_code ec;
  if (!fs::is_symlink(link, ec) && !fs::is_directory(link, ec)) {
    throw std::runtime_error(link.string() + ": no checkpoint to resume from (is " + out_dir +
                             " the output directory of a piikit train run?)");
  }
  fs::path target = fs::canonical(link, ec);
  if (ec || !fs::is_directory(target)) {
    throw std::runtime_error(link.string() + ": checkpoint link is dangling");
  }
  return target.string();
}

TrainState load_train_state(const std::string& checkpoint_dir) {
  const std::string path = (fs::path(checkpoint_dir) / "state.json").string();
  return train_state_from_json(read_file(path), path);
}

}  // namespace piikit
