#include "core/eval/evaluator.h"

#include <chrono>
#include <limits>
#include <numeric>

#include <torch/torch.h>

#include "core/diffusion/generator.h"

namespace recdiff::eval {

torch::Tensor ranksFromScores(const torch::Tensor& scores, const torch::Tensor& target) {
  auto targetScores = scores.gather(1, target.unsqueeze(1));  // [B,1]
  // Items scoring >= the target, the target itself included: the pessimistic
  // 1-based rank. Padding is -inf and never counts.
  return scores.ge(targetScores).sum(1);
}

namespace {

void maskHistory(torch::Tensor& scores, const data::Batch& batch) {
  const float negInf = -std::numeric_limits<float>::infinity();
  auto keepTarget = scores.gather(1, batch.target.unsqueeze(1)).clone();
  scores.scatter_(1, batch.history, negInf);
  scores.scatter_(1, batch.target.unsqueeze(1), keepTarget);
  scores.select(1, 0).fill_(negInf);
}

// NaN never compares greater or equal, so a NaN target would rank first:
// refuse NaN and +inf (-inf is how padding and masked items are scored).
void requireFiniteScores(const torch::Tensor& scores, std::int64_t firstSample) {
  const auto bad = torch::isnan(scores).logical_or(torch::isposinf(scores)).any(1);
  if (!bad.any().item<bool>()) return;
  throw NonFiniteScores(firstSample + bad.nonzero()[0][0].item<std::int64_t>());
}

void keepTopItems(std::vector<std::int64_t>& out, const torch::Tensor& scores, int k) {
  const auto ids = std::get<1>(torch::topk(scores, std::min<std::int64_t>(k, scores.size(1) - 1), 1))
                       .to(torch::kCPU, torch::kLong)
                       .contiguous();
  out.insert(out.end(), ids.data_ptr<std::int64_t>(), ids.data_ptr<std::int64_t>() + ids.numel());
}

}  // namespace

EvaluationResult evaluate(models::Model& model, const std::vector<data::Sample>& samples,
                          const EvaluationOptions& options, const torch::Device& device) {
  const auto start = std::chrono::steady_clock::now();
  const bool wasTraining = model.is_training();
  model.eval();
  torch::NoGradGuard noGrad;
  EvaluationResult result;
  result.ranks.reserve(samples.size());
  data::BatchOptions batchOptions;
  batchOptions.maxLength = model.shape().maxLength;
  batchOptions.numItems = model.shape().numItems;
  auto generator = diffusion::makeGenerator(options.reverse.seed);
  const auto total = static_cast<std::int64_t>(samples.size());
  try {
    for (std::int64_t begin = 0; begin < total; begin += options.batchSize) {
      const std::int64_t end = std::min(total, begin + options.batchSize);
      std::vector<std::int64_t> indices(static_cast<std::size_t>(end - begin));
      std::iota(indices.begin(), indices.end(), begin);
      auto batch = data::makeBatch(samples, indices, batchOptions, generator, device);
      models::ReverseOptions reverse = options.reverse;
      reverse.seed = options.reverse.seed + static_cast<std::uint64_t>(begin);  // distinct noise per batch
      auto scores = model.score(batch, reverse);
      requireFiniteScores(scores, begin);
      if (options.excludeHistory) maskHistory(scores, batch);
      auto ranks = ranksFromScores(scores, batch.target).to(torch::kCPU);
      auto r = ranks.accessor<std::int64_t, 1>();
      for (std::int64_t i = 0; i < r.size(0); ++i) result.ranks.push_back(r[i]);
      if (options.keepTopK > 0) keepTopItems(result.topItems, scores, options.keepTopK);
      if (options.progress && !options.progress(end, total)) throw Cancelled();
    }
  } catch (...) {
    if (wasTraining) model.train();
    throw;
  }
  if (wasTraining) model.train();
  result.metrics = computeRankingMetrics(result.ranks, options.cutoffs);
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

EvaluationResult evaluatePopularity(const data::SequenceDataset& dataset, const std::vector<data::Sample>& samples,
                                    const std::vector<int>& cutoffs) {
  std::vector<float> counts(static_cast<std::size_t>(dataset.numItems) + 1, 0.f);
  for (const auto& s : dataset.train) {
    for (auto item : s.history) counts[static_cast<std::size_t>(item)] += 1.f;
    counts[static_cast<std::size_t>(s.target)] += 1.f;
  }
  counts[0] = -std::numeric_limits<float>::infinity();
  EvaluationResult result;
  for (const auto& s : samples) {
    result.ranks.push_back(rankOfTarget(counts.data(), static_cast<std::int64_t>(counts.size()), s.target));
  }
  result.metrics = computeRankingMetrics(result.ranks, cutoffs);
  return result;
}

}  // namespace recdiff::eval
