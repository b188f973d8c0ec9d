#include "core/analysis/tsne.h"

#include "core/analysis/barnes_hut_tree.h"
#include "core/analysis/parallel_for.h"
#include "core/analysis/pca.h"
#include "core/analysis/random_stream.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <string>

namespace recdiff::analysis {

namespace {

using Clock = std::chrono::steady_clock;
double secondsSince(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// p_j|i over one point's neighbours, their squared distances shifted by the
// nearest one (the shift cancels in the normalisation and avoids underflow).
// Bisection on beta until the entropy equals log(perplexity) (in nats).
void conditionalRow(const float* dist, int k, double targetEntropy, double* p) {
  const double d0 = static_cast<double>(dist[0]) * dist[0];
  std::vector<double> shifted(static_cast<std::size_t>(k));
  for (int j = 0; j < k; ++j) shifted[static_cast<std::size_t>(j)] = static_cast<double>(dist[j]) * dist[j] - d0;
  double beta = 1.0, lo = 0.0, hi = std::numeric_limits<double>::infinity();
  for (int it = 0; it < 200; ++it) {
    double sum = 0.0, weighted = 0.0;
    for (int j = 0; j < k; ++j) {
      p[j] = std::exp(-beta * shifted[static_cast<std::size_t>(j)]);
      sum += p[j];
      weighted += p[j] * shifted[static_cast<std::size_t>(j)];
    }
    const double entropy = std::log(sum) + beta * weighted / sum;
    const double diff = entropy - targetEntropy;
    for (int j = 0; j < k; ++j) p[j] /= sum;
    if (std::fabs(diff) < 1e-5) break;
    if (diff > 0) {  // too flat: sharpen
      lo = beta;
      beta = std::isinf(hi) ? beta * 2.0 : 0.5 * (beta + hi);
    } else {
      hi = beta;
      beta = 0.5 * (beta + lo);
    }
  }
}

Matrix initialLayout(const Matrix& x, const TsneOptions& o) {
  const Eigen::Index n = x.rows();
  Matrix y(n, 2);
  if (o.init == Initialisation::Pca && x.cols() >= 2) {
    y = Pca::fit(x, 2).transform(x);
    const double sd = std::sqrt((y.col(0).array() - y.col(0).mean()).square().mean());
    // Scaled to a standard deviation of 1e-4 along the first axis, the scale
    // of the usual random initialisation, so the optimiser behaves the same.
    if (sd > 0 && std::isfinite(sd)) return y * static_cast<float>(1e-4 / sd);
  }
  RandomStream rng(o.seed);
  for (Eigen::Index i = 0; i < n; ++i)
    for (int c = 0; c < 2; ++c) y(i, c) = static_cast<float>(1e-4 * rng.normal());
  return y;
}

// KL(P||Q) with q_ij = w_ij / Z, w_ij = 1 / (1 + |y_i - y_j|^2).
double klDivergence(const SparseAffinities& p, const Matrix& y, double z, int threads) {
  std::vector<double> rows(static_cast<std::size_t>(p.n), 0.0);
  parallelFor(p.n, threads, [&](long b, long e) {
    for (long i = b; i < e; ++i) {
      double s = 0.0;
      for (long t = p.rowStart[static_cast<std::size_t>(i)]; t < p.rowStart[static_cast<std::size_t>(i) + 1]; ++t) {
        const int j = p.columns[static_cast<std::size_t>(t)];
        const double pij = p.values[static_cast<std::size_t>(t)];
        if (pij <= 0) continue;
        const double dx = y(i, 0) - y(j, 0), dy = y(i, 1) - y(j, 1);
        const double q = 1.0 / (1.0 + dx * dx + dy * dy) / z;
        s += pij * std::log(pij / std::max(q, 1e-300));
      }
      rows[static_cast<std::size_t>(i)] = s;
    }
  });
  double kl = 0.0;
  for (double r : rows) kl += r;
  return kl;
}

}  // namespace

SparseAffinities tsneAffinities(const KnnGraph& graph, double perplexity, int threads) {
  const int n = graph.n, k = graph.k;
  if (n < 2 || k < 1) throw AnalysisError("t-SNE affinities: empty neighbour graph");
  if (!(perplexity > 0)) throw AnalysisError("t-SNE: perplexity must be positive");
  const double target = std::log(std::min(perplexity, static_cast<double>(k)));
  std::vector<double> cond(static_cast<std::size_t>(n) * k);
  parallelFor(n, resolveThreadCount(threads), [&](long b, long e) {
    for (long i = b; i < e; ++i) conditionalRow(graph.dists(static_cast<int>(i)), k, target, cond.data() + i * k);
  });

  // Symmetrise: row i gets p_j|i at (i, j) and (j, i); duplicates are summed.
  SparseAffinities p;
  p.n = n;
  std::vector<long> count(static_cast<std::size_t>(n) + 1, 0);
  for (int i = 0; i < n; ++i) {
    count[static_cast<std::size_t>(i)] += k;
    for (int t = 0; t < k; ++t) ++count[static_cast<std::size_t>(graph.neighbours(i)[t])];
  }
  std::vector<long> start(static_cast<std::size_t>(n) + 1, 0);
  for (int i = 0; i < n; ++i)
    start[static_cast<std::size_t>(i) + 1] = start[static_cast<std::size_t>(i)] + count[static_cast<std::size_t>(i)];
  std::vector<std::pair<int, double>> entries(static_cast<std::size_t>(start[static_cast<std::size_t>(n)]));
  std::vector<long> fill(start.begin(), start.end() - 1);
  for (int i = 0; i < n; ++i)
    for (int t = 0; t < k; ++t) {
      const int j = graph.neighbours(i)[t];
      const double v = cond[static_cast<std::size_t>(i) * k + t];
      entries[static_cast<std::size_t>(fill[static_cast<std::size_t>(i)]++)] = {j, v};
      entries[static_cast<std::size_t>(fill[static_cast<std::size_t>(j)]++)] = {i, v};
    }
  p.rowStart.assign(1, 0);
  p.rowStart.reserve(static_cast<std::size_t>(n) + 1);
  const double norm = 1.0 / (2.0 * n);
  for (int i = 0; i < n; ++i) {
    auto first = entries.begin() + start[static_cast<std::size_t>(i)];
    auto last = entries.begin() + start[static_cast<std::size_t>(i) + 1];
    std::sort(first, last, [](const auto& a, const auto& b) { return a.first < b.first; });
    for (auto it = first; it != last;) {
      double v = 0.0;
      const int col = it->first;
      for (; it != last && it->first == col; ++it) v += it->second;
      p.columns.push_back(col);
      p.values.push_back(static_cast<float>(v * norm));
    }
    p.rowStart.push_back(static_cast<long>(p.columns.size()));
  }
  return p;
}

TsneResult tsne(const Matrix& x, const TsneOptions& o, const ProgressCallback& progress) {
  const auto t0 = Clock::now();
  const int n = static_cast<int>(x.rows());
  if (n < 4) throw AnalysisError("t-SNE needs at least 4 points, got " + std::to_string(n));
  if (x.cols() < 1) throw AnalysisError("t-SNE: points have no dimensions");
  if (!(o.perplexity > 0)) throw AnalysisError("t-SNE: perplexity must be positive");
  if (o.iterations < 0) throw AnalysisError("t-SNE: negative iteration count");
  if (!(o.theta >= 0)) throw AnalysisError("t-SNE: theta must be >= 0");
  requireFinite(x, "t-SNE input");
  const int threads = resolveThreadCount(o.threads);

  auto report = [&](Progress::Stage stage, int it, const Matrix* y, double objective) {
    if (!progress) return;
    Progress pr;
    pr.stage = stage;
    pr.iteration = it;
    pr.totalIterations = o.iterations;
    pr.embedding = y;
    pr.objective = objective;
    pr.elapsedSeconds = secondsSince(t0);
    if (!progress(pr)) throw Cancelled();
  };

  TsneResult result;
  result.effectivePerplexity = std::min(o.perplexity, std::max(1.0, (n - 1) / 3.0));
  const int k = std::min(n - 1, static_cast<int>(std::floor(3.0 * result.effectivePerplexity)));

  // Step 1: neighbours and affinities.
  report(Progress::Stage::Neighbours, 0, nullptr, 0.0);
  const KeepGoing keepGoing = [&] {
    report(Progress::Stage::Neighbours, 0, nullptr, 0.0);
    return true;
  };
  KnnMethod method = o.neighbours;
  if (method == KnnMethod::Auto) method = n <= o.autoExactLimit ? KnnMethod::Exact : KnnMethod::VpTree;
  KnnGraph graph;
  if (method == KnnMethod::Exact)
    graph = exactKnn(x, k, threads, progress ? keepGoing : KeepGoing{});
  else if (method == KnnMethod::VpTree)
    graph = vpTreeKnn(x, k, threads, o.seed, progress ? keepGoing : KeepGoing{});
  else
    graph = hnswKnn(x, k, threads, o.seed, progress ? keepGoing : KeepGoing{});
  result.neighboursSeconds = secondsSince(t0);
  report(Progress::Stage::Affinities, 0, nullptr, 0.0);
  const auto t1 = Clock::now();
  const SparseAffinities p = tsneAffinities(graph, result.effectivePerplexity, threads);
  graph = KnnGraph{};
  result.affinitySeconds = secondsSince(t1);

  // Steps 2 and 3: gradient descent.
  const auto t2 = Clock::now();
  Matrix y = initialLayout(x, o);
  const double eta =
      o.learningRate > 0 ? o.learningRate : std::max(n / std::max(o.earlyExaggeration, 1e-12) / 4.0, 50.0);
  result.learningRate = eta;
  Eigen::MatrixXd update = Eigen::MatrixXd::Zero(n, 2);
  Eigen::MatrixXd gains = Eigen::MatrixXd::Ones(n, 2);
  Eigen::MatrixXd attr(n, 2), rep(n, 2);
  std::vector<double> zPart(static_cast<std::size_t>(n));
  BarnesHutTree tree;
  const float theta = static_cast<float>(o.theta);
  // P's columns and values interleaved: one memory stream in the hot loop.
  struct Affinity {
    int column;
    float value;
  };
  std::vector<Affinity> pairs(p.columns.size());
  for (std::size_t t = 0; t < pairs.size(); ++t) pairs[t] = {p.columns[t], p.values[t]};

  // Fills attr, rep and zPart for the current layout; returns Z.
  auto forces = [&]() {
    tree.build(y);
    const std::vector<int>& order = tree.order();
    parallelFor(
        n, threads,
        [&](long b, long e) {
          for (long t = b; t < e; ++t) {
            const int i = order[static_cast<std::size_t>(t)];
            const RepulsionSum r = tree.repulsion(i, theta);
            zPart[static_cast<std::size_t>(i)] = r.z;
            rep(i, 0) = r.fx;
            rep(i, 1) = r.fy;
            // Float, like the repulsion: ~100 terms per row, far below the
            // Barnes-Hut error in precision, and twice as fast as double.
            float ax = 0.0f, ay = 0.0f;
            const float yx = y(i, 0), yy = y(i, 1);
            const Affinity* row = pairs.data() + p.rowStart[static_cast<std::size_t>(i)];
            const Affinity* rowEnd = pairs.data() + p.rowStart[static_cast<std::size_t>(i) + 1];
            const float* yd = y.data();
            for (; row != rowEnd; ++row) {
              const float dx = yx - yd[2 * row->column], dy = yy - yd[2 * row->column + 1];
              const float w = row->value / (1.0f + dx * dx + dy * dy);
              ax += w * dx;
              ay += w * dy;
            }
            attr(i, 0) = ax;
            attr(i, 1) = ay;
          }
        },
        128);
    double z = 0.0;
    for (double v : zPart) z += v;  // serial: same sum for any thread count
    return std::max(z, 1e-300);
  };

  const int every = std::max(1, o.progressEvery);
  double lastKl = std::numeric_limits<double>::quiet_NaN();
  for (int it = 0; it < o.iterations; ++it) {
    const bool exaggerating = it < o.exaggerationIterations;
    const double exaggeration = exaggerating ? o.earlyExaggeration : 1.0;
    const double momentum = exaggerating ? o.initialMomentum : o.finalMomentum;
    const double z = forces();
    if (progress && it % every == 0) {
      // KL costs a logarithm per affinity: refresh it every 50 iterations only.
      if (it % 50 == 0 || std::isnan(lastKl)) lastKl = klDivergence(p, y, z, threads);
      report(Progress::Stage::Optimising, it, &y, lastKl);
    }
    for (int i = 0; i < n; ++i)
      for (int c = 0; c < 2; ++c) {
        const double g = 4.0 * (exaggeration * attr(i, c) - rep(i, c) / z);
        double& gain = gains(i, c);
        gain = ((g > 0) != (update(i, c) > 0)) ? gain + 0.2 : gain * 0.8;
        gain = std::max(gain, o.minGain);
        update(i, c) = momentum * update(i, c) - eta * gain * g;
        y(i, c) = static_cast<float>(y(i, c) + update(i, c));
      }
    const Eigen::RowVector2f centre = y.colwise().mean();
    y.rowwise() -= centre;
  }
  result.iterations = o.iterations;
  result.klDivergence = klDivergence(p, y, forces(), threads);
  result.optimiseSeconds = secondsSince(t2);
  report(Progress::Stage::Done, o.iterations, &y, result.klDivergence);
  result.embedding = std::move(y);
  return result;
}

}  // namespace recdiff::analysis
