// Where a training run stands, as one file, so that a run stopped by a cancel,
// a crash or the end of a session can go on later as if it had never stopped.
//
// trainModel() writes it at the top of every epoch (TrainOptions::statePath):
// the current weights, the best snapshot, the optimiser's moments, every
// random generator's state, early stopping's counters, the selection rule's
// bests and the history so far. Resumed on the same device with the same
// thread count, the run gives the very numbers of an uninterrupted one (the
// tests check this bit for bit on the CPU for every model). Stored like a
// checkpoint (data only, with a checksum, written atomically: see
// tensor_file.h); removed when the run ends without a cancel.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "core/eval/ranking_metrics.h"
#include "core/models/model.h"
#include "core/train/tensor_file.h"
#include "core/train/trainer.h"

namespace recdiff::train {

// 1: a LibTorch archive (no longer read); 2: a tensor file.
constexpr int kTrainingStateFormatVersion = 2;

struct TrainingState {
  // What is trained: a resumed run must be the same model on the same data
  // with the same options (resumableOptions()).
  std::string modelName;
  models::Config config;
  models::DataShape shape;
  std::string datasetName;
  std::string datasetFingerprint;
  nlohmann::json options;

  // Where it stands: at the top of epoch `epoch` (0-based) of stage `stage`.
  std::size_t stage = 0;
  std::string stageName;
  std::int64_t epoch = 0;
  std::int64_t sinceImprovement = 0;
  bool improvedInStage = false;
  std::int64_t bestEpoch = 0;
  double bestScore = -1.0;
  std::optional<eval::RankingMetrics> bestValidation;
  std::vector<EpochReport> history;
  std::map<std::string, double> selectionBests;
  double seconds = 0.0;  // training time spent before this point

  // On the CPU: parameters then buffers, in model.parameters() / buffers()
  // order, now and at the best validation so far.
  std::vector<torch::Tensor> weights;
  std::vector<torch::Tensor> best;
  NamedTensors optimizer;  // serializeOptimizer()
  // get_state() of the trainer's batch and model generators and of the
  // default generators (dropout draws from those): the CPU's and, when
  // training on another device, that device's (undefined otherwise).
  torch::Tensor batchGenerator, modelGenerator, defaultCpuGenerator, defaultDeviceGenerator;
};

// The options that decide a run's numbers (seed, device, epochs, validation
// subset, selection rule, stage, validation sampler, evaluation batch,
// diagnostics): a state resumes only under the same ones. Not the thread
// count (it may change a CPU run's rounding, not its meaning), nor where
// files go.
nlohmann::json resumableOptions(const TrainOptions& options);
// The inverse, onto `base` (which keeps its threads and paths).
TrainOptions applyResumableOptions(const nlohmann::json& options, TrainOptions base);

// Throw CheckpointError naming the file: unwritable, or missing, truncated,
// damaged (checksum), not a state, another format version (a state written
// before version 2 is refused with a word on what to do). Without `tensors`, only what the
// state describes (model, config, options, position, history) is read.
void saveTrainingState(const std::string& path, const TrainingState& state);
TrainingState loadTrainingState(const std::string& path, bool tensors = true);

// The optimiser's per-parameter state as plain tensors, named
// "<parameter index>.<field>" (Adam and AdamW: step, exp_avg, exp_avg_sq,
// max_exp_avg_sq), and back onto the parameters' device, each entry checked
// against its parameter's shape (CheckpointError). Its options (learning rate, betas, ...) are not stored: the trainer
// rebuilds them from the model's config and sets the rate every epoch.
NamedTensors serializeOptimizer(torch::optim::Optimizer& optimizer);
void restoreOptimizer(torch::optim::Optimizer& optimizer, const NamedTensors& state);

// The first field in which `have` (a stored run's settings) differs from
// `want` (this run's), inner objects searched too, as "epochs 1, not 2" or
// "validation_reverse.steps missing, not 20"; nothing when `want`'s fields
// all match (fields only `have` has do not count).
std::optional<std::string> firstDifference(const nlohmann::json& have, const nlohmann::json& want);

// The path trainers and the CLI use for a checkpoint's state.
std::string trainingStatePath(const std::string& checkpointPath);

}  // namespace recdiff::train
