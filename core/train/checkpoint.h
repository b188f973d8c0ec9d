// One self-describing checkpoint file: the model's name and full config, the
// data shape, the item id mapping, the dataset fingerprint, the training
// history and metrics, a format version, and the parameters. Written
// atomically (a temporary file in the same folder, then rename), so a crash
// or a cancel never leaves a half-written checkpoint behind.
#pragma once

#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <torch/serialize/archive.h>

#include "core/data/sequence_dataset.h"
#include "core/models/model.h"

namespace recdiff::train {

constexpr int kCheckpointFormatVersion = 1;

class CheckpointError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct CheckpointMeta {
  int formatVersion = kCheckpointFormatVersion;
  std::string modelName;
  models::Config config;
  models::DataShape shape;
  std::string datasetName;
  std::string datasetFingerprint;
  std::vector<std::string> itemTokens;  // itemTokens[id-1] = external token
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
// file and the problem for a missing, truncated or corrupt file, an unknown
// format version or model name, or a parameter whose shape does not match.
LoadedCheckpoint loadCheckpoint(const std::string& path,
                                const data::SequenceDataset* dataset = nullptr);

// Copies the checkpoint's parameters and buffers into `model`, a model of the
// same name that may have been built with another config (e.g. DAE4Rec with
// another sampling_steps, to train a compensator for it): every parameter
// and buffer of `model` must be stored, with the same shape. With `dataset`,
// refuses a checkpoint of another dataset. Throws CheckpointError like
// loadCheckpoint(); returns the checkpoint's metadata.
CheckpointMeta loadWeightsInto(const std::string& path, models::Model& model,
                               const data::SequenceDataset* dataset = nullptr);

// Only the metadata (cheap: for listing checkpoints in the GUI).
CheckpointMeta readCheckpointMeta(const std::string& path);

// The archive plumbing shared with training_state.cpp. saveArchiveAtomically
// lets `fill` write an archive, saves it to `path + ".part"` and renames that
// over `path`; openArchive loads one. Both throw CheckpointError naming the
// path (missing, unreadable, unwritable).
void saveArchiveAtomically(const std::string& path,
                           const std::function<void(torch::serialize::OutputArchive&)>& fill);
void openArchive(const std::string& path, torch::serialize::InputArchive& archive);
// The first line of a (LibTorch) error message.
std::string firstLine(const std::string& text);

}  // namespace recdiff::train
