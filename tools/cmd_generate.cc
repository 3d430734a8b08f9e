// piikit generate: synthetic labeled PII text as JSONL (docs/generator.md).
#include <iostream>
#include <memory>

#include "commands.h"
#include "piikit/error.h"
#include "piikit/file_util.h"
#include "piikit/generator.h"
#include "piikit/sample_io.h"

namespace piikit::cli {
namespace {

struct GenerateOptions {
  std::size_t count = 1000;    // samples to write
  uint64_t seed = 1;           // same seed, split, config and version: byte-identical output
  std::string split = "train"; // train | eval (disjoint templates and lexicon entries)
  std::string out;             // output JSONL file (written atomically); empty = stdout
  std::string config;          // optional TOML file with a [generator] table
};

void run_generate(const GenerateOptions& o) {
  GeneratorConfig config = o.config.empty() ? GeneratorConfig() : GeneratorConfig::from_toml_file(o.config);
  Generator gen(config, *split_from_name(o.split), o.seed);
  auto write = [&](std::ostream& out) {
    for (std::size_t i = 0; i < o.count; ++i) out << to_jsonl(gen.next()) << '\n';
  };
  if (o.out.empty() || o.out == "-") {
    write(std::cout);
    std::cout.flush();
  } else {
    write_file_atomic(o.out, write);
    std::cerr << "piikit generate: wrote " << o.count << " " << o.split << " samples to " << o.out << '\n';
  }
}

}  // namespace

void register_generate(CLI::App& app) {
  auto opts = std::make_shared<GenerateOptions>();
  auto* cmd = app.add_subcommand("generate", "Generate synthetic labeled PII text (JSONL)");
  cmd->add_option("--count", opts->count, "Number of samples (default: 1000)");
  cmd->add_option("--seed", opts->seed, "Random seed; the same seed gives the same bytes (default: 1)");
  cmd->add_option("--split", opts->split,
                  "train or eval: the eval split uses templates and lexicon entries disjoint from train "
                  "(default: train)")
      ->check(CLI::IsMember({"train", "eval"}));
  cmd->add_option("--out", opts->out, "Output JSONL file, written atomically (default: stdout)");
  cmd->add_option("--config", opts->config,
                  "TOML file with a [generator] table: chances.<TYPE>, min_types, max_types, negative_ratio");
  cmd->callback([opts] { run_generate(*opts); });
}

}  // namespace piikit::cli
