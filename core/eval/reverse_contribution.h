// What the reverse process contributes to a diffusion model's output (issue
// 40): over the first N samples of a split,
//   (a) how much the final top-k agrees across reverse runs with different
//       noise seeds (noise_dependence.h: TopKAgreement);
//   (b) HR/NDCG per noise seed (mean ± std) and of one run without noise
//       (ReverseOptions::noiseScale = 0: x_T = 0, no step noise, so x0 is a
//       function of the history alone);
//   (c) per reverse step t, how much x̂0 responds to x_t: the elasticity of
//       core/diffusion/sensitivity_probe.h over users (mean and quartiles),
//       from one traced run;
//   (d) a verdict and a sentence a teacher can read aloud (the thresholds
//       are in noise_dependence.h).
// For a non-diffusion baseline (diffusionSteps() == 0) only the verdict
// NotDiffusion and its sentence are filled. No LibTorch in this header.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/data/sequence_dataset.h"
#include "core/eval/noise_dependence.h"
#include "core/eval/ranking_metrics.h"

namespace recdiff::models {
class Model;
struct ReverseOptions;
}  // namespace recdiff::models

namespace recdiff::eval {

struct ReverseContributionOptions {
  std::int64_t maxSamples = 1000;       // the first N samples (0 = all)
  int noiseSeeds = 3;                   // R >= 2 reverse runs, one noise seed each
  int topK = 20;                        // the top-k compared, and the HR/NDCG cutoff of the verdict
  std::int64_t sensitivityUsers = 256;  // users of the traced run, the first of the N (0 = all N)
  double probeStep = 0.01;              // ‖δ‖ / ‖x_t‖ of the sensitivity probe
  bool excludeHistory = false;          // rank as the evaluator does with history masking
  std::int64_t batchSize = 256;
  // (done, total) over all the runs; returning false cancels (throws Cancelled).
  std::function<bool(std::int64_t, std::int64_t)> progress;
};

struct ReverseContribution {
  bool diffusion = false;
  std::int64_t users = 0;               // samples evaluated
  std::vector<std::uint64_t> seeds;     // the reverse seed of each noisy run
  int topK = 20;                        // as compared (at most the catalogue size)
  std::vector<RankingMetrics> perSeed;  // one per seed
  MetricsSpread spread;                 // of perSeed
  RankingMetrics noiseFree;             // the run with noiseScale = 0
  TopKAgreement agreement;              // across the noisy runs
  double overlapWithNoiseFree = 0.0;    // mean top-k overlap of a noisy run with the noise-free one
  std::int64_t sensitivityUsers = 0;
  std::vector<StepSensitivity> sensitivity;  // per t, T first; the final x0 has none
  double meanSensitivity = 0.0;              // meanSensitivity(sensitivity)
  NoiseEvidence evidence;
  NoiseDependence verdict = NoiseDependence::NotDiffusion;
  std::string sentence;
};

// The seed of noisy run r: seed r = 0 is `base` itself, so run 0 is the
// evaluation `recdiff eval --seed base` reports.
std::uint64_t noiseSeed(std::uint64_t base, int run);

// `reverse`: the sampler, steps, η, ensemble and base seed of the runs (its
// noiseScale is ignored: the noisy runs use 1, the noise-free run 0).
// Throws std::invalid_argument for bad options or no samples.
ReverseContribution reverseContribution(models::Model& model, const std::vector<data::Sample>& samples,
                                        const models::ReverseOptions& reverse, const std::string& device,
                                        const ReverseContributionOptions& options = {});

}  // namespace recdiff::eval
