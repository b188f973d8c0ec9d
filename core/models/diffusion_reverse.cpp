#include "core/models/diffusion_reverse.h"

#include <torch/torch.h>

#include "core/diffusion/generator.h"

namespace recdiff::models {

torch::Tensor reverseFromNoise(const diffusion::NoiseSchedule& schedule, const DiffusionDenoiser& denoiser,
                               std::int64_t batch, std::int64_t dim, const ReverseOptions& options, bool sphere,
                               diffusion::TraceRecorder* trace, const torch::Device& device,
                               const diffusion::Compensator& compensator, bool betaVariance) {
  diffusion::SamplerConfig config;
  config.kind = diffusion::parseSamplerKind(options.sampler);
  config.steps = static_cast<int>(options.steps);
  config.eta = options.eta;
  config.renormalise = sphere;
  config.noiseScale = options.noiseScale;
  config.betaVariance = betaVariance;
  diffusion::ReverseSampler sampler(schedule, config);
  diffusion::SampleRequest request;
  request.shape = {batch, dim};
  request.options = torch::TensorOptions().dtype(torch::kFloat).device(device);
  request.generator = diffusion::makeGenerator(options.seed, device);
  request.recorder = trace;
  request.compensator = compensator;
  return sampler.sample(denoiser, request);
}

}  // namespace recdiff::models
