#include "app/studio/inspection_facade.h"

#include <torch/torch.h>

#include <numeric>

#include "core/analysis/tensor_bridge.h"
#include "core/core_version.h"
#include "core/data/batching.h"
#include "core/diffusion/generator.h"
#include "core/diffusion/trace.h"
#include "core/models/model.h"
#include "core/train/trainer.h"

namespace recdiff::studio::core {

namespace {

void checkSample(const models::Model& model, const data::Sample& sample) {
  const auto n = model.shape().numItems;
  auto bad = [n](data::ItemId id) { return id < 1 || id > n; };
  bool ok = !bad(sample.target);
  for (auto id : sample.history) ok = ok && !bad(id);
  if (!ok) {
    throw std::invalid_argument("the sample names an item outside the model's catalogue of " + std::to_string(n) +
                                " items: load the dataset it was trained on");
  }
}

data::Batch batchOf(const models::Model& model, const data::Sample& sample, const torch::Device& device) {
  data::BatchOptions options;
  options.maxLength = model.shape().maxLength;
  options.numItems = model.shape().numItems;
  return data::makeBatch({sample}, {0}, options, diffusion::makeGenerator(0), device);
}

// The device the model's parameters are on now.
torch::Device deviceOf(models::Model& model) {
  const auto parameters = model.parameters();
  return parameters.empty() ? torch::Device(torch::kCPU) : parameters.front().device();
}

}  // namespace

diffusion::TraceTable traceReverse(const ModelHandle& handle, const data::Sample& sample,
                                   const TraceSettings& settings) {
  if (handle.isNull()) throw std::invalid_argument("no model to run");
  auto lock = handle.lock();
  setIntraOpThreads(settings.threads);
  models::Model& model = *handle.model();
  checkSample(model, sample);
  const torch::Device device = train::parseDevice(settings.device);
  model.to(device);
  const bool wasTraining = model.is_training();
  model.eval();
  torch::NoGradGuard noGrad;
  const data::Batch batch = batchOf(model, sample, device);
  diffusion::TraceRecorder recorder(model.itemEmbeddings().detach(), batch.target, settings.topK);
  if (settings.excludeHistory) recorder.excludeHistory(batch.history);
  if (settings.sensitivityStep > 0.0) recorder.setSensitivityProbe(settings.sensitivityStep, settings.seed);
  models::ReverseOptions options;
  options.sampler = settings.sampler;
  options.steps = settings.steps;
  options.eta = settings.eta;
  options.seed = settings.seed;
  model.reverse(batch, options, &recorder);
  model.train(wasTraining);
  return diffusion::toTable(recorder.trace());
}

InspectionTable inspectSample(const ModelHandle& handle, const data::Sample& sample, int threads) {
  if (handle.isNull()) throw std::invalid_argument("no model to inspect");
  auto lock = handle.lock();
  setIntraOpThreads(threads);
  models::Model& model = *handle.model();
  checkSample(model, sample);
  const bool wasTraining = model.is_training();
  model.eval();
  torch::NoGradGuard noGrad;
  const data::Batch batch = batchOf(model, sample, deviceOf(model));
  const models::Inspection inspection = model.inspect(batch);
  model.train(wasTraining);
  InspectionTable out;
  for (const auto& [name, tensor] : inspection) {
    if (!tensor.defined() || tensor.dim() == 0) continue;
    const torch::Tensor row = tensor[0].to(torch::kCPU, torch::kFloat).contiguous();
    diffusion::TraceTableExtra e;
    for (auto s : row.sizes()) e.shape.push_back(s);
    e.values.assign(row.data_ptr<float>(), row.data_ptr<float>() + row.numel());
    out[name] = std::move(e);
  }
  return out;
}

std::vector<eval::StepAccuracy> stepAccuracy(const ModelHandle& handle, const data::SequenceDataset& dataset,
                                             const TraceSettings& settings,
                                             const std::function<bool(std::int64_t, std::int64_t)>& progress) {
  if (handle.isNull()) throw std::invalid_argument("no model to run");
  auto lock = handle.lock();
  setIntraOpThreads(settings.threads);
  models::ReverseOptions options;
  options.sampler = settings.sampler;
  options.steps = settings.steps;
  options.eta = settings.eta;
  options.seed = settings.seed;
  return eval::stepwiseAccuracy(*handle.model(), dataset.test, options, settings.device, 256, eval::defaultCutoffs(),
                                progress);
}

using analysis::toMatrix;

analysis::Matrix itemTable(const ModelHandle& handle) {
  if (handle.isNull()) throw std::invalid_argument("no model");
  auto lock = handle.lock();
  return toMatrix(handle.model()->itemEmbeddings().slice(0, 1));
}

analysis::Matrix generateForTest(const ModelHandle& handle, const data::SequenceDataset& dataset, std::int64_t users,
                                 const TraceSettings& settings) {
  if (handle.isNull()) throw std::invalid_argument("no model to run");
  auto lock = handle.lock();
  setIntraOpThreads(settings.threads);
  models::Model& model = *handle.model();
  const torch::Device device = train::parseDevice(settings.device);
  model.to(device);
  const bool wasTraining = model.is_training();
  model.eval();
  torch::NoGradGuard noGrad;
  const auto n = std::min<std::int64_t>(users, static_cast<std::int64_t>(dataset.test.size()));
  data::BatchOptions bo;
  bo.maxLength = model.shape().maxLength;
  bo.numItems = model.shape().numItems;
  std::vector<torch::Tensor> parts;
  for (std::int64_t first = 0; first < n; first += 512) {
    std::vector<std::int64_t> indices(static_cast<std::size_t>(std::min<std::int64_t>(512, n - first)));
    std::iota(indices.begin(), indices.end(), first);
    const data::Batch batch = data::makeBatch(dataset.test, indices, bo, diffusion::makeGenerator(0), device);
    models::ReverseOptions options;
    options.sampler = settings.sampler;
    options.steps = settings.steps;
    options.seed = settings.seed + static_cast<std::uint64_t>(first);
    parts.push_back(model.reverse(batch, options, nullptr));
  }
  model.train(wasTraining);
  if (parts.empty()) return analysis::Matrix(0, model.itemEmbeddings().size(1));
  return toMatrix(torch::cat(parts, 0));
}

eval::ModelDiagnostics diagnose(const ModelHandle& handle, const data::SequenceDataset& dataset, int threads,
                                const std::vector<data::Sample>* samples, const eval::DiagnosticsOptions& options) {
  if (handle.isNull()) throw std::invalid_argument("no model to analyse");
  auto lock = handle.lock();
  setIntraOpThreads(threads);
  models::Model& model = *handle.model();
  const std::string device = deviceOf(model).is_cuda() ? "cuda" : "cpu";
  return eval::diagnoseModel(model, dataset, samples ? *samples : dataset.test, device, options);
}

}  // namespace recdiff::studio::core
