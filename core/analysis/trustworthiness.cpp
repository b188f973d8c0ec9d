#include "core/analysis/trustworthiness.h"

#include "core/analysis/nearest_neighbors.h"
#include "core/analysis/parallel_for.h"

#include <algorithm>
#include <numeric>
#include <string>

namespace recdiff::analysis {

double trustworthiness(const Matrix& original, const Matrix& embedded, int k, int threads) {
  const long n = original.rows();
  if (embedded.rows() != n)
    throw AnalysisError("trustworthiness: " + std::to_string(n) + " original points but " +
                        std::to_string(embedded.rows()) + " embedded ones");
  if (k < 1 || 2 * n - 3L * k - 1 <= 0)
    throw AnalysisError("trustworthiness: k = " + std::to_string(k) + " is too large for " + std::to_string(n) +
                        " points");
  const int workers = resolveThreadCount(threads);
  const KnnGraph low = exactKnn(embedded, k, workers);
  const Eigen::VectorXf norms = original.rowwise().squaredNorm();
  std::vector<double> penalty(static_cast<std::size_t>(n), 0.0);
  parallelFor(
      n, workers,
      [&](long b, long e) {
        std::vector<int> order(static_cast<std::size_t>(n));
        std::vector<int> rank(static_cast<std::size_t>(n));
        Eigen::VectorXf dist(n);
        for (long i = b; i < e; ++i) {
          dist = (norms.array() + norms(i)).matrix() - 2.0f * (original * original.row(i).transpose());
          dist(i) = -1.0f;  // i itself ranks 0 and is never a neighbour
          std::iota(order.begin(), order.end(), 0);
          std::sort(order.begin(), order.end(),
                    [&](int p, int q) { return dist(p) < dist(q) || (dist(p) == dist(q) && p < q); });
          for (long r = 0; r < n; ++r)
            rank[static_cast<std::size_t>(order[static_cast<std::size_t>(r)])] = static_cast<int>(r);
          double s = 0.0;
          for (int t = 0; t < k; ++t) {
            const int r = rank[static_cast<std::size_t>(low.neighbours(static_cast<int>(i))[t])];
            if (r > k) s += r - k;
          }
          penalty[static_cast<std::size_t>(i)] = s;
        }
      },
      16);
  const double sum = std::accumulate(penalty.begin(), penalty.end(), 0.0);
  return 1.0 - 2.0 / (static_cast<double>(n) * k * (2.0 * n - 3.0 * k - 1.0)) * sum;
}

double neighbourLabelAgreement(const Matrix& embedded, const std::vector<int>& labels, int k, int threads) {
  if (static_cast<Eigen::Index>(labels.size()) != embedded.rows())
    throw AnalysisError("label agreement: " + std::to_string(embedded.rows()) + " points but " +
                        std::to_string(labels.size()) + " labels");
  const KnnGraph g = exactKnn(embedded, k, threads);
  long same = 0;
  for (int i = 0; i < g.n; ++i)
    for (int t = 0; t < k; ++t)
      same += labels[static_cast<std::size_t>(g.neighbours(i)[t])] == labels[static_cast<std::size_t>(i)];
  return static_cast<double>(same) / (static_cast<double>(g.n) * k);
}

}  // namespace recdiff::analysis
