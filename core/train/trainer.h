// Trains any registered model: the optimiser, learning-rate schedule, batch
// size, epochs and patience come from the model's config (its declared
// training parameters); device, threads, seed and the checkpoint path from
// TrainOptions. Early stopping on validation NDCG@20 (or another selection
// rule, TrainOptions::selectionMetric); the best parameters are
// restored at the end and written as a checkpoint each time they improve, so
// a cancel or a crash keeps the best model so far; with a state path, the
// whole run can also be resumed where it stopped (training_state.h).
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/data/sequence_dataset.h"
#include "core/eval/model_diagnostics.h"
#include "core/eval/ranking_metrics.h"
#include "core/models/model.h"
#include "core/train/train_control.h"

namespace recdiff::train {

struct TrainOptions {
  std::string device = "cpu";  // "cpu" or "cuda"
  int threads = 0;             // intra-op threads; 0 = all cores
  std::uint64_t seed = 42;
  std::string checkpointPath;  // "" = keep the best model in memory only
  std::int64_t epochs = -1;    // -1 = the model's "epochs"
  std::int64_t evalBatchSize = 1024;
  std::int64_t validationSamples = 0;  // 0 = all; else a fixed seeded subset
  models::ReverseOptions validationReverse;
  std::string selectionMetric = "ndcg@20";  // "ndcg@K", "hr@K" or "any" (eval::ModelSelection)
  int onlyStage = -1;                       // >= 0: run just this stage of stages()
  // After each validation, collapse diagnostics (item-table spectrum; for
  // models with interest routing, routing collapse, head redundancy, head
  // wins, routing covariance) over this many validation users, so collapse can be watched
  // as it happens. 0 = off.
  std::int64_t diagnosticUsers = 500;
  // Where the resumable state (training_state.h) is written at the top of
  // every epoch; "" = nowhere. It is removed when the run ends uncancelled.
  std::string statePath;
  // Continue the run saved at statePath instead of starting afresh: the
  // model must be the state's (name, config, shape), the dataset and the
  // options resumableOptions() names the same.
  bool resume = false;
};

struct BatchReport {
  std::size_t stage = 0;
  std::string stageName;
  std::int64_t epoch = 0;  // 1-based within the stage
  std::int64_t batch = 0;  // 1-based
  std::int64_t batches = 0;
  std::map<std::string, double> losses;  // "total" and each component
  double elapsedSeconds = 0.0;           // since training started
  double etaSeconds = 0.0;               // for the rest of this epoch
};

struct EpochReport {
  std::size_t stage = 0;
  std::string stageName;
  std::int64_t epoch = 0;
  std::map<std::string, double> meanLosses;
  std::optional<eval::RankingMetrics> validation;
  std::optional<eval::ModelDiagnostics> diagnostics;  // see diagnosticUsers
  double trainSeconds = 0.0;
  double validationSeconds = 0.0;
  bool improved = false;
  double learningRate = 0.0;
};

struct TrainCallbacks {
  std::function<void(const BatchReport&)> onBatch;
  std::function<void(const EpochReport&)> onEpoch;
};

struct TrainResult {
  bool cancelled = false;
  std::int64_t bestEpoch = 0;  // 0 = never validated
  double bestScore = -1.0;     // the selection metric (NDCG@20 under "any") of the best
  std::optional<eval::RankingMetrics> bestValidation;
  std::vector<EpochReport> history;
  double seconds = 0.0;
};

TrainResult trainModel(models::Model& model, const data::SequenceDataset& dataset, const TrainOptions& options,
                       const TrainCallbacks& callbacks = {}, TrainControl* control = nullptr);

// The device named by `name`; throws std::invalid_argument when CUDA is
// requested but unavailable.
torch::Device parseDevice(const std::string& name);

// JSON forms for checkpoints, the CLI and the GUI.
nlohmann::json toJson(const eval::RankingMetrics& metrics);
nlohmann::json toJson(const EpochReport& report);
// The per-epoch figures of the diagnostics (not the full spectrum).
nlohmann::json toJson(const eval::ModelDiagnostics& diagnostics);
// The inverses (an EpochReport's stage index is not in its JSON; the
// diagnostics come back with the per-epoch figures only). Throw
// nlohmann::json::exception on a missing field.
eval::RankingMetrics rankingMetricsFromJson(const nlohmann::json& j);
EpochReport epochReportFromJson(const nlohmann::json& j);

}  // namespace recdiff::train
