#include "app/studio/metrics_json.h"

#include <cstdint>
#include <string>

namespace recdiff::studio {

nlohmann::json metricsToJson(const eval::RankingMetrics& m) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [k, v] : m.hitRate) j["hr@" + std::to_string(k)] = v;
  for (const auto& [k, v] : m.ndcg) j["ndcg@" + std::to_string(k)] = v;
  j["mrr"] = m.mrr;
  j["count"] = m.count;
  return j;
}

std::optional<eval::RankingMetrics> metricsFromJson(const nlohmann::json& j) {
  if (!j.is_object()) return std::nullopt;
  eval::RankingMetrics m;
  bool any = false;
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (!it.value().is_number()) continue;
    const std::string& key = it.key();
    const double v = it.value().get<double>();
    const auto at = key.find('@');
    if (at != std::string::npos) {
      int k = 0;
      try {
        k = std::stoi(key.substr(at + 1));
      } catch (const std::exception&) {
        continue;
      }
      const std::string kind = key.substr(0, at);
      if (kind == "hr") {
        m.hitRate[k] = v;
        any = true;
      } else if (kind == "ndcg") {
        m.ndcg[k] = v;
        any = true;
      }
    } else if (key == "mrr") {
      m.mrr = v;
    } else if (key == "count") {
      m.count = static_cast<std::size_t>(std::max(0.0, v));
    }
  }
  if (!any) return std::nullopt;
  return m;
}

nlohmann::json epochToJson(const views::TrainingEpochPoint& e) {
  nlohmann::json j = {{"stage", e.stage}, {"epoch", e.epoch},   {"losses", e.meanLosses},
                      {"improved", e.improved}, {"train_seconds", e.seconds}};
  if (e.validation) j["validation"] = metricsToJson(*e.validation);
  if (const auto& c = e.collapse) {
    j["collapse"] = {{"item_effective_rank", c->itemEffectiveRank},     {"dimensions", c->dimensions},
                     {"interests", c->interests},                       {"effective_interests", c->effectiveInterests},
                     {"largest_head_share", c->largestHeadShare},       {"offdiag_covariance", c->offDiagonalCovariance}};
  }
  return j;
}

views::TrainingEpochPoint epochFromJson(const nlohmann::json& j, std::int64_t globalEpoch) {
  views::TrainingEpochPoint e;
  e.globalEpoch = globalEpoch;
  if (!j.is_object()) return e;
  e.stage = j.value("stage", std::string());
  e.epoch = j.value("epoch", std::int64_t{0});
  e.improved = j.value("improved", false);
  e.seconds = j.value("train_seconds", 0.0);
  if (j.contains("losses") && j["losses"].is_object()) {
    for (auto it = j["losses"].begin(); it != j["losses"].end(); ++it) {
      if (it.value().is_number()) e.meanLosses[it.key()] = it.value().get<double>();
    }
  }
  if (j.contains("validation")) e.validation = metricsFromJson(j["validation"]);
  if (j.contains("collapse") && j["collapse"].is_object()) {
    const auto& c = j["collapse"];
    views::EpochCollapse collapse;
    collapse.itemEffectiveRank = c.value("item_effective_rank", 0.0);
    collapse.dimensions = c.value("dimensions", 0);
    collapse.interests = c.value("interests", 0);
    collapse.effectiveInterests = c.value("effective_interests", 0.0);
    collapse.largestHeadShare = c.value("largest_head_share", 0.0);
    collapse.offDiagonalCovariance = c.value("offdiag_covariance", 0.0);
    e.collapse = collapse;
  }
  return e;
}

}  // namespace recdiff::studio
