#include "core/analysis/kde.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

namespace recdiff::analysis {

namespace {

double quantileOfSorted(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return 0.0;
  const double pos = std::clamp(q, 0.0, 1.0) * static_cast<double>(sorted.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (pos - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

double ruleBandwidth(const Matrix& points, int column, BandwidthRule rule) {
  const Eigen::Index n = points.rows();
  std::vector<double> v(static_cast<std::size_t>(n));
  for (Eigen::Index i = 0; i < n; ++i) v[static_cast<std::size_t>(i)] = points(i, column);
  const double mean = std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(n);
  double var = 0.0;
  for (double x : v) var += (x - mean) * (x - mean);
  double spread = n > 1 ? std::sqrt(var / static_cast<double>(n - 1)) : 0.0;
  if (rule == BandwidthRule::Silverman) {
    std::sort(v.begin(), v.end());
    const double iqr = (quantileOfSorted(v, 0.75) - quantileOfSorted(v, 0.25)) / 1.349;
    if (iqr > 0) spread = std::min(spread, iqr);
  }
  return spread * std::pow(static_cast<double>(n), -1.0 / 6.0);
}

}  // namespace

Extent extentOf(const Matrix& points, double padFraction) {
  if (points.rows() == 0 || points.cols() != 2) throw AnalysisError("extent: need N x 2 points with N >= 1");
  Extent e;
  e.xMin = points.col(0).minCoeff();
  e.xMax = points.col(0).maxCoeff();
  e.yMin = points.col(1).minCoeff();
  e.yMax = points.col(1).maxCoeff();
  const double px = std::max(e.xMax - e.xMin, 1e-9) * padFraction;
  const double py = std::max(e.yMax - e.yMin, 1e-9) * padFraction;
  e.xMin -= px;
  e.xMax += px;
  e.yMin -= py;
  e.yMax += py;
  if (e.xMax <= e.xMin) e.xMax = e.xMin + 1e-9;
  if (e.yMax <= e.yMin) e.yMax = e.yMin + 1e-9;
  return e;
}

Extent extentOf(const Matrix& a, const Matrix& b, double padFraction) {
  if (a.cols() != 2 || b.cols() != 2) throw AnalysisError("extent: need N x 2 points");
  Matrix both(a.rows() + b.rows(), 2);
  both << a, b;
  return extentOf(both, padFraction);
}

DensityGrid kde2d(const Matrix& points, const KdeOptions& o) {
  if (points.cols() != 2)
    throw AnalysisError("KDE needs N x 2 points, got " + std::to_string(points.cols()) + " columns");
  if (points.rows() < 1) throw AnalysisError("KDE needs at least one point");
  if (o.width < 2 || o.height < 2) throw AnalysisError("KDE grid must be at least 2 x 2");
  requireFinite(points, "KDE input");
  const Eigen::Index n = points.rows();

  DensityGrid g;
  g.width = o.width;
  g.height = o.height;
  g.bandwidthX = o.bandwidthX > 0 ? o.bandwidthX : ruleBandwidth(points, 0, o.rule);
  g.bandwidthY = o.bandwidthY > 0 ? o.bandwidthY : ruleBandwidth(points, 1, o.rule);
  // A degenerate axis (one point, or all points on a line) has no spread: use
  // the other axis's bandwidth, or a small absolute one.
  if (!(g.bandwidthX > 0)) g.bandwidthX = g.bandwidthY > 0 ? g.bandwidthY : 1e-3;
  if (!(g.bandwidthY > 0)) g.bandwidthY = g.bandwidthX;
  if (o.extent) {
    g.extent = *o.extent;
    if (!(g.extent.xMax > g.extent.xMin) || !(g.extent.yMax > g.extent.yMin))
      throw AnalysisError("KDE: the extent is empty (max must exceed min)");
  } else {
    g.extent.xMin = points.col(0).minCoeff() - 3.0 * g.bandwidthX;
    g.extent.xMax = points.col(0).maxCoeff() + 3.0 * g.bandwidthX;
    g.extent.yMin = points.col(1).minCoeff() - 3.0 * g.bandwidthY;
    g.extent.yMax = points.col(1).maxCoeff() + 3.0 * g.bandwidthY;
  }

  // density = Ky^T Kx / n with Kx(i, c) = N(x_c; x_i, hx), Ky(i, r) = N(y_r; y_i, hy):
  // one matrix product instead of n * width * height kernel evaluations.
  Eigen::MatrixXd grid = Eigen::MatrixXd::Zero(g.height, g.width);
  const double cx = 1.0 / (std::sqrt(2.0 * 3.14159265358979323846) * g.bandwidthX);
  const double cy = 1.0 / (std::sqrt(2.0 * 3.14159265358979323846) * g.bandwidthY);
  const Eigen::Index block = 4096;
  Eigen::MatrixXf kx, ky;
  for (Eigen::Index r0 = 0; r0 < n; r0 += block) {
    const Eigen::Index rows = std::min(block, n - r0);
    kx.resize(rows, g.width);
    ky.resize(rows, g.height);
    for (Eigen::Index i = 0; i < rows; ++i) {
      const double px = points(r0 + i, 0), py = points(r0 + i, 1);
      for (int c = 0; c < g.width; ++c) {
        const double u = (g.x(c) - px) / g.bandwidthX;
        kx(i, c) = static_cast<float>(cx * std::exp(-0.5 * u * u));
      }
      for (int r = 0; r < g.height; ++r) {
        const double u = (g.y(r) - py) / g.bandwidthY;
        ky(i, r) = static_cast<float>(cy * std::exp(-0.5 * u * u));
      }
    }
    grid.noalias() += (ky.transpose() * kx).cast<double>();
  }
  grid /= static_cast<double>(n);
  g.values.resize(static_cast<std::size_t>(g.width) * g.height);
  for (int r = 0; r < g.height; ++r)
    for (int c = 0; c < g.width; ++c) g.values[static_cast<std::size_t>(r) * g.width + c] = grid(r, c);
  return g;
}

std::vector<double> massLevels(const DensityGrid& grid, const std::vector<double>& fractions) {
  std::vector<double> sorted = grid.values;
  std::sort(sorted.begin(), sorted.end(), std::greater<double>());
  const double total = std::accumulate(sorted.begin(), sorted.end(), 0.0);
  std::vector<double> cumulative(sorted.size());
  double run = 0.0;
  for (std::size_t t = 0; t < sorted.size(); ++t) cumulative[t] = (run += sorted[t]);
  std::vector<double> levels;
  for (double f : fractions) {
    if (!(f > 0 && f <= 1)) throw AnalysisError("KDE: mass fractions must be in (0, 1]");
    if (total <= 0) {
      levels.push_back(0.0);
      continue;
    }
    const auto it = std::lower_bound(cumulative.begin(), cumulative.end(), f * total);
    const std::size_t idx = std::min<std::size_t>(static_cast<std::size_t>(it - cumulative.begin()), sorted.size() - 1);
    levels.push_back(sorted[idx]);
  }
  return levels;
}

std::vector<double> quantileLevels(const DensityGrid& grid, const std::vector<double>& quantiles) {
  std::vector<double> sorted = grid.values;
  std::sort(sorted.begin(), sorted.end());
  std::vector<double> levels;
  for (double q : quantiles) {
    if (!(q >= 0 && q <= 1)) throw AnalysisError("KDE: quantiles must be in [0, 1]");
    levels.push_back(quantileOfSorted(sorted, q));
  }
  return levels;
}

}  // namespace recdiff::analysis
