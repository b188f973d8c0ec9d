// The one interface every recommender implements, so that the CLI, trainer,
// evaluator and GUI never name a concrete model.
//
// A model is a torch::nn::Module (its parameters and buffers are what a
// checkpoint saves) plus:
//   - loss():    named loss components for one training batch;
//   - reverse(): the generation for a batch of histories — for diffusion
//                models the full reverse process from noise, optionally
//                recorded step by step in a trace; for the baselines a single
//                deterministic step — returning the generated embedding;
//   - score():   scores of every item for a batch (dot products of the
//                generated embedding with the item table, unless the model
//                scores differently, e.g. ComiRec's max over interests);
//   - inspect(): optional inspection hooks (routing weights, covariance, …).
#pragma once

#include <torch/nn/module.h>
#include <torch/types.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/data/batching.h"
#include "core/models/model_config.h"

namespace recdiff::diffusion {
class TraceRecorder;
}

namespace recdiff::models {

// What a model needs to know about the data to build itself.
struct DataShape {
  std::int32_t numItems = 0;    // ids 1..numItems, 0 = padding
  std::int64_t maxLength = 50;  // history length seen by the model
};

// The loss of one batch: the total to minimise and each named component
// (unweighted, as the paper names them) for reporting.
struct LossTerms {
  torch::Tensor total;
  std::map<std::string, torch::Tensor> components;
};

// How to run the reverse process at inference.
struct ReverseOptions {
  std::string sampler = "ddpm";  // "ddpm" or "ddim"
  std::int64_t steps = 0;        // DDIM steps S (0 = all T)
  double eta = 0.0;              // DDIM eta
  std::uint64_t seed = 0;        // seed of the initial noise and sampling noise
  int ensemble = 1;              // reverse runs averaged (DiffuRecSys)
  bool compensator = true;       // a learned last step, where the model has one (DAE4Rec)
  // Multiplies x_T and the sampler's step noise (SamplerConfig::noiseScale):
  // 1 = the model's own process, 0 = no noise, x0 from the history alone.
  double noiseScale = 1.0;
};

// Named inspection outputs for one batch, e.g. "routing_weights" [B,L,k],
// "routing_covariance" [B,k,k], "l_reg" [B], "guidance_g1" [B,k,d].
using Inspection = std::map<std::string, torch::Tensor>;

// A stage of a multi-stage schedule (ADRec: pre-train, warm-up, full).
struct TrainingStage {
  std::string name;
  std::int64_t epochs = 0;  // 0 = until early stopping
  // False for a stage after which the model cannot rank yet (DAE4Rec's GAE
  // pre-training leaves the denoiser untrained): it is not validated, so it
  // can never be the best model a later stage has to beat.
  bool validated = true;
  // True for a stage that refines the model selected so far (DAE4Rec's
  // compensator is fitted to the best denoiser, which stays frozen): it starts
  // from the best snapshot, and its result replaces that snapshot even where
  // its own validations score lower (they select only among themselves).
  bool refinesBest = false;
};

class Model : public torch::nn::Module {
 public:
  Model(std::string name, Config config, DataShape shape)
      : name_(std::move(name)), config_(std::move(config)), shape_(shape) {}
  ~Model() override = default;

  const std::string& modelName() const { return name_; }
  const Config& config() const { return config_; }
  const DataShape& shape() const { return shape_; }

  // Losses for one training batch. `generator` drives every random draw.
  virtual LossTerms loss(const data::Batch& batch, torch::Generator generator) = 0;

  // One training step's gradients: loss() and backward() of its total, by
  // default. A model whose batch expands into many samples (DiffuRec's
  // prefixes) overrides it to back-propagate in pieces, so that only one
  // piece's activations are alive at a time; the gradient is the same sum.
  // The terms returned carry no graph (they are for reporting).
  virtual LossTerms accumulateGradients(const data::Batch& batch, torch::Generator generator);

  // The generated target embedding [B,d] for each history of the batch.
  // `trace` (may be null) records each reverse step.
  virtual torch::Tensor reverse(const data::Batch& batch, const ReverseOptions& options,
                                diffusion::TraceRecorder* trace) = 0;

  // Scores of all items [B, numItems+1]; column 0 (padding) is -inf.
  virtual torch::Tensor score(const data::Batch& batch, const ReverseOptions& options);

  // The item embedding table [numItems+1, d] used for scoring.
  virtual torch::Tensor itemEmbeddings() const = 0;

  // Number of diffusion steps T (0 for non-diffusion baselines).
  virtual std::int64_t diffusionSteps() const { return 0; }

  // Optional inspection outputs; empty by default.
  virtual Inspection inspect(const data::Batch& batch) { return {}; }

  // Called by the trainer once before the first stage with the training data
  // (DAE4Rec builds its item-item graph here). Anything derived from it that
  // inference needs must be a registered buffer, so checkpoints carry it.
  virtual void observeTrainingData(const data::SequenceDataset& dataset) {}

  // Multi-stage training; the trainer calls beginStage() before each stage.
  virtual std::vector<TrainingStage> stages() const { return {{"train", 0}}; }
  virtual void beginStage(std::size_t stage) {}

  // Parameters the optimiser should update in the current stage.
  virtual std::vector<torch::Tensor> trainableParameters() { return parameters(); }

  // Typed config access with the declared default as fallback.
  double getDouble(const std::string& key) const { return config_.at(key).get<double>(); }
  std::int64_t getInt(const std::string& key) const { return config_.at(key).get<std::int64_t>(); }
  bool getBool(const std::string& key) const { return config_.at(key).get<bool>(); }
  std::string getString(const std::string& key) const { return config_.at(key).get<std::string>(); }

 protected:
  // Dot-product scores of `generated` [B,d] against the item table, with the
  // padding column set to -inf.
  torch::Tensor scoreAgainstItems(const torch::Tensor& generated) const;

 private:
  std::string name_;
  Config config_;
  DataShape shape_;
};

using ModelPtr = std::shared_ptr<Model>;

}  // namespace recdiff::models
