// The training loop. One run: fail-fast checks, data and split, tokenizer, class weights, model and
// AdamW, then steps with evaluation/early stopping/checkpoints, and the output directory.
// Reproducibility: batches depend only on (seed, epoch) and dropout masks only on (seed, step)
// (the generator is re-seeded before every step), so a resumed run repeats exactly what an
// uninterrupted one would have done.
#include "piikit/trainer.h"

#include <unistd.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "piikit/batching.h"
#include "piikit/data_split.h"
#include "piikit/error.h"
#include "piikit/file_util.h"
#include "piikit/generator.h"
#include "piikit/label_counting.h"
#include "piikit/label_set.h"
#include "piikit/loss.h"
#include "piikit/data_parallel.h"
#include "piikit/lr_schedule.h"
#include "piikit/model.h"
#include "piikit/progress.h"
#include "piikit/sample_io.h"
#include "piikit/torch_runtime.h"
#include "piikit/validation.h"

namespace piikit {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// The time budget is planned from the speed of the first kPlanStep steps of a session.
constexpr int64_t kPlanStep = 50;
constexpr int64_t kReplanSteps = 100;
// Coreference head capacity: clusters of a sample beyond this are ignored by the loss.
constexpr int kMaxCorefClusters = 16;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

std::string path_in(const std::string& dir, const std::string& name) {
  return (fs::path(dir) / name).string();
}

void check_training_config(const TrainConfig& c) {
  const TrainingConfig& t = c.training;
  auto need = [](bool ok, const std::string& key, const std::string& what, const auto& value) {
    if (!ok) {
      std::ostringstream os;
      os << "training." << key << ": " << what << ", got " << value;
      throw ConfigError(os.str());
    }
  };
  need(t.num_epochs >= 1, "num_epochs", "must be >= 1", t.num_epochs);
  need(t.batch_size >= 1, "batch_size", "must be >= 1", t.batch_size);
  need(t.learning_rate > 0 && std::isfinite(t.learning_rate), "learning_rate", "must be > 0",
       t.learning_rate);
  need(t.warmup_steps >= 0, "warmup_steps", "must be >= 0", t.warmup_steps);
  need(t.max_steps >= 0, "max_steps", "must be >= 0 (0 = no limit)", t.max_steps);
  need(t.max_minutes >= 0, "max_minutes", "must be >= 0 (0 = no limit)", t.max_minutes);
  need(t.weight_decay >= 0, "weight_decay", "must be >= 0", t.weight_decay);
  need(t.max_grad_norm >= 0, "max_grad_norm", "must be >= 0 (0 = no clipping)", t.max_grad_norm);
  need(t.eval_every_steps >= 0, "eval_every_steps", "must be >= 0", t.eval_every_steps);
  need(t.max_sequence_length >= 3, "max_sequence_length", "must be >= 3", t.max_sequence_length);
  need(t.max_sequence_length <= c.model.max_length, "max_sequence_length",
       "must not exceed model.max_length (" + std::to_string(c.model.max_length) + ")",
       t.max_sequence_length);
  need(t.early_stopping_patience >= 0, "early_stopping_patience", "must be >= 0",
       t.early_stopping_patience);
  need(t.focal_gamma >= 0, "focal_gamma", "must be >= 0", t.focal_gamma);
  need(t.pii_loss_weight >= 0, "pii_loss_weight", "must be >= 0", t.pii_loss_weight);
  need(t.coref_loss_weight >= 0, "coref_loss_weight", "must be >= 0", t.coref_loss_weight);
  need(t.eval_size_ratio > 0 && t.eval_size_ratio < 1, "eval_size_ratio", "must be in (0, 1)",
       t.eval_size_ratio);
  parse_lr_schedule(t.lr_schedule);
  if (parse_loss_reduction(t.loss_reduction) == LossReduction::kNone) {
    throw ConfigError("training.loss_reduction: \"none\" gives no scalar to train on; use mean, "
                      "weighted_mean or sum");
  }
  metric_value(EvalReport{}, t.early_stopping_metric);
  check_class_weight_options(t.class_weight_options());
  validate_model_config(c.model);
}

// Creates `dir` and proves it writable before any long work.
void check_writable(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw std::runtime_error(dir + ": cannot create the output directory: " + ec.message());
  const std::string probe = path_in(dir, ".piikit-write-test");
  write_file_atomic(probe, "ok\n");
  fs::remove(probe, ec);
}

// A fresh run must not leave files of an earlier run in the directory that could be mixed with
// its own (an old model.pt next to a new tokenizer, an old checkpoint for --resume).
void clear_previous_run(const std::string& dir) {
  std::error_code ec;
  for (const char* name : {"checkpoint", "model.pt", "model.toml", "metrics.jsonl", "summary.json"}) {
    fs::remove(path_in(dir, name), ec);
  }
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().filename().string().rfind("checkpoint-", 0) == 0) remove_tree(entry.path().string());
  }
}

