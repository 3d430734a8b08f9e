// `piikit train`: flags -> TrainOptions -> train(); prints the start-up information, a live
// progress line and the final per-type table.
#include <iostream>
#include <string>
#include <vector>

#include "commands.h"
#include "piikit/config.h"
#include "piikit/error.h"
#include "piikit/trainer.h"

namespace piikit::cli {
namespace {

struct TrainFlags {
  std::string config_file;           // --config: TOML file (empty = built-in defaults)
  std::vector<std::string> sets;     // --set section.key=value, applied after the file
  std::vector<std::string> data;     // --data: training files (replace data.train_files)
  std::string out;                   // --out: output directory (replaces paths.output_dir)
  std::string resume;                // --resume: continue the run in this directory
  int threads = -1;                  // --threads: -1 = from the config (0 = all cores)
  std::string device;                // --device: empty = from the config
  bool quiet = false;                // --quiet: no progress line
};

void run_train(const TrainFlags& f) {
  TrainOptions options;
  if (!f.resume.empty()) {
    if (!f.config_file.empty() || !f.sets.empty() || !f.data.empty() || !f.out.empty()) {
      throw ConfigError("--resume continues with the run's saved config.toml: --config, --set, "
                        "--data and --out cannot be combined with it");
    }
    options.resume_dir = f.resume;
  } else {
    options.config = TrainConfig::load(f.config_file, f.sets);
    if (!f.data.empty()) options.config.data.train_files = f.data;
    if (!f.out.empty()) options.config.paths.output_dir = f.out;
  }
  if (f.threads >= 0) options.config.training.threads = f.threads;
  if (!f.device.empty()) options.config.training.device = f.device;
  options.quiet = f.quiet;
  options.report = &std::cout;
  train(options);
}

}  // namespace

void register_train(CLI::App& app) {
  auto flags = std::make_shared<TrainFlags>();
  CLI::App* sub = app.add_subcommand(
      "train", "Train a PII detector (class-weighted loss) and write a model directory");
  sub->add_option("--config", flags->config_file, "TOML configuration ([model], [training], "
                  "[paths], [data], [class_weights]); defaults are built in")
      ->check(CLI::ExistingFile);
  sub->add_option("--set", flags->sets, "Override one setting, e.g. --set training.num_epochs=2 "
                  "(repeatable; applied after --config)");
  sub->add_option("--data", flags->data, "Training data files (JSONL, Label Studio, privacy-mask); "
                  "default: freshly generated data");
  sub->add_option("--out", flags->out, "Output directory (default: paths.output_dir, runs/default)");
  sub->add_option("--resume", flags->resume, "Continue the interrupted run in this output "
                  "directory from its last checkpoint");
  sub->add_option("--threads", flags->threads, "CPU threads (0 = all cores; default: "
                  "training.threads)");
  sub->add_option("--device", flags->device, "cpu or cuda (default: training.device)");
  sub->add_flag("--quiet", flags->quiet, "No live progress line");
  sub->callback([flags] { run_train(*flags); });
}

}  // namespace piikit::cli
