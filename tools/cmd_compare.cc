// `piikit compare`: train one model per class-weight scheme and seed on the same data and budget,
// evaluate each on the same held-out set, print the side-by-side table and write compare.json
// and the SVG pictures.
#include <fmt/format.h>

#include <iostream>
#include <string>
#include <vector>

#include "commands.h"
#include "piikit/compare.h"
#include "piikit/compare_run.h"
#include "piikit/config.h"
#include "piikit/error.h"
#include "piikit/sample_io.h"

namespace piikit::cli {
namespace {

struct CompareFlags {
  std::string config_file;        // --config: TOML configuration shared by every run
  std::vector<std::string> sets;  // --set section.key=value (after --config)
  std::vector<std::string> schemes = {"none", "inverse_sqrt", "inverse", "effective"};
  std::vector<uint64_t> seeds = {1, 2, 3};
  std::vector<std::string> data;       // --data: training files (replace data.train_files)
  std::vector<std::string> eval_data;  // --eval-data: held-out files (default: generated)
  int eval_samples = 2000;             // --eval-samples: size of the generated held-out set
  uint64_t eval_seed = 7;              // --eval-seed: generator seed of the held-out set
  int rare_types = 8;                  // --rare-types: k rarest training types
  std::string out = "runs/compare";    // --out
  int threads = -1;                    // --threads: -1 = from the config
  std::string device;                  // --device: empty = from the config
};

void run_compare(const CompareFlags& f) {
  CompareOptions options;
  options.schemes = f.schemes;
  options.seeds = f.seeds;
  options.rare_types = f.rare_types;
  options.out_dir = f.out;
  validate(options);  // bad scheme names etc. before anything slow

  CompareRunOptions run;
  run.base = TrainConfig::load(f.config_file, f.sets);
  if (!f.data.empty()) run.base.data.train_files = f.data;
  if (f.threads >= 0) run.base.training.threads = f.threads;
  if (!f.device.empty()) run.base.training.device = f.device;
  run.out_dir = f.out;
  if (!f.eval_data.empty()) {
    run.heldout = load_samples(f.eval_data);
    std::string files;
    for (const auto& p : f.eval_data) files += (files.empty() ? "" : ", ") + p;
    options.heldout_source = fmt::format("{} ({} samples)", files, run.heldout.size());
  } else {
    if (f.eval_samples < 1)
      throw ConfigError(fmt::format("--eval-samples: {}; expected >= 1", f.eval_samples));
    if (!run.base.data.train_files.empty()) {
      std::cerr << "piikit compare: note: training on your files but evaluating on generated data; "
                   "give --eval-data to evaluate on held-out files of your own\n";
    }
    run.heldout = default_heldout(run.base, static_cast<std::size_t>(f.eval_samples), f.eval_seed);
    options.heldout_source =
        fmt::format("generator eval split, seed {}, {} samples", f.eval_seed, run.heldout.size());
  }
  check_compare_config(run);
  check_output_dir(f.out);

  const std::size_t total = options.schemes.size() * options.seeds.size();
  std::size_t started = 0;
  std::cerr << fmt::format(
      "piikit compare: {} runs ({} schemes x {} seeds) into {}; held-out: {}\n", total,
      options.schemes.size(), options.seeds.size(), f.out, options.heldout_source);
  CompareResult result = compare(
      options,
      [&](const std::string& scheme, uint64_t seed) {
        std::cerr << fmt::format("[{}/{}] training {} seed {} -> {}\n", ++started, total, scheme,
                                 seed, run_dir(f.out, scheme, seed));
        return train_and_evaluate(run, scheme, seed);
      },
      [](std::size_t index, std::size_t n, const RunRecord& record) {
        std::cerr << run_line(index, n, record) << "\n";
      });
  std::cout << result.to_table();
  std::cout << "\nwritten:";
  for (const auto& path : write_compare_outputs(result, f.out)) std::cout << " " << path;
  std::cout << "\n";
}

}  // namespace

void register_compare(CLI::App& app) {
  auto flags = std::make_shared<CompareFlags>();
  CLI::App* sub = app.add_subcommand(
      "compare",
      "Train one model per class-weight scheme and seed, evaluate all on one held-out "
      "set; table, compare.json and SVG charts");
  sub->add_option("--config", flags->config_file,
                  "TOML configuration shared by every run (data, "
                  "model, budget); defaults are built in")
      ->check(CLI::ExistingFile);
  sub->add_option("--set", flags->sets,
                  "Override one setting for every run, e.g. "
                  "--set training.max_steps=300 (repeatable)");
  sub->add_option("--schemes", flags->schemes,
                  "Comma-separated schemes: none, inverse_sqrt, "
                  "inverse, effective")
      ->delimiter(',')
      ->capture_default_str();
  sub->add_option("--seeds", flags->seeds,
                  "Comma-separated training seeds (one run per scheme "
                  "and seed)")
      ->delimiter(',')
      ->capture_default_str();
  sub->add_option("--data", flags->data,
                  "Training data files (default: generated data, as in "
                  "piikit train)");
  sub->add_option("--eval-data", flags->eval_data,
                  "Held-out labeled files every run is evaluated "
                  "on (default: the generator's eval split)");
  sub->add_option("--eval-samples", flags->eval_samples, "Size of the generated held-out set")
      ->capture_default_str();
  sub->add_option("--eval-seed", flags->eval_seed, "Generator seed of the held-out set")
      ->capture_default_str();
  sub->add_option("--rare-types", flags->rare_types,
                  "How many of the rarest training types the "
                  "'rare macro recall' averages")
      ->capture_default_str();
  sub->add_option("--out", flags->out,
                  "Output directory: compare.json, recall.svg, "
                  "precision.svg, curves.svg and one model directory per run")
      ->capture_default_str();
  sub->add_option("--threads", flags->threads,
                  "CPU threads (0 = all cores; default: "
                  "training.threads)");
  sub->add_option("--device", flags->device, "cpu or cuda (default: training.device)");
  sub->callback([flags] { run_compare(*flags); });
}

}  // namespace piikit::cli
