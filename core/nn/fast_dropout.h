// Dropout with a counter-based random mask, a drop-in for torch::nn::Dropout.
//
// Why: Debian's CPU LibTorch 1.13 (no MKL) draws every dropout decision with
// a serial double-precision Bernoulli from one Mersenne Twister. Measured on
// 2 cores, that was a third of ADIGRec's zhihu epoch (24 s → 16 s without
// dropout) and 40 % of ADRec's ml-100k epoch. Here each element's decision
// is a hash of (seed, index) — splitmix64 — computed in parallel; the seed is
// one draw from LibTorch's default generator, so runs stay reproducible
// under torch::manual_seed. On CUDA the stock dropout is used (it is fast).
#pragma once

#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

namespace recdiff::nn {

// x scaled by 1/(1-p) where kept, 0 where dropped; x itself when not training
// or p == 0. Gradients flow through the kept elements only.
torch::Tensor fastDropout(const torch::Tensor& x, double p, bool training);

class FastDropoutImpl : public torch::nn::Module {
 public:
  explicit FastDropoutImpl(double p) : p_(p) {}
  torch::Tensor forward(const torch::Tensor& x) { return fastDropout(x, p_, is_training()); }

 private:
  double p_;
};
TORCH_MODULE(FastDropout);

}  // namespace recdiff::nn
