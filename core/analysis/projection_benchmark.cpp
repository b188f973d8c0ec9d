#include "core/analysis/projection_benchmark.h"

#include "core/analysis/parallel_for.h"
#include "core/analysis/pca.h"
#include "core/analysis/random_stream.h"
#include "core/analysis/trustworthiness.h"
#include "core/analysis/tsne.h"
#include "core/analysis/umap.h"
#include "core/data/atomic_file.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <ctime>
#include <vector>

namespace recdiff::analysis {

namespace {

using Clock = std::chrono::steady_clock;
double secondsSince(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }
double cpuSecondsSince(std::clock_t c0) { return static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC; }

Matrix clusteredPoints(int n, int d, int clusters, std::uint64_t seed, std::vector<int>& labels) {
  RandomStream rng(seed);
  Matrix centres(clusters, d);
  for (int c = 0; c < clusters; ++c)
    for (int j = 0; j < d; ++j) centres(c, j) = static_cast<float>(3.0 * rng.normal());
  Matrix x(n, d);
  labels.resize(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    const int c = static_cast<int>(rng.below(static_cast<std::uint32_t>(clusters)));
    labels[static_cast<std::size_t>(i)] = c;
    for (int j = 0; j < d; ++j) x(i, j) = centres(c, j) + static_cast<float>(rng.normal());
  }
  return x;
}

void writePoints(const std::string& path, const Matrix& x, const std::vector<int>& labels) {
  data::writeFileAtomically(path, [&](std::ostream& out) {
    out.precision(9);  // float round trip
    for (Eigen::Index i = 0; i < x.rows(); ++i) {
      out << labels[static_cast<std::size_t>(i)];
      for (Eigen::Index j = 0; j < x.cols(); ++j) out << '\t' << x(i, j);
      out << '\n';
    }
  });
}

}  // namespace

ProjectionBenchmarkResult runProjectionBenchmark(const ProjectionBenchmarkOptions& o) {
  ProjectionBenchmarkResult r;
  r.threads = resolveThreadCount(o.threads);
  r.points = o.points;
  r.dimension = o.dimension;
  r.pcaPoints = o.pcaPoints;
  std::vector<int> labels;
  if (o.runPca) {
    const Matrix big = clusteredPoints(o.pcaPoints, o.dimension, o.clusters, o.seed, labels);
    const auto t0 = Clock::now();
    const std::clock_t c0 = std::clock();
    const Pca pca = Pca::fit(big, 2);
    const Matrix projected = pca.transform(big);
    r.pcaSeconds = secondsSince(t0);
    r.pcaCpuSeconds = cpuSecondsSince(c0);
    (void)projected;
  }
  const Matrix x = clusteredPoints(o.points, o.dimension, o.clusters, o.seed + 1, labels);
  if (!o.pointsFile.empty()) writePoints(o.pointsFile, x, labels);
  if (o.runTsne) {
    TsneOptions opt;
    opt.threads = r.threads;
    opt.seed = o.seed;
    const auto t0 = Clock::now();
    const std::clock_t c0 = std::clock();
    double first = -1.0;
    const TsneResult res = tsne(x, opt, [&](const Progress& p) {
      if (p.embedding && first < 0) first = secondsSince(t0);
      return true;
    });
    r.tsneSeconds = secondsSince(t0);
    r.tsneCpuSeconds = cpuSecondsSince(c0);
    r.tsneNeighboursSeconds = res.neighboursSeconds;
    r.tsneFirstLayoutSeconds = first;
    r.tsneKl = res.klDivergence;
    r.tsneLabelAgreement = neighbourLabelAgreement(res.embedding, labels, 10, r.threads);
  }
  if (o.runUmap) {
    UmapOptions opt;
    opt.threads = r.threads;
    opt.seed = o.seed;
    const auto t0 = Clock::now();
    const std::clock_t c0 = std::clock();
    double first = -1.0;
    const UmapResult res = umap(x, opt, [&](const Progress& p) {
      if (p.embedding && first < 0) first = secondsSince(t0);
      return true;
    });
    r.umapSeconds = secondsSince(t0);
    r.umapCpuSeconds = cpuSecondsSince(c0);
    r.umapNeighboursSeconds = res.neighboursSeconds;
    r.umapFirstLayoutSeconds = first;
    r.umapLabelAgreement = neighbourLabelAgreement(res.embedding, labels, 10, r.threads);
  }
  return r;
}

std::string toJson(const ProjectionBenchmarkResult& r) {
  nlohmann::json j;
  j["benchmark"] = "projection";
  j["threads"] = r.threads;
  j["points"] = r.points;
  j["dimension"] = r.dimension;
  j["pca_points"] = r.pcaPoints;
  j["pca_seconds"] = r.pcaSeconds;
  j["tsne_seconds"] = r.tsneSeconds;
  j["tsne_neighbours_seconds"] = r.tsneNeighboursSeconds;
  j["tsne_first_layout_seconds"] = r.tsneFirstLayoutSeconds;
  j["pca_cpu_seconds"] = r.pcaCpuSeconds;
  j["tsne_cpu_seconds"] = r.tsneCpuSeconds;
  j["umap_cpu_seconds"] = r.umapCpuSeconds;
  j["tsne_kl"] = r.tsneKl;
  j["tsne_label_agreement"] = r.tsneLabelAgreement;
  j["umap_seconds"] = r.umapSeconds;
  j["umap_neighbours_seconds"] = r.umapNeighboursSeconds;
  j["umap_first_layout_seconds"] = r.umapFirstLayoutSeconds;
  j["umap_label_agreement"] = r.umapLabelAgreement;
  return j.dump();
}

}  // namespace recdiff::analysis
