// ComiRec-SA's self-attentive multi-interest extractor — ADIGRec's G1 and
// DimeRec's model-based GEM (one module, shared).
//
//   A = softmax over positions of W2·tanh(W1·H)   H = E[seq] + P   A: [B,L,k]
//   interests = Aᵀ·E[seq]                          [B,k,d]
// Padding positions get zero weight (masked before the softmax). The routing
// weights A are what the inspection views show.
#pragma once

#include <torch/nn/module.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

namespace recdiff::nn {

struct MultiInterestOutput {
  torch::Tensor interests;  // [B,k,d]
  torch::Tensor weights;    // [B,L,k], each column sums to 1 over valid positions
};

class MultiInterestExtractorImpl : public torch::nn::Module {
 public:
  MultiInterestExtractorImpl(std::int64_t dim, std::int64_t interests);
  // positioned = E[seq] + P [B,L,d]; items = E[seq] [B,L,d]; mask [B,L].
  MultiInterestOutput forward(const torch::Tensor& positioned, const torch::Tensor& items, const torch::Tensor& mask);

 private:
  torch::nn::Linear hidden_{nullptr}, heads_{nullptr};
};
TORCH_MODULE(MultiInterestExtractor);

// The routing covariance of each user: W̄ = column mean of A over valid
// positions, C = (A - W̄)ᵀ(A - W̄)/|S|, [B,k,k]. Padding rows contribute 0.
torch::Tensor routingCovariance(const torch::Tensor& weights, const torch::Tensor& mask);

// ADIGRec's L_reg per user [B]: Σ_rows ‖C[r,:]‖₂ (offDiagonalOnly: the
// diagonal of C is ignored). A safe norm keeps the gradient finite at C = 0.
torch::Tensor routingRegulariser(const torch::Tensor& covariance, bool offDiagonalOnly);

// For each row b, the interest with the largest dot product with target[b]:
// interests [B,k,d], target [B,d] -> [B,d].
torch::Tensor bestMatchingInterest(const torch::Tensor& interests, const torch::Tensor& target);

}  // namespace recdiff::nn
