#include "core/analysis/tensor_bridge.h"

#include <torch/torch.h>

#include <algorithm>

namespace recdiff::analysis {

Matrix toMatrix(const torch::Tensor& tensor) {
  if (tensor.dim() != 2) throw AnalysisError("expected a 2-D tensor, got " + std::to_string(tensor.dim()) + "-D");
  const torch::Tensor c = tensor.detach().to(torch::kCPU, torch::kFloat).contiguous();
  Matrix m(c.size(0), c.size(1));
  std::copy(c.data_ptr<float>(), c.data_ptr<float>() + c.numel(), m.data());
  return m;
}

}  // namespace recdiff::analysis
