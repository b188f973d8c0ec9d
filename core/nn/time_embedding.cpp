#include "core/nn/time_embedding.h"

#include <cmath>

#include <torch/torch.h>

namespace recdiff::nn {

torch::Tensor sinusoidalFeatures(const torch::Tensor& t, std::int64_t dim, bool cosFirst) {
  const std::int64_t half = dim / 2;
  auto freqs = torch::exp(-std::log(10000.0) *
                          torch::arange(half, torch::TensorOptions().dtype(torch::kFloat).device(t.device())) /
                          static_cast<double>(half));
  auto args = t.to(torch::kFloat).unsqueeze(-1) * freqs;
  auto features = cosFirst ? torch::cat({torch::cos(args), torch::sin(args)}, -1)
                           : torch::cat({torch::sin(args), torch::cos(args)}, -1);
  if (dim % 2 == 1) features = torch::cat({features, torch::zeros_like(features.narrow(-1, 0, 1))}, -1);
  return features;
}

TimeEmbeddingImpl::TimeEmbeddingImpl(std::int64_t dim, std::int64_t totalSteps, TimeEmbeddingStyle style)
    : dim_(dim), style_(style) {
  const bool diffuRec = style == TimeEmbeddingStyle::DiffuRec;
  scale_ = diffuRec ? 1000.0 / static_cast<double>(totalSteps) : 1.0;
  const std::int64_t hidden = diffuRec ? 4 * dim : 2 * dim;
  in_ = register_module("in", torch::nn::Linear(dim, hidden));
  out_ = register_module("out", torch::nn::Linear(hidden, dim));
}

torch::Tensor TimeEmbeddingImpl::forward(const torch::Tensor& t) {
  const bool diffuRec = style_ == TimeEmbeddingStyle::DiffuRec;
  auto features = sinusoidalFeatures(t.to(torch::kFloat) * scale_, dim_, diffuRec);
  auto hidden = in_(features);
  hidden = diffuRec ? torch::silu(hidden) : torch::gelu(hidden);
  return out_(hidden);
}

}  // namespace recdiff::nn
