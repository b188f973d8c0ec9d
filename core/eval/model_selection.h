// Which validation result counts as a new best model, by a named rule:
//   "ndcg@K" / "hr@K"  the one metric improves (our default: ndcg@20);
//   "any"              any of HR@5/10/20 or NDCG@5/10/20 beats its own best so
//                      far — ADRec's reference trainer keeps the model of the
//                      last such validation, and its patience counts the
//                      validations where none of the six improved.
#pragma once

#include <map>
#include <string>
#include <utility>

#include "core/eval/ranking_metrics.h"

namespace recdiff::eval {

class ModelSelection {
 public:
  // Throws std::invalid_argument for an unknown rule or an uncomputed K.
  explicit ModelSelection(std::string rule = "ndcg@20");

  // Records `metrics`; true when it is a new best under the rule.
  bool offer(const RankingMetrics& metrics);

  // Forgets every best so far (a stage that selects among its own validations).
  void reset();

  // The best value of each watched metric so far, and its restoration (a
  // resumed training run selects as the interrupted one would have).
  const std::map<std::string, double>& bests() const { return best_; }
  void restoreBests(std::map<std::string, double> bests) { best_ = std::move(bests); }

  // The one metric that stands for a selected model's score: the rule's own,
  // NDCG@20 under "any".
  const std::string& scoreMetric() const { return scoreMetric_; }

 private:
  std::string rule_;
  std::string scoreMetric_;
  std::map<std::string, double> best_;  // metric name -> best value so far
};

// The metric named "ndcg@K" / "hr@K" of `metrics`; throws
// std::invalid_argument for another name or a K that was not computed.
double metricByName(const RankingMetrics& metrics, const std::string& name);

}  // namespace recdiff::eval
