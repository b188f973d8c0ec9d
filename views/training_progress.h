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
  std::string device = "cpu";         // "cpu" or "cuda"
  int threads = 0;                    // intra-op threads; 0 = all cores
  std::int64_t epochs = -1;           // -1 = the model's "epochs"
  std::int64_t validationSamples = 0; // 0 = all validation samples
  std::uint64_t seed = 42;
};

// One training batch.
struct TrainingBatchPoint {
  std::string stage;
  std::int64_t epoch = 0;        // 1-based within the stage
  std::int64_t batch = 0;        // 1-based
  std::int64_t batches = 0;      // per epoch
  std::int64_t globalBatch = 0;  // 1-based over the whole run
  std::int64_t totalBatches = 0; // for the whole run (epochs x batches), 0 = unknown
  std::map<std::string, double> losses;  // "total" and each component
  double elapsedSeconds = 0.0;
  double etaSeconds = 0.0;       // for the rest of the run
};

// One finished epoch.
struct TrainingEpochPoint {
  std::string stage;
  std::int64_t epoch = 0;         // 1-based within the stage
  std::int64_t globalEpoch = 0;   // 1-based over the whole run
  std::map<std::string, double> meanLosses;
  std::optional<eval::RankingMetrics> validation;
  bool improved = false;
  double seconds = 0.0;
};

}  // namespace recdiff::views
