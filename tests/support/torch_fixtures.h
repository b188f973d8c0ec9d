// What the LibTorch model tests share: the device under test, the models and
// batches they build, and the trainer options of their short training runs
// (one thread, fixed seed, so a run repeats exactly).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "core/data/batching.h"
#include "core/diffusion/generator.h"
#include "core/models/model_registry.h"
#include "core/train/trainer.h"
#include "tests/support/check.h"

namespace recdiff::test {

inline torch::Device device() { return torch::Device(testDevice()); }

// Skips a CUDA run on a machine without CUDA, and keeps LibTorch to one
// thread: the test machines are oversubscribed.
inline void requireDevice() {
  if (device().is_cuda() && !torch::cuda::is_available()) SKIP("no CUDA device");
  torch::set_num_threads(1);
}

inline train::TrainOptions trainOptions() {
  train::TrainOptions o;
  o.device = testDevice();
  o.threads = 1;
  o.seed = 11;
  return o;
}

// Model `name` at its defaults with each list of overrides applied in turn
// (a later one wins), on the CPU.
inline models::ModelPtr configuredModel(const std::string& name,
                                        std::initializer_list<std::vector<std::string>> overrideLists,
                                        const models::DataShape& shape,
                                        std::optional<std::uint64_t> initSeed = std::nullopt) {
  const auto& info = models::modelInfo(name);
  auto config = info.defaults();
  for (const auto& list : overrideLists) {
    for (const auto& o : list) models::applyOverride(info, config, o);
  }
  return models::createModel(name, config, shape, initSeed);
}

// All of `samples`, in their order, as one batch on the device under test;
// negatives (if any) drawn with a fixed generator.
inline data::Batch batchOf(const std::vector<data::Sample>& samples, std::int64_t maxLength, std::int32_t numItems = 0,
                           std::int64_t negatives = 0) {
  data::BatchOptions o;
  o.maxLength = maxLength;
  o.numItems = numItems;
  o.negatives = negatives;
  std::vector<std::int64_t> idx(samples.size());
  for (std::size_t i = 0; i < idx.size(); ++i) idx[i] = static_cast<std::int64_t>(i);
  return data::makeBatch(samples, idx, o, diffusion::makeGenerator(3), device());
}

// Backpropagates `loss` and checks that it and every gradient it leaves on
// `parameters` are finite; returns how many of them received a gradient.
inline std::int64_t checkFiniteBackward(const torch::Tensor& loss, const std::vector<torch::Tensor>& parameters) {
  CHECK(torch::isfinite(loss).item<bool>());
  loss.backward();
  std::int64_t withGradient = 0;
  for (const auto& p : parameters) {
    if (!p.grad().defined()) continue;
    ++withGradient;
    CHECK(torch::isfinite(p.grad()).all().item<bool>());
  }
  return withGradient;
}

// Scores over the catalogue: a row per sample and a column per item id,
// column 0 (padding) -inf so it is never recommended, every item finite.
inline void checkCatalogScores(const torch::Tensor& scores, std::int64_t samples, std::int32_t numItems) {
  CHECK_EQ(scores.sizes().vec(), (std::vector<std::int64_t>{samples, numItems + 1}));
  CHECK(torch::isinf(scores.select(1, 0)).all().item<bool>());
  CHECK(torch::isfinite(scores.slice(1, 1)).all().item<bool>());
}

}  // namespace recdiff::test
