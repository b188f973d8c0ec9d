// Projections: PCA against exact cases; t-SNE and UMAP on well separated
// Gaussian clusters (clusters stay apart, neighbourhoods are trustworthy),
// determinism under a seed, cancellation; placement of new points into a map.
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include <Eigen/Geometry>

#include "core/analysis/nearest_neighbors.h"
#include "core/analysis/pca.h"
#include "core/analysis/placement.h"
#include "core/analysis/projection.h"
#include "core/analysis/random_stream.h"
#include "core/analysis/trustworthiness.h"
#include "core/analysis/tsne.h"
#include "core/analysis/umap.h"
#include "tests/support/check.h"

using namespace recdiff::analysis;

namespace {

// `clusters` blobs N(centre, 1) with centres N(0, spread^2) per coordinate.
Matrix blobs(int n, int d, int clusters, double spread, std::uint64_t seed, std::vector<int>& labels) {
  RandomStream rng(seed);
  Matrix centres(clusters, d);
  for (int c = 0; c < clusters; ++c)
    for (int j = 0; j < d; ++j) centres(c, j) = static_cast<float>(spread * rng.normal());
  Matrix x(n, d);
  labels.resize(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    labels[static_cast<std::size_t>(i)] = i % clusters;
    for (int j = 0; j < d; ++j) x(i, j) = centres(i % clusters, j) + static_cast<float>(rng.normal());
  }
  return x;
}

bool sameMatrix(const Matrix& a, const Matrix& b) {
  return a.rows() == b.rows() && a.cols() == b.cols() && (a.array() == b.array()).all();
}

}  // namespace

TEST_CASE("PCA of a known case: axes, variances, ratios, transform") {
  // (±2, 0) and (0, ±1): covariance diag(8/3, 2/3) (divides by N - 1 = 3).
  Matrix x(4, 2);
  x << 2, 0, -2, 0, 0, 1, 0, -1;
  const Pca pca = Pca::fit(x, 2);
  CHECK_NEAR(pca.explainedVariance()[0], 8.0 / 3.0, 1e-9);
  CHECK_NEAR(pca.explainedVariance()[1], 2.0 / 3.0, 1e-9);
  CHECK_NEAR(pca.explainedVarianceRatio()[0], 0.8, 1e-9);
  CHECK_NEAR(pca.explainedVarianceRatio()[1], 0.2, 1e-9);
  CHECK_NEAR(pca.axes()(0, 0), 1.0, 1e-6);  // sign fixed: largest coordinate positive
  CHECK_NEAR(pca.axes()(1, 1), 1.0, 1e-6);
  Matrix q(1, 2);
  q << 3, -5;
  const Matrix t = pca.transform(q);
  CHECK_NEAR(t(0, 0), 3.0, 1e-6);
  CHECK_NEAR(t(0, 1), -5.0, 1e-6);
}

TEST_CASE("PCA finds a rotated basis and transforms new points into it") {
  // Points with variances 9, 4, 1 along the axes, rotated and shifted.
  RandomStream rng(3);
  const int n = 4000;
  Matrix z(n, 3);
  for (int i = 0; i < n; ++i) {
    z(i, 0) = static_cast<float>(3 * rng.normal());
    z(i, 1) = static_cast<float>(2 * rng.normal());
    z(i, 2) = static_cast<float>(rng.normal());
  }
  const double a = 0.7, b = 0.4;
  Eigen::Matrix3f rot = (Eigen::AngleAxisf(static_cast<float>(a), Eigen::Vector3f::UnitZ()) *
                         Eigen::AngleAxisf(static_cast<float>(b), Eigen::Vector3f::UnitX()))
                            .toRotationMatrix();
  Matrix x = z * rot.transpose();
  x.rowwise() += Eigen::RowVector3f(5, -1, 2);
  const Pca pca = Pca::fit(x, 2);
  CHECK_EQ(pca.components(), 2);
  // Each fitted axis is (up to sign) a column of the rotation.
  CHECK_NEAR(std::fabs(pca.axes().col(0).dot(rot.col(0))), 1.0, 1e-3);
  CHECK_NEAR(std::fabs(pca.axes().col(1).dot(rot.col(1))), 1.0, 1e-3);
  CHECK_NEAR(pca.explainedVarianceRatio()[0], 9.0 / 14.0, 0.02);
  // New points land in the same basis: (p - mean) . axis.
  Matrix p(1, 3);
  p << 1, 2, 3;
  const Matrix t = pca.transform(p);
  const Eigen::RowVector3f centred = p.row(0) - pca.mean();
  CHECK_NEAR(t(0, 0), centred.dot(pca.axes().col(0)), 1e-4);
  // The full basis reconstructs exactly.
  const Pca full = Pca::fit(x, 3);
  CHECK((full.inverseTransform(full.transform(x)) - x).cwiseAbs().maxCoeff() < 1e-3f);
}

