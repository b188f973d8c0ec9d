// Barnes-Hut t-SNE (van der Maaten 2014, "Accelerating t-SNE using
// tree-based algorithms"), written from the paper.
//
//  1. Input affinities: for each point its 3*perplexity nearest neighbours
//     (exact brute force for small N, an exact VP-tree for large N); a binary
//     search on the Gaussian precision beta_i = 1/(2 sigma_i^2) makes each
//     conditional distribution's perplexity equal the target; P is then
//     symmetrised, P_ij = (p_j|i + p_i|j) / 2N, and kept sparse.
//  2. Gradient dC/dy_i = 4 (F_attr - F_rep / Z): the attractive part over the
//     sparse P, the repulsive part and Z by a Barnes-Hut quadtree.
//  3. Gradient descent with momentum (0.5, then 0.8), per-coordinate gains
//     (+0.2 when the gradient changes sign, x0.8 otherwise, floor 0.01) and
//     early exaggeration of P (x12 for the first 250 iterations).
//
// Deterministic under a seed, for any number of threads: every per-point sum
// is computed in a fixed order by one thread and reductions run serially.
#pragma once

#include "core/analysis/analysis_types.h"
#include "core/analysis/nearest_neighbors.h"

#include <cstdint>
#include <vector>

namespace recdiff::analysis {

struct TsneOptions {
  double perplexity = 30.0;  // clamped to (N-1)/3 for tiny inputs
  double theta = 0.5;        // Barnes-Hut accuracy; 0 = exact repulsion (O(N^2))
  // <= 0 means automatic: max(N / earlyExaggeration / 4, 50) (Belkina et al.
  // 2019); the classic fixed value is 200.
  double learningRate = 0.0;
  int iterations = 1000;
  double earlyExaggeration = 12.0;
  int exaggerationIterations = 250;
  double initialMomentum = 0.5;  // until exaggerationIterations, then:
  double finalMomentum = 0.8;
  double minGain = 0.01;
  Initialisation init = Initialisation::Pca;
  std::uint64_t seed = 1;  // random init and VP-tree vantage points
  int threads = 0;         // 0 = all hardware threads
  KnnMethod neighbours = KnnMethod::Auto;
  int autoExactLimit = 20000;  // Auto: exact brute force up to this N, VP-tree above
  int progressEvery = 10;      // iterations between progress callbacks
};

struct TsneResult {
  Matrix embedding;           // N x 2, centred at the origin
  double klDivergence = 0.0;  // KL(P||Q) at the end (Barnes-Hut Z)
  int iterations = 0;
  double effectivePerplexity = 0.0;
  double learningRate = 0.0;  // the one used (after "auto")
  double neighboursSeconds = 0.0, affinitySeconds = 0.0, optimiseSeconds = 0.0;
};

// Symmetric sparse joint probabilities in CSR form; values sum to 1.
struct SparseAffinities {
  int n = 0;
  std::vector<long> rowStart;  // n + 1
  std::vector<int> columns;
  std::vector<float> values;
};

// Step 1 on a kNN graph: the conditional distributions (perplexity matched by
// bisection on squared distances) symmetrised into P.
SparseAffinities tsneAffinities(const KnnGraph& graph, double perplexity, int threads = 0);

// Embeds the rows of x (N x d, N >= 4) in 2-D. Calls `progress` with the
// neighbour stage, then at iteration 0 and every progressEvery iterations with
// the current layout, and once with Stage::Done. Throws Cancelled when
// `progress` returns false, AnalysisError on bad input.
TsneResult tsne(const Matrix& x, const TsneOptions& options = {}, const ProgressCallback& progress = {});

}  // namespace recdiff::analysis
