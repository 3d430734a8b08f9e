// piikit stats: dataset statistics (counts per type, imbalance, lengths, skips).
#include <iostream>

#include "commands.h"
#include "piikit/sample_io.h"
#include "piikit/stats.h"

namespace piikit::cli {
namespace {

struct StatsOptions {
  std::vector<std::string> data;  // files or Label Studio folders
  std::string format = "auto";    // auto | jsonl | label-studio | privacy-mask
  bool json = false;              // print JSON instead of the table
  bool strict = false;            // unknown labels are errors instead of counted skips
  bool skip_bad = false;          // skip (and count) bad records instead of failing
};

void run_stats(const StatsOptions& o) {
  ReadOptions read;
  read.format = *parse_sample_format(o.format);
  read.skip_unknown_labels = !o.strict;
  read.skip_bad_samples = o.skip_bad;
  SkipReport report;
  auto samples = load_samples(o.data, read, &report);
  auto stats = compute_stats(samples, report);
  std::cout << (o.json ? to_json(stats) : to_table(stats));
}

}  // namespace

void register_stats(CLI::App& app) {
  auto opts = std::make_shared<StatsOptions>();
  auto* cmd =
      app.add_subcommand("stats", "Dataset statistics: entities per type, imbalance, skips");
  cmd->add_option("--data", opts->data, "Input files or Label Studio task folders")->required();
  cmd->add_option("--format", opts->format, "Input record format (default: auto, sniffed per file)")
      ->check(CLI::IsMember({"auto", "jsonl", "label-studio", "privacy-mask"}));
  cmd->add_flag("--json", opts->json, "Print the statistics as JSON");
  cmd->add_flag("--strict", opts->strict,
                "Unknown labels are errors (default: skipped and counted)");
  cmd->add_flag("--skip-bad", opts->skip_bad,
                "Skip and count bad records instead of stopping at the first (default: stop)");
  cmd->callback([opts] { run_stats(*opts); });
}

}  // namespace piikit::cli