TEST_CASE("PCA rejects bad input with a usable message") {
  Matrix x = Matrix::Zero(5, 3);
  CHECK_THROWS_WITH(AnalysisError, Pca::fit(x, 4), "components");
  CHECK_THROWS_WITH(AnalysisError, Pca::fit(Matrix::Zero(1, 3), 1), "at least 2");
  x(2, 1) = std::nanf("");
  CHECK_THROWS_WITH(AnalysisError, Pca::fit(x, 1), "row 2, column 1");
  const Pca pca = Pca::fit(Matrix::Random(6, 3), 2);
  CHECK_THROWS_WITH(AnalysisError, pca.transform(Matrix::Zero(2, 4)), "dimensions");
}

TEST_CASE("exact and VP-tree kNN agree; HNSW recall is high") {
  std::vector<int> labels;
  const Matrix x = blobs(800, 16, 5, 2.0, 11, labels);
  const KnnGraph exact = exactKnn(x, 12, 2);
  const KnnGraph vp = vpTreeKnn(x, 12, 2, 5);
  CHECK(exact.indices == vp.indices);
  for (std::size_t t = 0; t < exact.distances.size(); ++t) CHECK_NEAR(exact.distances[t], vp.distances[t], 1e-4);
  for (int i = 0; i < exact.n; ++i) {
    CHECK(exact.neighbours(i)[0] != i);
    for (int t = 1; t < exact.k; ++t) CHECK(exact.dists(i)[t - 1] <= exact.dists(i)[t]);
  }
  const KnnGraph approx = hnswKnn(x, 12, 2, 5);
  long hits = 0;
  for (int i = 0; i < exact.n; ++i)
    for (int a = 0; a < 12; ++a)
      for (int b = 0; b < 12; ++b) hits += exact.neighbours(i)[a] == approx.neighbours(i)[b];
  CHECK(hits / (12.0 * exact.n) > 0.95);
}

TEST_CASE("t-SNE affinities form a symmetric distribution") {
  std::vector<int> labels;
  const Matrix x = blobs(300, 8, 3, 3.0, 5, labels);
  const SparseAffinities p = tsneAffinities(exactKnn(x, 30, 2), 10.0, 2);
  double total = 0.0;
  for (float v : p.values) {
    CHECK(v > 0);
    total += v;
  }
  CHECK_NEAR(total, 1.0, 1e-4);
  auto lookup = [&](int i, int j) {
    for (long t = p.rowStart[static_cast<std::size_t>(i)]; t < p.rowStart[static_cast<std::size_t>(i) + 1]; ++t)
      if (p.columns[static_cast<std::size_t>(t)] == j) return p.values[static_cast<std::size_t>(t)];
    return 0.0f;
  };
  for (int i = 0; i < p.n; i += 7)
    for (long t = p.rowStart[static_cast<std::size_t>(i)]; t < p.rowStart[static_cast<std::size_t>(i) + 1]; ++t)
      CHECK_NEAR(lookup(p.columns[static_cast<std::size_t>(t)], i), p.values[static_cast<std::size_t>(t)], 1e-9);
}

TEST_CASE("t-SNE keeps well separated clusters apart") {
  std::vector<int> labels;
  const Matrix x = blobs(800, 20, 5, 4.0, 21, labels);
  TsneOptions o;
  o.threads = 2;
  const TsneResult r = tsne(x, o);
  CHECK_EQ(r.embedding.rows(), 800);
  CHECK_EQ(r.embedding.cols(), 2);
  CHECK(std::isfinite(r.klDivergence) && r.klDivergence > 0);
  const double agreement = neighbourLabelAgreement(r.embedding, labels, 10, 2);
  const double trust = trustworthiness(x, r.embedding, 10, 2);
  CHECK(agreement > 0.95);
  CHECK(trust > 0.9);
}

TEST_CASE("t-SNE is deterministic under a seed, for any thread count") {
  std::vector<int> labels;
  const Matrix x = blobs(300, 10, 3, 3.0, 8, labels);
  TsneOptions o;
  o.iterations = 300;
  o.init = Initialisation::Random;
  o.seed = 42;
  o.threads = 1;
  const Matrix a = tsne(x, o).embedding;
  o.threads = 2;
  const Matrix b = tsne(x, o).embedding;
  CHECK(sameMatrix(a, b));
  o.seed = 43;
  CHECK(!sameMatrix(a, tsne(x, o).embedding));
  // The PCA initialisation needs no seed at all.
  TsneOptions p;
  p.iterations = 100;
  CHECK(sameMatrix(tsne(x, p).embedding, tsne(x, p).embedding));
}

