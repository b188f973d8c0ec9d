#include "core/models/sequence_encoder.h"

#include <cmath>

#include <torch/torch.h>

namespace recdiff::models {

ItemSequenceEmbeddingImpl::ItemSequenceEmbeddingImpl(std::int32_t numItems, std::int64_t dim, std::int64_t maxLength,
                                                     bool positional, double dropout)
    : positional_(positional) {
  items_ =
      register_module("items", torch::nn::Embedding(torch::nn::EmbeddingOptions(numItems + 1, dim).padding_idx(0)));
  // N(0, 1/d): dot products between random items start at O(1).
  torch::NoGradGuard noGrad;
  items_->weight.normal_(0.0, 1.0 / std::sqrt(static_cast<double>(dim)));
  items_->weight[0].zero_();
  if (positional) {
    positions_ = register_module("positions", torch::nn::Embedding(maxLength, dim));
    positions_->weight.normal_(0.0, 1.0 / std::sqrt(static_cast<double>(dim)));
  }
  dropout_ = register_module("dropout", nn::FastDropout(dropout));
}

torch::Tensor ItemSequenceEmbeddingImpl::items(const torch::Tensor& history) { return items_(history); }

torch::Tensor ItemSequenceEmbeddingImpl::positioned(const torch::Tensor& history, const torch::Tensor& mask) {
  auto h = items_(history);
  if (positional_) {
    const auto L = history.size(1);
    TORCH_CHECK(L <= positions_->weight.size(0), "history length ", L, " exceeds the model's max_length ",
                positions_->weight.size(0));
    // Positions count back from the most recent item (left padding), so the
    // last item always has the same positional embedding.
    auto idx = torch::arange(positions_->weight.size(0) - L, positions_->weight.size(0),
                             torch::TensorOptions().dtype(torch::kInt64).device(history.device()));
    h = h + positions_(idx).unsqueeze(0);
  }
  return dropout_(h) * mask.unsqueeze(-1).to(h.dtype());
}

}  // namespace recdiff::models
