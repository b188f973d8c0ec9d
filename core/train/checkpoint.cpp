#include "core/train/checkpoint.h"

#include <algorithm>
#include <unordered_map>

#include <torch/torch.h>

#include "core/models/model_registry.h"
#include "core/train/legacy_checkpoint.h"
#include "core/train/tensor_file.h"

namespace recdiff::train {

namespace {

const char* kFormat = "recdiff-checkpoint";
const char* kDescriptionKey = "checkpoint";

nlohmann::json metaToJson(const CheckpointMeta& m) {
  return {{"format_version", kCheckpointFormatVersion},
          {"model", m.modelName},
          {"config", m.config},
          {"num_items", m.shape.numItems},
          {"max_length", m.shape.maxLength},
          {"dataset", m.datasetName},
          {"dataset_fingerprint", m.datasetFingerprint},
          {"item_tokens", m.itemTokens},
          {"training", m.training},
          {"metrics", m.metrics}};
}

// `version` is the format the file was read as (1 for a converted archive).
CheckpointMeta metaFromJson(const std::string& path, const std::string& text, int version) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw CheckpointError(path + ": corrupt metadata: " + e.what());
  }
  CheckpointMeta m;
  try {
    const int stored = j.at("format_version").get<int>();
    if (stored != version) {
      throw CheckpointError(path + ": checkpoint format version " + std::to_string(stored) +
                            " is not supported (this build reads versions 1 and " +
                            std::to_string(kCheckpointFormatVersion) + ")");
    }
    m.modelName = j.at("model").get<std::string>();
    m.config = j.at("config");
    m.shape.numItems = j.at("num_items").get<std::int32_t>();
    m.shape.maxLength = j.at("max_length").get<std::int64_t>();
    m.datasetName = j.at("dataset").get<std::string>();
    m.datasetFingerprint = j.at("dataset_fingerprint").get<std::string>();
    m.itemTokens = j.at("item_tokens").get<std::vector<std::string>>();
    m.training = j.value("training", nlohmann::json::object());
    m.metrics = j.value("metrics", nlohmann::json::object());
  } catch (const nlohmann::json::exception& e) {
    throw CheckpointError(path + ": incomplete metadata: " + e.what());
  }
  return m;
}

struct StoredCheckpoint {
  CheckpointMeta meta;
  NamedTensors weights;
};

// Either format; without `tensors` only the description of a format-2 file.
StoredCheckpoint readStored(const std::string& path, bool tensors) {
  if (isZipArchive(path)) {
    LegacyCheckpoint legacy = readLegacyCheckpoint(path);
    StoredCheckpoint stored{metaFromJson(path, legacy.metaJson, 1), std::move(legacy.weights)};
    stored.meta.formatVersion = kCheckpointFormatVersion;
    return stored;
  }
  TensorFile file = readTensorFile(path, tensors);
  const auto format = file.metadata.find("format");
  if (format == file.metadata.end() || format->second != kFormat) {
    if (format != file.metadata.end() && format->second == "recdiff-training-state") {
      throw CheckpointError(path +
                            ": a resume state, not a checkpoint (the checkpoint is the file beside it, "
                            "without '.resume')");
    }
    throw CheckpointError(path + ": not a RecDiff Studio checkpoint");
  }
  if (requireMetadata(path, file, "format_version") != std::to_string(kCheckpointFormatVersion)) {
    throw CheckpointError(path + ": checkpoint format version " + file.metadata.at("format_version") +
                          " is not supported (this build reads versions 1 and " +
                          std::to_string(kCheckpointFormatVersion) + ")");
  }
  return {metaFromJson(path, requireMetadata(path, file, kDescriptionKey), kCheckpointFormatVersion),
          std::move(file.tensors)};
}

void checkDataset(const std::string& path, const CheckpointMeta& meta, const data::SequenceDataset* dataset) {
  if (dataset && dataset->fingerprint() != meta.datasetFingerprint) {
    throw CheckpointError(path + ": trained on dataset '" + meta.datasetName + "' (" +
                          std::to_string(meta.shape.numItems) + " items), which is not the loaded dataset '" +
                          dataset->name + "' (" + std::to_string(dataset->numItems) + " items)");
  }
}

// Loading builds the model the description names before it copies the
// stored tensors in, so a crafted description (num_items 10^9) could make it
// allocate far more than the file holds. Every model has an item table of
// num_items + 1 rows and `dim` columns: it must be among the stored tensors,
// which bounds what is built by the file's size.
void refuseModelLargerThanFile(const std::string& path, const CheckpointMeta& meta, const NamedTensors& stored) {
  const auto rows = static_cast<std::int64_t>(meta.shape.numItems) + 1;
  if (meta.itemTokens.size() != static_cast<std::size_t>(meta.shape.numItems)) {
    throw CheckpointError(path + ": describes " + std::to_string(meta.shape.numItems) + " items but lists " +
                          std::to_string(meta.itemTokens.size()) + " item ids");
  }
  const auto dim = meta.config.is_object() && meta.config.contains("dim") && meta.config["dim"].is_number_integer()
                       ? meta.config["dim"].get<std::int64_t>()
                       : 0;
  const bool table = std::any_of(stored.begin(), stored.end(), [&](const auto& named) {
    const torch::Tensor& t = named.second;
    return t.dim() == 2 && t.size(0) == rows && t.size(1) >= dim;
  });
  if (!table) {
    throw CheckpointError(path + ": describes a model of " + std::to_string(meta.shape.numItems) + " items (dim " +
                          std::to_string(dim) + ") but stores no item table of that size");
  }
}

