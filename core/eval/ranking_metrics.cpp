#include "core/eval/ranking_metrics.h"

#include <cmath>
#include <cstdint>
#include <stdexcept>

namespace recdiff::eval {

std::int64_t rankOfTarget(const float* scores, std::int64_t n, std::int64_t target) {
  const float targetScore = scores[target];
  std::int64_t atLeast = 0;  // other items scored >= the target (pessimistic ties)
  for (std::int64_t i = 1; i < n; ++i) {
    if (i != target && scores[i] >= targetScore) ++atLeast;
  }
  return atLeast + 1;
}

RankingMetrics computeRankingMetrics(const std::vector<std::int64_t>& ranks, const std::vector<int>& cutoffs) {
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

MetricsSpread spreadOf(const std::vector<RankingMetrics>& runs) {
  if (runs.empty()) throw std::invalid_argument("spreadOf: no evaluations");
  const double n = static_cast<double>(runs.size());
  MetricsSpread out{runs.front(), runs.front()};
  auto spread = [&](auto metricOf, double& mean, double& sd) {
    double sum = 0.0, squares = 0.0;
    for (const auto& r : runs) sum += metricOf(r);
    mean = sum / n;
    for (const auto& r : runs) squares += (metricOf(r) - mean) * (metricOf(r) - mean);
    sd = runs.size() > 1 ? std::sqrt(squares / (n - 1.0)) : 0.0;
  };
  for (auto& [k, v] : out.mean.hitRate) {
    spread([k = k](const RankingMetrics& m) { return m.hitRate.at(k); }, v, out.std.hitRate.at(k));
  }
  for (auto& [k, v] : out.mean.ndcg) {
    spread([k = k](const RankingMetrics& m) { return m.ndcg.at(k); }, v, out.std.ndcg.at(k));
  }
  spread([](const RankingMetrics& m) { return m.mrr; }, out.mean.mrr, out.std.mrr);
  return out;
}

}  // namespace recdiff::eval
