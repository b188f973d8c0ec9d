// Ranking metrics against hand-computed cases, including ties and masking;
// model selection rules on hand-made validation results.
#include <cmath>
#include <limits>
#include <map>
#include <stdexcept>
#include <string>

#include "core/eval/cold_target_breakdown.h"
#include "core/eval/history_length_breakdown.h"
#include "core/eval/model_selection.h"
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

TEST_CASE("metrics split by history length: each sample in its group, empty groups left out") {
  auto sample = [](std::size_t length) {
    recdiff::data::Sample s;
    s.history.assign(length, 1);
    s.target = 2;
    return s;
  };
  // lengths 0, 0, 4, 3, 120 with ranks 1, 30, 2, 100, 7
  const std::vector<recdiff::data::Sample> samples = {sample(0), sample(0), sample(4), sample(3), sample(120)};
  const auto groups = metricsByHistoryLength(samples, {1, 30, 2, 100, 7});
  CHECK_EQ(groups.size(), std::size_t{3});
  CHECK_EQ(groups[0].minLength, std::size_t{0});
  CHECK_EQ(groups[0].maxLength, std::size_t{0});
  CHECK_EQ(groups[0].metrics.count, std::size_t{2});
  CHECK_NEAR(groups[0].metrics.hitRate.at(20), 0.5, 1e-12);  // rank 1 in, rank 30 out
  CHECK_EQ(groups[1].minLength, std::size_t{3});
  CHECK_EQ(groups[1].maxLength, std::size_t{4});
  CHECK_EQ(groups[1].metrics.count, std::size_t{2});
  CHECK_NEAR(groups[1].metrics.hitRate.at(5), 0.5, 1e-12);
  CHECK(!groups[1].openEnded);
  CHECK_EQ(groups[2].minLength, std::size_t{100});
  CHECK(groups[2].openEnded);
  CHECK_NEAR(groups[2].metrics.mrr, 1.0 / 7, 1e-12);
  CHECK_THROWS_WITH(std::invalid_argument, metricsByHistoryLength(samples, {1, 2}), "5 samples but 2 ranks");
}

TEST_CASE("metrics split by whether the target occurs in training: history and target both count") {
  auto sample = [](std::vector<recdiff::data::ItemId> history, recdiff::data::ItemId target) {
    recdiff::data::Sample s;
    s.history = std::move(history);
    s.target = target;
    return s;
  };
  // Items 1 and 2 occur in training (2 only in a history), 3 and 9 never do.
  const std::vector<recdiff::data::Sample> train = {sample({}, 1), sample({2}, 1)};
  const std::vector<recdiff::data::Sample> test = {sample({3}, 2), sample({}, 3), sample({1}, 1), sample({1}, 9)};
  const auto split = metricsByTargetSeenInTraining(train, test, {1, 2, 40, 50});
  CHECK_EQ(split.seen.count, std::size_t{2});  // targets 2 (rank 1) and 1 (rank 40)
  CHECK_NEAR(split.seen.hitRate.at(20), 0.5, 1e-12);
  CHECK_NEAR(split.seen.mrr, (1.0 + 1.0 / 40) / 2, 1e-12);
  CHECK_EQ(split.unseen.count, std::size_t{2});  // targets 3 (rank 2) and 9 (rank 50), beyond every training id
  CHECK_NEAR(split.unseen.hitRate.at(5), 0.5, 1e-12);
  CHECK_NEAR(split.unseen.hitRate.at(50), 1.0, 1e-12);
  CHECK_THROWS_WITH(std::invalid_argument, metricsByTargetSeenInTraining(train, test, {1}), "4 samples but 1 ranks");
}

