// DAE4Rec's graph auto-encoder (paper 004, Eq. 7-9): a 2-layer GCN over the
// item graph with identity node features,
//   Z = Â·ReLU(Â·X·W0)·W1,  X = I  (so Â·X·W0 = Â·W0, W0 is [N+1, hidden]),
// trained by reconstructing A with S = σ(Z Zᵀ) under binary cross-entropy.
// The full N×N reconstruction is never formed: the loss samples positive
// entries of A and uniformly drawn item pairs as negatives (pairs that turn
// out to be edges are left out), and weighs the two halves equally — the
// class balance GAE's pos_weight gives the dense loss.
#pragma once

#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

namespace recdiff::models {

class GraphAutoEncoderImpl : public torch::nn::Module {
 public:
  GraphAutoEncoderImpl(std::int32_t numItems, std::int64_t hidden, std::int64_t dim);
  // Z [N+1, dim] from the sparse normalised adjacency [N+1, N+1].
  torch::Tensor forward(const torch::Tensor& adjacency);

 private:
  torch::Tensor w0_, w1_;
};
TORCH_MODULE(GraphAutoEncoder);

// The sampled BCE of Eq. 9: mean softplus(-z_a·z_b) over the positive pairs
// plus the mean softplus(z_a·z_b) over the negative pairs whose `negValid`
// is true. pos/neg: int64 [2, P] / [2, Q] item pairs; negValid bool [Q].
torch::Tensor gaeReconstructionLoss(const torch::Tensor& z, const torch::Tensor& pos, const torch::Tensor& neg,
                                    const torch::Tensor& negValid);

}  // namespace recdiff::models
