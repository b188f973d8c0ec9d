#include "core/eval/reverse_contribution.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <stdexcept>

#include "core/data/batching.h"
#include "core/diffusion/generator.h"
#include "core/diffusion/trace.h"
#include "core/eval/evaluator.h"
#include "core/models/model.h"
#include "core/train/trainer.h"

namespace recdiff::eval {

namespace {

void checkOptions(const ReverseContributionOptions& o) {
  auto fail = [](const std::string& why) { throw std::invalid_argument("reverse contribution: " + why); };
  if (o.maxSamples < 0) fail("the number of samples must be >= 0 (0 = all)");
  if (o.noiseSeeds < 2)
    fail("at least two noise seeds are needed to compare runs, got " + std::to_string(o.noiseSeeds));
  if (o.topK < 1) fail("top-k must be >= 1");
  if (o.sensitivityUsers < 0) fail("the users of the sensitivity run must be >= 0 (0 = all)");
  if (!(o.probeStep > 0.0 && o.probeStep <= 1.0)) fail("the probe step must lie in (0, 1]");
  if (o.batchSize < 1) fail("the batch size must be >= 1");
}

std::vector<int> cutoffsWith(int k) {
  std::vector<int> cutoffs = defaultCutoffs();
  if (std::find(cutoffs.begin(), cutoffs.end(), k) == cutoffs.end()) cutoffs.push_back(k);
  std::sort(cutoffs.begin(), cutoffs.end());
  return cutoffs;
}

// Progress over the whole analysis: each part reports within its own span.
struct Progress {
  const ReverseContributionOptions& options;
  std::int64_t total = 0;
  std::int64_t offset = 0;

