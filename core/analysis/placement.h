// Places new points (e.g. the embedding generated at each reverse-diffusion
// step) into an existing 2-D map of a catalog (t-SNE, UMAP or any layout).
//
// Why not rerun the projection: t-SNE and UMAP lay the whole map out again
// for every input, so a scrubbed point would make the catalog jump around.
// Here the map stays fixed and a new point q lands at a weighted average of
// the map positions of its k nearest catalog items in the original space:
//
//   w_j = exp(-d_j^2 / h^2) - exp(-d_{k+1}^2 / h^2),   h^2 = mean_{j<=k} d_j^2
//
// where d_1 <= ... <= d_{k+1} are the distances to the k+1 nearest items.
// Subtracting the (k+1)-th neighbour's kernel makes an item's weight reach
// zero exactly when it enters or leaves the neighbour set, and every d_j is a
// continuous function of q, so the placed point moves continuously as q
// moves: no jumps when the neighbour set changes between reverse steps.
#pragma once

#include "core/analysis/analysis_types.h"

namespace recdiff::analysis {

struct PlacementOptions {
  int neighbours = 10;  // k; clamped to N - 1
  int threads = 0;
};

class NeighbourPlacement {
 public:
  // catalog: N x d (N >= 2), the points the map was made from; layout: N x 2,
  // their map positions, row for row. Both are copied.
  NeighbourPlacement(Matrix catalog, Matrix layout, PlacementOptions options = {});

  // M x d points -> M x 2 map positions.
  Matrix place(const Matrix& points) const;

  int neighbours() const { return k_; }

 private:
  Matrix catalog_;
  Matrix layout_;
  int k_ = 0;
  int threads_ = 0;
};

}  // namespace recdiff::analysis
