// Runtime set-up for libtorch: threads and device selection.
#pragma once

#include <torch/types.h>

#include <string>

namespace piikit {

// Configures the intra-op thread count. threads <= 0 means all available cores.
// Returns the number of threads in effect.
int configure_threads(int threads);

// "cpu" or "cuda" (or "cuda:N"). Throws std::runtime_error with a clear message when CUDA is asked
// for but this libtorch build has no CUDA or no device is visible.
torch::Device resolve_device(const std::string& name);

}  // namespace piikit