models::ModelPtr createModelFor(const std::string& path, const CheckpointMeta& meta) {
  try {
    return models::createModel(meta.modelName, meta.config, meta.shape);
  } catch (const std::exception& e) {
    throw CheckpointError(path + ": " + e.what());
  }
}

// Every parameter and buffer of `model` must be stored, with its shape.
void restoreWeights(const std::string& path, const NamedTensors& stored, models::Model& model) {
  std::unordered_map<std::string, const torch::Tensor*> byName;
  for (const auto& [name, tensor] : stored) byName[name] = &tensor;
  torch::NoGradGuard noGrad;
  auto restore = [&](const std::string& name, torch::Tensor& into) {
    const auto it = byName.find(name);
    if (it == byName.end()) throw CheckpointError(path + ": parameter '" + name + "' missing");
    const torch::Tensor& from = *it->second;
    if (from.sizes() != into.sizes()) {
      throw CheckpointError(path + ": parameter '" + name + "' has shape " + c10::str(from.sizes()) +
                            ", the model expects " + c10::str(into.sizes()));
    }
    if (from.scalar_type() != into.scalar_type()) {
      throw CheckpointError(path + ": parameter '" + name + "' is stored as " +
                            std::string(c10::toString(from.scalar_type())) + ", the model expects " +
                            std::string(c10::toString(into.scalar_type())));
    }
    into.copy_(from);
  };
  for (auto& p : model.named_parameters()) restore(p.key(), p.value());
  for (auto& b : model.named_buffers()) restore(b.key(), b.value());
}

}  // namespace

CheckpointMeta describe(const models::Model& model, const data::SequenceDataset& dataset) {
  CheckpointMeta m;
  m.modelName = model.modelName();
  m.config = model.config();
  m.shape = model.shape();
  m.datasetName = dataset.name;
  m.datasetFingerprint = dataset.fingerprint();
  m.itemTokens = dataset.items.tokens();
  return m;
}

void saveCheckpoint(const std::string& path, models::Model& model, const CheckpointMeta& meta) {
  // Parameters are always stored from the CPU so a CUDA-trained checkpoint
  // loads on a CPU-only machine (writeTensorFile moves them).
  NamedTensors tensors;
  for (const auto& p : model.named_parameters()) tensors.emplace_back(p.key(), p.value());
  for (const auto& b : model.named_buffers()) tensors.emplace_back(b.key(), b.value());
  std::string description;
  try {
    description = metaToJson(meta).dump();
  } catch (const nlohmann::json::exception& e) {
    throw CheckpointError(path + ": cannot describe the model: " + e.what());
  }
  writeTensorFile(path,
                  {{"format", kFormat},
                   {"format_version", std::to_string(kCheckpointFormatVersion)},
                   {kDescriptionKey, description}},
                  tensors);
}

CheckpointMeta readCheckpointMeta(const std::string& path) { return readStored(path, false).meta; }

CheckpointMeta upgradeCheckpoint(const std::string& from, const std::string& to) {
  if (!isZipArchive(from)) {
    throw CheckpointError(from + ": not an old-format checkpoint (only format 1, a zip archive, needs upgrading)");
  }
  StoredCheckpoint stored = readStored(from, true);
  refuseModelLargerThanFile(from, stored.meta, stored.weights);
  auto model = createModelFor(from, stored.meta);
  restoreWeights(from, stored.weights, *model);
  saveCheckpoint(to, *model, stored.meta);
  return stored.meta;
}

LoadedCheckpoint loadCheckpoint(const std::string& path, const data::SequenceDataset* dataset) {
  StoredCheckpoint stored = readStored(path, true);
  checkDataset(path, stored.meta, dataset);
  LoadedCheckpoint loaded;
  loaded.meta = std::move(stored.meta);
  refuseModelLargerThanFile(path, loaded.meta, stored.weights);
  loaded.model = createModelFor(path, loaded.meta);
  restoreWeights(path, stored.weights, *loaded.model);
  loaded.model->eval();
  return loaded;
}

CheckpointMeta loadWeightsInto(const std::string& path, models::Model& model, const data::SequenceDataset* dataset) {
  StoredCheckpoint stored = readStored(path, true);
  checkDataset(path, stored.meta, dataset);
  if (stored.meta.modelName != model.modelName()) {
    throw CheckpointError(path + ": holds a " + stored.meta.modelName + " model, not " + model.modelName());
  }
  if (stored.meta.shape.numItems != model.shape().numItems) {
    throw CheckpointError(path + ": built for " + std::to_string(stored.meta.shape.numItems) +
                          " items, the model for " + std::to_string(model.shape().numItems));
  }
  restoreWeights(path, stored.weights, model);
  return stored.meta;
}

}  // namespace recdiff::train
