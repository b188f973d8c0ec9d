#include "core/eval/stepwise_accuracy.h"

#include <torch/torch.h>

#include <numeric>

#include "core/data/batching.h"
#include "core/diffusion/generator.h"
#include "core/diffusion/trace.h"
#include "core/models/model.h"
#include "core/train/trainer.h"

namespace recdiff::eval {

std::vector<StepAccuracy> stepwiseAccuracy(models::Model& model, const std::vector<data::Sample>& samples,
                                           const models::ReverseOptions& reverse, const std::string& deviceName,
                                           std::int64_t batchSize, const std::vector<int>& cutoffs,
                                           const std::function<bool(std::int64_t, std::int64_t)>& progress) {
  const torch::Device device = train::parseDevice(deviceName);
  const bool wasTraining = model.is_training();
  model.eval();
  model.to(device);
  torch::NoGradGuard noGrad;
  data::BatchOptions bo;
  bo.maxLength = model.shape().maxLength;
  bo.numItems = model.shape().numItems;
  auto generator = diffusion::makeGenerator(reverse.seed);
  const torch::Tensor items = model.itemEmbeddings().detach();
  std::vector<int> timesteps;
  std::vector<std::vector<std::int64_t>> ranks;  // [step][sample]
  const auto total = static_cast<std::int64_t>(samples.size());
  for (std::int64_t begin = 0; begin < total; begin += batchSize) {
    const std::int64_t end = std::min(total, begin + batchSize);
    std::vector<std::int64_t> indices(static_cast<std::size_t>(end - begin));
    std::iota(indices.begin(), indices.end(), begin);
    const data::Batch batch = data::makeBatch(samples, indices, bo, generator, device);
    diffusion::TraceRecorder recorder(items, batch.target, 1);
    models::ReverseOptions options = reverse;
    options.seed = reverse.seed + static_cast<std::uint64_t>(begin);  // as evaluate() seeds its batches
    model.reverse(batch, options, &recorder);
    const auto& steps = recorder.trace().steps;
    if (ranks.empty()) {
      ranks.resize(steps.size());
      for (const auto& s : steps) timesteps.push_back(s.t);
    }
    if (steps.size() != ranks.size()) throw std::logic_error("the reverse process changed its number of steps");
    for (std::size_t i = 0; i < steps.size(); ++i) {
      ranks[i].insert(ranks[i].end(), steps[i].targetRank.begin(), steps[i].targetRank.end());
    }
    if (progress && !progress(end, total)) break;
  }
  model.train(wasTraining);
  std::vector<StepAccuracy> out;
  for (std::size_t i = 0; i < ranks.size(); ++i)
    out.push_back({timesteps[i], computeRankingMetrics(ranks[i], cutoffs)});
  return out;
}

}  // namespace recdiff::eval
