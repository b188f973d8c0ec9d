#include "core/analysis/placement.h"

#include "core/analysis/nearest_neighbors.h"

#include <cmath>
#include <string>

namespace recdiff::analysis {

NeighbourPlacement::NeighbourPlacement(Matrix catalog, Matrix layout, PlacementOptions options)
    : catalog_(std::move(catalog)), layout_(std::move(layout)), threads_(options.threads) {
  if (catalog_.rows() < 2)
    throw AnalysisError("placement needs a catalog of at least 2 items, got " + std::to_string(catalog_.rows()));
  if (layout_.rows() != catalog_.rows() || layout_.cols() != 2)
    throw AnalysisError("placement: the layout must have one 2-D row per catalog item (" +
                        std::to_string(catalog_.rows()) + " x 2), got " + std::to_string(layout_.rows()) + " x " +
                        std::to_string(layout_.cols()));
  if (options.neighbours < 1) throw AnalysisError("placement: neighbours must be at least 1");
  requireFinite(catalog_, "placement catalog");
  requireFinite(layout_, "placement layout");
  k_ = std::min<int>(options.neighbours, static_cast<int>(catalog_.rows()) - 1);
}

Matrix NeighbourPlacement::place(const Matrix& points) const {
  if (points.cols() != catalog_.cols())
    throw AnalysisError("placement: points have " + std::to_string(points.cols()) + " dimensions, the catalog " +
                        std::to_string(catalog_.cols()));
  requireFinite(points, "placed points");
  Matrix out(points.rows(), 2);
  if (points.rows() == 0) return out;
  const KnnGraph g = exactKnnQuery(catalog_, points, k_ + 1, threads_);
  for (int q = 0; q < g.n; ++q) {
    const int* idx = g.neighbours(q);
    const float* dist = g.dists(q);
    double h2 = 0.0;
    for (int j = 0; j < k_; ++j) h2 += static_cast<double>(dist[j]) * dist[j];
    h2 /= k_;
    if (h2 <= 0.0) {  // sits on k identical catalog items: their mean position
      out.row(q).setZero();
      for (int j = 0; j < k_; ++j) out.row(q) += layout_.row(idx[j]) / static_cast<float>(k_);
      continue;
    }
    const double cutoff = std::exp(-static_cast<double>(dist[k_]) * dist[k_] / h2);
    double wsum = 0.0, px = 0.0, py = 0.0;
    for (int j = 0; j < k_; ++j) {
      const double w = std::exp(-static_cast<double>(dist[j]) * dist[j] / h2) - cutoff;
      if (w <= 0) continue;
      wsum += w;
      px += w * layout_(idx[j], 0);
      py += w * layout_(idx[j], 1);
    }
    if (wsum <= 0.0) {  // all k+1 neighbours equidistant: plain mean
      px = py = 0.0;
      for (int j = 0; j < k_; ++j) {
        px += layout_(idx[j], 0);
        py += layout_(idx[j], 1);
      }
      wsum = k_;
    }
    out(q, 0) = static_cast<float>(px / wsum);
    out(q, 1) = static_cast<float>(py / wsum);
  }
  return out;
}

}  // namespace recdiff::analysis