TEST_CASE("t-SNE reports layouts every 10 iterations and can be cancelled") {
  std::vector<int> labels;
  const Matrix x = blobs(200, 6, 2, 3.0, 4, labels);
  TsneOptions o;
  o.iterations = 50;
  std::vector<int> seen;
  bool sawNeighbours = false, sawDone = false;
  tsne(x, o, [&](const Progress& p) {
    if (p.stage == Progress::Stage::Neighbours) sawNeighbours = true;
    if (p.stage == Progress::Stage::Done) sawDone = true;
    if (p.stage == Progress::Stage::Optimising) {
      CHECK(p.embedding != nullptr);
      CHECK_EQ(p.embedding->rows(), 200);
      seen.push_back(p.iteration);
    }
    return true;
  });
  CHECK(sawNeighbours && sawDone);
  CHECK((seen == std::vector<int>{0, 10, 20, 30, 40}));
  int calls = 0;
  CHECK_THROWS_WITH(
      Cancelled,
      tsne(x, o, [&](const Progress& p) { return !(p.stage == Progress::Stage::Optimising && ++calls == 2); }),
      "cancelled");
  CHECK_EQ(calls, 2);
}

TEST_CASE("UMAP curve fit matches the known a, b for min_dist 0.1, spread 1") {
  const auto [a, b] = fitUmapCurve(0.1, 1.0);
  CHECK_NEAR(a, 1.577, 0.01);
  CHECK_NEAR(b, 0.895, 0.01);
  const auto [a2, b2] = fitUmapCurve(0.5, 1.0);
  CHECK(a2 < a);  // a larger min_dist flattens the curve near 0
  (void)b2;
  CHECK_THROWS_WITH(AnalysisError, fitUmapCurve(2.0, 1.0), "min_dist");
}

TEST_CASE("UMAP fuzzy graph is symmetric with weights in (0, 1]") {
  std::vector<int> labels;
  const Matrix x = blobs(300, 8, 3, 3.0, 6, labels);
  const FuzzyGraph g = umapFuzzyGraph(exactKnn(x, 15, 2), 2);
  auto lookup = [&](int i, int j) {
    for (long t = g.rowStart[static_cast<std::size_t>(i)]; t < g.rowStart[static_cast<std::size_t>(i) + 1]; ++t)
      if (g.columns[static_cast<std::size_t>(t)] == j) return g.values[static_cast<std::size_t>(t)];
    return 0.0f;
  };
  for (int i = 0; i < g.n; ++i) {
    float best = 0.0f;
    for (long t = g.rowStart[static_cast<std::size_t>(i)]; t < g.rowStart[static_cast<std::size_t>(i) + 1]; ++t) {
      const float v = g.values[static_cast<std::size_t>(t)];
      CHECK(v > 0 && v <= 1.0f);
      best = std::max(best, v);
      CHECK_NEAR(lookup(g.columns[static_cast<std::size_t>(t)], i), v, 1e-6);
    }
    CHECK_NEAR(best, 1.0, 1e-6);  // the nearest neighbour sits at rho: weight 1
  }
}

TEST_CASE("UMAP keeps well separated clusters apart") {
  std::vector<int> labels;
  const Matrix x = blobs(800, 20, 5, 4.0, 21, labels);
  UmapOptions o;
  o.threads = 2;
  const UmapResult r = umap(x, o);
  CHECK_EQ(r.epochs, 500);
  CHECK(r.edges > 800 * 15);
  CHECK(r.embedding.allFinite());
  CHECK(neighbourLabelAgreement(r.embedding, labels, 10, 2) > 0.95);
  CHECK(trustworthiness(x, r.embedding, 10, 2) > 0.9);
}

TEST_CASE("UMAP with approximate (HNSW) neighbours and random init") {
  std::vector<int> labels;
  const Matrix x = blobs(800, 20, 5, 4.0, 22, labels);
  UmapOptions o;
  o.neighbours = KnnMethod::Hnsw;
  o.init = Initialisation::Random;
  o.epochs = 200;
  const UmapResult r = umap(x, o);
  CHECK(neighbourLabelAgreement(r.embedding, labels, 10, 2) > 0.95);
}

