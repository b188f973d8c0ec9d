// Reverse samplers over an x0-predicting denoiser: DDPM (ancestral) and DDIM
// (DAE4Rec's skip-step), the hot loop of inference.
//
// Both walk a list of timesteps τ_S > … > τ_1 > τ_0 = 0 and take steps of the
// same form,
//   x_{τ(i-1)} = A_i·x̂0 + B_i·x_{τi} + σ_i·z,   x̂0 = f(x_{τi}, τi), z ~ N(0, I),
// with scalars A, B, σ computed once, in double, when the sampler is built:
//   DDPM  A = c1, B = c2, σ² = β̃ — the posterior q(x_{τ(i-1)} | x_{τi}, x̂0).
//         With S = T this is the textbook chain (c1, c2, β̃ of schedule.h);
//         with S < T it is the "respaced" chain of improved-DDPM, whose
//         β'_i = 1 - ᾱ_{τi}/ᾱ_{τ(i-1)}.
//   DDIM  x_{τ(i-1)} = √ᾱ_{τ(i-1)}·x̂0 + √(1-ᾱ_{τ(i-1)}-σ²)·ε̂ + σ·z,
//         ε̂ = (x_{τi} - √ᾱ_{τi}·x̂0)/√(1-ᾱ_{τi}),
//         σ = η·√((1-ᾱ_{τ(i-1)})/(1-ᾱ_{τi}))·√(1-ᾱ_{τi}/ᾱ_{τ(i-1)}).
//         η = 0 is deterministic; η = 1 gives the DDPM posterior exactly.
// The last step (to τ_0 = 0, ᾱ_0 = 1) reduces to x0 = x̂0 in both samplers.
//
// The loop runs under torch::NoGradGuard (not InferenceMode: the returned x0
// must stay usable by callers that later compute with autograd on, e.g.
// scores against a trainable item table), draws its noise into one
// preallocated buffer, builds the per-step timestep tensors before the loop,
// and makes no host/device copies unless a TraceRecorder is attached.
#pragma once

#include <torch/types.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/diffusion/schedule.h"
#include "core/diffusion/trace.h"

namespace recdiff::diffusion {

enum class SamplerKind { DDPM, DDIM };

// "ddpm", "ddim".
std::string samplerKindName(SamplerKind kind);
// Inverse of samplerKindName; throws std::invalid_argument naming the
// accepted names.
SamplerKind parseSamplerKind(const std::string& name);

struct SamplerConfig {
  SamplerKind kind = SamplerKind::DDPM;
  // S, the number of steps taken (τ list from skipTimesteps). 0 = all T.
  int steps = 0;
  // DDIM's η (ignored by DDPM): 0 deterministic, 1 DDPM-like noise.
  double eta = 0.0;
  // L2-normalise x_T and x after every step, the final x0 included: models
  // that live on the unit sphere (DimeRec Algorithm 2, ADIGRec).
  bool renormalise = false;
  // The true posterior variance of the last step is 0. When true, the last
  // step still adds noise, with the σ of the step before it (improved-DDPM's
  // "clipped" variance; √β'_1, times η for DDIM, when S = 1).
  bool noiseOnLastStep = false;
  // DDPM's other choice of σ_t² (Ho et al. 2020, §3.2): β_t of the step
  // instead of the posterior variance — what the official ADRec and DiffuRec
  // code samples with (their "fixed large" variance); still none on the last
  // step.
  bool betaVariance = false;
  // How much of its noise the sampler draws: the drawn x_T and every step's
  // σ·z are multiplied by it. 1 = the model's own process; 0 = none at all
  // (x_T = 0, no step noise), so x0 is a function of the denoiser's
  // condition alone — what the output would be if the noise played no part.
  // A given x_T (SampleRequest::xT) is used as given. Randomness a denoiser
  // draws of its own (DiffuRec's λ) is not the sampler's and is not scaled.
  double noiseScale = 1.0;
  // x̂0 is used as the denoiser returns it (no clipping).
};

// τ_1 < … < τ_S, evenly spaced and ending at T: τ_i = round(i·T/S). S = T
// gives 1..T. Throws std::invalid_argument unless 1 <= S <= T.
std::vector<int> skipTimesteps(int T, int S);

// The scalars of one step x_{tPrev} = x0Coef·x̂0 + xtCoef·x_t + sigma·z.
struct StepCoefficients {
  int t = 0;
  int tPrev = 0;
  double x0Coef = 0.0;
  double xtCoef = 0.0;
  double sigma = 0.0;
};

// x̂0 = f(x_t, t): `t` is int64 [B] on x_t's device (every entry the same
// step). Returns a tensor of x_t's shape.
using Denoiser = std::function<torch::Tensor(const torch::Tensor& xt, const torch::Tensor& t)>;
// The same, for models that can report inspection tensors per step (e.g.
// ADIGRec's "ai2m_attention"). `extras` is non-null only while a trace is
// being recorded; fill it then, ignore it otherwise.
using InspectingDenoiser =
    std::function<torch::Tensor(const torch::Tensor& xt, const torch::Tensor& t, StepExtras* extras)>;
// DAE4Rec's compensator: replaces the last step, x0 = c(x_{τ1}) (its
// condition h captured by the closure).
using Compensator = std::function<torch::Tensor(const torch::Tensor& xTau1)>;

struct SampleRequest {
  // Where to start: `xT` when defined (used as given, normalised when the
  // config renormalises; never modified), otherwise x_T ~ N(0, I) of `shape`
  // (e.g. {B, d}) with `options` (device, dtype).
  torch::Tensor xT;
  std::vector<std::int64_t> shape;
  torch::TensorOptions options = torch::TensorOptions().dtype(torch::kFloat);
  // Drives x_T and every step's noise; LibTorch's default generator when
  // absent. Must be of the sampling device's type (see makeGenerator).
  c10::optional<torch::Generator> generator;
  // Records every step and the final x0 when non-null. When the recorder
  // probes sensitivity (TraceRecorder::setSensitivityProbe), each step's
  // denoiser (or the compensator) is called once more, at a point near x_t
  // and with a StepExtras whose `probe` is true; the run itself is unchanged.
  TraceRecorder* recorder = nullptr;
  // Replaces the last step when set.
  Compensator compensator;
};

class ReverseSampler {
 public:
  // Validates the config against the schedule (throws std::invalid_argument
  // for steps outside 0..T, a negative or non-finite η (DDPM ignores η) or
  // a negative or non-finite noise scale)
  // and precomputes every step's coefficients.
  ReverseSampler(NoiseSchedule schedule, SamplerConfig config = {});

  const NoiseSchedule& schedule() const { return schedule_; }
  const SamplerConfig& config() const { return config_; }
  // τ_1 < … < τ_S.
  const std::vector<int>& timesteps() const { return timesteps_; }
  // One entry per step in walking order (t = τ_S first, tPrev = 0 last).
  const std::vector<StepCoefficients>& coefficients() const { return steps_; }

  // Runs the reverse process and returns the final x0 (x_T's shape). Throws
  // std::invalid_argument for a malformed request or a denoiser output of
  // the wrong shape.
  torch::Tensor sample(const Denoiser& denoiser, const SampleRequest& request) const;
  torch::Tensor sample(const InspectingDenoiser& denoiser, const SampleRequest& request) const;

 private:
  NoiseSchedule schedule_;
  SamplerConfig config_;
  std::vector<int> timesteps_;
  std::vector<StepCoefficients> steps_;
};

}  // namespace recdiff::diffusion
