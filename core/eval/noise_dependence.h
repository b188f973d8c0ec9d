// Whether a diffusion model's output depends on its noise: the rules that
// turn measurements into a verdict and a sentence a teacher can read aloud.
// Shared by eval::reverseContribution (a test split, several noise seeds)
// and the studio's scrubber (one user, the seeds it ran). No LibTorch here.
//
// The verdict rests on what a user sees, the final top-k, through the mean
// overlap |top-k_a ∩ top-k_b| / k over users and pairs of noise seeds:
//   overlap >= 0.95          None    "does not depend on the noise"
//   0.70 <= overlap < 0.95   Weak    "depends a little on the noise"
//   overlap < 0.70           Strong  "depends on the noise"
// (A model whose x̂0 ignores x_t at the last step overlaps by 1; two random
// top-20s of a 1,000-item catalogue by 0.02.) With fewer than two seeds the
// overlap is unknown: an inert denoiser (below) still gives None — nothing
// downstream of x_T can then reach x0 — and anything else gives Unknown.
//
// The sensitivity (core/diffusion/sensitivity_probe.h: the elasticity of x̂0
// with respect to x_t, averaged over users at each step, then over steps)
// says why:
//   < 0.05   x̂0 ignores x_t: the diffusion input is inert
//   < 0.5    x̂0 responds weakly to x_t
//   >= 0.5   x̂0 follows x_t (x̂0 = x_t gives 1)
//
// The noise-free run (noiseScale 0) scores "the same" HR@K as the noisy
// runs when it lies within two standard deviations of their mean, and never
// less than half a percentage point away counts as different.
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <vector>

namespace recdiff::eval {

inline constexpr double kNoNoiseDependenceOverlap = 0.95;
inline constexpr double kWeakNoiseDependenceOverlap = 0.70;
inline constexpr double kInertSensitivity = 0.05;
inline constexpr double kFollowsSensitivity = 0.5;
inline constexpr double kSameHitRateSigmas = 2.0;
inline constexpr double kSameHitRateFloor = 0.005;

struct TopKAgreement {
  double meanOverlap = std::numeric_limits<double>::quiet_NaN();     // over users and pairs of runs
  double identicalShare = std::numeric_limits<double>::quiet_NaN();  // users whose top-k is one set in every run
  std::int64_t users = 0;
  int runs = 0;
  int k = 0;
};

// `topK[r]`: run r's top-k item ids, row-major [users × k], the same users
// in the same order in every run. Fewer than two runs leave the figures NaN.
// Throws std::invalid_argument for k < 1 or runs of different sizes.
TopKAgreement topKAgreement(const std::vector<std::vector<std::int64_t>>& topK, int k);

// One reverse step's elasticities over users: mean and quartiles of the
// finite values (NaN when there are none).
struct StepSensitivity {
  int t = 0;
  double mean = std::numeric_limits<double>::quiet_NaN();
  double q1 = std::numeric_limits<double>::quiet_NaN();
  double median = std::numeric_limits<double>::quiet_NaN();
  double q3 = std::numeric_limits<double>::quiet_NaN();
  std::int64_t users = 0;  // finite values summarised
};
// One entry per t with values, in reverse-process order (largest t first).
std::vector<StepSensitivity> summariseSensitivity(const std::map<int, std::vector<float>>& valuesByT);
// The mean of the steps' means (steps without a value skipped); NaN if none.
double meanSensitivity(const std::vector<StepSensitivity>& steps);

enum class NoiseDependence { NotDiffusion, Unknown, None, Weak, Strong };
// "not a diffusion model", "unknown", "none", "weak", "strong".
std::string noiseDependenceName(NoiseDependence verdict);

struct NoiseEvidence {
  bool diffusion = true;
  TopKAgreement agreement;                                        // users == 1: one user (the scrubber)
  double sensitivity = std::numeric_limits<double>::quiet_NaN();  // meanSensitivity; NaN = not measured
  // HR@cutoff over the noise seeds (mean, sample std) and of the noise-free
  // run, in [0, 1]; NaN = not measured.
  int cutoff = 20;
  double hitRate = std::numeric_limits<double>::quiet_NaN();
  double hitRateStd = std::numeric_limits<double>::quiet_NaN();
  double hitRateNoiseFree = std::numeric_limits<double>::quiet_NaN();
};

NoiseDependence classifyNoiseDependence(const NoiseEvidence& evidence);
// The verdict as plain English, with the numbers behind it, e.g. "The output
// does not depend on the noise: three noise seeds give the same top-20 for
// 100 % of users, and the noise-free run scores the same HR@20 (4.20 % vs
// 4.20 ± 0.00 %). Its denoiser ignores x_t (sensitivity 0.00): the
// diffusion input is inert."
std::string describeNoiseDependence(const NoiseEvidence& evidence);

}  // namespace recdiff::eval
