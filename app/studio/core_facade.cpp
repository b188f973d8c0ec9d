// The studio's calls into the LibTorch core (core_facade.h).
#include "app/studio/core_facade.h"

#include <chrono>
#include <filesystem>

#include "app/studio/metrics_json.h"

#include "core/core_version.h"
#include "core/eval/evaluator.h"
#include "core/models/model.h"
#include "core/models/model_registry.h"
#include "core/train/checkpoint.h"
#include "core/train/official_import.h"
#include "core/train/pytorch_state_dict.h"
#include "core/train/trainer.h"
#include "core/train/training_state.h"

namespace recdiff::studio {

struct ModelHandle::State {
  models::ModelPtr model;
  std::string fingerprint;
  std::int64_t parameters = 0;
  mutable std::mutex mutex;
};

namespace {

ModelHandle makeHandle(models::ModelPtr model, std::string fingerprint) {
  auto state = std::make_shared<ModelHandle::State>();
  std::int64_t n = 0;
  for (const auto& p : model->parameters()) n += p.numel();
  state->parameters = n;
  state->model = std::move(model);
  state->fingerprint = std::move(fingerprint);
  return ModelHandle(std::move(state));
}

}  // namespace

std::string ModelHandle::modelName() const { return state_ ? state_->model->modelName() : std::string(); }
models::Config ModelHandle::config() const { return state_ ? state_->model->config() : models::Config::object(); }
std::int32_t ModelHandle::numItems() const { return state_ ? state_->model->shape().numItems : 0; }
std::int64_t ModelHandle::maxLength() const { return state_ ? state_->model->shape().maxLength : 0; }
std::int64_t ModelHandle::diffusionSteps() const { return state_ ? state_->model->diffusionSteps() : 0; }
std::int64_t ModelHandle::parameterCount() const { return state_ ? state_->parameters : 0; }
std::string ModelHandle::datasetFingerprint() const { return state_ ? state_->fingerprint : std::string(); }
std::shared_ptr<models::Model> ModelHandle::model() const { return state_ ? state_->model : nullptr; }

std::unique_lock<std::mutex> ModelHandle::lock() const {
  if (!state_) return {};
  return std::unique_lock<std::mutex>(state_->mutex);
}

namespace core {

const std::vector<models::ModelInfo>& availableModels() { return models::registeredModels(); }

const models::ModelInfo* findModel(const std::string& name) {
  for (const auto& m : availableModels()) {
    if (m.name == name) return &m;
  }
  return nullptr;
}

void validate(const std::string& modelName, const models::Config& config) {
  models::validateConfig(models::modelInfo(modelName), config);
}

DeviceInfo deviceInfo() {
  const BuildInfo b = buildInfo();
  DeviceInfo d;
  d.cudaAvailable = b.cudaAvailable;
  d.cudaDevices = b.cudaDevices;
  d.torchVersion = b.torchVersion;
  d.blas = b.blas;
  return d;
}

namespace {

std::int64_t configInt(const models::ModelInfo& info, const models::Config& config, const char* key,
                       std::int64_t fallback) {
  if (config.is_object() && config.contains(key) && config[key].is_number()) return config[key].get<std::int64_t>();
  if (const models::ParamSpec* p = info.find(key)) {
    if (p->defaultValue.is_number()) return p->defaultValue.get<std::int64_t>();
  }
  return fallback;
}

std::int64_t epochsOf(const std::vector<models::TrainingStage>& stages, std::int64_t maxEpochs) {
  std::int64_t total = 0;
  for (const auto& s : stages) total += s.epochs > 0 ? std::min(s.epochs, maxEpochs) : maxEpochs;
  return total;
}

views::TrainingEpochPoint toPoint(const train::EpochReport& e, std::int64_t globalEpoch) {
  views::TrainingEpochPoint p;
  p.stage = e.stageName;
  p.epoch = e.epoch;
  p.globalEpoch = globalEpoch;
  p.meanLosses = e.meanLosses;
  p.validation = e.validation;
  if (e.diagnostics) p.collapse = collapseFigures(*e.diagnostics);
  p.improved = e.improved;
  p.seconds = e.trainSeconds + e.validationSeconds;
  return p;
}

}  // namespace

std::vector<views::TrainingEpochPoint> epochPoints(const nlohmann::json& history) {
  std::vector<views::TrainingEpochPoint> points;
  if (!history.is_array()) return points;
  for (const nlohmann::json& record : history) {
    const auto globalEpoch = static_cast<std::int64_t>(points.size()) + 1;
    if (record.is_object() && !record.contains("collapse")) {
      try {
        points.push_back(toPoint(train::epochReportFromJson(record), globalEpoch));
        continue;
      } catch (const std::exception&) {
        // Not a checkpoint's epoch: read leniently below.
      }
    }
    points.push_back(legacyEpochFromJson(record, globalEpoch));
  }
  return points;
}

nlohmann::json metricsToJson(const eval::RankingMetrics& metrics) { return train::toJson(metrics); }

views::EpochCollapse collapseFigures(const eval::ModelDiagnostics& d) {
  views::EpochCollapse c;
  c.itemEffectiveRank = d.embedding.effectiveRank;
  c.dimensions = d.embedding.dimensions;
  if (const auto& in = d.interests) {
    c.interests = in->interests;
    c.collapsedHeadShare = in->collapsedHeadShare;
    c.effectiveItemsPerHead = in->meanEffectiveItems;
    c.headRedundancy = in->meanHeadRedundancy;
    c.lReg = in->meanLReg;
    c.distinctRoutingDirections = in->meanDistinctRoutingDirections;
    c.offDiagonalCovariance = in->meanOffDiagonalAbsCovariance;
    for (double share : in->argmaxShare) c.largestHeadShare = std::max(c.largestHeadShare, share);
  }
  return c;
}

std::int64_t plannedEpochs(const std::string& modelName, const models::Config& config, std::int64_t epochsOverride) {
  const models::ModelInfo& info = models::modelInfo(modelName);
  const std::int64_t maxEpochs = epochsOverride >= 0 ? epochsOverride : configInt(info, config, "epochs", 1);
  return maxEpochs;
}

TrainOutcome train(const std::string& modelName, const models::Config& config, const data::SequenceDataset& dataset,
                   const TrainSettings& settings, const std::function<void(const views::TrainingBatchPoint&)>& onBatch,
                   const std::function<void(const views::TrainingEpochPoint&)>& onEpoch, train::TrainControl* control) {
  const models::ModelInfo& info = models::modelInfo(modelName);
  models::DataShape shape;
  shape.numItems = dataset.numItems;
  shape.maxLength = configInt(info, config, "max_length", 50);
  train::TrainOptions options;
  options.device = settings.device;
  options.threads = settings.threads;
  options.seed = settings.seed;
  options.checkpointPath = settings.checkpointPath;
  options.epochs = settings.epochs;
  options.validationSamples = settings.validationSamples;
  if (!settings.checkpointPath.empty()) options.statePath = train::trainingStatePath(settings.checkpointPath);
  std::optional<train::TrainingState> resumed;
  if (settings.resume) {
    if (options.statePath.empty()) throw std::invalid_argument("continuing a run needs its checkpoint path");
    resumed = train::loadTrainingState(options.statePath, /*tensors=*/false);
    options = train::applyResumableOptions(resumed->options, options);
    options.resume = true;
  }
  models::ModelPtr model = models::createModel(modelName, config, shape, options.seed);

  const std::int64_t maxEpochs = options.epochs >= 0 ? options.epochs : model->getInt("epochs");
  const std::int64_t batchSize = std::max<std::int64_t>(1, model->getInt("batch_size"));
  const auto samples = static_cast<std::int64_t>(dataset.train.size());
  const std::int64_t batchesPerEpoch = (samples + batchSize - 1) / batchSize;
  const std::int64_t totalBatches = batchesPerEpoch * epochsOf(model->stages(), maxEpochs);

  TrainOutcome outcome;
  std::int64_t globalBatch = 0, globalEpoch = 0;
  const auto start = std::chrono::steady_clock::now();
  train::TrainCallbacks callbacks;
  callbacks.onBatch = [&](const train::BatchReport& b) {
    ++globalBatch;
    if (!onBatch) return;
    views::TrainingBatchPoint p;
    p.stage = b.stageName;
    p.epoch = b.epoch;
    p.batch = b.batch;
    p.batches = b.batches;
    p.globalBatch = globalBatch;
    p.totalBatches = totalBatches;
    p.losses = b.losses;
    p.elapsedSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    // Elapsed time includes validation, so this estimate covers it too;
    // early stopping can only make the run shorter.
    p.etaSeconds = totalBatches > globalBatch ? p.elapsedSeconds / static_cast<double>(globalBatch) *
                                                    static_cast<double>(totalBatches - globalBatch)
                                              : 0.0;
    onBatch(p);
  };
  callbacks.onEpoch = [&](const train::EpochReport& e) {
    const views::TrainingEpochPoint p = toPoint(e, ++globalEpoch);
    outcome.history.push_back(p);
    outcome.historyRecords.push_back(train::toJson(e));
    if (onEpoch) onEpoch(p);
  };
  if (resumed) {  // the charts start with the epochs done before the interruption
    for (const auto& e : resumed->history) callbacks.onEpoch(e);
    globalBatch = batchesPerEpoch * static_cast<std::int64_t>(resumed->history.size());
  }
  const train::TrainResult result = train::trainModel(*model, dataset, options, callbacks, control);
  outcome.cancelled = result.cancelled;
  outcome.bestEpoch = result.bestEpoch;
  outcome.bestValidation = result.bestValidation;
  outcome.seconds = result.seconds;
  std::error_code ec;
  outcome.checkpointWritten =
      !settings.checkpointPath.empty() && result.bestEpoch > 0 && std::filesystem::exists(settings.checkpointPath, ec);
  // A run cancelled before its first validation has no best model to keep.
  if (result.bestEpoch > 0 || !result.cancelled) outcome.model = makeHandle(model, dataset.fingerprint());
  return outcome;
}

std::string trainingStatePath(const std::string& checkpointPath) { return train::trainingStatePath(checkpointPath); }

std::optional<InterruptedRun> interruptedRun(const std::string& checkpointPath) {
  const std::string path = train::trainingStatePath(checkpointPath);
  std::error_code ec;
  if (checkpointPath.empty() || !std::filesystem::exists(path, ec)) return std::nullopt;
  try {
    const auto state = train::loadTrainingState(path, /*tensors=*/false);
    InterruptedRun run;
    run.modelName = state.modelName;
    run.epochsDone = static_cast<std::int64_t>(state.history.size());
    run.bestEpoch = state.bestEpoch;
    run.nextEpoch = state.epoch + 1;
    run.seed = state.options.value("seed", std::uint64_t{0});
    run.stage = state.stageName;
    return run;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

eval::RankingMetrics evaluate(const ModelHandle& handle, const std::vector<data::Sample>& samples,
                              const EvalSettings& settings,
                              const std::function<bool(std::int64_t, std::int64_t)>& progress,
                              std::vector<std::int64_t>* ranks) {
  if (handle.isNull()) throw std::invalid_argument("no model to evaluate");
  if (samples.empty()) throw std::invalid_argument("the split has no samples to evaluate");
  auto lock = handle.lock();
  setIntraOpThreads(settings.threads);
  const torch::Device device = train::parseDevice(settings.device);
  models::Model& model = *handle.model();
  model.to(device);
  eval::EvaluationOptions options;
  options.batchSize = settings.batchSize;
  options.excludeHistory = settings.excludeHistory;
  options.reverse.seed = settings.seed;
  options.progress = progress;
  try {
    eval::EvaluationResult result = eval::evaluate(model, samples, options, device);
    if (ranks) *ranks = std::move(result.ranks);
    return result.metrics;
  } catch (const eval::Cancelled&) {
    throw JobCancelled();
  }
}

namespace {

CheckpointSummary summarize(const train::CheckpointMeta& meta) {
  CheckpointSummary s;
  s.modelName = meta.modelName;
  s.config = meta.config;
  s.datasetName = meta.datasetName;
  s.datasetFingerprint = meta.datasetFingerprint;
  s.training = meta.training;
  s.metrics = meta.metrics;
  return s;
}

}  // namespace

LoadedCheckpoint loadCheckpoint(const std::string& path, const data::SequenceDataset* dataset) {
  if (train::isPyTorchSaveArchive(path)) {
    // A model saved by a paper's official code: imported as `recdiff import`
    // does, onto the loaded dataset (the file records no item ids).
    if (!dataset)
      throw train::CheckpointError(path +
                                   ": saved by PyTorch (torch.save); load the dataset it was trained on first, "
                                   "then load the file again to import it");
    const auto weights = train::readPyTorchStateDict(path);
    const train::OfficialSource* source = train::detectOfficialSource(weights);
    if (!source)
      throw train::CheckpointError(path +
                                   ": saved by PyTorch, but its keys fit none of the official codes RecDiff Studio "
                                   "imports (recdiff import --help lists them)");
    auto imported = train::buildImportedModel(path, *source, weights, train::importConfig(*source, weights), *dataset,
                                              /*sameIds=*/false, /*seed=*/42);
    LoadedCheckpoint result;
    result.summary = summarize(imported.meta);
    result.model = makeHandle(imported.model, imported.meta.datasetFingerprint);
    return result;
  }
  train::LoadedCheckpoint loaded = train::loadCheckpoint(path, dataset);
  LoadedCheckpoint result;
  result.summary = summarize(loaded.meta);
  result.model = makeHandle(loaded.model, loaded.meta.datasetFingerprint);
  return result;
}

}  // namespace core
}  // namespace recdiff::studio
