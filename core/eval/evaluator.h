// Full-ranking evaluation of a model on a list of samples: scores every item
// of the catalog for each sample, ranks the true target (pessimistic ties,
// see ranking_metrics.h) and averages the metrics over samples.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <torch/types.h>

#include "core/data/sequence_dataset.h"
#include "core/eval/ranking_metrics.h"
#include "core/models/model.h"

namespace recdiff::eval {

struct EvaluationOptions {
  std::int64_t batchSize = 1024;
  bool excludeHistory = false;     // mask items already in the history
  models::ReverseOptions reverse;  // sampler, steps, seed, ensemble
  std::vector<int> cutoffs = defaultCutoffs();
  // When > 0, EvaluationResult::topItems keeps each sample's best items.
  int keepTopK = 0;
  // Called after each batch with (done, total); return false to cancel
  // (evaluate() then throws Cancelled).
  std::function<bool(std::int64_t, std::int64_t)> progress;
};

struct Cancelled : std::runtime_error {
  Cancelled() : std::runtime_error("cancelled") {}
};

// A model that scores items NaN or +inf (it has diverged): such scores rank
// every target first, so evaluate() refuses them instead of reporting them.
struct NonFiniteScores : std::runtime_error {
  explicit NonFiniteScores(std::int64_t sampleIndex)
      : std::runtime_error("the model's scores are not finite (NaN or infinite) for sample " +
                           std::to_string(sampleIndex) +
                           " of the evaluated split: the model has diverged; no metrics were computed "
                           "(retrain it, e.g. with a lower lr)"),
        sample(sampleIndex) {}
  std::int64_t sample;  // 0-based, in the order given to evaluate()
};

struct EvaluationResult {
  RankingMetrics metrics;
  std::vector<std::int64_t> ranks;  // per sample, in input order
  // With keepTopK = K: each sample's K best item ids, best first, row-major
  // [samples × K], ranked as the metrics are (history masked if asked).
  std::vector<std::int64_t> topItems;
  double seconds = 0.0;
};

// Evaluates in inference mode (no autograd) with the model in eval() mode;
// the model's training flag is restored afterwards.
EvaluationResult evaluate(models::Model& model, const std::vector<data::Sample>& samples,
                          const EvaluationOptions& options, const torch::Device& device);

// Ranks [B] (1-based, pessimistic ties) of target [B] in scores [B,N+1].
torch::Tensor ranksFromScores(const torch::Tensor& scores, const torch::Tensor& target);

// The popularity baseline: every sample gets the same scores, the item's
// count in the training samples (history + target). Used by tests and
// reports as the floor a model must beat.
EvaluationResult evaluatePopularity(const data::SequenceDataset& dataset, const std::vector<data::Sample>& samples,
                                    const std::vector<int>& cutoffs = defaultCutoffs());

}  // namespace recdiff::eval
