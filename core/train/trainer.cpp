#include "core/train/trainer.h"

#include <chrono>
#include <cmath>
#include <filesystem>
#include <limits>
#include <mutex>

#include <torch/torch.h>

#include "core/core_version.h"
#include "core/diffusion/generator.h"
#include "core/eval/evaluator.h"
#include "core/eval/model_selection.h"
#include "core/train/checkpoint.h"
#include "core/train/training_diverged.h"
#include "core/train/training_state.h"

namespace recdiff::train {

using Clock = std::chrono::steady_clock;

namespace {

double secondsSince(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

std::unique_ptr<torch::optim::Optimizer> makeOptimizer(models::Model& model) {
  const double lr = model.getDouble("lr");
  const double wd = model.getDouble("weight_decay");
  auto params = model.trainableParameters();
  if (model.getString("optimizer") == "adamw") {
    return std::make_unique<torch::optim::AdamW>(params, torch::optim::AdamWOptions(lr).weight_decay(wd));
  }
  return std::make_unique<torch::optim::Adam>(params, torch::optim::AdamOptions(lr).weight_decay(wd));
}

void setLearningRate(torch::optim::Optimizer& optimizer, double lr) {
  for (auto& group : optimizer.param_groups()) group.options().set_lr(lr);
}

// The learning rate of `epoch` (0-based) under the model's schedule.
double scheduledLearningRate(const models::Model& model, std::int64_t epoch, std::int64_t epochs) {
  const double base = model.getDouble("lr");
  const std::string kind = model.getString("lr_schedule");
  if (kind == "cosine" && epochs > 0) {
    return 0.5 * base * (1.0 + std::cos(M_PI * static_cast<double>(epoch) / static_cast<double>(epochs)));
  }
  if (kind == "step") {
    return base * std::pow(model.getDouble("step_gamma"),
                           static_cast<double>(epoch / std::max<std::int64_t>(1, model.getInt("step_size"))));
  }
  return base;
}

struct Snapshot {
  std::vector<torch::Tensor> values;
};

Snapshot takeSnapshot(models::Model& model) {
  torch::NoGradGuard noGrad;
  Snapshot s;
  for (const auto& p : model.parameters()) s.values.push_back(p.detach().clone());
  for (const auto& b : model.buffers()) s.values.push_back(b.detach().clone());
  return s;
}

void restoreSnapshot(models::Model& model, const Snapshot& s) {
  torch::NoGradGuard noGrad;
  std::size_t i = 0;
  for (auto& p : model.parameters()) p.copy_(s.values[i++]);
  for (auto& b : model.buffers()) b.copy_(s.values[i++]);
}

// JSON writes a NaN as null; read it back as one.
double numberFromJson(const nlohmann::json& j) {
  return j.is_null() ? std::numeric_limits<double>::quiet_NaN() : j.get<double>();
}

torch::Tensor generatorState(torch::Generator generator) {
  std::lock_guard<std::mutex> lock(generator.mutex());
  return generator.get_state();
}

void setGeneratorState(torch::Generator generator, const torch::Tensor& state) {
  std::lock_guard<std::mutex> lock(generator.mutex());
  generator.set_state(state);
}

// The process-wide generator of `device` (dropout and other draws that take
// no generator use it): a handle sharing its state.
torch::Generator defaultGenerator(const torch::Device& device) { return at::globalContext().defaultGenerator(device); }

// Loads the state at options.statePath and checks that it belongs to this
// run (`meta` describes its model and dataset) and options; throws
// CheckpointError naming the file.
TrainingState loadMatchingState(const TrainOptions& options, const CheckpointMeta& meta, const models::Model& model) {
  const std::string& path = options.statePath;
  if (path.empty()) throw std::invalid_argument("resume needs the training state's path (TrainOptions::statePath)");
  TrainingState state = loadTrainingState(path);
  auto refuse = [&](const std::string& what) { throw CheckpointError(path + ": cannot resume: " + what); };
  if (state.modelName != model.modelName()) {
    refuse("the run trained " + state.modelName + ", not " + model.modelName());
  }
  if (auto difference = firstDifference(state.config, model.config())) {
    refuse("the run's model config has " + *difference + " as this model");
  }
  if (state.shape.numItems != model.shape().numItems || state.shape.maxLength != model.shape().maxLength) {
    refuse("the run's model was built for " + std::to_string(state.shape.numItems) + " items");
  }
  if (state.datasetFingerprint != meta.datasetFingerprint) {
    refuse("the run trained on dataset '" + state.datasetName + "', which is not the loaded dataset '" +
           meta.datasetName + "' (" + std::to_string(meta.shape.numItems) + " items)");
  }
  if (auto difference = firstDifference(state.options, resumableOptions(options))) {
    refuse("the run had " + *difference + " as this one");
  }
  const auto params = model.parameters();
  const auto buffers = model.buffers();
  if (state.weights.size() != params.size() + buffers.size() || state.best.size() != state.weights.size()) {
    refuse("it holds " + std::to_string(state.weights.size()) + " tensors, the model has " +
           std::to_string(params.size() + buffers.size()));
  }
  for (std::size_t i = 0; i < state.weights.size(); ++i) {
    const auto& expected = i < params.size() ? params[i] : buffers[i - params.size()];
    if (state.weights[i].sizes() != expected.sizes() || state.best[i].sizes() != expected.sizes()) {
      refuse("tensor " + std::to_string(i) + " has shape " + c10::str(state.weights[i].sizes()) +
             ", the model expects " + c10::str(expected.sizes()));
    }
  }
  if (state.stage >= model.stages().size()) {
    refuse("it stands in stage " + std::to_string(state.stage) + ", which this model does not have");
  }
  return state;
}

std::vector<data::Sample> validationSubset(const data::SequenceDataset& dataset, const TrainOptions& options) {
  if (options.validationSamples <= 0 ||
      options.validationSamples >= static_cast<std::int64_t>(dataset.validation.size())) {
    return dataset.validation;
  }
  auto generator = diffusion::makeGenerator(options.seed ^ 0x5eed5eedULL);
  auto order = data::shuffledIndices(static_cast<std::int64_t>(dataset.validation.size()), generator);
  std::vector<data::Sample> subset;
  for (std::int64_t i = 0; i < options.validationSamples; ++i) {
    subset.push_back(dataset.validation[static_cast<std::size_t>(order[static_cast<std::size_t>(i)])]);
  }
  return subset;
}

}  // namespace

torch::Device parseDevice(const std::string& name) {
  if (name == "cpu") return torch::kCPU;
  if (name == "cuda" || name.rfind("cuda:", 0) == 0) {
    if (!torch::cuda::is_available()) {
      throw std::invalid_argument("device '" + name + "' requested but this LibTorch build sees no CUDA device");
    }
    return torch::Device(name);
  }
  throw std::invalid_argument("unknown device '" + name + "' (expected cpu or cuda)");
}

nlohmann::json toJson(const eval::RankingMetrics& m) {
  nlohmann::json j;
  for (const auto& [k, v] : m.hitRate) j["hr@" + std::to_string(k)] = v;
  for (const auto& [k, v] : m.ndcg) j["ndcg@" + std::to_string(k)] = v;
  j["mrr"] = m.mrr;
  j["count"] = m.count;
  return j;
}

nlohmann::json toJson(const EpochReport& r) {
  nlohmann::json j = {{"stage", r.stageName},
                      {"epoch", r.epoch},
                      {"losses", r.meanLosses},
                      {"train_seconds", r.trainSeconds},
                      {"validation_seconds", r.validationSeconds},
                      {"improved", r.improved},
                      {"lr", r.learningRate}};
  if (r.validation) j["validation"] = toJson(*r.validation);
  if (r.diagnostics) j["diagnostics"] = toJson(*r.diagnostics);
  return j;
}

eval::RankingMetrics rankingMetricsFromJson(const nlohmann::json& j) {
  eval::RankingMetrics m;
  for (const auto& [key, value] : j.items()) {
    const auto at = key.find('@');
    if (at == std::string::npos) continue;
    const int k = std::stoi(key.substr(at + 1));
    if (key.rfind("hr@", 0) == 0) m.hitRate[k] = numberFromJson(value);
    if (key.rfind("ndcg@", 0) == 0) m.ndcg[k] = numberFromJson(value);
  }
  m.mrr = numberFromJson(j.at("mrr"));
  m.count = j.at("count").get<std::size_t>();
  return m;
}

EpochReport epochReportFromJson(const nlohmann::json& j) {
  EpochReport r;
  r.stageName = j.at("stage").get<std::string>();
  r.epoch = j.at("epoch").get<std::int64_t>();
  for (const auto& [name, value] : j.at("losses").items()) r.meanLosses[name] = numberFromJson(value);
  r.trainSeconds = numberFromJson(j.at("train_seconds"));
  r.validationSeconds = numberFromJson(j.at("validation_seconds"));
  r.improved = j.at("improved").get<bool>();
  r.learningRate = numberFromJson(j.at("lr"));
  if (j.contains("validation")) r.validation = rankingMetricsFromJson(j.at("validation"));
  if (j.contains("diagnostics")) {
    const auto& d = j.at("diagnostics");
    eval::ModelDiagnostics diagnostics;
    const auto& e = d.at("embedding");
    diagnostics.embedding.singularValueEntropy = numberFromJson(e.at("singular_value_entropy"));
    diagnostics.embedding.effectiveRank = numberFromJson(e.at("effective_rank"));
    diagnostics.embedding.isotropy = numberFromJson(e.at("isotropy"));
    diagnostics.embedding.collapsed = e.at("collapsed").get<bool>();
    diagnostics.embedding.dimensions = e.value("dimensions", 0);
    if (d.contains("interests")) {
      const auto& i = d.at("interests");
      analysis::InterestDiagnostics interests;
      interests.users = i.at("users").get<int>();
      interests.interests = i.at("k").get<int>();
      interests.meanOffDiagonalAbsCovariance = numberFromJson(i.at("mean_offdiag_abs_covariance"));
      interests.meanLReg = numberFromJson(i.at("l_reg"));
      // Written since the routing-collapse figures (paper 000 §4.4.2); older
      // checkpoints have only the spectral figure, under its old name.
      interests.meanDistinctRoutingDirections =
          numberFromJson(i.contains("distinct_routing_directions") ? i.at("distinct_routing_directions")
                                                                   : i.at("effective_interests"));
      if (i.contains("collapsed_head_share")) {
        interests.collapseThreshold = numberFromJson(i.at("collapse_threshold"));
        interests.collapsedHeadShare = numberFromJson(i.at("collapsed_head_share"));
        interests.meanHeadPeak = numberFromJson(i.at("mean_head_peak"));
        interests.meanEffectiveItems = numberFromJson(i.at("mean_effective_items"));
        interests.meanEffectiveItemShare = numberFromJson(i.at("mean_effective_item_share"));
        interests.meanHeadRedundancy = numberFromJson(i.at("head_redundancy"));
        interests.meanLRegConcentration = numberFromJson(i.at("l_reg_concentration"));
        interests.meanLRegRedundancy = numberFromJson(i.at("l_reg_redundancy"));
        interests.usersWithOnePosition = i.at("users_with_one_position").get<int>();
      }
      for (const auto& share : i.at("head_win_share")) interests.argmaxShare.push_back(numberFromJson(share));
      diagnostics.interests = interests;
    }
    r.diagnostics = diagnostics;
  }
  return r;
}

nlohmann::json toJson(const eval::ModelDiagnostics& d) {
  nlohmann::json j;
  j["embedding"] = {{"singular_value_entropy", d.embedding.singularValueEntropy},
                    {"effective_rank", d.embedding.effectiveRank},
                    {"isotropy", d.embedding.isotropy},
                    {"collapsed", d.embedding.collapsed},
                    {"dimensions", d.embedding.dimensions}};
  if (d.interests) {
    j["interests"] = {{"users", d.interests->users},
                      {"k", d.interests->interests},
                      {"distinct_routing_directions", d.interests->meanDistinctRoutingDirections},
                      {"mean_offdiag_abs_covariance", d.interests->meanOffDiagonalAbsCovariance},
                      {"l_reg", d.interests->meanLReg},
                      {"l_reg_concentration", d.interests->meanLRegConcentration},
                      {"l_reg_redundancy", d.interests->meanLRegRedundancy},
                      {"collapse_threshold", d.interests->collapseThreshold},
                      {"collapsed_head_share", d.interests->collapsedHeadShare},
                      {"mean_head_peak", d.interests->meanHeadPeak},
                      {"mean_effective_items", d.interests->meanEffectiveItems},
                      {"mean_effective_item_share", d.interests->meanEffectiveItemShare},
                      {"head_redundancy", d.interests->meanHeadRedundancy},
                      {"users_with_one_position", d.interests->usersWithOnePosition},
                      {"head_win_share", d.interests->argmaxShare}};
  }
  return j;
}

TrainResult trainModel(models::Model& model, const data::SequenceDataset& dataset, const TrainOptions& options,
                       const TrainCallbacks& callbacks, TrainControl* control) {
  if (dataset.train.empty()) throw std::invalid_argument("the dataset has no training samples");
  const auto start = Clock::now();
  setIntraOpThreads(options.threads);
  const torch::Device device = parseDevice(options.device);
  // One description of the run (the dataset's fingerprint hashes every
  // sample): for its checkpoints, and to check a state it resumes.
  CheckpointMeta meta = describe(model, dataset);
  meta.training["seed"] = options.seed;
  meta.training["device"] = options.device;
  meta.training["selection"] = options.selectionMetric;
  std::optional<TrainingState> resumed;
  if (options.resume) resumed = loadMatchingState(options, meta, model);
  const double secondsBefore = resumed ? resumed->seconds : 0.0;
  torch::manual_seed(options.seed);
  model.observeTrainingData(dataset);
  model.to(device);
  model.train();

  data::BatchOptions batchOptions;
  batchOptions.maxLength = model.shape().maxLength;
  batchOptions.numItems = model.shape().numItems;
  batchOptions.negatives = model.config().value("negatives", std::int64_t{0});
  const std::int64_t batchSize = model.getInt("batch_size");
  const std::int64_t maxEpochs = options.epochs >= 0 ? options.epochs : model.getInt("epochs");
  const std::int64_t patience = model.getInt("patience");
  const std::int64_t evalEvery = std::max<std::int64_t>(1, model.getInt("eval_every"));
  const auto validation = validationSubset(dataset, options);
  auto batchGenerator = diffusion::makeGenerator(options.seed);
  auto modelGenerator = diffusion::makeGenerator(options.seed + 1, device);

  eval::ModelSelection selection(options.selectionMetric);
  TrainResult result;
  Snapshot best = takeSnapshot(model);
  std::int64_t sinceImprovement = 0;
  const auto stages = model.stages();
  const auto numSamples = static_cast<std::int64_t>(dataset.train.size());
  const std::int64_t batches = (numSamples + batchSize - 1) / batchSize;
  if (resumed) {
    result.history = resumed->history;
    result.bestEpoch = resumed->bestEpoch;
    result.bestScore = resumed->bestScore;
    result.bestValidation = resumed->bestValidation;
    best.values = resumed->best;
    selection.restoreBests(resumed->selectionBests);
  }

  auto cancelled = [&] { return control && (control->cancelRequested() || !control->waitWhilePaused()); };
  // Everything needed to continue from the top of `epoch` of `stage`.
  auto saveState = [&](std::size_t stage, std::int64_t epoch, bool improvedInStage,
                       torch::optim::Optimizer& optimizer) {
    TrainingState state;
    state.modelName = meta.modelName;
    state.config = meta.config;
    state.shape = meta.shape;
    state.datasetName = meta.datasetName;
    state.datasetFingerprint = meta.datasetFingerprint;
    state.options = resumableOptions(options);
    state.stage = stage;
    state.stageName = stages[stage].name;
    state.epoch = epoch;
    state.sinceImprovement = sinceImprovement;
    state.improvedInStage = improvedInStage;
    state.bestEpoch = result.bestEpoch;
    state.bestScore = result.bestScore;
    state.bestValidation = result.bestValidation;
    state.history = result.history;
    state.selectionBests = selection.bests();
    state.seconds = secondsBefore + secondsSince(start);
    state.weights = takeSnapshot(model).values;
    state.best = best.values;
    state.optimizer = serializeOptimizer(optimizer);
    state.batchGenerator = generatorState(batchGenerator);
    state.modelGenerator = generatorState(modelGenerator);
    state.defaultCpuGenerator = generatorState(defaultGenerator(torch::kCPU));
    if (!device.is_cpu()) state.defaultDeviceGenerator = generatorState(defaultGenerator(device));
    saveTrainingState(options.statePath, state);
  };

  if (options.onlyStage >= static_cast<int>(stages.size())) {
    throw std::invalid_argument(model.modelName() + " has " + std::to_string(stages.size()) +
                                " training stage(s); stage " + std::to_string(options.onlyStage) + " does not exist");
  }
  for (std::size_t s = resumed ? resumed->stage : 0; s < stages.size() && !result.cancelled; ++s) {
    if (options.onlyStage >= 0 && s != static_cast<std::size_t>(options.onlyStage)) continue;
    const bool resuming = resumed && s == resumed->stage;
    if (!resuming && stages[s].refinesBest && result.bestEpoch > 0) {
      restoreSnapshot(model, best);
      selection.reset();  // its own validations select among themselves
      result.bestScore = -1.0;
    }
    model.beginStage(s);
    auto optimizer = makeOptimizer(model);
    bool improvedInStage = false;
    const std::int64_t stageEpochs = stages[s].epochs > 0 ? std::min(stages[s].epochs, maxEpochs) : maxEpochs;
    sinceImprovement = 0;
    std::int64_t firstEpoch = 0;
    if (resuming) {
      // After beginStage(), which may re-initialise modules from the default
      // generator: the saved weights and generator states replace all of it.
      restoreSnapshot(model, Snapshot{resumed->weights});
      try {
        restoreOptimizer(*optimizer, resumed->optimizer);
        setGeneratorState(batchGenerator, resumed->batchGenerator);
        setGeneratorState(modelGenerator, resumed->modelGenerator);
        setGeneratorState(defaultGenerator(torch::kCPU), resumed->defaultCpuGenerator);
        if (!device.is_cpu()) setGeneratorState(defaultGenerator(device), resumed->defaultDeviceGenerator);
      } catch (const std::exception& e) {
        throw CheckpointError(options.statePath + ": cannot resume: " + firstLine(e.what()));
      }
      sinceImprovement = resumed->sinceImprovement;
      improvedInStage = resumed->improvedInStage;
      firstEpoch = resumed->epoch;
    }
    for (std::int64_t epoch = firstEpoch; epoch < stageEpochs && !result.cancelled; ++epoch) {
      if (!options.statePath.empty() && !(resuming && epoch == firstEpoch)) {
        saveState(s, epoch, improvedInStage, *optimizer);
      }
      const auto epochStart = Clock::now();
      EpochReport report;
      report.stage = s;
      report.stageName = stages[s].name;
      report.epoch = epoch + 1;
      report.learningRate = scheduledLearningRate(model, epoch, stageEpochs);
      setLearningRate(*optimizer, report.learningRate);
      const auto order = data::shuffledIndices(numSamples, batchGenerator);
      std::int64_t done = 0;
      for (std::int64_t b = 0; b < batches; ++b) {
        if (cancelled()) {
          result.cancelled = true;
          break;
        }
        const auto first = order.begin() + b * batchSize;
        const std::vector<std::int64_t> indices(first, first + std::min(batchSize, numSamples - b * batchSize));
        auto batch = data::makeBatch(dataset.train, indices, batchOptions, batchGenerator, device);
        optimizer->zero_grad();
        auto terms = model.accumulateGradients(batch, modelGenerator);
        optimizer->step();
        ++done;
        BatchReport br;
        br.stage = s;
        br.stageName = stages[s].name;
        br.epoch = epoch + 1;
        br.batch = b + 1;
        br.batches = batches;
        br.losses["total"] = terms.total.item<double>();
        for (const auto& [name, value] : terms.components) br.losses[name] = value.item<double>();
        if (const auto bad = firstNonFiniteLoss(br.losses)) {
          // The model is lost to NaN: put the best one back (its checkpoint on
          // disk stays as it was written) and drop the run's state, which
          // would only diverge again.
          if (result.bestEpoch > 0) restoreSnapshot(model, best);
          model.eval();
          if (!options.statePath.empty()) {
            std::error_code ignored;
            std::filesystem::remove(options.statePath, ignored);
          }
          const std::string kept =
              result.bestEpoch == 0 ? std::string("No model was validated before, so none was kept.")
              : options.checkpointPath.empty()
                  ? "The best model so far (epoch " + std::to_string(result.bestEpoch) + ") is kept."
                  : options.checkpointPath + " keeps the best model so far (epoch " + std::to_string(result.bestEpoch) +
                        ").";
          throw TrainingDiverged(stages[s].name, epoch + 1, b + 1, batches, bad->first, bad->second,
                                 report.learningRate, kept);
        }
        for (const auto& [name, value] : br.losses) report.meanLosses[name] += value;
        br.elapsedSeconds = secondsBefore + secondsSince(start);
        br.etaSeconds = secondsSince(epochStart) / static_cast<double>(b + 1) * static_cast<double>(batches - b - 1);
        if (callbacks.onBatch) callbacks.onBatch(br);
      }
      if (done == 0) break;
      for (auto& [name, value] : report.meanLosses) value /= static_cast<double>(done);
      report.trainSeconds = secondsSince(epochStart);
      const bool lastEpoch = epoch + 1 == stageEpochs;
      if (!result.cancelled && !validation.empty() && stages[s].validated &&
          ((epoch + 1) % evalEvery == 0 || lastEpoch)) {
        const auto valStart = Clock::now();
        eval::EvaluationOptions eo;
        eo.batchSize = options.evalBatchSize;
        eo.reverse = options.validationReverse;
        eo.reverse.seed = options.seed;
        eo.progress = [&](std::int64_t, std::int64_t) { return !(control && control->cancelRequested()); };
        try {
          report.validation = eval::evaluate(model, validation, eo, device).metrics;
        } catch (const eval::Cancelled&) {
          result.cancelled = true;
        }
        if (report.validation && options.diagnosticUsers > 0) {
          eval::DiagnosticsOptions d;
          d.maxUsers = options.diagnosticUsers;
          d.linearProbe = false;
          try {
            report.diagnostics = eval::diagnoseModel(model, dataset, validation, options.device, d);
          } catch (const analysis::AnalysisError&) {
            // e.g. a catalogue too small for a spectrum: training goes on
          }
        }
        report.validationSeconds = secondsSince(valStart);
        if (report.validation) {
          if (selection.offer(*report.validation)) {
            result.bestScore = eval::metricByName(*report.validation, selection.scoreMetric());
            result.bestEpoch = static_cast<std::int64_t>(result.history.size()) + 1;
            result.bestValidation = report.validation;
            report.improved = true;
            improvedInStage = true;
            sinceImprovement = 0;
            best = takeSnapshot(model);
          } else {
            ++sinceImprovement;
          }
        }
      }
      result.history.push_back(report);
      if (report.improved && !options.checkpointPath.empty()) {
        meta.training["history"] = nlohmann::json::array();
        for (const auto& h : result.history) meta.training["history"].push_back(toJson(h));
        meta.training["best_epoch"] = result.bestEpoch;
        meta.metrics["validation"] = toJson(*result.bestValidation);
        saveCheckpoint(options.checkpointPath, model, meta);
      }
      if (callbacks.onEpoch) callbacks.onEpoch(report);
      if (stages[s].epochs == 0 && sinceImprovement >= patience) break;
    }
    // A refining stage that was never validated still replaces the snapshot it started from.
    if (stages[s].refinesBest && !improvedInStage && !result.cancelled && result.bestEpoch > 0) {
      best = takeSnapshot(model);
    }
  }
  if (result.bestEpoch > 0) restoreSnapshot(model, best);
  model.eval();
  result.seconds = secondsBefore + secondsSince(start);
  // A finished run needs no state; a cancelled one keeps it to resume from.
  if (!result.cancelled && !options.statePath.empty()) {
    std::error_code ignored;
    std::filesystem::remove(options.statePath, ignored);
  }
  return result;
}

}  // namespace recdiff::train
