// JSON forms of metrics and epochs, the same the core's trainer writes into
// checkpoints, so session files and checkpoint metadata read alike.
#pragma once

#include <cstdint>
#include <optional>

#include <nlohmann/json.hpp>

#include "core/eval/ranking_metrics.h"
#include "views/training_progress.h"

namespace recdiff::studio {

// {"hr@20": 0.03, "ndcg@20": 0.01, ..., "mrr": ..., "count": n}
nlohmann::json metricsToJson(const eval::RankingMetrics& metrics);
// Empty for anything that is not such an object.
std::optional<eval::RankingMetrics> metricsFromJson(const nlohmann::json& json);

// The collapse figures of an epoch or of an evaluated split:
// {"item_effective_rank", "collapsed_head_share", "head_redundancy", ...};
// figures that were not measured (NaN) are left out and read back as NaN.
nlohmann::json collapseToJson(const views::EpochCollapse& collapse);
// Empty for anything that is not an object.
std::optional<views::EpochCollapse> collapseFromJson(const nlohmann::json& json);

// {"stage", "epoch", "losses", "validation", "improved", "train_seconds", ...}
nlohmann::json epochToJson(const views::TrainingEpochPoint& epoch);
views::TrainingEpochPoint epochFromJson(const nlohmann::json& json, std::int64_t globalEpoch);

}  // namespace recdiff::studio
