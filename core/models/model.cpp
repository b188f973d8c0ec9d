#include "core/models/model.h"

#include <limits>

#include <torch/torch.h>

namespace recdiff::models {

LossTerms Model::accumulateGradients(const data::Batch& batch, torch::Generator generator) {
  LossTerms terms = loss(batch, generator);
  terms.total.backward();
  terms.total = terms.total.detach();
  for (auto& [name, value] : terms.components) value = value.detach();
  return terms;
}

torch::Tensor Model::score(const data::Batch& batch, const ReverseOptions& options) {
  return scoreAgainstItems(reverse(batch, options, nullptr));
}

torch::Tensor Model::scoreAgainstItems(const torch::Tensor& generated) const {
  auto scores = torch::matmul(generated, itemEmbeddings().t());
  scores.select(1, 0).fill_(-std::numeric_limits<float>::infinity());
  return scores;
}

}  // namespace recdiff::models
