#include "core/eval/model_selection.h"

#include <stdexcept>
#include <utility>
#include <vector>

namespace recdiff::eval {

namespace {

const std::vector<std::string>& anyRuleMetrics() {
  static const std::vector<std::string> names = {"hr@5", "ndcg@5", "hr@10", "ndcg@10", "hr@20", "ndcg@20"};
  return names;
}

// The metric names one rule watches.
std::vector<std::string> watched(const std::string& rule) {
  if (rule == "any") return anyRuleMetrics();
  return {rule};
}

}  // namespace

double metricByName(const RankingMetrics& metrics, const std::string& name) {
  const auto at = name.find('@');
  const std::string kind = name.substr(0, at);
  if (at == std::string::npos || (kind != "ndcg" && kind != "hr")) {
    throw std::invalid_argument("metric '" + name + "': expected ndcg@K or hr@K");
  }
  int k = 0;
  try {
    std::size_t used = 0;
    k = std::stoi(name.substr(at + 1), &used);
    if (used != name.size() - at - 1) throw std::invalid_argument(name);
  } catch (const std::exception&) {
    throw std::invalid_argument("metric '" + name + "': K must be a whole number");
  }
  const auto& table = kind == "ndcg" ? metrics.ndcg : metrics.hitRate;
  if (!table.count(k)) throw std::invalid_argument("metric '" + name + "' is not computed");
  return table.at(k);
}

ModelSelection::ModelSelection(std::string rule)
    : rule_(std::move(rule)), scoreMetric_(rule_ == "any" ? "ndcg@20" : rule_) {
  // Validate the rule's names now, not at the first validation hours later.
  RankingMetrics probe;
  for (int k : defaultCutoffs()) probe.hitRate[k] = probe.ndcg[k] = 0.0;
  for (const auto& name : watched(rule_)) {
    try {
      metricByName(probe, name);
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument("selection rule '" + rule_ + "': expected any, ndcg@K or hr@K (" + e.what() + ")");
    }
  }
}

bool ModelSelection::offer(const RankingMetrics& metrics) {
  bool improved = false;
  for (const auto& name : watched(rule_)) {
    const double value = metricByName(metrics, name);
    const auto it = best_.find(name);
    if (it == best_.end() || value > it->second) {
      best_[name] = value;
      improved = true;
    }
  }
  return improved;
}

void ModelSelection::reset() { best_.clear(); }

}  // namespace recdiff::eval
