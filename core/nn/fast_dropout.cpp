#include "core/nn/fast_dropout.h"

#include <ATen/Parallel.h>
#include <torch/torch.h>

#include <cstdint>
#include <limits>
#include <stdexcept>

namespace recdiff::nn {
namespace {

inline std::uint64_t splitmix64(std::uint64_t z) {
  z += 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// Mask of 0 and 1/(1-p): element i is kept when the top 24 bits of
// splitmix64(seed + i), as a uniform in [0, 1), are at least p.
torch::Tensor dropoutMask(const torch::Tensor& like, double p, std::uint64_t seed) {
  auto mask = torch::empty(like.sizes(), like.options().dtype(torch::kFloat32).requires_grad(false));
  float* out = mask.data_ptr<float>();
  const auto threshold = static_cast<std::uint32_t>(p * double(1u << 24));
  const float keep = static_cast<float>(1.0 / (1.0 - p));
  at::parallel_for(0, mask.numel(), 16384, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t i = begin; i < end; ++i) {
      const auto u = static_cast<std::uint32_t>(splitmix64(seed + static_cast<std::uint64_t>(i)) >> 40);
      out[i] = u >= threshold ? keep : 0.0f;
    }
  });
  return like.scalar_type() == torch::kFloat32 ? mask : mask.to(like.scalar_type());
}

}  // namespace

torch::Tensor fastDropout(const torch::Tensor& x, double p, bool training) {
  if (p < 0.0 || p >= 1.0) throw std::invalid_argument("dropout probability must be in [0, 1)");
  if (!training || p == 0.0) return x;
  if (!x.device().is_cpu()) return torch::dropout(x, p, true);
  const auto seed = static_cast<std::uint64_t>(
      torch::randint(std::numeric_limits<std::int64_t>::max(), {1}, torch::kInt64).item<std::int64_t>());
  return x * dropoutMask(x, p, seed);
}

}  // namespace recdiff::nn
