#include "core/analysis/pca.h"

#include <Eigen/Eigenvalues>

#include <cmath>
#include <string>

namespace recdiff::analysis {

Pca Pca::fit(const Matrix& data, int components) {
  const Eigen::Index n = data.rows();
  const Eigen::Index d = data.cols();
  if (n < 2) throw AnalysisError("PCA needs at least 2 points, got " + std::to_string(n));
  if (components < 1 || components > d)
    throw AnalysisError("PCA: asked for " + std::to_string(components) + " components of " + std::to_string(d) +
                        "-dimensional data");
  requireFinite(data, "PCA input");

  // Double precision: a float covariance summed over 50,000 rows loses the
  // small eigenvalues that the explained-variance ratios report.
  const Eigen::RowVectorXd mean = data.cast<double>().colwise().mean();
  Eigen::MatrixXd cov = Eigen::MatrixXd::Zero(d, d);
  // Blocks of rows keep the double copy small for very large catalogs.
  const Eigen::Index block = 8192;
  for (Eigen::Index r = 0; r < n; r += block) {
    const Eigen::Index rows = std::min(block, n - r);
    Eigen::MatrixXd centred = data.middleRows(r, rows).cast<double>();
    centred.rowwise() -= mean;
    cov.selfadjointView<Eigen::Lower>().rankUpdate(centred.transpose());
  }
  cov.triangularView<Eigen::StrictlyUpper>() = cov.transpose();
  cov /= static_cast<double>(n - 1);

  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(cov);
  if (solver.info() != Eigen::Success) throw AnalysisError("PCA: eigen-decomposition failed");
  const Eigen::VectorXd& values = solver.eigenvalues();  // ascending
  const Eigen::MatrixXd& vectors = solver.eigenvectors();

  Pca pca;
  pca.mean_ = mean.cast<float>();
  pca.totalVariance_ = std::max(0.0, values.sum());
  pca.axes_.resize(d, components);
  for (int k = 0; k < components; ++k) {
    const Eigen::Index src = d - 1 - k;
    Eigen::VectorXd axis = vectors.col(src);
    Eigen::Index arg = 0;
    axis.cwiseAbs().maxCoeff(&arg);
    if (axis(arg) < 0) axis = -axis;
    pca.axes_.col(k) = axis.cast<float>();
    const double v = std::max(0.0, values(src));
    pca.variance_.push_back(v);
    pca.ratio_.push_back(pca.totalVariance_ > 0 ? v / pca.totalVariance_ : 0.0);
  }
  return pca;
}

Matrix Pca::transform(const Matrix& points) const {
  if (!fitted()) throw AnalysisError("PCA: transform called before fit");
  if (points.cols() != mean_.size())
    throw AnalysisError("PCA: points have " + std::to_string(points.cols()) + " dimensions, the fit had " +
                        std::to_string(mean_.size()));
  Matrix centred = points.rowwise() - mean_;
  return centred * axes_;
}

Matrix Pca::inverseTransform(const Matrix& projected) const {
  if (!fitted()) throw AnalysisError("PCA: inverseTransform called before fit");
  if (projected.cols() != axes_.cols())
    throw AnalysisError("PCA: projected points have " + std::to_string(projected.cols()) + " columns, the fit kept " +
                        std::to_string(axes_.cols()));
  Matrix out = projected * axes_.transpose();
  out.rowwise() += mean_;
  return out;
}

}  // namespace recdiff::analysis
