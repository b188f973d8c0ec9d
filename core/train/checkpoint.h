// One self-describing checkpoint file: the model's name and full config, the
// data shape, the item id mapping, the dataset fingerprint, the training
// history and metrics, a format version, and the parameters. Data only (the
// safetensors layout with a checksum, core/train/tensor_file.h), written
// atomically (core/data/atomic_file.h), so a crash, a cancel or a full disk
// never leaves a half-written checkpoint behind and loading one runs nothing.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/data/sequence_dataset.h"
#include "core/models/model.h"
#include "core/train/checkpoint_error.h"

namespace recdiff::train {

// 1: a LibTorch archive (read through legacy_checkpoint.h); 2: a tensor file.
constexpr int kCheckpointFormatVersion = 2;

struct CheckpointMeta {
  int formatVersion = kCheckpointFormatVersion;
  std::string modelName;
  models::Config config;
  models::DataShape shape;
  std::string datasetName;
  std::string datasetFingerprint;
  std::vector<std::string> itemTokens;                 // itemTokens[id-1] = external token
  nlohmann::json training = nlohmann::json::object();  // options, history, best epoch
  nlohmann::json metrics = nlohmann::json::object();   // e.g. {"validation": {...}}
};

// The metadata of a model trained on `dataset` (training and metrics empty).
CheckpointMeta describe(const models::Model& model, const data::SequenceDataset& dataset);

void saveCheckpoint(const std::string& path, models::Model& model, const CheckpointMeta& meta);

struct LoadedCheckpoint {
  models::ModelPtr model;  // on the CPU, in eval() mode
  CheckpointMeta meta;
};

// Loads a checkpoint. With `dataset`, refuses one trained on another dataset
// (fingerprint mismatch). Throws CheckpointError with a message naming the
// file and the problem for a missing, truncated or corrupt file (checksum),
// an unknown format version or model name, or a parameter whose shape does
// not match. A format-1 file is converted on the fly, unless it carries code.
LoadedCheckpoint loadCheckpoint(const std::string& path, const data::SequenceDataset* dataset = nullptr);

// Copies the checkpoint's parameters and buffers into `model`, a model of the
// same name that may have been built with another config (e.g. DAE4Rec with
// another sampling_steps, to train a compensator for it): every parameter
// and buffer of `model` must be stored, with the same shape. With `dataset`,
// refuses a checkpoint of another dataset. Throws CheckpointError like
// loadCheckpoint(); returns the checkpoint's metadata.
CheckpointMeta loadWeightsInto(const std::string& path, models::Model& model,
                               const data::SequenceDataset* dataset = nullptr);

// Only the metadata (cheap: for listing checkpoints in the GUI; the checksum
// is verified when the checkpoint is loaded).
CheckpointMeta readCheckpointMeta(const std::string& path);

// Rewrites a format-1 checkpoint at `from` as a format-2 one at `to` (which
// may be the same path); returns its metadata. Throws CheckpointError when
// `from` is not a format-1 checkpoint or carries code.
CheckpointMeta upgradeCheckpoint(const std::string& from, const std::string& to);

}  // namespace recdiff::train
