// Types shared by every analysis routine: the point matrix, the errors they
// throw, and the progress/cancel protocol of the long-running projections.
//
// Why row-major float: embeddings come out of LibTorch as contiguous row-major
// float tensors (one item per row), so a Map over their storage is free, and
// a row is the unit every algorithm here iterates over.
#pragma once

#include <Eigen/Core>

#include <functional>
#include <stdexcept>
#include <string>

namespace recdiff::analysis {

// One point per row.
using Matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using Vector = Eigen::VectorXf;

// Bad input a user can act on (wrong shape, too few points, NaNs, ...).
struct AnalysisError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Thrown by tsne()/umap() when the progress callback returns false. Nothing is
// returned and no partial result escapes: a cancelled run is simply abandoned,
// which is what a GUI that dropped a stale job wants.
struct Cancelled : std::runtime_error {
  Cancelled() : std::runtime_error("projection cancelled") {}
};

// How t-SNE and UMAP lay points out before optimising.
enum class Initialisation {
  Pca,     // the first two principal components: deterministic (the default)
  Random,  // seeded random positions
};

// Progress of an iterative projection.
struct Progress {
  enum class Stage { Neighbours, Affinities, Optimising, Done };
  Stage stage = Stage::Optimising;
  int iteration = 0;  // t-SNE iteration or UMAP epoch, 0-based
  int totalIterations = 0;
  // The current 2-D layout (N x 2), or nullptr before optimisation starts.
  // Valid only during the call: copy it if it must outlive the callback.
  const Matrix* embedding = nullptr;
  // t-SNE: KL(P||Q) (Barnes-Hut estimate of Z), recomputed every 50
  // iterations; UMAP: NaN (its cross-entropy is not tracked).
  double objective = 0.0;
  double elapsedSeconds = 0.0;
};

// Called from the thread that runs the projection. Return false to cancel:
// the projection then throws Cancelled at once.
using ProgressCallback = std::function<bool(const Progress&)>;

// Throws AnalysisError naming `what` when x has a NaN or infinity.
void requireFinite(const Matrix& x, const std::string& what);

}  // namespace recdiff::analysis
