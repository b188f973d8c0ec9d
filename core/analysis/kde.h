// Two-dimensional Gaussian kernel density estimation on a regular grid, and
// the density levels at which to draw contours, so that the projection view
// can overlay the density of generated embeddings on the catalog's.
//
// The kernel is a product of two 1-D Gaussians (a diagonal bandwidth), one
// bandwidth per axis. Rules:
//  - Scott:     h = sigma * n^(-1/6)          (Scott 1992, d = 2)
//  - Silverman: h = min(sigma, IQR / 1.349) * n^(-1/6): for d = 2 Silverman's
//               normal-reference factor (4 / (d + 2))^(1/(d+4)) is 1, so it
//               differs from Scott only by the outlier-robust spread.
// To compare two densities, give both the same `extent` (see extentOf).
#pragma once

#include "core/analysis/analysis_types.h"

#include <optional>
#include <vector>

namespace recdiff::analysis {

struct Extent {
  double xMin = 0.0, xMax = 1.0, yMin = 0.0, yMax = 1.0;
};

enum class BandwidthRule { Scott, Silverman };

struct KdeOptions {
  int width = 128;   // grid columns (x)
  int height = 128;  // grid rows (y)
  BandwidthRule rule = BandwidthRule::Scott;
  double bandwidthX = 0.0, bandwidthY = 0.0;  // > 0 overrides the rule
  std::optional<Extent> extent;               // default: the data's bounds padded by 3 bandwidths
};

struct DensityGrid {
  int width = 0, height = 0;
  Extent extent;
  double bandwidthX = 0.0, bandwidthY = 0.0;
  // Row-major, row 0 at yMin; each value is the density at a cell's centre,
  // so sum(values) * cellArea() is the mass inside the extent (~1).
  std::vector<double> values;

  double cellWidth() const { return (extent.xMax - extent.xMin) / width; }
  double cellHeight() const { return (extent.yMax - extent.yMin) / height; }
  double cellArea() const { return cellWidth() * cellHeight(); }
  double x(int col) const { return extent.xMin + (col + 0.5) * cellWidth(); }
  double y(int row) const { return extent.yMin + (row + 0.5) * cellHeight(); }
  double at(int col, int row) const {
    return values[static_cast<std::size_t>(row) * static_cast<std::size_t>(width) + col];
  }
};

// points: N x 2 (N >= 1). Throws AnalysisError on bad shapes or extents.
DensityGrid kde2d(const Matrix& points, const KdeOptions& options = {});

// The bounds of one or two point sets, padded by `padFraction` of each side's
// span: the common extent for comparing generated and catalog densities.
Extent extentOf(const Matrix& points, double padFraction = 0.05);
Extent extentOf(const Matrix& a, const Matrix& b, double padFraction = 0.05);

// Highest-density-region levels: for each fraction f in (0, 1], the density t
// such that the cells with density >= t hold fraction f of the grid's mass.
// Contours at these levels enclose 50 %, 80 %, ... of the points' mass.
std::vector<double> massLevels(const DensityGrid& grid, const std::vector<double>& fractions);

// Plain quantiles of the grid's density values (q in [0, 1]).
std::vector<double> quantileLevels(const DensityGrid& grid, const std::vector<double>& quantiles);

}  // namespace recdiff::analysis
