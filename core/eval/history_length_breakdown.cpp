#include "core/eval/history_length_breakdown.h"

#include <cstdint>
#include <stdexcept>
#include <string>

namespace recdiff::eval {

std::vector<HistoryLengthGroup> metricsByHistoryLength(const std::vector<data::Sample>& samples,
                                                       const std::vector<std::int64_t>& ranks,
                                                       const std::vector<int>& cutoffs) {
  if (samples.size() != ranks.size()) {
    throw std::invalid_argument("metricsByHistoryLength: " + std::to_string(samples.size()) + " samples but " +
                                std::to_string(ranks.size()) + " ranks");
  }
  static const std::vector<std::size_t> starts = {0, 1, 2, 3, 5, 10, 20, 50, 100};
  std::vector<std::vector<std::int64_t>> grouped(starts.size());
  for (std::size_t i = 0; i < samples.size(); ++i) {
    std::size_t g = starts.size() - 1;
    while (samples[i].history.size() < starts[g]) --g;
    grouped[g].push_back(ranks[i]);
  }
  std::vector<HistoryLengthGroup> groups;
  for (std::size_t g = 0; g < starts.size(); ++g) {
    if (grouped[g].empty()) continue;
    HistoryLengthGroup group;
    group.minLength = starts[g];
    group.openEnded = g + 1 == starts.size();
    group.maxLength = group.openEnded ? starts[g] : starts[g + 1] - 1;
    group.metrics = computeRankingMetrics(grouped[g], cutoffs);
    groups.push_back(std::move(group));
  }
  return groups;
}

}  // namespace recdiff::eval
