#include "core/nn/transformer_block.h"

#include <cmath>

#include <torch/torch.h>

namespace recdiff::nn {

MultiHeadAttentionImpl::MultiHeadAttentionImpl(std::int64_t dim, std::int64_t heads, double dropout) : heads_(heads) {
  TORCH_CHECK(dim % heads == 0, "attention dimension ", dim, " not divisible by ", heads, " heads");
  q_ = register_module("q", torch::nn::Linear(dim, dim));
  k_ = register_module("k", torch::nn::Linear(dim, dim));
  v_ = register_module("v", torch::nn::Linear(dim, dim));
  out_ = register_module("out", torch::nn::Linear(dim, dim));
  dropout_ = register_module("dropout", FastDropout(dropout));
}

torch::Tensor MultiHeadAttentionImpl::forward(const torch::Tensor& query, const torch::Tensor& keyValue,
                                              const torch::Tensor& allowed) {
  const auto B = query.size(0), Lq = query.size(1), Lk = keyValue.size(1), d = query.size(2);
  const auto hd = d / heads_;
  auto q = q_(query).view({B, Lq, heads_, hd}).transpose(1, 2);
  auto k = k_(keyValue).view({B, Lk, heads_, hd}).transpose(1, 2);
  auto v = v_(keyValue).view({B, Lk, heads_, hd}).transpose(1, 2);
  auto scores = torch::matmul(q, k.transpose(-2, -1)) / std::sqrt(static_cast<double>(hd));
  auto allowedH = allowed.unsqueeze(1);  // broadcast over heads
  // A large negative instead of -inf: a fully masked row (a padding query)
  // then softmaxes to uniform instead of NaN, and is zeroed below.
  scores = scores.masked_fill(allowedH.logical_not(), -1e9);
  auto weights = torch::softmax(scores, -1);
  if (!uniformWhenMasked) weights = weights * allowedH.any(-1, true).to(scores.dtype());
  if (recordWeights) lastWeights = weights.detach();
  auto context = torch::matmul(dropout_(weights), v).transpose(1, 2).reshape({B, Lq, d});
  return out_(context);
}

TransformerBlockImpl::TransformerBlockImpl(const TransformerBlockOptions& options) : options_(options) {
  selfAttention_ = register_module("self_attention", MultiHeadAttention(options.dim, options.heads, options.dropout));
  selfAttention_->uniformWhenMasked = options.referenceMasking;
  const auto norm = [&] {
    return torch::nn::LayerNorm(torch::nn::LayerNormOptions({options.dim}).eps(options.normEps));
  };
  norm1_ = register_module("norm1", norm());
  norm2_ = register_module("norm2", norm());
  ffnIn_ = register_module("ffn_in", torch::nn::Linear(options.dim, options.dim * options.ffnMultiplier));
  ffnOut_ = register_module("ffn_out", torch::nn::Linear(options.dim * options.ffnMultiplier, options.dim));
  dropout_ = register_module("dropout", FastDropout(options.dropout));
  if (options.crossAttention) {
    crossAttention_ =
        register_module("cross_attention", MultiHeadAttention(options.dim, options.heads, options.dropout));
    normCross_ = register_module("norm_cross", norm());
  }
}

torch::Tensor TransformerBlockImpl::sublayer(const torch::Tensor& x, torch::nn::LayerNorm& norm,
                                             const std::function<torch::Tensor(const torch::Tensor&)>& body) {
  if (options_.preNorm) return x + dropout_(body(norm(x)));
  return norm(x + dropout_(body(x)));
}

torch::Tensor TransformerBlockImpl::forward(const torch::Tensor& x, const torch::Tensor& mask,
                                            const torch::Tensor& context, const torch::Tensor& contextMask) {
  auto h = x;
  if (options_.crossAttention) {
    TORCH_CHECK(context.defined(), "cross-attention block called without a context");
    auto allowed = contextMask.defined() ? contextMask.unsqueeze(1).expand({x.size(0), x.size(1), context.size(1)})
                                         : torch::ones({x.size(0), x.size(1), context.size(1)},
                                                       torch::TensorOptions().dtype(torch::kBool).device(x.device()));
    h = sublayer(h, normCross_, [&](const torch::Tensor& in) { return crossAttention_(in, context, allowed); });
  }
  auto allowed = selfAttentionMask(mask, options_.causal);
  if (options_.referenceMasking) {
    // Rows of padded queries are masked, keys never (the causal order stays).
    auto queries = mask.unsqueeze(2).expand({mask.size(0), mask.size(1), mask.size(1)});
    allowed = options_.causal ? queries.logical_and(selfAttentionMask(torch::ones_like(mask), true)) : queries;
  }
  h = sublayer(h, norm1_, [&](const torch::Tensor& in) { return selfAttention_(in, in, allowed); });
  const char* gelu = options_.tanhGelu ? "tanh" : "none";
  h = sublayer(h, norm2_, [&](const torch::Tensor& in) { return ffnOut_(dropout_(torch::gelu(ffnIn_(in), gelu))); });
  return options_.referenceMasking ? h : h * mask.unsqueeze(-1).to(h.dtype());
}

torch::Tensor selfAttentionMask(const torch::Tensor& mask, bool causal) {
  const auto L = mask.size(1);
  auto allowed = mask.unsqueeze(1).expand({mask.size(0), L, L});  // [B,query,key]
  if (causal) {
    auto lower = torch::ones({L, L}, torch::TensorOptions().dtype(torch::kBool).device(mask.device())).tril();
    allowed = allowed.logical_and(lower.unsqueeze(0));
  }
  return allowed;
}

}  // namespace recdiff::nn
