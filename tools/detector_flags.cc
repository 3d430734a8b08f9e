#include "detector_flags.h"

#include "piikit/torch_runtime.h"

namespace piikit::cli {

DetectorOptions DetectorFlags::apply() const {
  configure_threads(threads);
  DetectorOptions options;
  options.max_length = max_length;
  options.stride = stride;
  options.device = device;
  return options;
}

void add_detector_flags(CLI::App* sub, DetectorFlags& flags) {
  sub->add_option("--max-length", flags.max_length,
                  "Window length in tokens, [CLS]/[SEP] included (0 = the model's max_length)")
      ->capture_default_str();
  sub->add_option("--stride", flags.stride,
                  "Overlap in tokens between windows of long texts (-1 = min(64, window/4))")
      ->capture_default_str();
  sub->add_option("--threads", flags.threads, "CPU threads (0 = all cores)")->capture_default_str();
  sub->add_option("--device", flags.device, "cpu or cuda[:N]")->capture_default_str();
}

}  // namespace piikit::cli
