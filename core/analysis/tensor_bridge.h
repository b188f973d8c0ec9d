// From LibTorch tensors to the analysis code's Eigen matrices. The analysis
// routines stay free of LibTorch; the callers that hold tensors (the model
// diagnostics, the studio's facade) convert here, once.
#pragma once

#include <torch/types.h>

#include "core/analysis/analysis_types.h"

namespace recdiff::analysis {

// A [rows, columns] tensor of any float type and device, copied to a
// row-major float Matrix (detached: no autograd history is kept).
Matrix toMatrix(const torch::Tensor& tensor);

}  // namespace recdiff::analysis
