// UMAP (McInnes, Healy & Melville 2018), written from the paper.
//
//  1. kNN graph: exact brute force for small N, HNSW (approximate) for large.
//  2. Fuzzy simplicial set: per point rho_i = distance to its nearest
//     neighbour at a positive distance and sigma_i by bisection so that
//     sum_j exp(-max(0, d_ij - rho_i) / sigma_i) = log2(n_neighbors); the
//     directed weights are symmetrised by fuzzy union w + w' - w w'.
//  3. Low-dimensional similarity 1 / (1 + a d^(2b)) with a, b fitted by least
//     squares to the target curve (1 below min_dist, exp(-(d - min_dist) /
//     spread) beyond).
//  4. SGD on the fuzzy-set cross-entropy: an edge of weight w is sampled once
//     every w_max / w epochs (edges with w < w_max / n_epochs are never
//     sampled); each sample pulls both ends together and pushes the head away
//     from negative_sample_rate uniformly drawn points; the learning rate
//     decays linearly to 0; every gradient component is clipped to [-4, 4].
//
// Initialisation: PCA (deterministic, the default) or seeded uniform random.
// The paper's spectral initialisation is not implemented: it needs a sparse
// eigensolver, and PCA gives the same picture for the embeddings we project.
//
// Deterministic under a seed: the SGD runs on one thread with one seeded
// random stream (a parallel "Hogwild" SGD would depend on thread timing).
#pragma once

#include "core/analysis/analysis_types.h"
#include "core/analysis/nearest_neighbors.h"

#include <cstdint>
#include <vector>

namespace recdiff::analysis {

struct UmapOptions {
  int nNeighbors = 15;  // neighbours per point, not counting itself
  double minDist = 0.1;
  double spread = 1.0;
  int epochs = 0;  // 0 = automatic: 500 for N <= 10,000, else 200
  double learningRate = 1.0;
  int negativeSampleRate = 5;
  double repulsionStrength = 1.0;
  double a = 0.0, b = 0.0;  // both > 0 to bypass the curve fit
  Initialisation init = Initialisation::Pca;
  std::uint64_t seed = 1;
  int threads = 0;  // kNN and fuzzy set only; SGD is single-threaded
  KnnMethod neighbours = KnnMethod::Auto;
  int autoExactLimit = 20000;  // Auto: exact up to this N, HNSW above
  int progressEvery = 10;      // epochs between progress callbacks
};

struct UmapResult {
  Matrix embedding;  // N x 2
  double a = 0.0, b = 0.0;
  int epochs = 0;
  long edges = 0;  // directed edges of the fuzzy graph that were sampled
  double neighboursSeconds = 0.0, graphSeconds = 0.0, optimiseSeconds = 0.0;
};

// The symmetric fuzzy graph in CSR form (weights in (0, 1]).
struct FuzzyGraph {
  int n = 0;
  std::vector<long> rowStart;
  std::vector<int> columns;
  std::vector<float> values;
};

// (a, b) of 1 / (1 + a x^(2b)) fitted by Levenberg-Marquardt to the target
// curve sampled at 300 points on [0, 3 spread]. (0.1, 1.0) gives about
// (1.58, 0.90).
std::pair<double, double> fitUmapCurve(double minDist, double spread);

// Steps 2 of the algorithm on a kNN graph.
FuzzyGraph umapFuzzyGraph(const KnnGraph& graph, int threads = 0);

// Embeds the rows of x (N x d, N >= 3) in 2-D. Progress and cancellation as
// tsne(): Stage::Neighbours, then epoch 0 and every progressEvery epochs with
// the current layout, then Stage::Done; throws Cancelled when the callback
// returns false.
UmapResult umap(const Matrix& x, const UmapOptions& options = {}, const ProgressCallback& progress = {});

}  // namespace recdiff::analysis
