#include "core/train/training_state.h"

#include "core/train/checkpoint.h"

namespace recdiff::train {

namespace {

const char* kStateKey = "recdiff_training_state";

void writeTensors(torch::serialize::OutputArchive& archive, const std::string& key,
                  const std::vector<torch::Tensor>& tensors) {
  torch::serialize::OutputArchive list;
  for (std::size_t i = 0; i < tensors.size(); ++i) list.write(std::to_string(i), tensors[i].to(torch::kCPU));
  archive.write(key, list);
}

std::vector<torch::Tensor> readTensors(torch::serialize::InputArchive& archive, const std::string& key,
                                       std::size_t count) {
  torch::serialize::InputArchive list;
  archive.read(key, list);
  std::vector<torch::Tensor> out(count);
  for (std::size_t i = 0; i < count; ++i) list.read(std::to_string(i), out[i]);
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
           {{"sampler", r.sampler}, {"steps", r.steps}, {"eta", r.eta}, {"seed", r.seed},
            {"ensemble", r.ensemble}, {"compensator", r.compensator}}}};
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

torch::Tensor serializeOptimizer(torch::optim::Optimizer& optimizer) {
  torch::serialize::OutputArchive archive;
  optimizer.save(archive);
  std::string bytes;
  archive.save_to([&](const void* data, std::size_t size) {
    bytes.append(static_cast<const char*>(data), size);
    return size;
  });
  return torch::from_blob(bytes.data(), {static_cast<std::int64_t>(bytes.size())}, torch::kUInt8).clone();
}

void restoreOptimizer(torch::optim::Optimizer& optimizer, const torch::Tensor& bytes, const torch::Device& device) {
  const auto contiguous = bytes.contiguous();
  torch::serialize::InputArchive archive;
  archive.load_from(reinterpret_cast<const char*>(contiguous.data_ptr<std::uint8_t>()),
                    static_cast<std::size_t>(contiguous.numel()), device);
  optimizer.load(archive);
}

void saveTrainingState(const std::string& path, const TrainingState& s) {
  saveArchiveAtomically(path, [&](torch::serialize::OutputArchive& archive) {
    archive.write(kStateKey, c10::IValue(describeState(s).dump()));
    writeTensors(archive, "weights", s.weights);
    writeTensors(archive, "best", s.best);
    archive.write("optimizer", s.optimizer);
    archive.write("batch_generator", s.batchGenerator);
    archive.write("model_generator", s.modelGenerator);
    archive.write("default_cpu_generator", s.defaultCpuGenerator);
    if (s.defaultDeviceGenerator.defined()) archive.write("default_device_generator", s.defaultDeviceGenerator);
  });
}

TrainingState loadTrainingState(const std::string& path, bool tensors) {
  torch::serialize::InputArchive archive;
  openArchive(path, archive);
  c10::IValue value;
  bool found = false;
  try {
    found = archive.try_read(kStateKey, value);
  } catch (const c10::Error& e) {
    throw CheckpointError(path + ": corrupt training state: " + firstLine(e.what()));
  }
  if (!found || !value.isString()) {
    throw CheckpointError(path + ": not a RecDiff Studio training state (a checkpoint? resume from the "
                                 "'.resume' file written beside it)");
  }
  TrainingState s;
  try {
    const auto j = nlohmann::json::parse(value.toStringRef());
    const int version = j.at("format_version").get<int>();
    if (version != kTrainingStateFormatVersion) {
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
    s.weights = readTensors(archive, "weights", j.at("weights").get<std::size_t>());
    s.best = readTensors(archive, "best", j.at("best").get<std::size_t>());
    archive.read("optimizer", s.optimizer);
    archive.read("batch_generator", s.batchGenerator);
    archive.read("model_generator", s.modelGenerator);
    archive.read("default_cpu_generator", s.defaultCpuGenerator);
    if (j.at("device_generator").get<bool>()) archive.read("default_device_generator", s.defaultDeviceGenerator);
  } catch (const nlohmann::json::exception& e) {
    throw CheckpointError(path + ": incomplete training state: " + e.what());
  } catch (const c10::Error& e) {
    throw CheckpointError(path + ": corrupt training state: " + firstLine(e.what()));
  }
  return s;
}

}  // namespace recdiff::train
