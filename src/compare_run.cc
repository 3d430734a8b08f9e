// One (scheme, seed) run of `piikit compare`: piikit::train, then the best model on the held-out
// set through the same Detector and evaluate() that `piikit eval` uses, so compare's figures are
// the ones a user would get from `piikit eval` on that model directory.
#include "piikit/compare_run.h"

#include <chrono>
#include <filesystem>
#include <stdexcept>

#include "piikit/detector.h"
#include "piikit/error.h"
#include "piikit/evaluate.h"
#include "piikit/file_util.h"
#include "piikit/generator.h"
#include "piikit/trainer.h"

namespace piikit {

void check_compare_config(const CompareRunOptions& options) {
  if (options.base.class_weights) {
    throw ConfigError(
        "compare: the configuration has a [class_weights] table, which overrides every scheme; "
        "remove it to compare computed schemes");
  }
  if (options.heldout.empty()) throw ConfigError("compare: the held-out set is empty");
}

std::string run_dir(const std::string& out_dir, const std::string& scheme, uint64_t seed) {
  return (std::filesystem::path(out_dir) / (scheme + "-seed" + std::to_string(seed))).string();
}

RunOutcome train_and_evaluate(const CompareRunOptions& options, const std::string& scheme,
                              uint64_t seed) {
  const auto t0 = std::chrono::steady_clock::now();
  TrainOptions train_options;
  train_options.config = options.base;
  train_options.config.training.class_weight_scheme = scheme;
  train_options.config.training.seed = seed;
  train_options.config.paths.output_dir = run_dir(options.out_dir, scheme, seed);
  train_options.quiet = true;
  train_options.report = options.log;
  TrainResult trained = train(train_options);

  RunOutcome outcome;
  outcome.model_dir = trained.output_dir;
  outcome.steps = trained.steps;
  outcome.train_counts = trained.class_weights.counts;
  for (const EvalRecord& record : trained.history) {
    outcome.curve.push_back({record.step, record.train_loss, record.report.exact_macro_f1});
  }
  DetectorOptions detector_options;
  detector_options.device = options.base.training.device;
  Detector detector(trained.output_dir, detector_options);
  outcome.heldout = evaluate(detector, options.heldout, options.eval_batch_size);
  outcome.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return outcome;
}

std::vector<Sample> default_heldout(const TrainConfig& base, std::size_t count, uint64_t seed) {
  GeneratorConfig generator = base.data.generator_config.empty()
                                  ? GeneratorConfig()
                                  : GeneratorConfig::from_toml_file(base.data.generator_config);
  return generate_samples(generator, Split::kEval, seed, count);
}

void check_output_dir(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw std::runtime_error(dir + ": cannot create the output directory: " + ec.message());
  const std::string probe = (fs::path(dir) / ".piikit-write-test").string();
  write_file_atomic(probe, std::string("ok\n"));  // throws naming the path when not writable
  fs::remove(probe, ec);
}

}  // namespace piikit
