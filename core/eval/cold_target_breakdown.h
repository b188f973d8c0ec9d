// Ranking metrics split by whether the sample's target item occurs anywhere in
// the training samples. An item that never does keeps its initial embedding,
// so a model's score for it says nothing it learned. A published split can
// hold many such targets (zhihu-dreamrec: 87 of its 4,838 items, the targets
// of 7.2 % of its test samples but 2.8 % of its validation samples), and a
// model that ranks untouched embeddings high gains on exactly those samples.
#pragma once

#include <cstdint>
#include <vector>

#include "core/data/sequence_dataset.h"
#include "core/eval/ranking_metrics.h"

namespace recdiff::eval {

struct ColdTargetBreakdown {
  RankingMetrics seen;    // targets that occur in some training sample (history or target)
  RankingMetrics unseen;  // targets that occur in none
};

// ranks[i] is the rank of samples[i]; train is the split the model learned from.
ColdTargetBreakdown metricsByTargetSeenInTraining(const std::vector<data::Sample>& train,
                                                  const std::vector<data::Sample>& samples,
                                                  const std::vector<std::int64_t>& ranks,
                                                  const std::vector<int>& cutoffs = defaultCutoffs());

}  // namespace recdiff::eval
