// Flags shared by the subcommands that run a trained model (detect, eval): windowing, threads,
// device. One definition, so their names, defaults and help texts cannot drift apart.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "piikit/detector.h"

namespace piikit::cli {

struct DetectorFlags {
  int max_length = 0;  // --max-length: window length in tokens (0 = the model's)
  int stride = -1;     // --stride: overlap in tokens between windows (-1 = automatic)
  int threads = 0;     // --threads: intra-op threads (0 = all cores)
  std::string device = "cpu";

  // Sets the process's threads and returns the detector options.
  DetectorOptions apply() const;
};

void add_detector_flags(CLI::App* sub, DetectorFlags& flags);

}  // namespace piikit::cli