TEST_CASE("the spread of metrics over several evaluations: mean and sample standard deviation") {
  const auto a = computeRankingMetrics({1, 30});   // HR@20 0.5, MRR (1 + 1/30)/2
  const auto b = computeRankingMetrics({2, 3});    // HR@20 1.0
  const auto c = computeRankingMetrics({40, 50});  // HR@20 0.0
  const auto spread = spreadOf({a, b, c});
  CHECK_NEAR(spread.mean.hitRate.at(20), 0.5, 1e-12);
  CHECK_NEAR(spread.std.hitRate.at(20), 0.5, 1e-12);  // deviations 0, ±0.5: sqrt(0.5 / 2)
  CHECK_NEAR(spread.mean.mrr, (a.mrr + b.mrr + c.mrr) / 3, 1e-12);
  CHECK_NEAR(spread.mean.ndcg.at(5), (a.ndcg.at(5) + b.ndcg.at(5)) / 3, 1e-12);
  CHECK_EQ(spreadOf({a}).std.hitRate.at(20), 0.0);
  CHECK_THROWS_WITH(std::invalid_argument, spreadOf({}), "no evaluations");
}

namespace {

// Metrics with every HR@K and NDCG@K set to `hr` and `ndcg`, then the given ones changed.
RankingMetrics metricsWith(double hr, double ndcg, std::map<std::string, double> changed = {}) {
  RankingMetrics m;
  for (int k : defaultCutoffs()) {
    m.hitRate[k] = hr;
    m.ndcg[k] = ndcg;
  }
  for (const auto& [name, value] : changed) {
    const int k = std::stoi(name.substr(name.find('@') + 1));
    (name.rfind("hr", 0) == 0 ? m.hitRate : m.ndcg)[k] = value;
  }
  return m;
}

}  // namespace

TEST_CASE("selection by one metric keeps only its strict improvements") {
  ModelSelection s("ndcg@20");
  CHECK(s.offer(metricsWith(0.10, 0.05)));                       // the first is always a best
  CHECK(!s.offer(metricsWith(0.20, 0.05)));                      // a tie on NDCG@20 is not
  CHECK(!s.offer(metricsWith(0.30, 0.04, {{"ndcg@5", 0.09}})));  // other metrics do not count
  CHECK(s.offer(metricsWith(0.01, 0.06)));
  CHECK_EQ(s.scoreMetric(), std::string("ndcg@20"));
  ModelSelection hr("hr@10");
  CHECK_EQ(hr.scoreMetric(), std::string("hr@10"));
  CHECK(hr.offer(metricsWith(0.10, 0.05)));
  CHECK(!hr.offer(metricsWith(0.10, 0.09)));
}

TEST_CASE("selection 'any' keeps a validation that beats any of the six metrics' own bests") {
  ModelSelection s("any");
  CHECK_EQ(s.scoreMetric(), std::string("ndcg@20"));
  CHECK(s.offer(metricsWith(0.10, 0.05)));
  CHECK(!s.offer(metricsWith(0.10, 0.05)));                     // nothing new
  CHECK(s.offer(metricsWith(0.09, 0.04, {{"hr@5", 0.11}})));    // HR@5 alone, the rest worse
  CHECK(!s.offer(metricsWith(0.10, 0.05, {{"hr@5", 0.105}})));  // HR@5's best is now 0.11
  CHECK(!s.offer(metricsWith(0.05, 0.02, {{"hr@50", 0.9}})));   // @50 is not one of the six
  CHECK(s.offer(metricsWith(0.05, 0.02, {{"ndcg@10", 0.051}})));
  s.reset();
  CHECK(s.offer(metricsWith(0.0, 0.0)));  // after reset, anything is a best
}

TEST_CASE("unknown selection rules and metric names are refused up front") {
  CHECK_THROWS_WITH(std::invalid_argument, ModelSelection("ndcg"), "expected any, ndcg@K or hr@K");
  CHECK_THROWS_WITH(std::invalid_argument, ModelSelection("mrr@20"), "selection rule 'mrr@20'");
  CHECK_THROWS_WITH(std::invalid_argument, ModelSelection("ndcg@7"), "is not computed");
  CHECK_THROWS_WITH(std::invalid_argument, ModelSelection("hr@2x"), "whole number");
  CHECK_NEAR(metricByName(metricsWith(0.25, 0.125), "hr@20"), 0.25, 0.0);
  CHECK_NEAR(metricByName(metricsWith(0.25, 0.125), "ndcg@5"), 0.125, 0.0);
}
