// Principal component analysis fitted once on a catalog and reused.
//
// Why a fitted object rather than a function: the projection view shows the
// catalog and the embeddings generated at every reverse-diffusion step in one
// map, so new points must land in the catalog's basis (same mean, same axes,
// same signs) instead of each set getting its own PCA.
#pragma once

#include "core/analysis/analysis_types.h"

#include <vector>

namespace recdiff::analysis {

class Pca {
 public:
  Pca() = default;

  // Fits the top `components` principal axes of `data` (N x d, N >= 2):
  // centres it, forms the d x d covariance in double precision and
  // eigen-decomposes it (O(N d^2 + d^3); ~0.1 s for 50,000 x 64).
  // components must be in [1, d]. Each axis's sign is fixed so that its
  // largest-magnitude coordinate is positive, so refits give the same map.
  static Pca fit(const Matrix& data, int components);

  // (points - mean) * axes: N x components, in the fitted basis.
  Matrix transform(const Matrix& points) const;
  // Back to the input space (the rank-k reconstruction).
  Matrix inverseTransform(const Matrix& projected) const;

  int components() const { return static_cast<int>(axes_.cols()); }
  int inputDimension() const { return static_cast<int>(mean_.size()); }
  bool fitted() const { return axes_.cols() > 0; }

  const Eigen::RowVectorXf& mean() const { return mean_; }
  // d x components, one unit-length axis per column, by decreasing variance.
  const Eigen::MatrixXf& axes() const { return axes_; }
  // Variance along each kept axis (unbiased, divides by N - 1).
  const std::vector<double>& explainedVariance() const { return variance_; }
  // Each kept axis's share of the total variance (all d axes), in [0, 1].
  const std::vector<double>& explainedVarianceRatio() const { return ratio_; }
  double totalVariance() const { return totalVariance_; }

 private:
  Eigen::RowVectorXf mean_;
  Eigen::MatrixXf axes_;
  std::vector<double> variance_;
  std::vector<double> ratio_;
  double totalVariance_ = 0.0;
};

}  // namespace recdiff::analysis
