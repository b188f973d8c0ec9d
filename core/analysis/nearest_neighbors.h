// k-nearest-neighbour graphs for the projections (Euclidean distance).
//
// Three ways to build one, because the right one depends on N:
//  - exact:   blocked brute force through a matrix product, O(N^2 d) but at
//             GEMM speed; the fastest exact method up to a few 10^4 points
//             in 64 dimensions, where trees lose their pruning power.
//  - VP-tree: an exact vantage-point tree (Yianilos 1993), the structure the
//             Barnes-Hut t-SNE paper proposes; it wins over brute force when
//             the data lie on a low-dimensional manifold and N is large.
//  - HNSW:    approximate (hnswlib, a Debian header-only package), built
//             single-threaded so the graph, and with it the UMAP layout, is
//             deterministic under a seed; for large N.
#pragma once

#include "core/analysis/analysis_types.h"

#include <cstdint>
#include <functional>
#include <vector>

namespace recdiff::analysis {

// Row i lists the k nearest neighbours of point i (never i itself), nearest
// first, with their Euclidean (not squared) distances. Ties break by index.
struct KnnGraph {
  int n = 0;
  int k = 0;
  std::vector<int> indices;      // n * k
  std::vector<float> distances;  // n * k
  const int* neighbours(int i) const { return indices.data() + static_cast<long>(i) * k; }
  const float* dists(int i) const { return distances.data() + static_cast<long>(i) * k; }
};

enum class KnnMethod {
  Auto,  // exact up to autoExactLimit points, then VP-tree (t-SNE) or HNSW (UMAP)
  Exact,
  VpTree,
  Hnsw,
};

// Returns true to keep going; checked on the calling thread between batches.
// When it returns false the builders throw Cancelled.
using KeepGoing = std::function<bool()>;

// k must be in [1, N-1]. threads: 0 = all hardware threads.
KnnGraph exactKnn(const Matrix& x, int k, int threads = 0, const KeepGoing& keepGoing = {});
KnnGraph vpTreeKnn(const Matrix& x, int k, int threads = 0, std::uint64_t seed = 1, const KeepGoing& keepGoing = {});
// Approximate; recall is typically > 0.95 with these settings. Without
// hnswlib at build time this is the exact VP-tree.
KnnGraph hnswKnn(const Matrix& x, int k, int threads = 0, std::uint64_t seed = 1, const KeepGoing& keepGoing = {});

// Exact queries of arbitrary points against a reference set (no self to
// skip): used to place new points into an existing map.
KnnGraph exactKnnQuery(const Matrix& reference, const Matrix& queries, int k, int threads = 0);

}  // namespace recdiff::analysis
