// Runtime set-up for libtorch: threads and device selection.
#pragma once

#include <torch/types.h>

#include <string>

namespace piikit {

// Uses `threads` cores (<= 0: all available) for training and inference; returns the number of
// cores in effect. libtorch's GEMMs run in the BLAS library's own thread pool, so the BLAS
// threading model decides (shared/PERF-NOTES.md, docs/model.md):
//   pthread OpenBLAS: OpenBLAS gets `threads`, torch's intra-op pool gets 1 (two busy-waiting
//                     pools on the same cores made training ~45% slower);
//   OpenMP OpenBLAS or another BLAS: both get `threads` (one shared OpenMP pool).
int configure_threads(int threads);

// "torch intra-op 1, OpenBLAS 0.3.21 pthread 2 threads": what configure_threads set, for logs.
std::string describe_threads();

// "cpu" or "cuda" (or "cuda:N"). Throws std::runtime_error with a clear message when CUDA is asked
// for but this libtorch build has no CUDA or no device is visible.
torch::Device resolve_device(const std::string& name);

}  // namespace piikit
