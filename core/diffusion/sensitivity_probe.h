// How much the denoiser's estimate x̂0 responds to its input x_t: the
// per-step measurement behind "does the output depend on the noise?".
//
// At a step, x_t is moved by a small random δ and the denoiser is run again:
//   elasticity = (‖x̂0(x_t + δ) − x̂0(x_t)‖ / ‖x̂0(x_t)‖) / (‖δ‖ / ‖x_t‖)
// per row, with ‖δ‖ = relativeStep·‖x_t‖. It is the relative change of x̂0
// per relative change of x_t: 0 = x̂0 ignores x_t (the diffusion input is
// inert), about 1 = x̂0 moves in proportion (x̂0 = x_t gives exactly 1),
// above 1 = x̂0 amplifies changes of x_t.
//
// Edge cases, chosen so that every row gets a number where one exists:
// - ‖x_t‖ = 0 (a run without noise starts at x_T = 0): a relative change of
//   x_t is undefined, so the step's scale is √d instead — the norm a
//   standard-normal x_T has, i.e. δ is relativeStep of a typical start.
// - ‖x̂0(x_t)‖ = 0: the relative change of x̂0 is undefined; the elasticity
//   is NaN (averages skip it).
//
// δ's directions come from a generator of the probe's own (on the CPU, so a
// seed gives the same directions on every device), never from the run's:
// probing a run does not change it. reset() restarts the directions from
// the seed, so every run probed from its first step sees the same ones.
#pragma once

#include <torch/types.h>

#include <cstdint>
#include <vector>

namespace recdiff::diffusion {

class SensitivityProbe {
 public:
  // Throws std::invalid_argument unless 0 < relativeStep <= 1 (finite).
  explicit SensitivityProbe(double relativeStep = 0.01, std::uint64_t seed = 0);

  double relativeStep() const { return relativeStep_; }
  std::uint64_t seed() const { return seed_; }
  void reset();

  // δ for x_t [B,d] (on x_t's device, in its dtype): a seeded random
  // direction per row with ‖δ‖ = relativeStep·‖x_t‖ (or ·√d, see above).
  torch::Tensor perturbation(const torch::Tensor& xt);

  // The elasticity per row from x_t, the δ it was moved by, and x̂0 at x_t
  // and at x_t + δ.
  std::vector<float> elasticity(const torch::Tensor& xt, const torch::Tensor& delta, const torch::Tensor& x0Hat,
                                const torch::Tensor& x0HatNear) const;

 private:
  // The scale δ is relative to, per row [B,1]: ‖x_t‖, or √d where it is 0.
  torch::Tensor scaleOf(const torch::Tensor& xt) const;

  double relativeStep_;
  std::uint64_t seed_;
  torch::Generator generator_;
};

}  // namespace recdiff::diffusion
