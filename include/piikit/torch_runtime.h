// Runtime set-up for libtorch: threads and device selection.
#pragma once

#include <torch/types.h>

#include <string>

namespace piikit {

// Uses `threads` cores (<= 0: all available) for training and inference; returns the number of
// cores in effect. Depends on gemm_backend() (select the backend first):
//   oneDNN: torch's intra-op (OpenMP) pool, where oneDNN runs, gets `threads`; pthread OpenBLAS,
//           left with the attention bmm's only, gets 1;
//   BLAS:   libtorch's GEMMs run in the BLAS library's own thread pool, so the BLAS threading
//           model decides (shared/PERF-NOTES.md, docs/model.md): pthread OpenBLAS gets `threads`
//           and torch's intra-op pool 1 (two busy-waiting pools on the same cores made training
//           ~45% slower); OpenMP OpenBLAS or another BLAS: both get `threads`.
int configure_threads(int threads);

// Where the model's Linear layers run on CPU (docs/model.md, "Runtime"):
//   kOneDnn: oneDNN's fp32 GEMM (at::mkldnn_linear, forward and backward), when this libtorch has
//            oneDNN (MKL-DNN). Debian's libtorch sends dense fp32 matmuls to OpenBLAS, whose kernels
//            the environment may pin (OPENBLAS_CORETYPE); oneDNN's JIT kernels are 2-7x faster
//            for the model's shapes here;
//   kBlas:   torch::nn::Linear as is (addmm through the BLAS library).
// The default is kOneDnn where available; PIIKIT_GEMM=blas in the environment, or
// set_gemm_backend(), selects kBlas. Same fp32 math, summed in another order (differences ~1e-5).
enum class GemmBackend { kBlas, kOneDnn };
GemmBackend gemm_backend();
// The backend named by PIIKIT_GEMM's value: null or empty = the default (oneDNN where available),
// "onednn" (BLAS without oneDNN) or "blas"; anything else throws std::invalid_argument naming the
// variable and the value. gemm_backend() reads the variable on first use.
GemmBackend parse_gemm_backend(const char* value);
void set_gemm_backend(GemmBackend backend);  // kOneDnn falls back to kBlas without oneDNN
bool onednn_available();
const char* gemm_backend_name(GemmBackend backend);

// "torch intra-op 1, OpenBLAS 0.3.21 pthread 2 threads": what configure_threads set, for logs.
std::string describe_threads();

// "cpu" or "cuda" (or "cuda:N"). Throws std::runtime_error with a clear message when CUDA is asked
// for but this libtorch build has no CUDA or no device is visible.
torch::Device resolve_device(const std::string& name);

}  // namespace piikit
