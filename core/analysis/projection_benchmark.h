// Timing of the projections on synthetic clustered embeddings, for
// `recdiff bench projection`. A benchmark, not a test: nothing is asserted.
//
// Data: `clusters` Gaussian blobs in `dimension` dimensions (centres drawn
// N(0, 3^2) per coordinate, points N(centre, 1)), the shape of item
// embeddings grouped by category. Everything is seeded.
#pragma once

#include <cstdint>
#include <string>

namespace recdiff::analysis {

struct ProjectionBenchmarkOptions {
  int points = 10000;  // for t-SNE and UMAP
  int dimension = 64;
  int pcaPoints = 50000;  // for PCA
  int clusters = 20;
  int threads = 0;  // 0 = all hardware threads
  std::uint64_t seed = 1;
  bool runPca = true, runTsne = true, runUmap = true;
  // When set, the t-SNE/UMAP input is also written here (TSV: the cluster
  // label, then the coordinates), so that another implementation can be
  // timed on exactly the same points (tests/bench/*).
  std::string pointsFile;
};

struct ProjectionBenchmarkResult {
  int threads = 0;
  int points = 0, dimension = 0, pcaPoints = 0;
  double pcaSeconds = 0.0;
  // Totals, their neighbour-search part, and the time until the first layout
  // reached the progress callback (what a GUI could first draw).
  double tsneSeconds = 0.0, tsneNeighboursSeconds = 0.0, tsneFirstLayoutSeconds = 0.0;
  double umapSeconds = 0.0, umapNeighboursSeconds = 0.0, umapFirstLayoutSeconds = 0.0;
  // Process CPU seconds (all threads) of each run: on a shared machine the
  // wall times above depend on the load, these much less.
  double pcaCpuSeconds = 0.0, tsneCpuSeconds = 0.0, umapCpuSeconds = 0.0;
  double tsneKl = 0.0;
  // Fraction of each point's 10 nearest map neighbours from its own cluster.
  double tsneLabelAgreement = 0.0, umapLabelAgreement = 0.0;
};

ProjectionBenchmarkResult runProjectionBenchmark(const ProjectionBenchmarkOptions& options = {});

// The result as a one-line JSON object (what `recdiff bench` prints).
std::string toJson(const ProjectionBenchmarkResult& result);

}  // namespace recdiff::analysis
