// `piikit detect`: stdin -> entities (or masked text) on stdout, one line per input line.
#include <iostream>
#include <string>

#include "commands.h"
#include "detector_flags.h"
#include "piikit/detect_stream.h"
#include "piikit/detector.h"
#include "piikit/error.h"

namespace piikit::cli {
namespace {

struct DetectFlags {
  std::string model;  // --model: model directory (model.pt, model.toml, tokenizer/)
  bool text = false;  // --text: input lines are plain text (ids = line numbers)
  std::string mask;   // --mask [label|numbered]: write masked text (empty = off)
  bool mask_given = false;
  int batch_size = 32;  // --batch-size: lines per detection batch
  DetectorFlags runtime;
};

void run_detect(const DetectFlags& f) {
  StreamOptions stream;
  stream.plain_text = f.text;
  if (f.mask_given) {
    stream.mask = mask_style_from_name(f.mask.empty() ? "label" : f.mask);
    if (!stream.mask) {
      throw ConfigError("--mask: expected \"label\" or \"numbered\", got \"" + f.mask + "\"");
    }
  }
  if (f.batch_size < 1) {
    throw ConfigError("--batch-size: expected at least 1, got " + std::to_string(f.batch_size));
  }
  stream.batch_size = static_cast<std::size_t>(f.batch_size);
  Detector detector(f.model, f.runtime.apply());

  std::ios::sync_with_stdio(false);
  const StreamStats stats = run_detect_stream(
      std::cin, std::cout,
      [&detector](const std::vector<std::string>& texts) { return detector.detect(texts); },
      stream);
  if (stats.failed > 0) {
    // Every good line was answered; the status tells scripts that some were not.
    throw std::runtime_error(std::to_string(stats.failed) + " of " + std::to_string(stats.lines) +
                             " input lines failed (see the {\"line\", \"error\"} lines in the "
                             "output)");
  }
}

}  // namespace

void register_detect(CLI::App& app) {
  auto flags = std::make_shared<DetectFlags>();
  CLI::App* sub = app.add_subcommand(
      "detect", "Find PII in text read from stdin: one JSON line of entities per input line");
  sub->add_option("--model", flags->model, "Model directory written by piikit train")
      ->required()
      ->check(CLI::ExistingDirectory);
  sub->add_flag("--text", flags->text,
                "Input is plain text, one text per line (default: JSONL {\"id\", \"text\"})");
  sub->add_option("--mask", flags->mask,
                  "Write the text with entities replaced: --mask (or --mask label) gives [LABEL], "
                  "--mask numbered gives [LABEL_n], the same n for the same value within a text")
      ->expected(0, 1);
  sub->add_option("--batch-size", flags->batch_size, "Most lines per detection batch")
      ->capture_default_str();
  add_detector_flags(sub, flags->runtime);
  sub->callback([flags, sub] {
    flags->mask_given = sub->count("--mask") > 0;
    run_detect(*flags);
  });
}

}  // namespace piikit::cli
