#include "core/eval/ranking_metrics.h"

#include <cmath>

namespace recdiff::eval {

std::int64_t rankOfTarget(const float* scores, std::int64_t n, std::int64_t target) {
  const float targetScore = scores[target];
  std::int64_t atLeast = 0;  // other items scored >= the target (pessimistic ties)
  for (std::int64_t i = 1; i < n; ++i) {
    if (i != target && scores[i] >= targetScore) ++atLeast;
  }
  return atLeast + 1;
}

RankingMetrics computeRankingMetrics(const std::vector<std::int64_t>& ranks,
                                     const std::vector<int>& cutoffs) {
  RankingMetrics m;
  m.count = ranks.size();
  for (int k : cutoffs) {
    m.hitRate[k] = 0.0;
    m.ndcg[k] = 0.0;
  }
  if (ranks.empty()) return m;
  for (std::int64_t rank : ranks) {
    m.mrr += 1.0 / static_cast<double>(rank);
    for (int k : cutoffs) {
      if (rank <= k) {
        m.hitRate[k] += 1.0;
        m.ndcg[k] += 1.0 / std::log2(static_cast<double>(rank) + 1.0);
      }
    }
  }
  const double n = static_cast<double>(ranks.size());
  m.mrr /= n;
  for (int k : cutoffs) {
    m.hitRate[k] /= n;
    m.ndcg[k] /= n;
  }
  return m;
}

}  // namespace recdiff::eval
