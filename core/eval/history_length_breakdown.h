// Ranking metrics split by the length of the sample's history: where a model
// wins or loses. A published split can hold many samples with a short or
// empty history (zhihu-dreamrec: 15 % of the test samples have none), and a
// model that cannot score those falls behind a popularity ranking however
// well it ranks the rest.
#pragma once

#include <cstdint>
#include <vector>

#include "core/data/sequence_dataset.h"
#include "core/eval/ranking_metrics.h"

namespace recdiff::eval {

struct HistoryLengthGroup {
  std::size_t minLength = 0;
  std::size_t maxLength = 0;  // inclusive; the last group is open-ended (see openEnded)
  bool openEnded = false;
  RankingMetrics metrics;  // metrics.count: the group's number of samples
};

// The groups 0, 1, 2, 3–4, 5–9, 10–19, 20–49, 50–99 and 100+ items of history
// (the full history as stored, before a model truncates it to its window);
// groups without a sample are left out. ranks[i] is the rank of samples[i].
std::vector<HistoryLengthGroup> metricsByHistoryLength(const std::vector<data::Sample>& samples,
                                                       const std::vector<std::int64_t>& ranks,
                                                       const std::vector<int>& cutoffs = defaultCutoffs());

}  // namespace recdiff::eval