TEST_CASE("UMAP is deterministic under a seed and can be cancelled") {
  std::vector<int> labels;
  const Matrix x = blobs(300, 10, 3, 3.0, 9, labels);
  UmapOptions o;
  o.epochs = 100;
  o.seed = 7;
  o.threads = 1;
  const Matrix a = umap(x, o).embedding;
  o.threads = 2;
  CHECK(sameMatrix(a, umap(x, o).embedding));
  o.seed = 8;
  CHECK(!sameMatrix(a, umap(x, o).embedding));
  std::vector<int> epochs;
  int calls = 0;
  CHECK_THROWS_WITH(Cancelled,
                    umap(x, o,
                         [&](const Progress& p) {
                           if (p.stage != Progress::Stage::Optimising) return true;
                           epochs.push_back(p.iteration);
                           return ++calls < 3;
                         }),
                    "cancelled");
  CHECK((epochs == std::vector<int>{0, 10, 20}));
}

TEST_CASE("placement: catalog items land near their own map position") {
  std::vector<int> labels;
  const Matrix x = blobs(400, 12, 4, 4.0, 13, labels);
  UmapOptions o;
  o.epochs = 200;
  const Matrix map = umap(x, o).embedding;
  const NeighbourPlacement placement(x, map);
  const Matrix placed = placement.place(x.topRows(50));
  const double extent = (map.colwise().maxCoeff() - map.colwise().minCoeff()).norm();
  for (int i = 0; i < 50; ++i) {
    // Within the item's own cluster in the map: close to its position.
    CHECK((placed.row(i) - map.row(i)).norm() < 0.1 * extent);
  }
  CHECK_THROWS_WITH(AnalysisError, placement.place(Matrix::Zero(1, 5)), "dimensions");
}

TEST_CASE("placement moves smoothly as the point moves") {
  std::vector<int> labels;
  const Matrix x = blobs(400, 12, 4, 4.0, 14, labels);
  TsneOptions o;
  o.iterations = 400;
  const Matrix map = tsne(x, o).embedding;
  const NeighbourPlacement placement(x, map, {10, 2});
  const double extent = (map.colwise().maxCoeff() - map.colwise().minCoeff()).norm();
  // A straight path from an item of cluster 0 to an item of cluster 1, at
  // two resolutions: a continuous placement halves its largest jump when the
  // steps halve; one that snaps between neighbour sets does not.
  auto largestJump = [&](int steps) {
    Matrix path(steps + 1, x.cols());
    for (int s = 0; s <= steps; ++s) {
      const float t = static_cast<float>(s) / steps;
      path.row(s) = (1 - t) * x.row(0) + t * x.row(1);
    }
    const Matrix p = placement.place(path);
    double jump = 0.0;
    for (int s = 1; s <= steps; ++s) jump = std::max<double>(jump, (p.row(s) - p.row(s - 1)).norm());
    return jump;
  };
  const double coarse = largestJump(400), fine = largestJump(1600);
  CHECK(coarse < 0.1 * extent);
  CHECK(fine < 0.5 * coarse);
}

TEST_CASE("trustworthiness: 1 for the identity, lower for a scrambled map") {
  std::vector<int> labels;
  const Matrix x = blobs(300, 2, 3, 3.0, 15, labels);
  CHECK_NEAR(trustworthiness(x, x, 5, 2), 1.0, 1e-9);
  Matrix scrambled = x;
  RandomStream rng(1);
  for (int i = scrambled.rows() - 1; i > 0; --i)
    scrambled.row(i).swap(scrambled.row(static_cast<int>(rng.below(static_cast<std::uint32_t>(i + 1)))));
  CHECK(trustworthiness(x, scrambled, 5, 2) < 0.7);
  CHECK_THROWS_WITH(AnalysisError, trustworthiness(x, x, 250, 2), "too large");
}

TEST_CASE("project() dispatches by method name") {
  CHECK(parseProjectionMethod("t-SNE") == ProjectionMethod::Tsne);
  CHECK(parseProjectionMethod("UMAP") == ProjectionMethod::Umap);
  CHECK(parseProjectionMethod("pca") == ProjectionMethod::Pca);
  CHECK(!parseProjectionMethod("mds").has_value());
  CHECK_EQ(toString(ProjectionMethod::Umap), std::string("umap"));
  std::vector<int> labels;
  const Matrix x = blobs(200, 6, 2, 3.0, 16, labels);
  ProjectionOptions o;
  o.method = ProjectionMethod::Pca;
  const Matrix p = project(x, o);
  CHECK(sameMatrix(p, Pca::fit(x, 2).transform(x)));
  o.method = ProjectionMethod::Umap;
  o.umap.epochs = 50;
  CHECK_EQ(project(x, o).rows(), 200);
}
