// Ranking metrics over full-catalog rankings: HR@K, NDCG@K and MRR, averaged
// over users (one rank per evaluated sample), never over batches.
//
// A rank is 1-based: 1 means the target scored highest. Ties are resolved
// pessimistically: a target tied with m other items is ranked below all of
// them. A model that scores every item the same therefore gets rank N, not 1,
// so ties can never inflate a result.
#pragma once

#include <cstdint>
#include <map>
#include <vector>

namespace recdiff::eval {

inline const std::vector<int>& defaultCutoffs() {
  static const std::vector<int> ks = {5, 10, 20, 50};
  return ks;
}

struct RankingMetrics {
  std::map<int, double> hitRate;  // K -> HR@K in [0, 1]
  std::map<int, double> ndcg;     // K -> NDCG@K in [0, 1]
  double mrr = 0.0;
  std::size_t count = 0;  // number of ranks averaged
};

// The 1-based pessimistic rank of `target` among scores[1..n-1] (index 0 is
// padding and never ranked). Entries equal to -infinity (masked items) rank
// below everything; a masked target gets the last rank.
std::int64_t rankOfTarget(const float* scores, std::int64_t n, std::int64_t target);

// Averages the metrics of each rank. NDCG@K of a single relevant item is
// 1/log2(rank+1) when rank <= K, else 0.
RankingMetrics computeRankingMetrics(const std::vector<std::int64_t>& ranks,
                                     const std::vector<int>& cutoffs = defaultCutoffs());

// The mean and the sample standard deviation (n - 1) of each metric over
// several evaluations of one model (e.g. independent reverse-noise draws);
// count is that of the first. An empty list throws std::invalid_argument.
struct MetricsSpread {
  RankingMetrics mean;
  RankingMetrics std;
};
MetricsSpread spreadOf(const std::vector<RankingMetrics>& runs);

}  // namespace recdiff::eval