std::vector<Sample> training_samples(const TrainOptions& options, const TrainConfig& c,
                                     std::string& source) {
  if (!options.samples.empty()) {
    source = "given samples";
    return options.samples;
  }
  if (!c.data.train_files.empty()) {
    source = "";
    for (const std::string& f : c.data.train_files) source += (source.empty() ? "" : ", ") + f;
    return load_samples(c.data.train_files);
  }
  if (c.data.generate_train_samples < 2) {
    throw ConfigError("data.generate_train_samples: must be >= 2, got " +
                      std::to_string(c.data.generate_train_samples));
  }
  const GeneratorConfig gen = c.data.generator_config.empty()
                                  ? GeneratorConfig()
                                  : GeneratorConfig::from_toml_file(c.data.generator_config);
  source = "generated (" + std::to_string(c.data.generate_train_samples) + " samples, seed " +
           std::to_string(c.data.generate_seed) + ")";
  return generate_samples(gen, Split::kTrain, c.data.generate_seed,
                          static_cast<std::size_t>(c.data.generate_train_samples));
}

// Moves AdamW's per-parameter state to `device`: checkpoints hold it on the CPU, so that a run
// trained on a GPU resumes on a machine without one, and the reverse.
void optimizer_state_to(torch::optim::AdamW& optimizer, torch::Device device) {
  for (auto& [key, base] : optimizer.state()) {
    auto& s = static_cast<torch::optim::AdamWParamState&>(*base);
    s.exp_avg(s.exp_avg().to(device));
    s.exp_avg_sq(s.exp_avg_sq().to(device));
    if (s.max_exp_avg_sq().defined()) s.max_exp_avg_sq(s.max_exp_avg_sq().to(device));
  }
}

std::string metrics_jsonl(const std::vector<EvalRecord>& history) {
  std::string text;
  for (const EvalRecord& rec : history) text += eval_record_to_jsonl(rec) + "\n";
  return text;
}

std::string summary_json(const TrainResult& r, const TrainConfig& c, const std::string& device,
                         int threads, const std::string& data_source) {
  nlohmann::json j;
  j["stop_reason"] = r.stop_reason;
  j["steps"] = r.steps;
  j["planned_steps"] = r.total_steps;
  j["seconds"] = r.seconds;
  j["tokens_seen"] = r.tokens_seen;
  j["tokens_per_second"] = r.tokens_per_second;
  j["parameters"] = r.parameters;
  j["device"] = device;
  j["threads"] = threads;
  j["data"] = data_source;
  j["train_samples"] = r.train_samples;
  j["validation_samples"] = r.validation_samples;
  j["class_weights_source"] = r.class_weights.source;
  j["early_stopping_metric"] = c.training.early_stopping_metric;
  j["evaluations"] = r.history.size();
  j["best"] = nlohmann::json::parse(eval_record_to_jsonl(r.best));
  return j.dump(2) + "\n";
}

}  // namespace

DecayGroups split_decay_groups(torch::nn::Module& module) {
  DecayGroups groups;
  for (const auto& item : module.named_parameters(/*recurse=*/true)) {
    const std::string& name = item.key();
    const bool decay = item.value().dim() >= 2 && name.find("embedding") == std::string::npos;
    (decay ? groups.decay : groups.no_decay).push_back(item.value());
    (decay ? groups.decay_names : groups.no_decay_names).push_back(name);
  }
  return groups;
}

