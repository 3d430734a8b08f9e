// piikit: train, evaluate and run PII-detection models.
#include <malloc.h>

#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>

#include "commands.h"
#include "piikit/crash_report.h"

int main(int argc, char** argv) {
  piikit::install_crash_report();
  // glibc maps and unmaps every large activation by default; the page faults made element-wise
  // ops 5-10x slower (shared/PERF-NOTES.md: +45% training tokens/s with these settings).
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  mallopt(M_TOP_PAD, 256 << 20);

  CLI::App app{"piikit: train, evaluate and run PII-detection models"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "piikit 0.1.0");
  piikit::cli::register_generate(app);
  piikit::cli::register_stats(app);
  piikit::cli::register_convert(app);
  piikit::cli::register_tokenizer(app);
  piikit::cli::register_weights(app);
  piikit::cli::register_train(app);
  piikit::cli::register_eval(app);
  piikit::cli::register_detect(app);
  piikit::cli::register_compare(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const std::exception& e) {
    std::cerr << "piikit: error: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
