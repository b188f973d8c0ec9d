#include "core/models/sampled_softmax.h"

#include <torch/torch.h>

namespace recdiff::models {

torch::Tensor sampledSoftmaxLoss(const torch::Tensor& query, const torch::Tensor& positive,
                                 const torch::Tensor& negatives) {
  auto pos = (query * positive).sum(-1, true);                           // [B,1]
  auto neg = torch::matmul(negatives, query.unsqueeze(-1)).squeeze(-1);  // [B,n]
  auto logits = torch::cat({pos, neg}, 1);
  return (torch::logsumexp(logits, 1) - pos.squeeze(1)).mean();
}

}  // namespace recdiff::models
