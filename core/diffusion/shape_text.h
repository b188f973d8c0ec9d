// A tensor's shape as text ("[4, 64]"), for the error messages of the
// diffusion code.
#pragma once

#include <sstream>
#include <string>

#include <torch/types.h>

namespace recdiff::diffusion {

inline std::string shapeText(const torch::Tensor& x) {
  std::ostringstream out;
  out << x.sizes();
  return out.str();
}

}  // namespace recdiff::diffusion
