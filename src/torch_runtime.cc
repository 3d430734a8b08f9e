#include "piikit/torch_runtime.h"

#include <dlfcn.h>
#include <fmt/format.h>
#include <torch/torch.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <thread>

namespace piikit {
namespace {

// OpenBLAS is reached through libtorch's dependencies (Debian's libblas.so.3 alternative), not
// linked by piikit, so its control functions are looked up at run time; any may be missing.
struct OpenBlas {
  int (*get_parallel)() = nullptr;  // 0 sequential, 1 pthreads, 2 OpenMP
  void (*set_num_threads)(int) = nullptr;
  int (*get_num_threads)() = nullptr;
  char* (*get_config)() = nullptr;

  OpenBlas() {
    get_parallel = reinterpret_cast<int (*)()>(dlsym(RTLD_DEFAULT, "openblas_get_parallel"));
    set_num_threads =
        reinterpret_cast<void (*)(int)>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"));
    get_num_threads = reinterpret_cast<int (*)()>(dlsym(RTLD_DEFAULT, "openblas_get_num_threads"));
    get_config = reinterpret_cast<char* (*)()>(dlsym(RTLD_DEFAULT, "openblas_get_config"));
  }
  bool present() const { return get_parallel && set_num_threads; }
};

const OpenBlas& openblas() {
  static const OpenBlas blas;
  return blas;
}

}  // namespace

bool onednn_available() { return at::hasMKLDNN(); }

GemmBackend parse_gemm_backend(const char* value) {
  if (value == nullptr || *value == '\0' || std::strcmp(value, "onednn") == 0) {
    return onednn_available() ? GemmBackend::kOneDnn : GemmBackend::kBlas;
  }
  if (std::strcmp(value, "blas") == 0) return GemmBackend::kBlas;
  throw std::invalid_argument(std::string("PIIKIT_GEMM: expected blas or onednn, got \"") + value +
                              "\"");
}

namespace {
std::atomic<GemmBackend>& backend_state() {
  static std::atomic<GemmBackend> state{parse_gemm_backend(std::getenv("PIIKIT_GEMM"))};
  return state;
}
}  // namespace

GemmBackend gemm_backend() { return backend_state().load(std::memory_order_relaxed); }

void set_gemm_backend(GemmBackend backend) {
  if (backend == GemmBackend::kOneDnn && !onednn_available()) backend = GemmBackend::kBlas;
  backend_state().store(backend, std::memory_order_relaxed);
}

const char* gemm_backend_name(GemmBackend backend) {
  return backend == GemmBackend::kOneDnn ? "oneDNN" : "BLAS";
}

int configure_threads(int threads) {
  if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const OpenBlas& blas = openblas();
  if (gemm_backend() == GemmBackend::kOneDnn) {
    // The big GEMMs run in torch's OpenMP pool (oneDNN); pthread OpenBLAS keeps only the small
    // attention bmm's, on one thread, so that two busy-waiting pools never share the cores
    // (measured: 19.5k tokens/s vs 16.8k with OpenBLAS on 2 threads in the AdamW variant).
    torch::set_num_threads(threads);
    if (blas.present()) blas.set_num_threads(blas.get_parallel() == 1 ? 1 : threads);
    return threads;
  }
  if (blas.present() && blas.get_parallel() == 1) {
    blas.set_num_threads(threads);
    torch::set_num_threads(1);
  } else {
    if (blas.present()) blas.set_num_threads(threads);
    torch::set_num_threads(threads);
  }
  return threads;
}

std::string describe_threads() {
  const OpenBlas& blas = openblas();
  std::string out = fmt::format("GEMM {}, torch intra-op {}", gemm_backend_name(gemm_backend()),
                                torch::get_num_threads());
  if (blas.present()) {
    const int mode = blas.get_parallel();
    out += fmt::format(", OpenBLAS {} ({})", blas.get_config ? blas.get_config() : "",
                       mode == 1   ? "pthread"
                       : mode == 2 ? "OpenMP"
                                   : "sequential");
    if (blas.get_num_threads) out += fmt::format(" {} threads", blas.get_num_threads());
  } else {
    out += ", BLAS without OpenBLAS controls";
  }
  return out;
}

torch::Device resolve_device(const std::string& name) {
  if (name == "cpu") return torch::Device(torch::kCPU);
  if (name.rfind("cuda", 0) == 0) {
    if (!torch::cuda::is_available()) {
      throw std::runtime_error(
          "--device " + name +
          ": this piikit build has no usable CUDA (libtorch built without CUDA, or no GPU "
          "visible). Rebuild against a CUDA-enabled libtorch (cmake -DTorch_DIR=...) or use "
          "--device cpu");
    }
    torch::Device device(torch::kCPU);
    try {
      device = torch::Device(name);
    } catch (const c10::Error&) {
      throw std::runtime_error("--device: expected cpu or cuda[:N], got \"" + name + "\"");
    }
    const auto count = static_cast<int>(torch::cuda::device_count());
    if (device.has_index() && device.index() >= count) {
      throw std::runtime_error("--device " + name + ": this machine has " + std::to_string(count) +
                               " CUDA device(s), numbered from 0");
    }
    return device;
  }
  throw std::runtime_error("--device: expected cpu or cuda[:N], got \"" + name + "\"");
}

}  // namespace piikit
