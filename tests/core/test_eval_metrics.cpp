// Ranking metrics against hand-computed cases, including ties and masking.
#include <cmath>
#include <limits>

#include "core/eval/ranking_metrics.h"
#include "tests/support/check.h"

using namespace recdiff::eval;

TEST_CASE("rank of a clear winner is 1, padding index 0 ignored") {
  // index 0 is padding with a huge score that must not count.
  const float scores[] = {100.f, 0.1f, 0.9f, 0.3f};
  CHECK_EQ(rankOfTarget(scores, 4, 2), 1);
  CHECK_EQ(rankOfTarget(scores, 4, 3), 2);
  CHECK_EQ(rankOfTarget(scores, 4, 1), 3);
}

TEST_CASE("ties rank the target pessimistically") {
  const float scores[] = {0.f, 0.5f, 0.5f, 0.5f, 0.1f};
  CHECK_EQ(rankOfTarget(scores, 5, 1), 3);
  CHECK_EQ(rankOfTarget(scores, 5, 3), 3);
  const float flat[] = {0.f, 1.f, 1.f, 1.f, 1.f, 1.f};
  CHECK_EQ(rankOfTarget(flat, 6, 2), 5);  // constant model: last, not first
}

TEST_CASE("masked items rank last") {
  const float inf = std::numeric_limits<float>::infinity();
  const float scores[] = {0.f, -inf, 0.2f, 0.3f};
  CHECK_EQ(rankOfTarget(scores, 4, 2), 2);
  CHECK_EQ(rankOfTarget(scores, 4, 1), 3);
}

TEST_CASE("HR, NDCG and MRR of hand-computed ranks") {
  // ranks 1, 3, 12, 60 with K = 5, 10, 20, 50
  RankingMetrics m = computeRankingMetrics({1, 3, 12, 60});
  CHECK_EQ(m.count, std::size_t{4});
  CHECK_NEAR(m.hitRate[5], 2.0 / 4, 1e-12);
  CHECK_NEAR(m.hitRate[10], 2.0 / 4, 1e-12);
  CHECK_NEAR(m.hitRate[20], 3.0 / 4, 1e-12);
  CHECK_NEAR(m.hitRate[50], 3.0 / 4, 1e-12);
  const double n5 = (1.0 + 1.0 / std::log2(4.0)) / 4;  // ranks 1 and 3
  CHECK_NEAR(m.ndcg[5], n5, 1e-12);
  CHECK_NEAR(m.ndcg[20], n5 + (1.0 / std::log2(13.0)) / 4, 1e-12);
  CHECK_NEAR(m.mrr, (1.0 + 1.0 / 3 + 1.0 / 12 + 1.0 / 60) / 4, 1e-12);
}

TEST_CASE("empty rank list gives zeros") {
  RankingMetrics m = computeRankingMetrics({});
  CHECK_EQ(m.count, std::size_t{0});
  CHECK_EQ(m.hitRate[20], 0.0);
}
