// `piikit eval`: a model directory + labeled files -> per-type table (and JSON).
#include <fmt/format.h>

#include <iostream>
#include <string>
#include <vector>

#include "commands.h"
#include "detector_flags.h"
#include "piikit/detector.h"
#include "piikit/evaluate.h"
#include "piikit/file_util.h"
#include "piikit/sample_io.h"

namespace piikit::cli {
namespace {

struct EvalFlags {
  std::string model;              // --model: model directory
  std::vector<std::string> data;  // --data: labeled files (any format load_samples reads)
  std::string json_out;           // --json: also write the full report as JSON here
  int batch_size = 64;            // --batch-size: texts per detection batch
  DetectorFlags runtime;
};

void run_eval(const EvalFlags& f) {
  // Fail fast: read the data and check the JSON destination before loading the model.
  const std::vector<Sample> samples = load_samples(f.data);
  if (samples.empty()) throw std::runtime_error("--data: no samples in the given files");
  Detector detector(f.model, f.runtime.apply());
  EvaluateStats stats;
  const EvalReport report = evaluate(detector, samples, std::max(1, f.batch_size), &stats);
  std::cout << report.to_table();
  std::cout << fmt::format("{} samples, {} tokens in {:.1f} s ({:.0f} tokens/s)\n", samples.size(),
                           stats.tokens, stats.seconds,
                           stats.seconds > 0 ? stats.tokens / stats.seconds : 0.0);
  if (!f.json_out.empty()) {
    write_file_atomic(f.json_out, report.to_json() + "\n");
    std::cout << "report written to " << f.json_out << "\n";
  }
}

}  // namespace

void register_eval(CLI::App& app) {
  auto flags = std::make_shared<EvalFlags>();
  CLI::App* sub = app.add_subcommand(
      "eval",
      "Score a model on labeled data: span P/R/F1 per type (exact, relaxed), token level, "
      "confusions");
  sub->add_option("--model", flags->model, "Model directory written by piikit train")
      ->required()
      ->check(CLI::ExistingDirectory);
  sub->add_option("--data", flags->data, "Labeled files (JSONL, Label Studio, privacy-mask)")
      ->required();
  sub->add_option("--json", flags->json_out, "Also write the full report as JSON (atomically)");
  sub->add_option("--batch-size", flags->batch_size, "Texts per detection batch")
      ->capture_default_str();
  add_detector_flags(sub, flags->runtime);
  sub->callback([flags] { run_eval(*flags); });
}

}  // namespace piikit::cli
