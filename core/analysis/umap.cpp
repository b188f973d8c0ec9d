#include "core/analysis/umap.h"

#include "core/analysis/parallel_for.h"
#include "core/analysis/pca.h"
#include "core/analysis/random_stream.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

namespace recdiff::analysis {

namespace {

using Clock = std::chrono::steady_clock;
double secondsSince(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// rho_i and sigma_i of one point, then its directed membership strengths.
void membershipRow(const float* dist, int k, double meanDistance, float* w) {
  double rho = 0.0;
  for (int j = 0; j < k; ++j)
    if (dist[j] > 0) {
      rho = dist[j];
      break;
    }
  const double target = std::log2(static_cast<double>(k));
  double lo = 0.0, hi = std::numeric_limits<double>::infinity(), sigma = 1.0;
  for (int it = 0; it < 64; ++it) {
    double sum = 0.0;
    for (int j = 0; j < k; ++j) sum += std::exp(-std::max(0.0, dist[j] - rho) / sigma);
    if (std::fabs(sum - target) < 1e-5) break;
    if (sum > target) {  // too wide
      hi = sigma;
      sigma = 0.5 * (lo + hi);
    } else {
      lo = sigma;
      sigma = std::isinf(hi) ? sigma * 2.0 : 0.5 * (lo + hi);
    }
  }
  // A floor keeps sigma away from 0 where the neighbours all sit at rho
  // (duplicates), which would turn every weight into 0 or 1 arbitrarily.
  sigma = std::max(sigma, 1e-3 * meanDistance);
  for (int j = 0; j < k; ++j)
    w[j] = static_cast<float>(std::exp(-std::max(0.0, dist[j] - rho) / std::max(sigma, 1e-300)));
}

Matrix initialLayout(const Matrix& x, const UmapOptions& o) {
  const Eigen::Index n = x.rows();
  RandomStream rng(o.seed);
  Matrix y(n, 2);
  if (o.init == Initialisation::Pca && x.cols() >= 2) {
    y = Pca::fit(x, 2).transform(x);
    const float extent = y.cwiseAbs().maxCoeff();
    if (extent > 0 && std::isfinite(extent)) {
      // Scaled into [-10, 10], the range the UMAP paper's optimiser expects;
      // a little seeded noise separates exact duplicates.
      y *= 10.0f / extent;
      for (Eigen::Index i = 0; i < n; ++i)
        for (int c = 0; c < 2; ++c) y(i, c) += static_cast<float>(1e-4 * rng.normal());
      return y;
    }
  }
  for (Eigen::Index i = 0; i < n; ++i)
    for (int c = 0; c < 2; ++c) y(i, c) = static_cast<float>(20.0 * rng.uniform() - 10.0);
  return y;
}

float clip4(float v) { return std::max(-4.0f, std::min(4.0f, v)); }

}  // namespace

std::pair<double, double> fitUmapCurve(double minDist, double spread) {
  if (!(spread > 0)) throw AnalysisError("UMAP: spread must be positive");
  if (!(minDist >= 0) || minDist > spread) throw AnalysisError("UMAP: min_dist must be in [0, spread]");
  const int m = 300;
  std::vector<double> xs(m), ys(m);
  for (int t = 0; t < m; ++t) {
    xs[static_cast<std::size_t>(t)] = 3.0 * spread * t / (m - 1);
    const double x = xs[static_cast<std::size_t>(t)];
    ys[static_cast<std::size_t>(t)] = x < minDist ? 1.0 : std::exp(-(x - minDist) / spread);
  }
  auto residual = [&](double a, double b) {
    double r = 0.0;
    for (int t = 0; t < m; ++t) {
      const double x = xs[static_cast<std::size_t>(t)];
      const double g = 1.0 / (1.0 + a * std::pow(x, 2.0 * b));
      r += (g - ys[static_cast<std::size_t>(t)]) * (g - ys[static_cast<std::size_t>(t)]);
    }
    return r;
  };
  // Levenberg-Marquardt on two parameters.
  double a = 1.0, b = 1.0, lambda = 1e-3, cost = residual(a, b);
  for (int it = 0; it < 500; ++it) {
    double jaa = 0, jab = 0, jbb = 0, ga = 0, gb = 0;
    for (int t = 0; t < m; ++t) {
      const double x = xs[static_cast<std::size_t>(t)];
      if (x <= 0) continue;  // g = 1 there for any (a, b): no information
      const double p = std::pow(x, 2.0 * b);
      const double den = 1.0 + a * p;
      const double g = 1.0 / den;
      const double r = g - ys[static_cast<std::size_t>(t)];
      const double da = -p / (den * den);
      const double db = -a * p * 2.0 * std::log(x) / (den * den);
      jaa += da * da;
      jab += da * db;
      jbb += db * db;
      ga += da * r;
      gb += db * r;
    }
    bool improved = false;
    for (int tries = 0; tries < 20 && !improved; ++tries) {
      const double maa = jaa * (1 + lambda), mbb = jbb * (1 + lambda);
      const double det = maa * mbb - jab * jab;
      if (std::fabs(det) < 1e-300) break;
      const double stepA = -(mbb * ga - jab * gb) / det;
      const double stepB = -(maa * gb - jab * ga) / det;
      const double na = a + stepA, nb = b + stepB;
      if (na > 0 && nb > 0) {
        const double c = residual(na, nb);
        if (c < cost) {
          const double gain = cost - c;
          a = na;
          b = nb;
          cost = c;
          lambda = std::max(lambda * 0.3, 1e-12);
          improved = true;
          if (gain < 1e-14) it = 500;  // converged
          break;
        }
      }
      lambda *= 10.0;
    }
    if (!improved) break;
  }
  return {a, b};
}

FuzzyGraph umapFuzzyGraph(const KnnGraph& graph, int threads) {
  const int n = graph.n, k = graph.k;
  if (n < 2 || k < 1) throw AnalysisError("UMAP: empty neighbour graph");
  double meanDistance = 0.0;
  for (float d : graph.distances) meanDistance += d;
  meanDistance /= static_cast<double>(graph.distances.size());
  std::vector<float> w(static_cast<std::size_t>(n) * k);
  parallelFor(n, resolveThreadCount(threads), [&](long b, long e) {
    for (long i = b; i < e; ++i) membershipRow(graph.dists(static_cast<int>(i)), k, meanDistance, w.data() + i * k);
  });

  // Row i receives w_ij as "forward" and, for each j listing i, w_ji as
  // "backward"; the union of the two is w + w' - w w'.
  struct Entry {
    int col;
    float forward, backward;
  };
  std::vector<long> start(static_cast<std::size_t>(n) + 1, 0);
  for (int i = 0; i < n; ++i) {
    start[static_cast<std::size_t>(i) + 1] += k;
    for (int t = 0; t < k; ++t) ++start[static_cast<std::size_t>(graph.neighbours(i)[t]) + 1];
  }
  for (int i = 0; i < n; ++i) start[static_cast<std::size_t>(i) + 1] += start[static_cast<std::size_t>(i)];
  std::vector<Entry> entries(static_cast<std::size_t>(start[static_cast<std::size_t>(n)]));
  std::vector<long> fill(start.begin(), start.end() - 1);
  for (int i = 0; i < n; ++i)
    for (int t = 0; t < k; ++t) {
      const int j = graph.neighbours(i)[t];
      const float v = w[static_cast<std::size_t>(i) * k + t];
      entries[static_cast<std::size_t>(fill[static_cast<std::size_t>(i)]++)] = {j, v, 0.0f};
      entries[static_cast<std::size_t>(fill[static_cast<std::size_t>(j)]++)] = {i, 0.0f, v};
    }
  FuzzyGraph g;
  g.n = n;
  g.rowStart.assign(1, 0);
  for (int i = 0; i < n; ++i) {
    auto first = entries.begin() + start[static_cast<std::size_t>(i)];
    auto last = entries.begin() + start[static_cast<std::size_t>(i) + 1];
    std::sort(first, last, [](const Entry& a, const Entry& b) { return a.col < b.col; });
    for (auto it = first; it != last;) {
      const int col = it->col;
      float f = 0.0f, bw = 0.0f;
      for (; it != last && it->col == col; ++it) {
        f = std::max(f, it->forward);
        bw = std::max(bw, it->backward);
      }
      const float v = f + bw - f * bw;
      if (v > 0) {
        g.columns.push_back(col);
        g.values.push_back(v);
      }
    }
    g.rowStart.push_back(static_cast<long>(g.columns.size()));
  }
  return g;
}

UmapResult umap(const Matrix& x, const UmapOptions& o, const ProgressCallback& progress) {
  const auto t0 = Clock::now();
  const int n = static_cast<int>(x.rows());
  if (n < 3) throw AnalysisError("UMAP needs at least 3 points, got " + std::to_string(n));
  if (o.nNeighbors < 2) throw AnalysisError("UMAP: n_neighbors must be at least 2");
  if (o.negativeSampleRate < 0) throw AnalysisError("UMAP: negative sample rate must be >= 0");
  if (!(o.learningRate > 0)) throw AnalysisError("UMAP: learning rate must be positive");
  requireFinite(x, "UMAP input");
  const int threads = resolveThreadCount(o.threads);
  const int epochs = o.epochs > 0 ? o.epochs : (n <= 10000 ? 500 : 200);

  auto report = [&](Progress::Stage stage, int epoch, const Matrix* y) {
    if (!progress) return;
    Progress pr;
    pr.stage = stage;
    pr.iteration = epoch;
    pr.totalIterations = epochs;
    pr.embedding = y;
    pr.objective = std::numeric_limits<double>::quiet_NaN();
    pr.elapsedSeconds = secondsSince(t0);
    if (!progress(pr)) throw Cancelled();
  };

  UmapResult result;
  result.epochs = epochs;
  if (o.a > 0 && o.b > 0) {
    result.a = o.a;
    result.b = o.b;
  } else {
    std::tie(result.a, result.b) = fitUmapCurve(o.minDist, o.spread);
  }

  report(Progress::Stage::Neighbours, 0, nullptr);
  const KeepGoing keepGoing = [&] {
    report(Progress::Stage::Neighbours, 0, nullptr);
    return true;
  };
  const KeepGoing check = progress ? keepGoing : KeepGoing{};
  const int k = std::min(o.nNeighbors, n - 1);
  KnnMethod method = o.neighbours;
  if (method == KnnMethod::Auto) method = n <= o.autoExactLimit ? KnnMethod::Exact : KnnMethod::Hnsw;
  KnnGraph knn;
  if (method == KnnMethod::Exact)
    knn = exactKnn(x, k, threads, check);
  else if (method == KnnMethod::VpTree)
    knn = vpTreeKnn(x, k, threads, o.seed, check);
  else
    knn = hnswKnn(x, k, threads, o.seed, check);
  result.neighboursSeconds = secondsSince(t0);

  report(Progress::Stage::Affinities, 0, nullptr);
  const auto t1 = Clock::now();
  const FuzzyGraph graph = umapFuzzyGraph(knn, threads);
  knn = KnnGraph{};

  // Directed edges that will be sampled at least once.
  const float wMax = graph.values.empty() ? 1.0f : *std::max_element(graph.values.begin(), graph.values.end());
  std::vector<int> head, tail;
  std::vector<float> epochsPerSample;
  for (int i = 0; i < n; ++i)
    for (long t = graph.rowStart[static_cast<std::size_t>(i)]; t < graph.rowStart[static_cast<std::size_t>(i) + 1];
         ++t) {
      const float eps = wMax / graph.values[static_cast<std::size_t>(t)];
      if (eps > static_cast<float>(epochs)) continue;
      head.push_back(i);
      tail.push_back(graph.columns[static_cast<std::size_t>(t)]);
      epochsPerSample.push_back(eps);
    }
  const std::size_t edges = head.size();
  result.edges = static_cast<long>(edges);
  result.graphSeconds = secondsSince(t1);

  const auto t2 = Clock::now();
  Matrix y = initialLayout(x, o);
  const float a = static_cast<float>(result.a), b = static_cast<float>(result.b);
  const float gamma = static_cast<float>(o.repulsionStrength);
  const int negRate = o.negativeSampleRate;
  std::vector<float> nextSample(epochsPerSample);
  std::vector<float> epochsPerNegative(edges), nextNegative(edges);
  for (std::size_t e = 0; e < edges; ++e) {
    epochsPerNegative[e] = negRate > 0 ? epochsPerSample[e] / static_cast<float>(negRate) : 0.0f;
    nextNegative[e] = epochsPerNegative[e];
  }
  RandomStream rng(o.seed ^ 0x5DEECE66DULL);
  const int every = std::max(1, o.progressEvery);
  report(Progress::Stage::Optimising, 0, &y);
  for (int epoch = 1; epoch <= epochs; ++epoch) {
    const float alpha = static_cast<float>(o.learningRate * (1.0 - (epoch - 1.0) / epochs));
    const float now = static_cast<float>(epoch);
    for (std::size_t e = 0; e < edges; ++e) {
      if (nextSample[e] > now) continue;
      const int i = head[e], j = tail[e];
      float* yi = y.row(i).data();
      float* yj = y.row(j).data();
      // Attraction: gradient of log(1 / (1 + a d^(2b))) in d^2.
      const float dx = yi[0] - yj[0], dy = yi[1] - yj[1];
      const float d2 = dx * dx + dy * dy;
      if (d2 > 0) {
        const float pb = std::pow(d2, b);
        const float coef = -2.0f * a * b * pb / d2 / (1.0f + a * pb);
        const float gx = clip4(coef * dx), gy = clip4(coef * dy);
        yi[0] += alpha * gx;
        yi[1] += alpha * gy;
        yj[0] -= alpha * gx;
        yj[1] -= alpha * gy;
      }
      nextSample[e] += epochsPerSample[e];
      if (negRate == 0) continue;
      // Repulsion from points drawn uniformly: gradient of log(1 - phi).
      const int negatives = std::max(0, static_cast<int>((now - nextNegative[e]) / epochsPerNegative[e]));
      for (int s = 0; s < negatives; ++s) {
        const int m = static_cast<int>(rng.below(static_cast<std::uint32_t>(n)));
        if (m == i) continue;
        const float* ym = y.row(m).data();
        const float rx = yi[0] - ym[0], ry = yi[1] - ym[1];
        const float r2 = rx * rx + ry * ry;
        if (r2 <= 0) continue;
        const float coef = 2.0f * gamma * b / ((0.001f + r2) * (1.0f + a * std::pow(r2, b)));
        yi[0] += alpha * clip4(coef * rx);
        yi[1] += alpha * clip4(coef * ry);
      }
      nextNegative[e] += static_cast<float>(negatives) * epochsPerNegative[e];
    }
    if (epoch % every == 0 && epoch < epochs) report(Progress::Stage::Optimising, epoch, &y);
  }
  result.optimiseSeconds = secondsSince(t2);
  report(Progress::Stage::Done, epochs, &y);
  result.embedding = std::move(y);
  return result;
}

}  // namespace recdiff::analysis
