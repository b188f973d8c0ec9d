#include "core/train/training_state.h"

#include <memory>
#include <sstream>
#include <type_traits>

#include "core/train/checkpoint.h"

namespace recdiff::train {

namespace {

const char* kFormat = "recdiff-training-state";
const char* kDescriptionKey = "state";

const torch::Tensor& requireTensor(const std::string& path, const std::map<std::string, torch::Tensor>& stored,
                                   const std::string& name) {
  const auto it = stored.find(name);
  if (it == stored.end()) throw CheckpointError(path + ": training state lacks tensor '" + name + "'");
  return it->second;
}

// Optimiser states are keyed by their parameter's TensorImpl: as a string in
// LibTorch 1.x (the pointer printed), as the pointer in 2.x.
template <typename Key>
Key optimizerStateKey(const torch::Tensor& parameter) {
  if constexpr (std::is_same_v<Key, std::string>) {
    std::ostringstream text;
    text << static_cast<const void*>(parameter.unsafeGetTensorImpl());
    return text.str();
  } else {
    return static_cast<Key>(parameter.unsafeGetTensorImpl());
  }
}

template <typename ParamState>
void appendAdamState(NamedTensors& out, const std::string& prefix, const ParamState& s) {
  out.emplace_back(prefix + "step", torch::tensor(static_cast<std::int64_t>(s.step()), torch::kLong));
  out.emplace_back(prefix + "exp_avg", s.exp_avg());
  out.emplace_back(prefix + "exp_avg_sq", s.exp_avg_sq());
  if (s.max_exp_avg_sq().defined()) out.emplace_back(prefix + "max_exp_avg_sq", s.max_exp_avg_sq());
}

// The state stored under `prefix` for `parameter`, checked against it.
template <typename ParamState>
std::unique_ptr<ParamState> readAdamState(const std::map<std::string, torch::Tensor>& stored, const std::string& prefix,
                                          const torch::Tensor& parameter) {
  auto get = [&](const std::string& field, bool required) -> torch::Tensor {
    const auto it = stored.find(prefix + field);
    if (it == stored.end()) {
      if (!required) return {};
      throw CheckpointError("the resume state's optimiser lacks '" + prefix + field + "'");
    }
    const bool scalar = field == "step";
    if (scalar ? it->second.numel() != 1 : it->second.sizes() != parameter.sizes()) {
      throw CheckpointError("the resume state's optimiser entry '" + prefix + field + "' has shape " +
                            c10::str(it->second.sizes()) + ", its parameter " + c10::str(parameter.sizes()));
    }
    return scalar ? it->second
                  : it->second.to(parameter.device(), parameter.scalar_type(), /*non_blocking=*/false, /*copy=*/true);
  };
  auto s = std::make_unique<ParamState>();
  s->step(get("step", true).to(torch::kLong).template item<std::int64_t>());
  s->exp_avg(get("exp_avg", true));
  s->exp_avg_sq(get("exp_avg_sq", true));
  if (auto max = get("max_exp_avg_sq", false); max.defined()) s->max_exp_avg_sq(max);
  return s;
}

void appendNumbered(NamedTensors& out, const std::string& prefix, const std::vector<torch::Tensor>& tensors) {
  for (std::size_t i = 0; i < tensors.size(); ++i) out.emplace_back(prefix + std::to_string(i), tensors[i]);
}

// The tensors stored under `prefix` + 0, 1, ... `count` - 1.
std::vector<torch::Tensor> takeNumbered(const std::string& path, const std::map<std::string, torch::Tensor>& stored,
                                        const std::string& prefix, std::size_t count) {
  std::vector<torch::Tensor> out;
  for (std::size_t i = 0; i < count; ++i) out.push_back(requireTensor(path, stored, prefix + std::to_string(i)));
  return out;
}

nlohmann::json describeState(const TrainingState& s) {
  nlohmann::json history = nlohmann::json::array();
  for (const auto& r : s.history) history.push_back({{"stage_index", r.stage}, {"report", toJson(r)}});
  nlohmann::json j = {{"format_version", kTrainingStateFormatVersion},
                      {"model", s.modelName},
                      {"config", s.config},
                      {"num_items", s.shape.numItems},
                      {"max_length", s.shape.maxLength},
                      {"dataset", s.datasetName},
                      {"dataset_fingerprint", s.datasetFingerprint},
                      {"options", s.options},
                      {"stage", s.stage},
                      {"stage_name", s.stageName},
                      {"epoch", s.epoch},
                      {"since_improvement", s.sinceImprovement},
                      {"improved_in_stage", s.improvedInStage},
                      {"best_epoch", s.bestEpoch},
                      {"best_score", s.bestScore},
                      {"history", history},
                      {"selection_bests", s.selectionBests},
                      {"seconds", s.seconds},
                      {"weights", s.weights.size()},
                      {"best", s.best.size()},
                      {"device_generator", s.defaultDeviceGenerator.defined()}};
  if (s.bestValidation) j["best_validation"] = toJson(*s.bestValidation);
  return j;
}

}  // namespace

nlohmann::json resumableOptions(const TrainOptions& o) {
  const auto& r = o.validationReverse;
  return {{"seed", o.seed},
          {"device", o.device},
          {"epochs", o.epochs},
          {"eval_batch_size", o.evalBatchSize},
          {"validation_samples", o.validationSamples},
          {"selection", o.selectionMetric},
          {"only_stage", o.onlyStage},
          {"diagnostic_users", o.diagnosticUsers},
          {"validation_reverse",
           {{"sampler", r.sampler},
            {"steps", r.steps},
            {"eta", r.eta},
            {"seed", r.seed},
            {"ensemble", r.ensemble},
            {"compensator", r.compensator}}}};
}

TrainOptions applyResumableOptions(const nlohmann::json& j, TrainOptions o) {
  o.seed = j.at("seed").get<std::uint64_t>();
  o.device = j.at("device").get<std::string>();
  o.epochs = j.at("epochs").get<std::int64_t>();
  o.evalBatchSize = j.at("eval_batch_size").get<std::int64_t>();
  o.validationSamples = j.at("validation_samples").get<std::int64_t>();
  o.selectionMetric = j.at("selection").get<std::string>();
  o.onlyStage = j.at("only_stage").get<int>();
  o.diagnosticUsers = j.at("diagnostic_users").get<std::int64_t>();
  const auto& r = j.at("validation_reverse");
  o.validationReverse.sampler = r.at("sampler").get<std::string>();
  o.validationReverse.steps = r.at("steps").get<std::int64_t>();
  o.validationReverse.eta = r.at("eta").get<double>();
  o.validationReverse.seed = r.at("seed").get<std::uint64_t>();
  o.validationReverse.ensemble = r.at("ensemble").get<int>();
  o.validationReverse.compensator = r.at("compensator").get<bool>();
  return o;
}

std::optional<std::string> firstDifference(const nlohmann::json& have, const nlohmann::json& want) {
  for (const auto& [key, value] : want.items()) {
    if (!have.contains(key)) return key + " missing, not " + value.dump();
    const auto& stored = have.at(key);
    if (stored.is_object() && value.is_object()) {
      if (auto inner = firstDifference(stored, value)) return key + "." + *inner;
    } else if (stored != value) {
      return key + " " + stored.dump() + ", not " + value.dump();
    }
  }
  return std::nullopt;
}

std::string trainingStatePath(const std::string& checkpointPath) { return checkpointPath + ".resume"; }

NamedTensors serializeOptimizer(torch::optim::Optimizer& optimizer) {
  using Key = std::decay_t<decltype(optimizer.state())>::key_type;
  NamedTensors out;
  std::size_t index = 0;
  for (const auto& group : optimizer.param_groups()) {
    for (const auto& parameter : group.params()) {
      const auto it = optimizer.state().find(optimizerStateKey<Key>(parameter));
      const std::string prefix = std::to_string(index++) + ".";
      if (it == optimizer.state().end()) continue;  // not stepped yet
      if (const auto* adam = dynamic_cast<const torch::optim::AdamParamState*>(it->second.get())) {
        appendAdamState(out, prefix, *adam);
      } else if (const auto* adamw = dynamic_cast<const torch::optim::AdamWParamState*>(it->second.get())) {
        appendAdamState(out, prefix, *adamw);
      } else {
        throw std::logic_error("serializeOptimizer: only Adam and AdamW states can be stored");
      }
    }
  }
  return out;
}

void restoreOptimizer(torch::optim::Optimizer& optimizer, const NamedTensors& state) {
  using Key = std::decay_t<decltype(optimizer.state())>::key_type;
  const std::map<std::string, torch::Tensor> stored(state.begin(), state.end());
  const bool adamw = dynamic_cast<torch::optim::AdamW*>(&optimizer) != nullptr;
  std::size_t index = 0;
  for (const auto& group : optimizer.param_groups()) {
    for (const auto& parameter : group.params()) {
      const std::string prefix = std::to_string(index++) + ".";
      if (!stored.count(prefix + "step")) continue;
      auto& slot = optimizer.state()[optimizerStateKey<Key>(parameter)];
      if (adamw) {
        slot = readAdamState<torch::optim::AdamWParamState>(stored, prefix, parameter);
      } else {
        slot = readAdamState<torch::optim::AdamParamState>(stored, prefix, parameter);
      }
    }
  }
}

void saveTrainingState(const std::string& path, const TrainingState& s) {
  NamedTensors tensors;
  appendNumbered(tensors, "weights.", s.weights);
  appendNumbered(tensors, "best.", s.best);
  for (const auto& [name, tensor] : s.optimizer) tensors.emplace_back("optimizer." + name, tensor);
  tensors.emplace_back("batch_generator", s.batchGenerator);
  tensors.emplace_back("model_generator", s.modelGenerator);
  tensors.emplace_back("default_cpu_generator", s.defaultCpuGenerator);
  if (s.defaultDeviceGenerator.defined()) tensors.emplace_back("default_device_generator", s.defaultDeviceGenerator);
  writeTensorFile(path,
                  {{"format", kFormat},
                   {"format_version", std::to_string(kTrainingStateFormatVersion)},
                   {kDescriptionKey, describeState(s).dump()}},
                  tensors);
}

TrainingState loadTrainingState(const std::string& path, bool tensors) {
  if (isZipArchive(path)) {
    throw CheckpointError(path +
                          ": a training state written by an earlier version of RecDiff Studio (format 1, "
                          "an archive that may carry code), which this version does not open; start the "
                          "run again, or finish it with the version that wrote it");
  }
  TensorFile file = readTensorFile(path, tensors);
  const auto format = file.metadata.find("format");
  if (format == file.metadata.end() || format->second != kFormat) {
    throw CheckpointError(path +
                          ": not a RecDiff Studio training state (a checkpoint? resume from the "
                          "'.resume' file written beside it)");
  }
  TrainingState s;
  try {
    const auto j = nlohmann::json::parse(requireMetadata(path, file, kDescriptionKey));
    const int version = j.at("format_version").get<int>();
    if (version != kTrainingStateFormatVersion ||
        requireMetadata(path, file, "format_version") != std::to_string(kTrainingStateFormatVersion)) {
      throw CheckpointError(path + ": training state format version " + std::to_string(version) +
                            " is not supported (this build reads version " +
                            std::to_string(kTrainingStateFormatVersion) + ")");
    }
    s.modelName = j.at("model").get<std::string>();
    s.config = j.at("config");
    s.shape.numItems = j.at("num_items").get<std::int32_t>();
    s.shape.maxLength = j.at("max_length").get<std::int64_t>();
    s.datasetName = j.at("dataset").get<std::string>();
    s.datasetFingerprint = j.at("dataset_fingerprint").get<std::string>();
    s.options = j.at("options");
    s.stage = j.at("stage").get<std::size_t>();
    s.stageName = j.at("stage_name").get<std::string>();
    s.epoch = j.at("epoch").get<std::int64_t>();
    s.sinceImprovement = j.at("since_improvement").get<std::int64_t>();
    s.improvedInStage = j.at("improved_in_stage").get<bool>();
    s.bestEpoch = j.at("best_epoch").get<std::int64_t>();
    s.bestScore = j.at("best_score").get<double>();
    if (j.contains("best_validation")) s.bestValidation = rankingMetricsFromJson(j.at("best_validation"));
    for (const auto& h : j.at("history")) {
      EpochReport r = epochReportFromJson(h.at("report"));
      r.stage = h.at("stage_index").get<std::size_t>();
      s.history.push_back(std::move(r));
    }
    s.selectionBests = j.at("selection_bests").get<std::map<std::string, double>>();
    s.seconds = j.at("seconds").get<double>();
    if (!tensors) return s;
    std::map<std::string, torch::Tensor> stored;
    const std::string optimizerPrefix = "optimizer.";
    for (auto& [name, tensor] : file.tensors) {
      if (name.rfind(optimizerPrefix, 0) == 0) {
        s.optimizer.emplace_back(name.substr(optimizerPrefix.size()), tensor);
      } else {
        stored.emplace(name, tensor);
      }
    }
    s.weights = takeNumbered(path, stored, "weights.", j.at("weights").get<std::size_t>());
    s.best = takeNumbered(path, stored, "best.", j.at("best").get<std::size_t>());
    s.batchGenerator = requireTensor(path, stored, "batch_generator");
    s.modelGenerator = requireTensor(path, stored, "model_generator");
    s.defaultCpuGenerator = requireTensor(path, stored, "default_cpu_generator");
    if (j.at("device_generator").get<bool>()) {
      s.defaultDeviceGenerator = requireTensor(path, stored, "default_device_generator");
    }
  } catch (const nlohmann::json::exception& e) {
    throw CheckpointError(path + ": incomplete training state: " + e.what());
  }
  return s;
}

}  // namespace recdiff::train
