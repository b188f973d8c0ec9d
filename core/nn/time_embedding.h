// Diffusion timestep embeddings.
//   DiffuRec/ADRec style: t' = t·1000/T, sinusoid ordered [cos, sin], then
//     Linear(d→4d), SiLU, Linear(4d→d).
//   DreamRec style: raw t, sinusoid ordered [sin, cos], then Linear(d→2d),
//     GELU, Linear(2d→d).
// Frequencies are exp(-ln(10⁴)·i/(d/2)), i = 0..d/2-1, in both.
#pragma once

#include <torch/nn/module.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

namespace recdiff::nn {

enum class TimeEmbeddingStyle { DiffuRec, DreamRec };

// The raw sinusoidal features [B,dim] of float timesteps t [B].
torch::Tensor sinusoidalFeatures(const torch::Tensor& t, std::int64_t dim, bool cosFirst);

class TimeEmbeddingImpl : public torch::nn::Module {
 public:
  TimeEmbeddingImpl(std::int64_t dim, std::int64_t totalSteps, TimeEmbeddingStyle style);
  // t: int64 [B] (or any shape; the result appends a dim axis).
  torch::Tensor forward(const torch::Tensor& t);

 private:
  std::int64_t dim_;
  double scale_;
  TimeEmbeddingStyle style_;
  torch::nn::Linear in_{nullptr}, out_{nullptr};
};
TORCH_MODULE(TimeEmbedding);

}  // namespace recdiff::nn
