// Plain, torch-free records of a training run as the training panel shows
// them. The app's training controller fills them from the trainer's reports;
// the views never see LibTorch types.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "core/eval/ranking_metrics.h"

namespace recdiff::views {

// What the user asked for in the training panel.
struct TrainingRequest {
  std::string device = "cpu";          // "cpu" or "cuda"
  int threads = 0;                     // intra-op threads; 0 = all cores
  std::int64_t epochs = -1;            // -1 = the model's "epochs"
  std::int64_t validationSamples = 0;  // 0 = all validation samples
  std::uint64_t seed = 42;
};

// One training batch.
struct TrainingBatchPoint {
  std::string stage;
  std::int64_t epoch = 0;                // 1-based within the stage
  std::int64_t batch = 0;                // 1-based
  std::int64_t batches = 0;              // per epoch
  std::int64_t globalBatch = 0;          // 1-based over the whole run
  std::int64_t totalBatches = 0;         // for the whole run (epochs x batches), 0 = unknown
  std::map<std::string, double> losses;  // "total" and each component
  double elapsedSeconds = 0.0;
  double etaSeconds = 0.0;  // for the rest of the run
};

// The collapse figures measured after one epoch's validation (on a few
// hundred validation users) — and, in the evaluation's comparison table, on
// the evaluated split: is the item table losing dimensions, are the
// interest heads collapsing? Interest figures only for models with routing;
// NaN where a record written before a figure existed lacks it.
struct EpochCollapse {
  double itemEffectiveRank = 0.0;  // exp(covariance entropy) of E, in [1, d]
  int dimensions = 0;              // d
  int interests = 0;               // k; 0 = the model has no routing
  // Routing collapse as paper 000 §4.4.2 defines it (a head on one item),
  // over the users with at least two history items:
  double collapsedHeadShare = 0.0;         // heads with peak weight >= the threshold
  double effectiveItemsPerHead = 0.0;      // mean exp(entropy) of a head's weights
  double headRedundancy = 0.0;             // mean cosine of two heads' weights, in [0, 1]
  double lReg = 0.0;                       // the regulariser's mean value
  double distinctRoutingDirections = 0.0;  // spectral, in [1, k] (blind to collapse)
  double largestHeadShare = 0.0;           // the most-winning head's share of positions
  double offDiagonalCovariance = 0.0;      // mean |C[r, c]|, r != c
};

// One finished epoch.
struct TrainingEpochPoint {
  std::string stage;
  std::int64_t epoch = 0;        // 1-based within the stage
  std::int64_t globalEpoch = 0;  // 1-based over the whole run
  std::map<std::string, double> meanLosses;
  std::optional<eval::RankingMetrics> validation;
  std::optional<EpochCollapse> collapse;
  bool improved = false;
  double seconds = 0.0;
};

}  // namespace recdiff::views
