// The reverse run every diffusion model's reverse() shares: x_T ~ N(0, I)
// of [B,d], the sampler chosen by ReverseOptions (DDPM, or DDIM with S
// steps and η), seeded noise scaled by ReverseOptions::noiseScale, optional
// renormalisation onto the sphere and an optional trace (which may probe
// each step's sensitivity to x_t). `betaVariance`: SamplerConfig's.
#pragma once

#include "core/diffusion/sampler.h"
#include "core/models/model.h"

namespace recdiff::models {

using DiffusionDenoiser = diffusion::InspectingDenoiser;

torch::Tensor reverseFromNoise(const diffusion::NoiseSchedule& schedule, const DiffusionDenoiser& denoiser,
                               std::int64_t batch, std::int64_t dim, const ReverseOptions& options, bool sphere,
                               diffusion::TraceRecorder* trace, const torch::Device& device,
                               const diffusion::Compensator& compensator = {}, bool betaVariance = false);

}  // namespace recdiff::models
