#include "core/eval/cold_target_breakdown.h"

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace recdiff::eval {

ColdTargetBreakdown metricsByTargetSeenInTraining(const std::vector<data::Sample>& train,
                                                  const std::vector<data::Sample>& samples,
                                                  const std::vector<std::int64_t>& ranks,
                                                  const std::vector<int>& cutoffs) {
  if (samples.size() != ranks.size()) {
    throw std::invalid_argument("metricsByTargetSeenInTraining: " + std::to_string(samples.size()) + " samples but " +
                                std::to_string(ranks.size()) + " ranks");
  }
  std::vector<bool> seen;
  auto mark = [&seen](data::ItemId item) {
    const auto i = static_cast<std::size_t>(item);
    if (i >= seen.size()) seen.resize(i + 1, false);
    seen[i] = true;
  };
  for (const auto& s : train) {
    std::for_each(s.history.begin(), s.history.end(), mark);
    mark(s.target);
  }
  std::vector<std::int64_t> seenRanks, unseenRanks;
  for (std::size_t i = 0; i < samples.size(); ++i) {
    const auto target = static_cast<std::size_t>(samples[i].target);
    (target < seen.size() && seen[target] ? seenRanks : unseenRanks).push_back(ranks[i]);
  }
  return {computeRankingMetrics(seenRanks, cutoffs), computeRankingMetrics(unseenRanks, cutoffs)};
}

}  // namespace recdiff::eval
