// piikit convert: any supported labeled-sample format -> JSONL (written atomically).
#include <filesystem>
#include <iostream>
#include <stdexcept>

#include "commands.h"
#include "piikit/sample_io.h"

namespace piikit::cli {
namespace {

struct ConvertOptions {
  std::vector<std::string> inputs;  // files or Label Studio folders
  std::string output;               // JSONL file, replaced atomically
  std::string format = "auto";      // auto | jsonl | label-studio | privacy-mask
  bool strict = false;              // unknown labels are errors instead of counted skips
  bool skip_bad = false;            // skip (and count) bad records instead of failing
};

void run_convert(const ConvertOptions& o) {
  // Fail before reading (possibly large) inputs when the output cannot be written.
  auto dir = std::filesystem::path(o.output).parent_path();
  if (!dir.empty() && !std::filesystem::is_directory(dir)) {
    throw std::runtime_error("--out " + o.output + ": directory " + dir.string() +
                             " does not exist");
  }
  ReadOptions read;
  read.format = *parse_sample_format(o.format);
  read.skip_unknown_labels = !o.strict;
  read.skip_bad_samples = o.skip_bad;
  SkipReport report;
  auto samples = load_samples(o.inputs, read, &report);
  write_jsonl_file(o.output, samples);
  std::size_t entities = 0, clusters = 0;
  for (const auto& s : samples) entities += s.entities.size(), clusters += s.coref.size();
  std::cout << "read " << samples.size() << " samples (" << entities << " entities, " << clusters
            << " coreference clusters) from " << o.inputs.size() << " input"
            << (o.inputs.size() == 1 ? "" : "s") << "\n"
            << "wrote " << o.output << "\n"
            << format_skip_report(report);
}

}  // namespace

void register_convert(CLI::App& app) {
  auto opts = std::make_shared<ConvertOptions>();
  auto* cmd = app.add_subcommand(
      "convert", "Convert labeled samples (JSONL, Label Studio, privacy-mask) to JSONL");
  cmd->add_option("--in", opts->inputs, "Input files or Label Studio task folders")->required();
  cmd->add_option("--out", opts->output, "Output JSONL file (written atomically)")->required();
  cmd->add_option("--format", opts->format, "Input record format (default: auto, sniffed per file)")
      ->check(CLI::IsMember({"auto", "jsonl", "label-studio", "privacy-mask"}));
  cmd->add_flag("--strict", opts->strict,
                "Unknown labels are errors (default: skipped and counted)");
  cmd->add_flag("--skip-bad", opts->skip_bad,
                "Skip and count bad records instead of stopping at the first (default: stop)");
  cmd->callback([opts] { run_convert(*opts); });
}

}  // namespace piikit::cli