  std::function<bool(std::int64_t, std::int64_t)> part() const {
    if (!options.progress) return {};
    return [this](std::int64_t done, std::int64_t) { return options.progress(offset + done, total); };
  }
};

// Per-step elasticities of one traced run over `samples`, keyed by t.
std::map<int, std::vector<float>> traceSensitivity(models::Model& model, const std::vector<data::Sample>& samples,
                                                   const models::ReverseOptions& reverse, const torch::Device& device,
                                                   const ReverseContributionOptions& options,
                                                   const Progress& progress) {
  const bool wasTraining = model.is_training();
  model.eval();
  torch::NoGradGuard noGrad;
  data::BatchOptions bo;
  bo.maxLength = model.shape().maxLength;
  bo.numItems = model.shape().numItems;
  auto generator = diffusion::makeGenerator(reverse.seed);
  // Only the sensitivity is read: a one-item catalogue spares the recorder
  // a full-catalogue product at every step.
  const torch::Tensor stub = model.itemEmbeddings().detach().slice(0, 0, 2);
  const auto report = progress.part();
  std::map<int, std::vector<float>> byT;
  const auto total = static_cast<std::int64_t>(samples.size());
  for (std::int64_t begin = 0; begin < total; begin += options.batchSize) {
    const std::int64_t end = std::min(total, begin + options.batchSize);
    std::vector<std::int64_t> indices(static_cast<std::size_t>(end - begin));
    std::iota(indices.begin(), indices.end(), begin);
    const data::Batch batch = data::makeBatch(samples, indices, bo, generator, device);
    diffusion::TraceRecorder recorder(stub, {}, 1);
    recorder.setSensitivityProbe(options.probeStep, reverse.seed);
    models::ReverseOptions o = reverse;
    o.seed = reverse.seed + static_cast<std::uint64_t>(begin);  // as evaluate() seeds its batches
    model.reverse(batch, o, &recorder);
    for (const auto& step : recorder.trace().steps) {
      auto& values = byT[step.t];
      values.insert(values.end(), step.sensitivity.begin(), step.sensitivity.end());
    }
    if (report && !report(end, total)) {
      model.train(wasTraining);
      throw Cancelled();
    }
  }
  model.train(wasTraining);
  // The final x0 (t = 0) has no step to probe.
  for (auto it = byT.begin(); it != byT.end();) it = it->second.empty() ? byT.erase(it) : std::next(it);
  return byT;
}

}  // namespace

std::uint64_t noiseSeed(std::uint64_t base, int run) {
  // Far apart: evaluate() adds each batch's offset to the seed.
  return base + static_cast<std::uint64_t>(run) * 0x9E3779B97F4A7C15ULL;
}

ReverseContribution reverseContribution(models::Model& model, const std::vector<data::Sample>& samples,
                                        const models::ReverseOptions& reverse, const std::string& deviceName,
                                        const ReverseContributionOptions& options) {
  checkOptions(options);
  ReverseContribution out;
  out.diffusion = model.diffusionSteps() > 0;
  out.evidence.diffusion = out.diffusion;
  out.evidence.cutoff = options.topK;
  if (!out.diffusion) {
    out.verdict = classifyNoiseDependence(out.evidence);
    out.sentence = describeNoiseDependence(out.evidence);
    return out;
  }
  const std::size_t n =
      options.maxSamples == 0 ? samples.size() : std::min(samples.size(), static_cast<std::size_t>(options.maxSamples));
  if (n == 0) throw std::invalid_argument("reverse contribution: no samples to analyse");
  const std::vector<data::Sample> subset(samples.begin(), samples.begin() + static_cast<std::ptrdiff_t>(n));
  const std::size_t traced =
      options.sensitivityUsers == 0 ? n : std::min(n, static_cast<std::size_t>(options.sensitivityUsers));
  const torch::Device device = train::parseDevice(deviceName);
  model.to(device);
  out.users = static_cast<std::int64_t>(n);
  out.topK = static_cast<int>(std::min<std::int64_t>(options.topK, model.shape().numItems));
  Progress progress{options, static_cast<std::int64_t>((options.noiseSeeds + 1) * n + traced)};

  EvaluationOptions eo;
  eo.batchSize = options.batchSize;
  eo.excludeHistory = options.excludeHistory;
  eo.cutoffs = cutoffsWith(options.topK);
  eo.keepTopK = out.topK;
  eo.reverse = reverse;
  eo.reverse.noiseScale = 1.0;
  std::vector<std::vector<std::int64_t>> tops;
  for (int r = 0; r < options.noiseSeeds; ++r) {
    eo.reverse.seed = noiseSeed(reverse.seed, r);
    eo.progress = progress.part();
    EvaluationResult result = evaluate(model, subset, eo, device);
    progress.offset += static_cast<std::int64_t>(n);
    out.seeds.push_back(eo.reverse.seed);
    out.perSeed.push_back(result.metrics);
    tops.push_back(std::move(result.topItems));
  }
  out.spread = spreadOf(out.perSeed);
  out.agreement = topKAgreement(tops, out.topK);

  eo.reverse.seed = reverse.seed;
  eo.reverse.noiseScale = 0.0;
  eo.progress = progress.part();
  const EvaluationResult noiseFree = evaluate(model, subset, eo, device);
  progress.offset += static_cast<std::int64_t>(n);
  out.noiseFree = noiseFree.metrics;
  double overlap = 0.0;
  for (const auto& top : tops) overlap += topKAgreement({top, noiseFree.topItems}, out.topK).meanOverlap;
  out.overlapWithNoiseFree = overlap / static_cast<double>(tops.size());

  const std::vector<data::Sample> tracedSamples(subset.begin(), subset.begin() + static_cast<std::ptrdiff_t>(traced));
  models::ReverseOptions probed = reverse;
  probed.noiseScale = 1.0;
  out.sensitivityUsers = static_cast<std::int64_t>(traced);
  out.sensitivity = summariseSensitivity(traceSensitivity(model, tracedSamples, probed, device, options, progress));
  out.meanSensitivity = meanSensitivity(out.sensitivity);

  out.evidence.agreement = out.agreement;
  out.evidence.sensitivity = out.meanSensitivity;
  out.evidence.hitRate = out.spread.mean.hitRate.at(options.topK);
  out.evidence.hitRateStd = out.spread.std.hitRate.at(options.topK);
  out.evidence.hitRateNoiseFree = out.noiseFree.hitRate.at(options.topK);
  out.verdict = classifyNoiseDependence(out.evidence);
  out.sentence = describeNoiseDependence(out.evidence);
  return out;
}

}  // namespace recdiff::eval
