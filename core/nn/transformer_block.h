// A transformer block (multi-head self-attention + position-wise FFN) with
// padding and optional causal masks, pre-LN (DiffuRec) or post-LN (SASRec,
// ADRec's reference). Optionally a cross-attention sub-layer before the
// self-attention (DiffuRecSys, its Eq. 16).
#pragma once

#include <functional>

#include <torch/nn/module.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>
#include <torch/nn/pimpl.h>

#include "core/nn/fast_dropout.h"

namespace recdiff::nn {

struct TransformerBlockOptions {
  std::int64_t dim = 64;
  std::int64_t heads = 1;
  std::int64_t ffnMultiplier = 4;
  double dropout = 0.1;
  bool preNorm = true;
  bool causal = false;
  bool crossAttention = false;  // adds a cross-attention sub-layer first
  // The official codes' choices, for parity with them (tests/parity/): their
  // TF-style LayerNorm puts ε = 1e-12 inside the square root, and their FFN
  // uses GELU's tanh approximation. Ours default to LibTorch's ε = 1e-5 and
  // the exact GELU.
  double normEps = 1e-5;
  bool tanhGelu = false;
  // DiffuRec's official masking (its attend_padding): the padding mask hides
  // only the *queries* of padded positions — every score of such a row is
  // -1e9, so it attends uniformly to all positions — keys are never masked
  // (real positions attend to padding too), and padded positions are not
  // zeroed at the output. The causal order, when set, still holds.
  bool referenceMasking = false;
};

// Scaled dot-product multi-head attention with a boolean "allowed" mask.
class MultiHeadAttentionImpl : public torch::nn::Module {
 public:
  MultiHeadAttentionImpl(std::int64_t dim, std::int64_t heads, double dropout);
  // query [B,Lq,d], keyValue [B,Lk,d], allowed [B,Lq,Lk] bool (or broadcastable).
  // Rows with no allowed key produce zeros, never NaN.
  torch::Tensor forward(const torch::Tensor& query, const torch::Tensor& keyValue, const torch::Tensor& allowed);
  // The attention weights [B,heads,Lq,Lk] of the last forward call (for
  // inspection), kept only when recordWeights is set.
  bool recordWeights = false;
  torch::Tensor lastWeights;
  // A row with no allowed key attends uniformly to every key (the softmax of
  // equal -1e9 scores, as a masked_fill(-1e9) reference computes) instead of
  // producing zeros.
  bool uniformWhenMasked = false;

 private:
  std::int64_t heads_;
  torch::nn::Linear q_{nullptr}, k_{nullptr}, v_{nullptr}, out_{nullptr};
  FastDropout dropout_{nullptr};
};
TORCH_MODULE(MultiHeadAttention);

class TransformerBlockImpl : public torch::nn::Module {
 public:
  explicit TransformerBlockImpl(const TransformerBlockOptions& options);
  // x [B,L,d]; mask [B,L] bool, true at real items. Padding positions come
  // out as zeros. `context` [B,Lc,d] feeds the cross-attention sub-layer
  // (queries from x, keys/values from context; contextMask [B,Lc]).
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& mask, const torch::Tensor& context = {},
                        const torch::Tensor& contextMask = {});

 private:
  torch::Tensor sublayer(const torch::Tensor& x, torch::nn::LayerNorm& norm,
                         const std::function<torch::Tensor(const torch::Tensor&)>& body);
  TransformerBlockOptions options_;
  MultiHeadAttention selfAttention_{nullptr};
  MultiHeadAttention crossAttention_{nullptr};
  torch::nn::LayerNorm norm1_{nullptr}, norm2_{nullptr}, normCross_{nullptr};
  torch::nn::Linear ffnIn_{nullptr}, ffnOut_{nullptr};
  FastDropout dropout_{nullptr};
};
TORCH_MODULE(TransformerBlock);

// The [B,L,L] "allowed" mask for self-attention over left-padded sequences:
// key must be a real item, and (when causal) not after the query.
torch::Tensor selfAttentionMask(const torch::Tensor& mask, bool causal);

}  // namespace recdiff::nn