TrainResult train(const TrainOptions& options) {
  const bool resuming = !options.resume_dir.empty();
  TrainConfig config = options.config;
  std::string out_dir = config.paths.output_dir;
  if (resuming) {
    out_dir = options.resume_dir;
    const std::string saved = path_in(out_dir, "config.toml");
    if (!fs::exists(saved)) {
      throw std::runtime_error(saved + ": missing: --resume needs the output directory of a run");
    }
    config = TrainConfig::load(saved);
    config.training.threads = options.config.training.threads;
    config.training.device = options.config.training.device;
  }
  if (out_dir.empty()) throw ConfigError("paths.output_dir: must not be empty");
  check_training_config(config);
  const TrainingConfig& tc = config.training;
  check_writable(out_dir);
  // Device and replicas before anything is cleared: an error here leaves the previous run intact.
  const torch::Device device = resolve_device(tc.device);
  const int threads = configure_threads(tc.threads);
  const int replicas = resolve_replicas(tc.replicas, threads, device);

  TrainState state;
  std::string checkpoint;
  if (resuming) {
    checkpoint = latest_checkpoint_dir(out_dir);
    state = load_train_state(checkpoint);
    if (state.seed != tc.seed) {
      throw DataError(path_in(checkpoint, "state.json"), 0,
                      "seed " + std::to_string(state.seed) + " differs from config seed " +
                          std::to_string(tc.seed));
    }
  } else {
    clear_previous_run(out_dir);
    state.seed = tc.seed;
  }
  std::ostream* report = options.report;
  auto say = [&](const std::string& line) {
    if (report) *report << line << '\n' << std::flush;
  };

  // Data and the validation split (deterministic: resumed runs re-derive the same split).
  std::string data_source;
  DataSplit split =
      split_train_validation(training_samples(options, config, data_source), tc.eval_size_ratio, tc.seed);
  for (const std::string& w : split.warnings) say("warning: " + w);

  // Tokenizer: the run's own (resume), a given one, or one trained on the training texts.
  Tokenizer tokenizer;
  const std::string tokenizer_dir = path_in(out_dir, "tokenizer");
  if (resuming) {
    tokenizer = Tokenizer::load(tokenizer_dir);
  } else if (!config.paths.tokenizer.empty()) {
    tokenizer = Tokenizer::load(config.paths.tokenizer);
  } else {
    std::vector<std::string> texts;
    texts.reserve(split.train.size());
    for (const Sample& s : split.train) texts.push_back(s.text);
    TokenizerTrainOptions topt;
    topt.vocab_size = config.data.tokenizer_vocab_size;
    topt.seed = tc.seed;
    tokenizer = Tokenizer::train(texts, topt);
  }
  if (!resuming) tokenizer.save(tokenizer_dir);
  config.model.vocab_size = tokenizer.vocab_size();

  // A coreference head when the training split has clusters (CLUSTER_k = k + 1, NO_COREF = 0).
  if (config.model.coref_clusters == 0) {
    std::size_t most = 0;
    for (const Sample& s : split.train) most = std::max(most, s.coref.size());
    if (most > 0) config.model.coref_clusters = static_cast<int>(std::min<std::size_t>(most, kMaxCorefClusters)) + 1;
  }

  // Encoding. Examples without any labelled token (empty texts) carry no signal: dropped.
  const int max_len = tc.max_sequence_length;
  auto encode_all = [&](std::vector<Sample>& samples, std::vector<EncodedExample>& out) {
    std::vector<Sample> kept;
    for (Sample& s : samples) {
      EncodedExample ex = encode_example(s, tokenizer, max_len, config.model.coref_clusters,
                                         config.model.char_cnn);
      if (ex.size() <= 2) continue;
      out.push_back(std::move(ex));
      kept.push_back(std::move(s));
    }
    samples = std::move(kept);
  };
  std::vector<EncodedExample> train_ex, val_ex;
  encode_all(split.train, train_ex);
  encode_all(split.validation, val_ex);
  if (train_ex.empty() || val_ex.empty()) {
    throw DataError(data_source, 0, "no non-empty texts left in the training or validation split");
  }

  // Class weights from the training split's token labels, counted as `piikit weights` does.
  const LabelCounts counts = count_sample_labels(split.train, tokenizer, max_len);
  const ClassWeights weights = resolve_class_weights(
      counts,
      tc.class_weight_options(),
      config.class_weights);
  if (!resuming) {
    write_file_atomic(path_in(out_dir, "config.toml"), config.to_toml());
    write_label_mappings(path_in(out_dir, "label_mappings.json"));
    write_file_atomic(path_in(out_dir, "class_weights.json"), weights.to_json());
  }

  // Model and optimizer.
  torch::manual_seed(tc.seed);
  TokenClassifier model = resuming ? load_model_weights(checkpoint) : TokenClassifier(config.model);
  model->to(device);
  model->train();
  DecayGroups groups = split_decay_groups(*model);
  std::vector<torch::optim::OptimizerParamGroup> param_groups;
  param_groups.emplace_back(groups.decay, std::make_unique<torch::optim::AdamWOptions>(
                                              torch::optim::AdamWOptions(tc.learning_rate).weight_decay(tc.weight_decay)));
  param_groups.emplace_back(groups.no_decay, std::make_unique<torch::optim::AdamWOptions>(
                                                 torch::optim::AdamWOptions(tc.learning_rate).weight_decay(0.0)));
  torch::optim::AdamW optimizer(std::move(param_groups));
  if (resuming) {
    torch::load(optimizer, path_in(checkpoint, "optimizer.pt"));
    optimizer_state_to(optimizer, device);
  }
  MaskedSparseCategoricalCrossEntropy pii_loss(kIgnoreLabel, weights.weights, kNumLabels,
                                               parse_loss_reduction(tc.loss_reduction), tc.focal_gamma);
  pii_loss.to(device);
  const bool coref = config.model.coref_clusters > 0;
  MaskedSparseCategoricalCrossEntropy coref_loss(kIgnoreLabel, {}, std::max(config.model.coref_clusters, 1),
                                                 LossReduction::kMean);
  coref_loss.to(device);
  // Data-parallel steps (include/piikit/data_parallel.h): with R replicas each thread runs one
  // part of the batch with one intra-op thread; evaluations run with all threads.
  ReplicaSet replica_set(model, replicas);
  const StepLosses step_losses{&pii_loss, tc.pii_loss_weight, coref ? &coref_loss : nullptr, tc.coref_loss_weight};
  if (replicas > 1) configure_threads(1);

  // The plan: epochs x batches, cut by max_steps, and (once measured) by the time budget.
  const LrSchedule schedule = parse_lr_schedule(tc.lr_schedule);
  std::vector<std::size_t> train_lengths(train_ex.size());
  int64_t val_tokens = 0;
  for (std::size_t i = 0; i < train_ex.size(); ++i) train_lengths[i] = train_ex[i].size();
  for (const EncodedExample& ex : val_ex) val_tokens += static_cast<int64_t>(ex.size());
  const int64_t batches_per_epoch =
      (static_cast<int64_t>(train_ex.size()) + tc.batch_size - 1) / tc.batch_size;
  int64_t planned = batches_per_epoch * tc.num_epochs;
  if (tc.max_steps > 0) planned = std::min<int64_t>(planned, tc.max_steps);
  if (!resuming) state.total_steps = planned;

  say("data: " + data_source + ": " + std::to_string(train_ex.size()) + " training, " +
      std::to_string(val_ex.size()) + " validation samples; tokenizer vocabulary " +
      std::to_string(tokenizer.vocab_size()));
  say("model: " + describe_parameters(model) + (coref ? "; coreference head " +
      std::to_string(config.model.coref_clusters) + " classes" : "") + "; device " + device.str() +
      ", " + std::to_string(threads) + " thread(s)" +
      (replicas > 1 ? ", " + std::to_string(replicas) + " data-parallel replicas" : ""));
  say("class weights (" + weights.source + "):\n" + weights.to_table());
  say("plan: " + std::to_string(tc.num_epochs) + " epochs x " + std::to_string(batches_per_epoch) +
      " batches of " + std::to_string(tc.batch_size) + " = " + std::to_string(state.total_steps) +
      " steps" + (tc.max_minutes > 0 ? ", budget " + format_duration(tc.max_minutes * 60) : "") +
      (resuming ? "; resuming at step " + std::to_string(state.step) : ""));

  const bool live = isatty(STDERR_FILENO) != 0;
  ProgressReporter progress(std::cerr, live);
  auto note = [&](const std::string& line) {
    if (!options.quiet) progress.message(line);
  };
  const double base_elapsed = state.elapsed_seconds;
  const auto session_start = Clock::now();
  auto elapsed = [&] { return base_elapsed + seconds_since(session_start); };
  int64_t session_steps = 0;
  double session_step_seconds = 0;
  int64_t session_tokens = 0;
  double last_eval_seconds = 0;  // duration of the latest evaluation with its checkpoint

  // Evaluates, keeps the best model, rewrites metrics.jsonl, writes a checkpoint. Returns true when
  // early stopping says to stop.
  auto evaluate_and_checkpoint = [&]() -> bool {
    const auto eval_start = Clock::now();
    EvalRecord rec;
    rec.epoch = state.batch_in_epoch == 0 ? state.epoch : state.epoch + 1;
    rec.step = state.step;
    rec.train_loss = state.loss_batches > 0 ? state.loss_sum / static_cast<double>(state.loss_batches) : 0;
    rec.learning_rate = state.last_learning_rate;
    if (replicas > 1) configure_threads(threads);
    rec.report = evaluate_model(model, val_ex, split.validation, tc.batch_size * 2, device);
    if (replicas > 1) configure_threads(1);
    model->train();
    rec.metric = metric_value(rec.report, tc.early_stopping_metric);
    rec.elapsed_seconds = elapsed();
    const bool improved = state.best_index < 0 ||
                          rec.metric > state.history[static_cast<std::size_t>(state.best_index)].metric +
                                           tc.early_stopping_threshold;
    state.history.push_back(rec);
    state.loss_sum = 0;
    state.loss_batches = 0;
    if (improved) {
      state.best_index = static_cast<int64_t>(state.history.size()) - 1;
      state.evals_without_improvement = 0;
      save_model(model, out_dir);
    } else {
      ++state.evals_without_improvement;
    }
    write_file_atomic(path_in(out_dir, "metrics.jsonl"), metrics_jsonl(state.history));
    state.elapsed_seconds = elapsed();
    save_checkpoint(out_dir, state, [&](const std::string& dir) {
      save_model(model, dir);
      optimizer_state_to(optimizer, torch::kCPU);
      torch::save(optimizer, path_in(dir, "optimizer.pt"));
      optimizer_state_to(optimizer, device);
    });
    last_eval_seconds = seconds_since(eval_start);
    char line[256];
    std::snprintf(line, sizeof line,
                  "eval epoch %d step %lld: loss %.4f  entity micro F1 %.4f  macro F1 %.4f  %s %.4f%s",
                  rec.epoch, static_cast<long long>(rec.step), rec.train_loss,
                  rec.report.exact_micro.f1(), rec.report.exact_macro_f1,
                  tc.early_stopping_metric.c_str(), rec.metric, improved ? "  (best, saved)" : "");
    note(line);
    return tc.early_stopping_patience > 0 &&
           state.evals_without_improvement >= tc.early_stopping_patience;
  };

  // Fits the schedule to max_minutes: training steps plus the evaluations they bring. Planned
  // after kPlanStep steps and planned again after every evaluation, with the measured speeds, so
  // the budget is neither overrun nor left unused (a run that over-estimated its evaluations
  // stopped after 6m51s of a 10-minute budget).
  auto plan_budget = [&] {
    const double per_step = session_step_seconds / static_cast<double>(session_steps);
    const double tps = static_cast<double>(session_tokens) / std::max(session_step_seconds, 1e-9);
    // Before the first evaluation its cost is estimated: forward passes only, about a third of a
    // training step per token; counted at half a step to stay on the safe side.
    const double eval_seconds =
        last_eval_seconds > 0 ? last_eval_seconds : static_cast<double>(val_tokens) / (tps * 2.0);
    int64_t fit = planned;
    for (int i = 0; i < 2; ++i) {  // evaluations depend on the steps that fit: iterate once more
      int64_t evals = (fit + batches_per_epoch - 1) / batches_per_epoch - state.epoch;
      if (tc.eval_every_steps > 0) evals += (fit - state.step) / tc.eval_every_steps;
      const double left = tc.max_minutes * 60.0 * 0.98 - elapsed() - static_cast<double>(evals) * eval_seconds;
      fit = std::min(planned, state.step + std::max<int64_t>(1, static_cast<int64_t>(left / per_step)));
    }
    if (state.budget_planned && fit != state.total_steps) {
      // Small corrections are silent; the log shows the ones that move the end noticeably.
      if (std::llabs(fit - state.total_steps) > std::max<int64_t>(20, state.total_steps / 50)) {
        note("time budget: re-planned at step " + std::to_string(state.step) +
             " with the measured speeds: the schedule now ends at step " + std::to_string(fit) +
             " (was " + std::to_string(state.total_steps) + ")");
      }
      state.total_steps = fit;
    } else if (fit < state.total_steps) {
      note("time budget: " + std::to_string(state.total_steps) + " planned steps do not fit in " +
           format_duration(tc.max_minutes * 60) + " at " + std::to_string(per_step * 1000).substr(0, 5) +
           " ms/step; the schedule now ends at step " + std::to_string(fit));
      state.total_steps = fit;
      state.budget_planned = true;
    }
  };

  std::string stop_reason;
  bool stop = false;
  while (!stop) {
    if (state.epoch >= tc.num_epochs) {
      stop_reason = "epochs";
      break;
    }
    const auto batches = make_batches(train_lengths, tc.batch_size,
                                      tc.seed + 0x9E3779B9ull * static_cast<uint64_t>(state.epoch + 1),
                                      /*shuffle=*/true);
    while (state.batch_in_epoch < static_cast<int64_t>(batches.size())) {
      if (state.step >= state.total_steps) {
        stop_reason = state.budget_planned ? "time budget" : "max_steps";
        stop = true;
        break;
      }
      if (tc.max_minutes > 0 && elapsed() >= tc.max_minutes * 60.0) {
        stop_reason = "time budget";
        stop = true;
        break;
      }
      const auto step_start = Clock::now();
      // Dropout masks depend only on (seed, step): resumed runs repeat them exactly.
      torch::manual_seed(tc.seed * 1000003ull + static_cast<uint64_t>(state.step));
      Batch batch = collate(train_ex, batches[static_cast<std::size_t>(state.batch_in_epoch)], device);
      if (tc.token_dropout > 0) batch.ids = drop_tokens(batch.ids, tc.token_dropout);
      const double lr = learning_rate_at(state.step, state.total_steps, tc.warmup_steps, tc.learning_rate, schedule);
      for (auto& group : optimizer.param_groups()) {
        static_cast<torch::optim::AdamWOptions&>(group.options()).lr(lr);
      }
      optimizer.zero_grad();
      const double loss_value = replica_set.forward_backward(
          batch, step_losses, tc.seed * 1000003ull + static_cast<uint64_t>(state.step));
      if (tc.max_grad_norm > 0) torch::nn::utils::clip_grad_norm_(model->parameters(), tc.max_grad_norm);
      optimizer.step();
      replica_set.sync();
      if (!std::isfinite(loss_value)) {
        throw std::runtime_error("training loss is " + std::to_string(loss_value) + " at step " +
                                 std::to_string(state.step + 1) +
                                 " (hint: lower training.learning_rate or set training.max_grad_norm)");
      }
      const double step_seconds = seconds_since(step_start);
      ++state.step;
      ++state.batch_in_epoch;
      state.tokens_seen += batch.num_tokens;
      state.train_seconds += step_seconds;
      state.loss_sum += loss_value;
      ++state.loss_batches;
      state.last_learning_rate = lr;
      ++session_steps;
      session_step_seconds += step_seconds;
      session_tokens += batch.num_tokens;
      if (options.after_step) options.after_step(state.step);
      if (tc.max_minutes > 0 && session_steps == kPlanStep && !state.budget_planned) plan_budget();
      // Planned again every kReplanSteps steps: a plan made while the machine was busy (slow
      // first steps) would otherwise end the run long before its budget when no evaluation falls
      // before that end.
      if (tc.max_minutes > 0 && state.budget_planned && session_steps % kReplanSteps == 0) plan_budget();

      if (!options.quiet) {
        ProgressInfo info;
        info.epoch = state.epoch + 1;
        info.num_epochs = tc.num_epochs;
        info.step = state.step;
        info.total_steps = state.total_steps;
        info.loss = state.loss_sum / static_cast<double>(state.loss_batches);
        info.learning_rate = lr;
        info.tokens_per_second = static_cast<double>(session_tokens) / session_step_seconds;
        info.eta_seconds = static_cast<double>(state.total_steps - state.step) *
                           (session_step_seconds / static_cast<double>(session_steps));
        if (tc.max_minutes > 0) info.eta_seconds = std::min(info.eta_seconds, tc.max_minutes * 60 - elapsed());
        progress.update(info);
      }

      bool stop_early = false;
      if (state.batch_in_epoch == static_cast<int64_t>(batches.size())) {
        ++state.epoch;
        state.batch_in_epoch = 0;
        stop_early = evaluate_and_checkpoint();
        if (tc.max_minutes > 0 && state.budget_planned && !stop_early) plan_budget();
        if (!stop_early) break;  // next epoch
      } else if (tc.eval_every_steps > 0 && state.step % tc.eval_every_steps == 0) {
        stop_early = evaluate_and_checkpoint();
        if (tc.max_minutes > 0 && state.budget_planned && !stop_early) plan_budget();
      }
      if (stop_early) {
        stop_reason = "early_stopping";
        stop = true;
        break;
      }
    }
  }
  // The last steps since the previous evaluation are evaluated too (and may be the best).
  if (state.history.empty() || state.history.back().step != state.step) evaluate_and_checkpoint();
  progress.finish();

  TrainResult result;
  result.output_dir = out_dir;
  result.class_weights = weights;
  result.history = state.history;
  result.best = state.history[static_cast<std::size_t>(state.best_index)];
  result.steps = state.step;
  result.total_steps = state.total_steps;
  result.parameters = model->num_parameters();
  result.tokens_seen = state.tokens_seen;
  result.tokens_per_second =
      state.train_seconds > 0 ? static_cast<double>(state.tokens_seen) / state.train_seconds : 0;
  result.seconds = base_elapsed + seconds_since(session_start);
  result.train_samples = train_ex.size();
  result.validation_samples = val_ex.size();
  result.stop_reason = stop_reason;
  write_file_atomic(path_in(out_dir, "summary.json"),
                    summary_json(result, config, device.str(), threads, data_source));

  char line[512];
  std::snprintf(line, sizeof line,
                "\nstopped: %s after %lld steps (%s, %.0f tokens/s). Best: epoch %d step %lld, %s %.4f.",
                stop_reason.c_str(), static_cast<long long>(result.steps),
                format_duration(result.seconds).c_str(), result.tokens_per_second, result.best.epoch,
                static_cast<long long>(result.best.step), tc.early_stopping_metric.c_str(),
                result.best.metric);
  say(line);
  say("validation report of the kept model:\n" + result.best.report.to_table());
  say("model and run files in " + out_dir + "/ (model.pt, tokenizer/, config.toml, metrics.jsonl, "
      "summary.json, checkpoint/)");
  return result;
}

}  // namespace piikit
