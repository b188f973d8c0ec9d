// The studio's door into the LibTorch core: datasets, training, evaluation
// and checkpoints. This header names no torch type, so QObject headers and
// views may include it; LibTorch is included only by the .cpp files that run
// a model (this one's, and inspection_facade.cpp for the inspection docks).
//
// ModelHandle is how the rest of the GUI (and the inspection docks) holds a
// trained model: a shared, torch-free handle. Code that runs the model
// includes core/models/model.h in its own .cpp and uses model() while holding
// lock(), because evaluation and inspection may run it on worker threads.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/data/sequence_dataset.h"
#include "core/eval/model_diagnostics.h"
#include "core/eval/ranking_metrics.h"
#include "core/models/model_config.h"
#include "core/train/train_control.h"
#include "views/training_progress.h"

namespace recdiff::models {
class Model;
}

namespace recdiff::studio {

class ModelHandle {
 public:
  ModelHandle() = default;

  bool isNull() const { return !state_; }
  std::string modelName() const;
  models::Config config() const;
  std::int32_t numItems() const;
  std::int64_t maxLength() const;
  std::int64_t diffusionSteps() const;  // 0 for non-diffusion models
  std::int64_t parameterCount() const;
  // The fingerprint of the dataset it was trained on ("" when unknown).
  std::string datasetFingerprint() const;

  // The live model (CPU or the device it trained on), for torch code.
  std::shared_ptr<models::Model> model() const;
  // Hold while running the model: one user at a time.
  std::unique_lock<std::mutex> lock() const;

  bool operator==(const ModelHandle& other) const { return state_ == other.state_; }
  bool operator!=(const ModelHandle& other) const { return state_ != other.state_; }

  struct State;
  explicit ModelHandle(std::shared_ptr<State> state) : state_(std::move(state)) {}

 private:
  std::shared_ptr<State> state_;
};

// Thrown by a cancelled evaluation.
struct JobCancelled : std::runtime_error {
  JobCancelled() : std::runtime_error("cancelled") {}
};

namespace core {

// The registry's models in display order.
const std::vector<models::ModelInfo>& availableModels();
const models::ModelInfo* findModel(const std::string& name);
// Throws models::ConfigError naming the problem.
void validate(const std::string& modelName, const models::Config& config);

struct DeviceInfo {
  bool cudaAvailable = false;
  int cudaDevices = 0;
  std::string torchVersion;
  std::string blas;
};
DeviceInfo deviceInfo();

struct TrainSettings {
  std::string device = "cpu";
  int threads = 0;
  std::uint64_t seed = 42;
  std::string checkpointPath;  // "" = none; else its run's state goes beside it (CKPT.resume)
  std::int64_t epochs = -1;    // -1 = the model's
  std::int64_t validationSamples = 0;
  // Continue the run interrupted while training towards checkpointPath, with
  // that run's seed, device, epochs and validation subset (not the above).
  bool resume = false;
};

// A run that stopped (cancel, crash, closed window) before it ended, as its
// state file beside the checkpoint describes it.
struct InterruptedRun {
  std::string modelName;
  std::int64_t epochsDone = 0;  // epochs in its history
  std::int64_t bestEpoch = 0;   // 0 = never validated
  std::string stage;            // where it goes on: this stage's epoch `nextEpoch` (1-based)
  std::int64_t nextEpoch = 1;
  std::uint64_t seed = 0;
};

// The charts' points of a saved history: the epochs as checkpoints store
// them (EpochReport JSON, "diagnostics" holding the collapse figures), or as
// sessions before version 0.1 stored them ("collapse"). Malformed entries
// give empty points rather than an error: a session is still opened.
std::vector<views::TrainingEpochPoint> epochPoints(const nlohmann::json& history);
// {"hr@20": ..., "ndcg@20": ..., "mrr": ..., "count": n}: the core's form,
// the one checkpoints hold.
nlohmann::json metricsToJson(const eval::RankingMetrics& metrics);

// Where the state of the run training towards `checkpointPath` is kept.
std::string trainingStatePath(const std::string& checkpointPath);

// The interrupted run whose state lies beside `checkpointPath`; nothing when
// there is none or it cannot be read (a fresh run then replaces it).
std::optional<InterruptedRun> interruptedRun(const std::string& checkpointPath);

struct TrainOutcome {
  ModelHandle model;  // null when nothing was validated (cancelled early)
  bool cancelled = false;
  std::int64_t bestEpoch = 0;
  std::optional<eval::RankingMetrics> bestValidation;
  std::vector<views::TrainingEpochPoint> history;  // for the charts
  // The same epochs as the checkpoint stores them (the core's EpochReport
  // JSON): what a session saves, so sessions and checkpoints read alike.
  nlohmann::json historyRecords = nlohmann::json::array();
  bool checkpointWritten = false;
  double seconds = 0.0;
};

// The number of epochs a run of `modelName` will do at most.
std::int64_t plannedEpochs(const std::string& modelName, const models::Config& config, std::int64_t epochsOverride);

// Builds and trains a fresh model, or continues an interrupted run
// (settings.resume; onEpoch first replays the epochs it had done). Callbacks
// run on the calling (worker) thread. Throws for bad configurations
// (ConfigError), an unavailable device (std::invalid_argument), a checkpoint
// that cannot be written, or a state that does not belong to this run.
TrainOutcome train(const std::string& modelName, const models::Config& config, const data::SequenceDataset& dataset,
                   const TrainSettings& settings, const std::function<void(const views::TrainingBatchPoint&)>& onBatch,
                   const std::function<void(const views::TrainingEpochPoint&)>& onEpoch, train::TrainControl* control);

struct EvalSettings {
  std::string device = "cpu";
  int threads = 0;
  bool excludeHistory = false;
  std::uint64_t seed = 42;
  std::int64_t batchSize = 256;  // small batches: finer progress and cancel
};

// Full-ranking metrics of `model` on `samples`. `progress(done, total)`
// returning false cancels: JobCancelled is thrown. `ranks`, when given,
// receives each sample's rank of its true item (1 = first), in order.
eval::RankingMetrics evaluate(const ModelHandle& model, const std::vector<data::Sample>& samples,
                              const EvalSettings& settings,
                              const std::function<bool(std::int64_t, std::int64_t)>& progress,
                              std::vector<std::int64_t>* ranks = nullptr);

// The collapse figures the views show (training's collapse watch, the
// evaluation's comparison table) out of a model's diagnostics.
views::EpochCollapse collapseFigures(const eval::ModelDiagnostics& diagnostics);

struct CheckpointSummary {
  std::string modelName;
  models::Config config;
  std::string datasetName;
  std::string datasetFingerprint;
  nlohmann::json training = nlohmann::json::object();
  nlohmann::json metrics = nlohmann::json::object();
};

struct LoadedCheckpoint {
  ModelHandle model;
  CheckpointSummary summary;
};

// Throws std::runtime_error (the core's CheckpointError) with a message
// naming the file and the problem. With `dataset`, a checkpoint trained on
// other data is refused.
LoadedCheckpoint loadCheckpoint(const std::string& path, const data::SequenceDataset* dataset);

}  // namespace core
}  // namespace recdiff::studio
