#include "piikit/torch_runtime.h"

#include <torch/torch.h>

#include <stdexcept>
#include <thread>

namespace piikit {

int configure_threads(int threads) {
  if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  torch::set_num_threads(threads);
  return torch::get_num_threads();
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
    return torch::Device(name);
  }
  throw std::runtime_error("--device: expected cpu or cuda[:N], got \"" + name + "\"");
}

}  // namespace piikit
