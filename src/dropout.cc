#include "piikit/dropout.h"

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>
#include <torch/torch.h>

#include <atomic>
#include <cmath>
#include <cstring>
#include <mutex>

namespace piikit {
namespace {

// Elements per independently seeded chunk: big enough to amortise seeding, small enough to
// split across threads.
constexpr int64_t kChunk = 1 << 14;

inline uint64_t splitmix64(uint64_t& x) {
  uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

// xoshiro256++ (Blackman and Vigna), seeded per chunk through splitmix64.
struct Xoshiro {
  uint64_t s[4];
  Xoshiro(uint64_t seed, uint64_t chunk) {
    uint64_t x = seed ^ (chunk * 0xd1b54a32d192ed03ULL);
    for (auto& v : s) v = splitmix64(x);
  }
  inline uint64_t next() {
    const uint64_t result = rotl(s[0] + s[3], 23) + s[0];
    const uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
  }
};

// Set on a thread inside a DropoutSeedScope: that thread's masks come from this stream.
thread_local bool t_scoped = false;
thread_local uint64_t t_stream = 0;

uint64_t next_seed() {
  if (t_scoped) return splitmix64(t_stream);
  auto gen = at::detail::getDefaultCPUGenerator();
  std::lock_guard<std::mutex> lock(gen.mutex());
  return at::check_generator<at::CPUGeneratorImpl>(gen)->random64();
}

// out[i] = keep_i ? x[i] * scale : 0, mask[i] = keep_i, keep_i = (16 random bits >= threshold).
void dropout_forward_kernel(const float* x, float* out, uint8_t* mask, int64_t n,
                            uint32_t threshold, float scale, uint64_t seed) {
  const int64_t chunks = (n + kChunk - 1) / kChunk;
  at::parallel_for(0, chunks, 1, [&](int64_t c0, int64_t c1) {
    for (int64_t c = c0; c < c1; ++c) {
      Xoshiro rng(seed, static_cast<uint64_t>(c));
      const int64_t begin = c * kChunk, end = std::min(n, begin + kChunk);
      for (int64_t i = begin; i < end; i += 4) {
        uint64_t r = rng.next();
        const int64_t m = std::min<int64_t>(4, end - i);
        for (int64_t j = 0; j < m; ++j) {
          const uint8_t keep = ((r >> (16 * j)) & 0xffff) >= threshold;
          mask[i + j] = keep;
          out[i + j] = keep ? x[i + j] * scale : 0.0f;
        }
      }
    }
  });
}

void dropout_backward_kernel(const float* grad, const uint8_t* mask, float* out, int64_t n,
                             float scale) {
  at::parallel_for(0, n, kChunk, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i) out[i] = mask[i] ? grad[i] * scale : 0.0f;
  });
}

class FastDropout : public torch::autograd::Function<FastDropout> {
 public:
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& input,
                               double p) {
    torch::Tensor x = input.contiguous();
    torch::Tensor out = torch::empty_like(x);
    torch::Tensor mask = torch::empty(x.sizes(), x.options().dtype(torch::kUInt8));
    const auto threshold = static_cast<uint32_t>(std::lround(p * 65536.0));
    const float scale = static_cast<float>(1.0 / (1.0 - p));
    dropout_forward_kernel(x.data_ptr<float>(), out.data_ptr<float>(), mask.data_ptr<uint8_t>(),
                           x.numel(), threshold, scale, next_seed());
    ctx->save_for_backward({mask});
    ctx->saved_data["scale"] = static_cast<double>(scale);
    return out;
  }

  static torch::autograd::tensor_list backward(torch::autograd::AutogradContext* ctx,
                                               torch::autograd::tensor_list grads) {
    const torch::Tensor mask = ctx->get_saved_variables()[0];
    const float scale = static_cast<float>(ctx->saved_data["scale"].toDouble());
    torch::Tensor grad = grads[0].contiguous();
    torch::Tensor out = torch::empty_like(grad);
    dropout_backward_kernel(grad.data_ptr<float>(), mask.data_ptr<uint8_t>(), out.data_ptr<float>(),
                            grad.numel(), scale);
    return {out, torch::Tensor()};
  }
};

std::atomic<bool> g_fast_enabled{true};

}  // namespace

void set_fast_dropout_enabled(bool enabled) { g_fast_enabled = enabled; }

DropoutSeedScope::DropoutSeedScope(uint64_t seed, uint64_t stream)
    : previous_scoped_(t_scoped), previous_stream_(t_stream) {
  uint64_t x = seed + 0x9e3779b97f4a7c15ULL * stream;
  t_scoped = true;
  t_stream = splitmix64(x);
}

DropoutSeedScope::~DropoutSeedScope() {
  t_scoped = previous_scoped_;
  t_stream = previous_stream_;
}

torch::Tensor fast_dropout(const torch::Tensor& x, double p) {
  TORCH_CHECK(p >= 0.0 && p < 1.0, "dropout probability must be in [0, 1), got ", p);
  if (p == 0.0) return x;
  if (!g_fast_enabled || !x.device().is_cpu() || x.scalar_type() != torch::kFloat) {
    return torch::dropout(x, p, /*train=*/true);
  }
  return FastDropout::apply(x, p);
}

}  // namespace piikit
