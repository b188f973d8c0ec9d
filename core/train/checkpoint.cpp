#include "core/train/checkpoint.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>

#include <torch/torch.h>

#include "core/models/model_registry.h"

namespace recdiff::train {

namespace {

const char* kMetaKey = "recdiff_meta";

nlohmann::json metaToJson(const CheckpointMeta& m) {
  return {{"format_version", m.formatVersion},
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

CheckpointMeta metaFromJson(const std::string& path, const std::string& text) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw CheckpointError(path + ": corrupt metadata: " + e.what());
  }
  CheckpointMeta m;
  try {
    m.formatVersion = j.at("format_version").get<int>();
    if (m.formatVersion != kCheckpointFormatVersion) {
      throw CheckpointError(path + ": checkpoint format version " + std::to_string(m.formatVersion) +
                            " is not supported (this build reads version " +
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

CheckpointMeta readMeta(const std::string& path, torch::serialize::InputArchive& archive) {
  c10::IValue value;
  bool found = false;
  try {
    found = archive.try_read(kMetaKey, value);
  } catch (const c10::Error& e) {
    throw CheckpointError(path + ": corrupt checkpoint: " + firstLine(e.what()));
  }
  if (!found || !value.isString()) {
    throw CheckpointError(path + ": not a RecDiff Studio checkpoint (no metadata)");
  }
  return metaFromJson(path, value.toStringRef());
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

std::string firstLine(const std::string& s) { return s.substr(0, s.find('\n')); }

void openArchive(const std::string& path, torch::serialize::InputArchive& archive) {
  if (!std::filesystem::is_regular_file(path)) {
    throw CheckpointError(path + ": no such file");
  }
  try {
    archive.load_from(path);
  } catch (const c10::Error& e) {
    throw CheckpointError(path + ": not readable (truncated or corrupt?): " + firstLine(e.what()));
  }
}

void saveArchiveAtomically(const std::string& path, const std::function<void(torch::serialize::OutputArchive&)>& fill) {
  namespace fs = std::filesystem;
  const fs::path target(path);
  if (target.has_parent_path()) fs::create_directories(target.parent_path());
  const std::string temporary = path + ".part";
  try {
    torch::serialize::OutputArchive archive;
    fill(archive);
    archive.save_to(temporary);
  } catch (const c10::Error& e) {
    std::remove(temporary.c_str());
    throw CheckpointError(path + ": could not write: " + firstLine(e.what()));
  }
  std::error_code ec;
  fs::rename(temporary, target, ec);
  if (ec) {
    std::remove(temporary.c_str());
    throw CheckpointError(path + ": could not move the file into place: " + ec.message());
  }
}

void saveCheckpoint(const std::string& path, models::Model& model, const CheckpointMeta& meta) {
  saveArchiveAtomically(path, [&](torch::serialize::OutputArchive& archive) {
    // Parameters are always stored from the CPU so a CUDA-trained checkpoint
    // loads on a CPU-only machine.
    torch::serialize::OutputArchive weights;
    for (const auto& p : model.named_parameters()) weights.write(p.key(), p.value().detach().to(torch::kCPU));
    for (const auto& b : model.named_buffers()) weights.write(b.key(), b.value().detach().to(torch::kCPU), true);
    archive.write("model", weights);
    archive.write(kMetaKey, c10::IValue(metaToJson(meta).dump()));
  });
}

CheckpointMeta readCheckpointMeta(const std::string& path) {
  torch::serialize::InputArchive archive;
  openArchive(path, archive);
  return readMeta(path, archive);
}

namespace {

CheckpointMeta readCheckedMeta(const std::string& path, torch::serialize::InputArchive& archive,
                               const data::SequenceDataset* dataset) {
  openArchive(path, archive);
  CheckpointMeta meta = readMeta(path, archive);
  if (dataset && dataset->fingerprint() != meta.datasetFingerprint) {
    throw CheckpointError(path + ": trained on dataset '" + meta.datasetName + "' (" +
                          std::to_string(meta.shape.numItems) + " items), which is not the loaded dataset '" +
                          dataset->name + "' (" + std::to_string(dataset->numItems) + " items)");
  }
  return meta;
}

void restoreWeights(const std::string& path, torch::serialize::InputArchive& archive, models::Model& model) {
  torch::serialize::InputArchive weights;
  try {
    archive.read("model", weights);
  } catch (const c10::Error& e) {
    throw CheckpointError(path + ": no model parameters: " + firstLine(e.what()));
  }
  torch::NoGradGuard noGrad;
  auto restore = [&](const std::string& name, torch::Tensor& into, bool buffer) {
    torch::Tensor stored;
    try {
      weights.read(name, stored, buffer);
    } catch (const c10::Error& e) {
      throw CheckpointError(path + ": parameter '" + name + "' missing or corrupt");
    }
    if (stored.sizes() != into.sizes()) {
      throw CheckpointError(path + ": parameter '" + name + "' has shape " +
                            c10::str(stored.sizes()) + ", the model expects " + c10::str(into.sizes()));
    }
    into.copy_(stored);
  };
  for (auto& p : model.named_parameters()) restore(p.key(), p.value(), false);
  for (auto& b : model.named_buffers()) restore(b.key(), b.value(), true);
}

}  // namespace

LoadedCheckpoint loadCheckpoint(const std::string& path, const data::SequenceDataset* dataset) {
  torch::serialize::InputArchive archive;
  LoadedCheckpoint loaded;
  loaded.meta = readCheckedMeta(path, archive, dataset);
  try {
    loaded.model = models::createModel(loaded.meta.modelName, loaded.meta.config, loaded.meta.shape);
  } catch (const std::exception& e) {
    throw CheckpointError(path + ": " + e.what());
  }
  restoreWeights(path, archive, *loaded.model);
  loaded.model->eval();
  return loaded;
}

CheckpointMeta loadWeightsInto(const std::string& path, models::Model& model,
                               const data::SequenceDataset* dataset) {
  torch::serialize::InputArchive archive;
  CheckpointMeta meta = readCheckedMeta(path, archive, dataset);
  if (meta.modelName != model.modelName()) {
    throw CheckpointError(path + ": holds a " + meta.modelName + " model, not " + model.modelName());
  }
  if (meta.shape.numItems != model.shape().numItems) {
    throw CheckpointError(path + ": built for " + std::to_string(meta.shape.numItems) + " items, the model for " +
                          std::to_string(model.shape().numItems));
  }
  restoreWeights(path, archive, model);
  return meta;
}

}  // namespace recdiff::train
