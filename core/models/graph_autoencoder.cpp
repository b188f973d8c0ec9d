#include "core/models/graph_autoencoder.h"

#include <torch/torch.h>

namespace recdiff::models {

GraphAutoEncoderImpl::GraphAutoEncoderImpl(std::int32_t numItems, std::int64_t hidden, std::int64_t dim) {
  // Glorot init as in Kipf & Welling's GAE.
  w0_ = register_parameter("w0", torch::empty({static_cast<std::int64_t>(numItems) + 1, hidden}));
  w1_ = register_parameter("w1", torch::empty({hidden, dim}));
  torch::NoGradGuard noGrad;
  torch::nn::init::xavier_uniform_(w0_);
  torch::nn::init::xavier_uniform_(w1_);
}

torch::Tensor GraphAutoEncoderImpl::forward(const torch::Tensor& adjacency) {
  auto hidden = torch::relu(torch::mm(adjacency, w0_));  // Â·X·W0, X = I
  return torch::mm(adjacency, torch::mm(hidden, w1_));   // Â·(H·W1)
}

namespace {

torch::Tensor pairLogits(const torch::Tensor& z, const torch::Tensor& pairs) {
  return (z.index_select(0, pairs[0]) * z.index_select(0, pairs[1])).sum(-1);
}

}  // namespace

torch::Tensor gaeReconstructionLoss(const torch::Tensor& z, const torch::Tensor& pos, const torch::Tensor& neg,
                                    const torch::Tensor& negValid) {
  auto positive = torch::softplus(-pairLogits(z, pos)).mean();
  auto weights = negValid.to(z.dtype());
  auto negative = (torch::softplus(pairLogits(z, neg)) * weights).sum() / weights.sum().clamp_min(1.0);
  return positive + negative;
}

}  // namespace recdiff::models
