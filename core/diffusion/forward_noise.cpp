#include "core/diffusion/forward_noise.h"

#include <stdexcept>
#include <vector>

#include "core/diffusion/generator.h"
#include "core/diffusion/shape_text.h"

namespace recdiff::diffusion {

namespace {

// Validates t against x0 and returns it as int64 on x0's device.
torch::Tensor checkedTimesteps(const NoiseSchedule& schedule, const torch::Tensor& x0, const torch::Tensor& t) {
  if (!x0.defined() || !t.defined()) throw std::invalid_argument("qSample: undefined tensor");
  if (x0.dim() < 2 || x0.dim() > 3) {
    throw std::invalid_argument("qSample: x0 must be [B,d] or [B,L,d], got " + shapeText(x0));
  }
  if (!x0.is_floating_point()) throw std::invalid_argument("qSample: x0 must be floating point");
  if (t.is_floating_point() || t.is_complex() || t.scalar_type() == torch::kBool) {
    throw std::invalid_argument("qSample: timesteps must be an integer tensor");
  }
  const bool shapeOk =
      t.dim() >= 1 && t.dim() < x0.dim() && t.sizes() == x0.sizes().slice(0, static_cast<std::size_t>(t.dim()));
  if (!shapeOk) {
    throw std::invalid_argument("qSample: timesteps of shape " + shapeText(t) + " do not match x0 of shape " +
                                shapeText(x0) + " (expected [B] or, for [B,L,d], [B,L])");
  }
  if (t.device().is_cpu() && t.numel() > 0) {
    // Free on the CPU; on a GPU it would cost a synchronisation per batch,
    // so there the gather's own bounds check has to do.
    const auto minMax = torch::aminmax(t);
    const int64_t lo = std::get<0>(minMax).item<int64_t>();
    const int64_t hi = std::get<1>(minMax).item<int64_t>();
    if (lo < 0 || hi > schedule.steps()) {
      throw std::invalid_argument("qSample: timesteps must lie in 0.." + std::to_string(schedule.steps()) + ", got " +
                                  std::to_string(lo) + ".." + std::to_string(hi));
    }
  }
  return t.to(x0.device(), torch::kLong);
}

torch::Tensor gaussianMix(const ScheduleTables& tables, const torch::Tensor& x0, const torch::Tensor& t,
                          const torch::Tensor& eps) {
  return coefficientAt(tables.sqrtAlphaBars, t, x0.dim()) * x0 +
         coefficientAt(tables.sqrtOneMinusAlphaBars, t, x0.dim()) * eps;
}

// x0n must be unit (or zero) vectors, epsTan tangent to them.
torch::Tensor geodesicStep(const ScheduleTables& tables, const torch::Tensor& x0n, const torch::Tensor& t,
                           const torch::Tensor& epsTan) {
  const torch::Tensor v = coefficientAt(tables.sqrtOneMinusAlphaBars, t, x0n.dim()) * epsTan;
  const torch::Tensor n = v.norm(2, {-1}, /*keepdim=*/true);
  // sin(n)/n, with its Taylor series where n is tiny (n = 0 at t = 0).
  const torch::Tensor sinc = torch::where(n > 1e-4, torch::sin(n) / n.clamp_min(1e-12), 1.0 - n * n / 6.0);
  // cos²+sin² = 1 only up to round-off; renormalise so ‖x_t‖ = 1 holds to
  // float precision however many steps a caller chains.
  return projectToSphere(torch::cos(n) * x0n + sinc * v);
}

torch::Tensor tangent(const torch::Tensor& eps, const torch::Tensor& x0n) {
  return eps - (eps * x0n).sum(-1, /*keepdim=*/true) * x0n;
}

}  // namespace

std::string noiseKindName(NoiseKind kind) {
  switch (kind) {
    case NoiseKind::Gaussian:
      return "gaussian";
    case NoiseKind::Offset:
      return "offset";
    case NoiseKind::Geodesic:
      return "geodesic";
  }
  return "unknown";
}

NoiseKind parseNoiseKind(const std::string& name) {
  for (NoiseKind kind : {NoiseKind::Gaussian, NoiseKind::Offset, NoiseKind::Geodesic}) {
    if (noiseKindName(kind) == name) return kind;
  }
  throw std::invalid_argument("unknown forward noise \"" + name + "\" (expected one of: gaussian, offset, geodesic)");
}

torch::Tensor coefficientAt(const torch::Tensor& table, const torch::Tensor& t, std::int64_t targetDim) {
  std::vector<int64_t> shape(t.sizes().begin(), t.sizes().end());
  shape.resize(static_cast<std::size_t>(std::max<int64_t>(targetDim, t.dim())), 1);
  return table.index_select(0, t.reshape({-1})).view(shape);
}

torch::Tensor projectToSphere(const torch::Tensor& x) { return x / x.norm(2, {-1}, /*keepdim=*/true).clamp_min(1e-12); }

ForwardSample qSample(const NoiseSchedule& schedule, const torch::Tensor& x0, const torch::Tensor& t,
                      const NoiseOptions& options, c10::optional<torch::Generator> generator) {
  const torch::Tensor steps = checkedTimesteps(schedule, x0, t);
  checkGeneratorDevice(generator, x0.device(), "qSample");
  const ScheduleTables tables = schedule.tables(x0.device(), x0.scalar_type());
  const auto floatOptions = x0.options().requires_grad(false);
  torch::Tensor eps = torch::randn(x0.sizes(), generator, floatOptions);

  ForwardSample out;
  switch (options.kind) {
    case NoiseKind::Gaussian:
      out.x0 = x0;
      out.noise = eps;
      out.xt = gaussianMix(tables, x0, steps, eps);
      break;
    case NoiseKind::Offset: {
      std::vector<int64_t> shiftShape(x0.sizes().begin(), x0.sizes().end());
      shiftShape.back() = 1;  // one draw per vector, shared by its d channels
      const torch::Tensor shift = torch::randn(shiftShape, generator, floatOptions);
      out.x0 = x0;
      out.noise = eps + options.offsetStrength * shift;
      out.xt = gaussianMix(tables, x0, steps, out.noise);
      break;
    }
    case NoiseKind::Geodesic: {
      out.x0 = projectToSphere(x0);
      // ε_tan depends on x0; autograd sees that dependence through x_t, while
      // the reported noise is plain data.
      const torch::Tensor epsTan = tangent(eps, out.x0);
      out.xt = geodesicStep(tables, out.x0, steps, epsTan);
      out.noise = epsTan.detach();
      break;
    }
  }
  return out;
}

torch::Tensor qSampleWithNoise(const NoiseSchedule& schedule, const torch::Tensor& x0, const torch::Tensor& t,
                               const torch::Tensor& noise, NoiseKind kind) {
  const torch::Tensor steps = checkedTimesteps(schedule, x0, t);
  if (!noise.defined() || noise.sizes() != x0.sizes()) {
    throw std::invalid_argument("qSampleWithNoise: noise must have x0's shape " + shapeText(x0));
  }
  const ScheduleTables tables = schedule.tables(x0.device(), x0.scalar_type());
  if (kind == NoiseKind::Geodesic) {
    const torch::Tensor x0n = projectToSphere(x0);
    return geodesicStep(tables, x0n, steps, tangent(noise, x0n));
  }
  return gaussianMix(tables, x0, steps, noise);
}

torch::Tensor sampleTimesteps(std::int64_t batch, int T, c10::optional<torch::Generator> generator,
                              const torch::Device& device) {
  if (T < 1) throw std::invalid_argument("sampleTimesteps: T must be >= 1");
  if (batch < 0) throw std::invalid_argument("sampleTimesteps: negative batch size");
  checkGeneratorDevice(generator, device, "sampleTimesteps");
  return torch::randint(1, static_cast<int64_t>(T) + 1, {batch}, generator,
                        torch::TensorOptions().dtype(torch::kLong).device(device));
}

}  // namespace recdiff::diffusion
