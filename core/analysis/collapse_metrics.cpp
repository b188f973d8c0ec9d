#include "core/analysis/collapse_metrics.h"

#include <Eigen/Eigenvalues>

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

namespace recdiff::analysis {

namespace {

// -sum p ln p of values normalised to sum 1 (negatives clamp to 0).
double spectrumEntropy(const std::vector<double>& values) {
  double total = 0.0;
  for (double v : values) total += std::max(v, 0.0);
  if (total <= 0) return 0.0;
  double h = 0.0;
  for (double v : values) {
    const double p = std::max(v, 0.0) / total;
    if (p > 0) h -= p * std::log(p);
  }
  return h;
}

double logSumExp(const Eigen::VectorXd& v) {
  const double m = v.maxCoeff();
  return m + std::log((v.array() - m).exp().sum());
}

double standardNormalCdf(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }

// Histogram estimate of KL(p || N(0,1)) for whitened samples, Miller-Madow
// corrected and floored at 0.
double axisKl(const Eigen::VectorXd& z) {
  const auto n = static_cast<double>(z.size());
  const int bins = std::clamp(static_cast<int>(std::ceil(2.0 * std::cbrt(n))), 10, 400);
  const double lo = -6.0, hi = 6.0, width = (hi - lo) / bins;
  std::vector<double> counts(static_cast<std::size_t>(bins), 0.0);
  for (Eigen::Index i = 0; i < z.size(); ++i) {
    const int b = std::clamp(static_cast<int>(std::floor((z(i) - lo) / width)), 0, bins - 1);
    counts[static_cast<std::size_t>(b)] += 1.0;
  }
  double kl = 0.0;
  int occupied = 0;
  for (int b = 0; b < bins; ++b) {
    if (counts[static_cast<std::size_t>(b)] == 0) continue;
    ++occupied;
    const double left = b == 0 ? 0.0 : standardNormalCdf(lo + b * width);
    const double right = b == bins - 1 ? 1.0 : standardNormalCdf(lo + (b + 1) * width);
    const double q = std::max(right - left, 1e-300);
    const double p = counts[static_cast<std::size_t>(b)] / n;
    kl += p * std::log(p / q);
  }
  return std::max(0.0, kl - (occupied - 1) / (2.0 * n));
}

}  // namespace

CollapseMetrics collapseMetrics(const Matrix& e, const CollapseOptions& o) {
  const Eigen::Index n = e.rows(), d = e.cols();
  if (n < 2 || d < 1)
    throw AnalysisError("collapse metrics need at least 2 embeddings of dimension >= 1, got " + std::to_string(n) +
                        " x " + std::to_string(d));
  requireFinite(e, "embeddings");
  CollapseMetrics m;
  m.rows = static_cast<int>(n);
  m.dimensions = static_cast<int>(d);

  const Eigen::MatrixXd x = e.cast<double>();
  const Eigen::RowVectorXd mean = x.colwise().mean();
  const Eigen::MatrixXd centred = x.rowwise() - mean;

  // Singular values of E (or of E - mean) from the eigenvalues of its Gram;
  // the uncentred Gram's eigenvectors also serve the isotropy score.
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> rawGram(x.transpose() * x);
  const Eigen::VectorXd gramValues = o.centre
                                         ? Eigen::VectorXd(Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(
                                                               centred.transpose() * centred, Eigen::EigenvaluesOnly)
                                                               .eigenvalues())
                                         : rawGram.eigenvalues();
  for (Eigen::Index t = d - 1; t >= 0; --t) m.singularValues.push_back(std::sqrt(std::max(0.0, gramValues(t))));
  m.topSingularValues.assign(m.singularValues.begin(),
                             m.singularValues.begin() + std::min<Eigen::Index>(std::max(o.topK, 0), d));
  double sMean = 0.0;
  for (double s : m.singularValues) sMean += s;
  sMean /= static_cast<double>(d);
  for (double s : m.singularValues) m.singularValueVariance += (s - sMean) * (s - sMean);
  m.singularValueVariance /= static_cast<double>(d);
  m.singularValueEntropy = spectrumEntropy(m.singularValues);

  // Covariance spectrum.
  const Eigen::MatrixXd cov = centred.transpose() * centred / static_cast<double>(n - 1);
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> covSolver(cov);
  std::vector<double> covValues;
  for (Eigen::Index t = d - 1; t >= 0; --t) covValues.push_back(std::max(0.0, covSolver.eigenvalues()(t)));
  m.totalVariance = 0.0;
  for (double v : covValues) m.totalVariance += v;
  m.covarianceEntropy = spectrumEntropy(covValues);
  m.effectiveRank = m.totalVariance > 0 ? std::exp(m.covarianceEntropy) : 0.0;

  // Isotropy over the uncentred Gram's eigenvectors, both signs.
  {
    const Eigen::MatrixXd proj = x * rawGram.eigenvectors();
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    for (Eigen::Index c = 0; c < d; ++c) {
      for (double sign : {1.0, -1.0}) {
        const double lz = logSumExp(sign * proj.col(c));
        lo = std::min(lo, lz);
        hi = std::max(hi, lz);
      }
    }
    m.isotropy = std::exp(lo - hi);
  }

  // KL to the fitted Gaussian, axis by axis.
  const double meanSquaredNorm = x.rowwise().squaredNorm().mean();
  const bool pointCollapse = m.totalVariance <= o.pointTolerance * meanSquaredNorm;
  if (pointCollapse || covValues.front() <= 0) {
    m.klToGaussian = m.meanAxisKl = std::numeric_limits<double>::quiet_NaN();
  } else {
    int axes = 0;
    double sum = 0.0;
    const Eigen::MatrixXd projected = centred * covSolver.eigenvectors();  // one product for all axes
    for (Eigen::Index t = d - 1; t >= 0; --t) {
      const double lambda = covSolver.eigenvalues()(t);
      if (!(lambda > 1e-12 * covValues.front())) continue;  // a flat direction: no Gaussian
      sum += axisKl(projected.col(t) / std::sqrt(lambda));
      ++axes;
    }
    m.klToGaussian = sum;
    m.meanAxisKl = axes > 0 ? sum / axes : 0.0;
  }

  std::ostringstream why;
  if (pointCollapse) {
    m.collapsed = true;
    why << "point collapse: total variance " << m.totalVariance << " is negligible next to the mean squared norm "
        << meanSquaredNorm;
  } else if (m.effectiveRank < o.rankFraction * static_cast<double>(d)) {
    m.collapsed = true;
    why << "dimensional collapse: effective rank " << m.effectiveRank << " of " << d;
  }
  if (!pointCollapse && d > 1 && m.covarianceEntropy >= o.gaussianEntropyRatio * std::log(static_cast<double>(d)) &&
      m.meanAxisKl <= o.gaussianAxisKl) {
    m.gaussianLike = true;
    if (!why.str().empty()) why << "; ";
    why << "gaussian-like: isotropic and unstructured, as a random initialisation";
  }
  m.verdict = why.str().empty() ? "ok" : why.str();
  return m;
}

}  // namespace recdiff::analysis
