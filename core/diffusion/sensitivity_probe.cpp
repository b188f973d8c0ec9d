#include "core/diffusion/sensitivity_probe.h"

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "core/diffusion/generator.h"

namespace recdiff::diffusion {

namespace {
// Below this a norm counts as zero (float rows of unit scale).
constexpr double kZeroNorm = 1e-12;
}  // namespace

SensitivityProbe::SensitivityProbe(double relativeStep, std::uint64_t seed)
    : relativeStep_(relativeStep), seed_(seed), generator_(makeGenerator(seed)) {
  if (!(relativeStep > 0.0 && relativeStep <= 1.0)) {
    throw std::invalid_argument("the sensitivity probe's relative step must lie in (0, 1], got " +
                                std::to_string(relativeStep));
  }
}

void SensitivityProbe::reset() { generator_ = makeGenerator(seed_); }

torch::Tensor SensitivityProbe::scaleOf(const torch::Tensor& xt) const {
  const torch::Tensor norm = xt.norm(2, {1}, /*keepdim=*/true);
  const double typical = std::sqrt(static_cast<double>(xt.size(1)));
  return torch::where(norm > kZeroNorm, norm, torch::full_like(norm, typical));
}

torch::Tensor SensitivityProbe::perturbation(const torch::Tensor& xt) {
  torch::NoGradGuard noGrad;
  const auto cpuFloat = torch::TensorOptions().dtype(torch::kFloat);
  torch::Tensor direction = torch::randn(xt.sizes(), generator_, cpuFloat);
  direction = direction / direction.norm(2, {1}, /*keepdim=*/true).clamp_min(kZeroNorm);
  const torch::Tensor x = xt.detach();
  return direction.to(x.device(), x.scalar_type()) * (scaleOf(x) * relativeStep_);
}

std::vector<float> SensitivityProbe::elasticity(const torch::Tensor& xt, const torch::Tensor& delta,
                                                const torch::Tensor& x0Hat, const torch::Tensor& x0HatNear) const {
  torch::NoGradGuard noGrad;
  // In double: relative changes of ~1e-2 of float vectors lose nothing.
  auto d = [](const torch::Tensor& t) { return t.detach().to(torch::kCPU, torch::kDouble); };
  const torch::Tensor x0 = d(x0Hat);
  const torch::Tensor x0Norm = x0.norm(2, {1});
  const torch::Tensor outChange = (d(x0HatNear) - x0).norm(2, {1}) / x0Norm.clamp_min(kZeroNorm);
  const torch::Tensor inChange = d(delta).norm(2, {1}) / d(scaleOf(xt.detach())).squeeze(1);
  torch::Tensor e = outChange / inChange.clamp_min(kZeroNorm);
  e = torch::where(x0Norm > kZeroNorm, e, torch::full_like(e, std::numeric_limits<double>::quiet_NaN()));
  const torch::Tensor f = e.to(torch::kFloat).contiguous();
  return std::vector<float>(f.data_ptr<float>(), f.data_ptr<float>() + f.numel());
}

}  // namespace recdiff::diffusion
