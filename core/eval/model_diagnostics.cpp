#include "core/eval/model_diagnostics.h"

#include <torch/torch.h>

#include <algorithm>
#include <numeric>

#include "core/analysis/tensor_bridge.h"
#include "core/data/batching.h"
#include "core/diffusion/generator.h"
#include "core/models/model.h"
#include "core/train/trainer.h"

namespace recdiff::eval {

using analysis::toMatrix;

ModelDiagnostics diagnoseModel(models::Model& model, const data::SequenceDataset& dataset,
                               const std::vector<data::Sample>& samples, const std::string& deviceName,
                               const DiagnosticsOptions& options) {
  const torch::Device device = train::parseDevice(deviceName);
  torch::NoGradGuard noGrad;
  const bool wasTraining = model.is_training();
  model.eval();
  model.to(device);
  ModelDiagnostics out;
  const analysis::Matrix items = toMatrix(model.itemEmbeddings().detach().slice(0, 1));
  out.embedding = analysis::collapseMetrics(items);

  const auto& meta = dataset.metadata;
  std::vector<int> category(static_cast<std::size_t>(dataset.numItems) + 1, -1);
  if (meta.hasCategories()) {
    for (std::int32_t id = 1; id <= dataset.numItems; ++id)
      category[static_cast<std::size_t>(id)] = meta.primaryCategory(id);
  }
  if (meta.hasCategories() && options.linearProbe) {
    const std::vector<int> labels(category.begin() + 1, category.end());
    try {
      out.probe = analysis::linearProbe(items, labels);
    } catch (const analysis::AnalysisError&) {
      // Fewer than two categories or too few labelled items: no probe.
    }
  }

  const auto total = static_cast<std::int64_t>(samples.size());
  const std::int64_t users = options.maxUsers > 0 ? std::min(options.maxUsers, total) : total;
  std::vector<analysis::Matrix> routing;
  std::vector<std::vector<int>> positionCategories;
  data::BatchOptions bo;
  bo.maxLength = model.shape().maxLength;
  bo.numItems = model.shape().numItems;
  auto generator = diffusion::makeGenerator(0);
  for (std::int64_t first = 0; first < users; first += options.batchSize) {
    std::vector<std::int64_t> indices(static_cast<std::size_t>(std::min(options.batchSize, users - first)));
    std::iota(indices.begin(), indices.end(), first);
    const data::Batch batch = data::makeBatch(samples, indices, bo, generator, device);
    const models::Inspection inspection = model.inspect(batch);
    const auto found = inspection.find("routing_weights");
    if (found == inspection.end()) break;  // the model has no interest routing
    const torch::Tensor weights = found->second.to(torch::kCPU, torch::kFloat);
    const torch::Tensor mask = batch.mask.to(torch::kCPU);
    const torch::Tensor history = batch.history.to(torch::kCPU);
    for (std::int64_t b = 0; b < batch.size(); ++b) {
      const torch::Tensor valid = mask[b].nonzero().squeeze(1);
      if (valid.numel() == 0) continue;
      routing.push_back(toMatrix(weights[b].index_select(0, valid)));
      std::vector<int> cats;
      const torch::Tensor ids = history[b].index_select(0, valid);
      for (std::int64_t i = 0; i < ids.numel(); ++i)
        cats.push_back(category[static_cast<std::size_t>(ids[i].item<std::int64_t>())]);
      positionCategories.push_back(std::move(cats));
    }
  }
  if (!routing.empty()) {
    out.usersAnalysed = static_cast<std::int64_t>(routing.size());
    analysis::RoutingCollapseOptions collapse;
    collapse.collapseThreshold = options.collapseThreshold;
    out.interests = analysis::analyseRouting(routing, collapse);
    if (meta.hasCategories()) {
      out.categoryMatch = analysis::matchInterestsToCategories(
          routing, positionCategories, static_cast<int>(meta.categoryNames.size()), options.topPositions);
    }
  }
  model.train(wasTraining);
  return out;
}

}  // namespace recdiff::eval
