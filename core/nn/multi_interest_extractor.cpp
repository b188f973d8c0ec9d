#include "core/nn/multi_interest_extractor.h"

#include <torch/torch.h>

namespace recdiff::nn {

MultiInterestExtractorImpl::MultiInterestExtractorImpl(std::int64_t dim, std::int64_t interests) {
  hidden_ = register_module("hidden", torch::nn::Linear(torch::nn::LinearOptions(dim, 4 * dim).bias(false)));
  heads_ = register_module("heads", torch::nn::Linear(torch::nn::LinearOptions(4 * dim, interests).bias(false)));
}

MultiInterestOutput MultiInterestExtractorImpl::forward(const torch::Tensor& positioned, const torch::Tensor& items,
                                                        const torch::Tensor& mask) {
  auto logits = heads_(torch::tanh(hidden_(positioned)));  // [B,L,k]
  logits = logits.masked_fill(mask.logical_not().unsqueeze(-1), -1e9);
  // An empty history (all padding) gives uniform weights over zero vectors:
  // interests of zero, never NaN.
  auto weights = torch::softmax(logits, 1) * mask.unsqueeze(-1).to(logits.dtype());
  auto interests = torch::matmul(weights.transpose(1, 2), items);  // [B,k,d]
  return {interests, weights};
}

torch::Tensor routingCovariance(const torch::Tensor& weights, const torch::Tensor& mask) {
  auto m = mask.unsqueeze(-1).to(weights.dtype());                 // [B,L,1]
  auto count = m.sum(1, true).clamp_min(1.0);                      // [B,1,1]
  auto mean = (weights * m).sum(1, true) / count;                  // [B,1,k]
  auto centred = (weights - mean) * m;                             // [B,L,k]
  return torch::matmul(centred.transpose(1, 2), centred) / count;  // [B,k,k]
}

torch::Tensor routingRegulariser(const torch::Tensor& covariance, bool offDiagonalOnly) {
  auto c = covariance;
  if (offDiagonalOnly) {
    auto eye = torch::eye(c.size(-1), c.options()).unsqueeze(0);
    c = c * (1.0 - eye);
  }
  auto rowNorms = torch::sqrt(c.pow(2).sum(-1).clamp_min(1e-20));  // [B,k]
  return rowNorms.sum(-1);
}

torch::Tensor bestMatchingInterest(const torch::Tensor& interests, const torch::Tensor& target) {
  auto dots = torch::matmul(interests, target.unsqueeze(-1)).squeeze(-1);  // [B,k]
  auto best = dots.argmax(1);                                              // [B]
  auto index = best.view({-1, 1, 1}).expand({interests.size(0), 1, interests.size(2)});
  return interests.gather(1, index).squeeze(1);
}

}  // namespace recdiff::nn
