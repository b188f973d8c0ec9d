#include "app/studio/metrics_json.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

namespace recdiff::studio {

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

namespace {

// A number, or `fallback` for a missing or mistyped entry (session files
// are hostile input).
double number(const nlohmann::json& j, const char* key, double fallback) {
  const auto it = j.find(key);
  return it != j.end() && it->is_number() ? it->get<double>() : fallback;
}

// NaN is not JSON: a figure that was not measured is left out.
void putFinite(nlohmann::json& j, const char* key, double value) {
  if (std::isfinite(value)) j[key] = value;
}

}  // namespace

nlohmann::json collapseToJson(const views::EpochCollapse& c) {
  nlohmann::json j = {{"dimensions", c.dimensions}, {"interests", c.interests}};
  putFinite(j, "item_effective_rank", c.itemEffectiveRank);
  putFinite(j, "collapsed_head_share", c.collapsedHeadShare);
  putFinite(j, "effective_items_per_head", c.effectiveItemsPerHead);
  putFinite(j, "head_redundancy", c.headRedundancy);
  putFinite(j, "l_reg", c.lReg);
  putFinite(j, "distinct_routing_directions", c.distinctRoutingDirections);
  putFinite(j, "largest_head_share", c.largestHeadShare);
  putFinite(j, "offdiag_covariance", c.offDiagonalCovariance);
  return j;
}

std::optional<views::EpochCollapse> collapseFromJson(const nlohmann::json& c) {
  if (!c.is_object()) return std::nullopt;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  views::EpochCollapse collapse;
  collapse.itemEffectiveRank = number(c, "item_effective_rank", 0.0);
  collapse.dimensions = static_cast<int>(number(c, "dimensions", 0));
  collapse.interests = static_cast<int>(number(c, "interests", 0));
  // Records written before the routing-collapse figures lack them: NaN, so
  // that no view shows "0 % collapsed" for a figure nobody measured.
  collapse.collapsedHeadShare = number(c, "collapsed_head_share", nan);
  collapse.effectiveItemsPerHead = number(c, "effective_items_per_head", nan);
  collapse.headRedundancy = number(c, "head_redundancy", nan);
  collapse.lReg = number(c, "l_reg", nan);
  // ... and had the spectral figure under its old name.
  collapse.distinctRoutingDirections = number(c, "distinct_routing_directions", number(c, "effective_interests", nan));
  collapse.largestHeadShare = number(c, "largest_head_share", 0.0);
  collapse.offDiagonalCovariance = number(c, "offdiag_covariance", 0.0);
  return collapse;
}

views::TrainingEpochPoint legacyEpochFromJson(const nlohmann::json& j, std::int64_t globalEpoch) {
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
  if (j.contains("collapse")) e.collapse = collapseFromJson(j["collapse"]);
  return e;
}

}  // namespace recdiff::studio
