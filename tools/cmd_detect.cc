// `piikit detect`: stdin -> entities (or masked text) on stdout, one line per input line.
#include <iostream>
#include <string>

#include "commands.h"
#include "piikit/detect_stream.h"
#include "piikit/detector.h"
#include "piikit/error.h"
#include "piikit/torch_runtime.h"

namespace piikit::cli {
namespace {

struct DetectFlags {
  std::string model;  // --model: model directory (model.pt, model.toml, tokenizer/)
  bool text = false;  // --text: input lines are plain text (ids = line numbers)
  std::string mask;   // --mask [label|numbered]: write masked text (empty = off)
  bool mask_given = false;
  int batch_size = 32;  // --batch-size: lines per detection batch
  int max_length = 0;   // --max-length: window length in tokens (0 = the model's)
  int stride = -1;      // --stride: overlap in tokens between windows (-1 = automatic)
  int threads = 0;      // --threads: intra-op threads (0 = all cores)
  std::string device = "cpu";
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
  configure_threads(f.threads);
  DetectorOptions options;
  options.max_length = f.max_length;
  options.stride = f.stride;
  options.device = f.device;
  Detector detector(f.model, options);

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
  sub->add_option("--max-length", flags->max_length,
                  "Window length in tokens, [CLS]/[SEP] included (0 = the model's max_length)")
      ->capture_default_str();
  sub->add_option("--stride", flags->stride,
                  "Overlap in tokens between windows of long texts (-1 = min(64, window/4))")
      ->capture_default_str();
  sub->add_option("--threads", flags->threads, "CPU threads (0 = all cores)")
      ->capture_default_str();
  sub->add_option("--device", flags->device, "cpu or cuda[:N]")->capture_default_str();
  sub->callback([flags, sub] {
    flags->mask_given = sub->count("--mask") > 0;
    run_detect(*flags);
  });
}

}  // namespace piikit::cli
