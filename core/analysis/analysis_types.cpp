#include "core/analysis/analysis_types.h"

#include <cmath>

namespace recdiff::analysis {

void requireFinite(const Matrix& x, const std::string& what) {
  for (Eigen::Index r = 0; r < x.rows(); ++r)
    for (Eigen::Index c = 0; c < x.cols(); ++c)
      if (!std::isfinite(x(r, c)))
        throw AnalysisError(what + ": row " + std::to_string(r) + ", column " + std::to_string(c) +
                            " is not a finite number");
}

}  // namespace recdiff::analysis
