// The embedding front-end shared by the transformer-based models: item
// embeddings (row 0 = padding), learned positional embeddings over the
// left-padded window, and embedding dropout.
#pragma once

#include <torch/nn/module.h>
#include <torch/nn/modules/embedding.h>
#include <torch/nn/pimpl.h>

#include "core/nn/fast_dropout.h"

namespace recdiff::models {

class ItemSequenceEmbeddingImpl : public torch::nn::Module {
 public:
  ItemSequenceEmbeddingImpl(std::int32_t numItems, std::int64_t dim, std::int64_t maxLength, bool positional,
                            double dropout);
  // E[seq] [B,L,d] (padding rows are zero).
  torch::Tensor items(const torch::Tensor& history);
  // dropout(E[seq] + P), zeroed at padding; P is omitted when positional is off.
  torch::Tensor positioned(const torch::Tensor& history, const torch::Tensor& mask);
  torch::Tensor table() const { return items_->weight; }

 private:
  bool positional_;
  torch::nn::Embedding items_{nullptr}, positions_{nullptr};
  nn::FastDropout dropout_{nullptr};
};
TORCH_MODULE(ItemSequenceEmbedding);

}  // namespace recdiff::models
