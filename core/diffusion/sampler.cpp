#include "core/diffusion/sampler.h"

#include <cmath>
#include <stdexcept>

#include "core/diffusion/forward_noise.h"
#include "core/diffusion/generator.h"
#include "core/diffusion/shape_text.h"

namespace recdiff::diffusion {

namespace {

// One step from t to tPrev < t, in double.
StepCoefficients coefficientsFor(const NoiseSchedule& schedule, const SamplerConfig& config, int t, int tPrev) {
  StepCoefficients c;
  c.t = t;
  c.tPrev = tPrev;
  const double ab = schedule.alphaBar(t);
  const double abPrev = schedule.alphaBar(tPrev);
  const double oneMinusAb = 1.0 - ab;  // > 0 for t >= 1
  // β' of the (possibly respaced) step; ᾱ_{tPrev} = 0 only after a β = 1.
  const double alphaStep = abPrev > 0.0 ? ab / abPrev : 0.0;
  const double betaStep = 1.0 - alphaStep;
  if (config.kind == SamplerKind::DDPM) {
    // β as the variance would put noise on the last step too; it has none.
    const bool beta = config.betaVariance && tPrev > 0;
    if (tPrev == t - 1) {
      // The schedule's own values: no round-off from re-deriving β.
      c.x0Coef = schedule.posteriorC1(t);
      c.xtCoef = schedule.posteriorC2(t);
      c.sigma = std::sqrt(beta ? schedule.beta(t) : schedule.posteriorVariance(t));
    } else {
      c.x0Coef = std::sqrt(abPrev) * betaStep / oneMinusAb;
      c.xtCoef = std::sqrt(alphaStep) * (1.0 - abPrev) / oneMinusAb;
      c.sigma = std::sqrt(std::max(0.0, beta ? betaStep : betaStep * (1.0 - abPrev) / oneMinusAb));
    }
  } else {
    const double sigma = config.eta * std::sqrt((1.0 - abPrev) / oneMinusAb) * std::sqrt(std::max(0.0, betaStep));
    const double k = std::sqrt(std::max(0.0, 1.0 - abPrev - sigma * sigma));
    // Expanding ε̂ = (x_t - √ᾱ_t·x̂0)/√(1-ᾱ_t) gives one axpy per step.
    c.x0Coef = std::sqrt(abPrev) - k * std::sqrt(ab) / std::sqrt(oneMinusAb);
    c.xtCoef = k / std::sqrt(oneMinusAb);
    c.sigma = sigma;
  }
  return c;
}

}  // namespace

std::string samplerKindName(SamplerKind kind) {
  switch (kind) {
    case SamplerKind::DDPM:
      return "ddpm";
    case SamplerKind::DDIM:
      return "ddim";
  }
  return "unknown";
}

SamplerKind parseSamplerKind(const std::string& name) {
  if (name == "ddpm") return SamplerKind::DDPM;
  if (name == "ddim") return SamplerKind::DDIM;
  throw std::invalid_argument("unknown sampler \"" + name + "\" (expected one of: ddpm, ddim)");
}

std::vector<int> skipTimesteps(int T, int S) {
  if (T < 1 || S < 1 || S > T) {
    throw std::invalid_argument("sampler steps must lie in 1.." + std::to_string(T) + ", got " + std::to_string(S));
  }
  // Round half up in integers; consecutive i·T/S differ by >= 1, so the
  // rounded values are strictly increasing, and i = S gives exactly T.
  std::vector<int> taus(static_cast<std::size_t>(S));
  for (int i = 1; i <= S; ++i) {
    const std::int64_t num = 2LL * i * T + S;
    taus[static_cast<std::size_t>(i - 1)] = static_cast<int>(num / (2LL * S));
  }
  return taus;
}

ReverseSampler::ReverseSampler(NoiseSchedule schedule, SamplerConfig config)
    : schedule_(std::move(schedule)), config_(config) {
  const int T = schedule_.steps();
  if (config_.steps < 0 || config_.steps > T) {
    throw std::invalid_argument("sampler steps must lie in 1.." + std::to_string(T) + " (or 0 for all), got " +
                                std::to_string(config_.steps));
  }
  if (!(config_.eta >= 0.0) || !std::isfinite(config_.eta)) {
    throw std::invalid_argument("DDIM eta must be a finite number >= 0");
  }
  if (!(config_.noiseScale >= 0.0) || !std::isfinite(config_.noiseScale)) {
    throw std::invalid_argument(
        "the reverse noise scale must be a finite number >= 0 (1 = the model's own "
        "noise, 0 = none), got " +
        std::to_string(config_.noiseScale));
  }
  timesteps_ = skipTimesteps(T, config_.steps == 0 ? T : config_.steps);
  for (std::size_t i = timesteps_.size(); i-- > 0;) {
    const int tPrev = i == 0 ? 0 : timesteps_[i - 1];
    steps_.push_back(coefficientsFor(schedule_, config_, timesteps_[i], tPrev));
  }
  if (config_.noiseOnLastStep) {
    StepCoefficients& last = steps_.back();
    if (steps_.size() >= 2) {
      last.sigma = steps_[steps_.size() - 2].sigma;
    } else {
      const double betaStep = 1.0 - schedule_.alphaBar(last.t);
      last.sigma = std::sqrt(betaStep) * (config_.kind == SamplerKind::DDIM ? config_.eta : 1.0);
    }
  }
}

torch::Tensor ReverseSampler::sample(const Denoiser& denoiser, const SampleRequest& request) const {
  if (!denoiser) throw std::invalid_argument("sample: no denoiser");
  return sample(InspectingDenoiser([&denoiser](const torch::Tensor& xt, const torch::Tensor& t, StepExtras*) {
                  return denoiser(xt, t);
                }),
                request);
}

torch::Tensor ReverseSampler::sample(const InspectingDenoiser& denoiser, const SampleRequest& request) const {
  if (!denoiser) throw std::invalid_argument("sample: no denoiser");
  torch::NoGradGuard noGrad;

  torch::Tensor x;
  if (request.xT.defined()) {
    if (request.xT.dim() < 1 || !request.xT.is_floating_point()) {
      throw std::invalid_argument("sample: x_T must be a floating-point [B,...] tensor");
    }
    checkGeneratorDevice(request.generator, request.xT.device(), "sample");
    x = request.xT.detach();  // steps never write into x: no copy needed
  } else {
    if (request.shape.empty()) throw std::invalid_argument("sample: neither x_T nor a shape given");
    checkGeneratorDevice(request.generator, request.options.device(), "sample");
    x = config_.noiseScale == 0.0
            ? torch::zeros(request.shape, request.options.requires_grad(false))
            : torch::randn(request.shape, request.generator, request.options.requires_grad(false));
    if (config_.noiseScale != 0.0 && config_.noiseScale != 1.0) x.mul_(config_.noiseScale);
  }
  if (config_.renormalise) x = projectToSphere(x);

  // Everything the loop needs, made before it starts.
  const std::int64_t batch = x.size(0);
  const auto longOptions = torch::TensorOptions().dtype(torch::kLong).device(x.device());
  std::vector<torch::Tensor> tTensors;
  tTensors.reserve(steps_.size());
  bool anyNoise = false;
  for (const StepCoefficients& c : steps_) {
    tTensors.push_back(torch::full({batch}, static_cast<int64_t>(c.t), longOptions));
    anyNoise = anyNoise || c.sigma * config_.noiseScale > 0.0;
  }
  torch::Tensor z = anyNoise ? torch::empty_like(x) : torch::Tensor();
  TraceRecorder* recorder = request.recorder;
  StepExtras extras;
  StepExtras probeExtras;  // what a probe call reports is not kept
  probeExtras.probe = true;

  for (std::size_t i = 0; i < steps_.size(); ++i) {
    const StepCoefficients& c = steps_[i];
    const bool last = i + 1 == steps_.size();
    if (last && request.compensator) {
      torch::Tensor x0 = request.compensator(x);
      if (!x0.defined() || x0.sizes() != x.sizes()) {
        throw std::invalid_argument("sample: the compensator returned " +
                                    (x0.defined() ? shapeText(x0) : std::string("nothing")) + " for x of shape " +
                                    shapeText(x));
      }
      if (recorder != nullptr) recorder->record(c.t, x, x0, nullptr, request.compensator);
      x = config_.renormalise ? projectToSphere(x0) : x0;
      break;
    }
    StepExtras* stepExtras = nullptr;
    if (recorder != nullptr) {
      extras.clear();
      stepExtras = &extras;
    }
    const torch::Tensor x0Hat = denoiser(x, tTensors[i], stepExtras);
    if (!x0Hat.defined() || x0Hat.sizes() != x.sizes()) {
      throw std::invalid_argument("sample: the denoiser returned " +
                                  (x0Hat.defined() ? shapeText(x0Hat) : std::string("nothing")) + " for x_t of shape " +
                                  shapeText(x));
    }
    if (recorder != nullptr) {
      const torch::Tensor& t = tTensors[i];
      recorder->record(c.t, x, x0Hat, stepExtras, [&](const torch::Tensor& xNear) {
        probeExtras.clear();
        return denoiser(xNear, t, &probeExtras);
      });
    }

    // x ← A·x̂0 + B·x (+ σ·z) into a fresh tensor: x̂0 and the old x may be
    // referenced by the model or the caller, so neither is written.
    torch::Tensor next = x0Hat.mul(c.x0Coef);
    if (c.xtCoef != 0.0) next.add_(x, c.xtCoef);
    const double sigma = c.sigma * config_.noiseScale;
    if (sigma > 0.0) {
      z.normal_(0.0, 1.0, request.generator);
      next.add_(z, sigma);
    }
    x = config_.renormalise ? projectToSphere(next) : next;
  }
  if (recorder != nullptr) recorder->record(0, x, x, nullptr);
  return x;
}

}  // namespace recdiff::diffusion
