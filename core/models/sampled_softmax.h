// The sampled-softmax loss of DimeRec's L_gem / L_ssm and ComiRec:
//   -log exp(q·e⁺) / (exp(q·e⁺) + Σ exp(q·e⁻))
// averaged over the batch.
#pragma once

#include <torch/types.h>

namespace recdiff::models {

// query [B,d], positive [B,d], negatives [B,n,d].
torch::Tensor sampledSoftmaxLoss(const torch::Tensor& query, const torch::Tensor& positive,
                                 const torch::Tensor& negatives);

}  // namespace recdiff::models
