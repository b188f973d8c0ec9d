// Lenient readers of what session files hold: metrics (written in the core's
// form, core::metricsToJson), the collapse figures of an evaluated split, and
// the epochs of sessions written before they took the checkpoint's epoch form
// (core::epochPoints reads both). A session is hostile input: a malformed
// value gives an empty result, never an exception.
#pragma once

#include <cstdint>
#include <optional>

#include <nlohmann/json.hpp>

#include "core/eval/ranking_metrics.h"
#include "views/training_progress.h"

namespace recdiff::studio {

// {"hr@20": 0.03, "ndcg@20": 0.01, ..., "mrr": ..., "count": n}; empty for
// anything that is not such an object.
std::optional<eval::RankingMetrics> metricsFromJson(const nlohmann::json& json);

// The collapse figures of an epoch or of an evaluated split:
// {"item_effective_rank", "collapsed_head_share", "head_redundancy", ...};
// figures that were not measured (NaN) are left out and read back as NaN.
nlohmann::json collapseToJson(const views::EpochCollapse& collapse);
// Empty for anything that is not an object.
std::optional<views::EpochCollapse> collapseFromJson(const nlohmann::json& json);

// An epoch as sessions stored it before: {"stage", "epoch", "losses",
// "validation", "improved", "train_seconds", "collapse": {...}}.
views::TrainingEpochPoint legacyEpochFromJson(const nlohmann::json& json, std::int64_t globalEpoch);

}  // namespace recdiff::studio
