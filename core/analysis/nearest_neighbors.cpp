#include "core/analysis/nearest_neighbors.h"

#include "core/analysis/parallel_for.h"
#include "core/analysis/random_stream.h"

// hnswlib is a Debian package (libhnswlib-dev) that packaging/setup.sh
// installs; CMake finds it and defines RECDIFF_HAVE_HNSWLIB for this file
// (core/CMakeLists.txt). Where it is missing (a machine set up by unpacking
// only Eigen and nlohmann-json), hnswKnn falls back to the exact VP-tree.
#ifdef RECDIFF_HAVE_HNSWLIB
#ifdef RECDIFF_SANITIZE
// hnswlib 0.6.2 (Debian 12) prefetches the entry after the last one of a
// link list, reading 4 bytes past its block (hnswalg.h:214, its SSE path):
// harmless in a release build (the read stays inside malloc's chunk and only
// feeds a prefetch hint), but AddressSanitizer stops there. The sanitizer
// build takes hnswlib's plain path so that it checks our code.
#define NO_MANUAL_VECTORIZATION
#endif
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wall"
#pragma GCC diagnostic ignored "-Wextra"
#pragma GCC diagnostic ignored "-Wsign-compare"
#include <hnswlib/hnswlib.h>
#pragma GCC diagnostic pop
#endif

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

namespace recdiff::analysis {

namespace {

struct Candidate {
  float d;
  int j;
  bool operator<(const Candidate& o) const { return d < o.d || (d == o.d && j < o.j); }
};

// The k best (smallest) candidates seen so far, as a max-heap.
class TopK {
 public:
  explicit TopK(int k) : k_(static_cast<std::size_t>(k)) { heap_.reserve(k_ + 1); }
  void clear() { heap_.clear(); }
  bool full() const { return heap_.size() == k_; }
  float worst() const { return full() ? heap_.front().d : std::numeric_limits<float>::infinity(); }
  void offer(float d, int j) {
    const Candidate c{d, j};
    if (full()) {
      if (!(c < heap_.front())) return;
      std::pop_heap(heap_.begin(), heap_.end());
      heap_.back() = c;
    } else {
      heap_.push_back(c);
    }
    std::push_heap(heap_.begin(), heap_.end());
  }
  std::vector<Candidate>& items() { return heap_; }

 private:
  std::size_t k_;
  std::vector<Candidate> heap_;
};

float squaredDistance(const float* a, const float* b, int d) {
  return (Eigen::Map<const Eigen::VectorXf>(a, d) - Eigen::Map<const Eigen::VectorXf>(b, d)).squaredNorm();
}

void validate(const Matrix& x, int k, const char* who) {
  if (x.rows() < 2) throw AnalysisError(std::string(who) + ": need at least 2 points, got " + std::to_string(x.rows()));
  if (k < 1 || k > x.rows() - 1)
    throw AnalysisError(std::string(who) + ": k = " + std::to_string(k) + " with " + std::to_string(x.rows()) +
                        " points (k must be in [1, N-1])");
  if (x.rows() > std::numeric_limits<int>::max() / 2) throw AnalysisError(std::string(who) + ": too many points");
}

KnnGraph emptyGraph(int n, int k) {
  KnnGraph g;
  g.n = n;
  g.k = k;
  g.indices.assign(static_cast<std::size_t>(n) * k, -1);
  g.distances.assign(static_cast<std::size_t>(n) * k, 0.0f);
  return g;
}

// Sorts the candidates, recomputes their distances exactly (the GEMM form
// |a|^2 + |b|^2 - 2ab loses digits to cancellation) and stores row `row`.
void storeRow(KnnGraph& g, int row, std::vector<Candidate>& c, const Matrix& ref, const float* query) {
  const int d = static_cast<int>(ref.cols());
  for (auto& cand : c) cand.d = std::sqrt(squaredDistance(query, ref.row(cand.j).data(), d));
  std::sort(c.begin(), c.end());
  for (int t = 0; t < g.k; ++t) {
    g.indices[static_cast<std::size_t>(row) * g.k + t] = c[static_cast<std::size_t>(t)].j;
    g.distances[static_cast<std::size_t>(row) * g.k + t] = c[static_cast<std::size_t>(t)].d;
  }
}

// Brute force, queries against ref. skipSelf is set when queries == ref, so
// that row q never lists itself (duplicates of q are still listed).
KnnGraph bruteForce(const Matrix& ref, const Matrix& queries, int k, bool skipSelf, int threads,
                    const KeepGoing& keepGoing) {
  const int n = static_cast<int>(queries.rows());
  const long m = ref.rows();
  KnnGraph g = emptyGraph(n, k);
  const Eigen::VectorXf refNorms = ref.rowwise().squaredNorm();
  const int block = 128;
  const long blocks = (n + block - 1) / block;
  const int workers = resolveThreadCount(threads);
  // Groups of blocks between cancellation checks (on this thread).
  const long group = std::max(1L, static_cast<long>(workers) * 8);
  for (long g0 = 0; g0 < blocks; g0 += group) {
    if (keepGoing && !keepGoing()) throw Cancelled();
    const long groupBlocks = std::min(group, blocks - g0);
    parallelFor(
        groupBlocks, workers,
        [&](long b0, long b1) {
          Matrix prod;
          TopK top(k);
          for (long b = g0 + b0; b < g0 + b1; ++b) {
            const int r0 = static_cast<int>(b * block);
            const int rows = std::min(block, n - r0);
            prod.noalias() = queries.middleRows(r0, rows) * ref.transpose();
            for (int r = 0; r < rows; ++r) {
              const int q = r0 + r;
              const float qn = queries.row(q).squaredNorm();
              const float* p = prod.row(r).data();
              top.clear();
              for (long j = 0; j < m; ++j) {
                if (skipSelf && j == q) continue;
                const float d = std::max(0.0f, qn + refNorms[j] - 2.0f * p[j]);
                if (!top.full() || d <= top.worst()) top.offer(d, static_cast<int>(j));
              }
              storeRow(g, q, top.items(), ref, queries.row(q).data());
            }
          }
        },
        1);
  }
  return g;
}

// Vantage-point tree over the rows of x: each inner node splits its points
// at the median distance to a randomly drawn vantage point; leaves hold up to
// kLeaf points that are scanned directly.
class VpTree {
 public:
  VpTree(const Matrix& x, std::uint64_t seed) : x_(x), d_(static_cast<int>(x.cols())) {
    order_.resize(static_cast<std::size_t>(x.rows()));
    for (std::size_t i = 0; i < order_.size(); ++i) order_[i] = static_cast<int>(i);
    scratch_.resize(order_.size());
    RandomStream rng(seed);
    nodes_.reserve(2 * order_.size() / kLeaf + 8);
    build(0, static_cast<int>(order_.size()), rng);
  }

  void search(int query, TopK& top) const { searchNode(0, x_.row(query).data(), query, top); }

 private:
  static constexpr int kLeaf = 16;
  struct Node {
    int vantage = -1;  // -1 for a leaf
    float threshold = 0.0f;
    int inside = -1, outside = -1;
    int begin = 0, end = 0;  // leaf range in order_
  };

  int build(int lo, int hi, RandomStream& rng) {
    const int id = static_cast<int>(nodes_.size());
    nodes_.emplace_back();
    if (hi - lo <= kLeaf) {
      nodes_[static_cast<std::size_t>(id)].begin = lo;
      nodes_[static_cast<std::size_t>(id)].end = hi;
      return id;
    }
    std::swap(order_[static_cast<std::size_t>(lo)],
              order_[static_cast<std::size_t>(lo + static_cast<int>(rng.below(static_cast<std::uint32_t>(hi - lo))))]);
    const int vp = order_[static_cast<std::size_t>(lo)];
    for (int t = lo + 1; t < hi; ++t) {
      const int p = order_[static_cast<std::size_t>(t)];
      scratch_[static_cast<std::size_t>(t)] = {std::sqrt(squaredDistance(x_.row(vp).data(), x_.row(p).data(), d_)), p};
    }
    const int mid = (lo + 1 + hi) / 2;
    std::nth_element(scratch_.begin() + lo + 1, scratch_.begin() + mid, scratch_.begin() + hi);
    for (int t = lo + 1; t < hi; ++t) order_[static_cast<std::size_t>(t)] = scratch_[static_cast<std::size_t>(t)].j;
    const float threshold = scratch_[static_cast<std::size_t>(mid)].d;
    const int inside = build(lo + 1, mid, rng);
    const int outside = build(mid, hi, rng);
    Node& node = nodes_[static_cast<std::size_t>(id)];
    node.vantage = vp;
    node.threshold = threshold;
    node.inside = inside;
    node.outside = outside;
    return id;
  }

  void searchNode(int id, const float* q, int self, TopK& top) const {
    const Node& node = nodes_[static_cast<std::size_t>(id)];
    if (node.vantage < 0) {
      for (int t = node.begin; t < node.end; ++t) {
        const int p = order_[static_cast<std::size_t>(t)];
        if (p == self) continue;
        const float dist = std::sqrt(squaredDistance(q, x_.row(p).data(), d_));
        if (!top.full() || dist <= top.worst()) top.offer(dist, p);
      }
      return;
    }
    const float dist = std::sqrt(squaredDistance(q, x_.row(node.vantage).data(), d_));
    if (node.vantage != self && (!top.full() || dist <= top.worst())) top.offer(dist, node.vantage);
    // Visit the side the query falls in first: it tightens the radius sooner.
    if (dist < node.threshold) {
      searchNode(node.inside, q, self, top);
      if (dist + top.worst() >= node.threshold) searchNode(node.outside, q, self, top);
    } else {
      searchNode(node.outside, q, self, top);
      if (dist - top.worst() <= node.threshold) searchNode(node.inside, q, self, top);
    }
  }

  const Matrix& x_;
  int d_;
  std::vector<int> order_;
  std::vector<Candidate> scratch_;
  std::vector<Node> nodes_;
};

}  // namespace

KnnGraph exactKnn(const Matrix& x, int k, int threads, const KeepGoing& keepGoing) {
  validate(x, k, "exact kNN");
  return bruteForce(x, x, k, true, threads, keepGoing);
}

KnnGraph exactKnnQuery(const Matrix& reference, const Matrix& queries, int k, int threads) {
  if (reference.cols() != queries.cols())
    throw AnalysisError("kNN query: points have " + std::to_string(queries.cols()) + " dimensions, the reference set " +
                        std::to_string(reference.cols()));
  if (k < 1 || k > reference.rows())
    throw AnalysisError("kNN query: k = " + std::to_string(k) + " with " + std::to_string(reference.rows()) +
                        " reference points");
  return bruteForce(reference, queries, k, false, threads, {});
}

KnnGraph vpTreeKnn(const Matrix& x, int k, int threads, std::uint64_t seed, const KeepGoing& keepGoing) {
  validate(x, k, "VP-tree kNN");
  const int n = static_cast<int>(x.rows());
  const VpTree tree(x, seed);
  KnnGraph g = emptyGraph(n, k);
  const int workers = resolveThreadCount(threads);
  const long batch = 2048;
  for (long b0 = 0; b0 < n; b0 += batch) {
    if (keepGoing && !keepGoing()) throw Cancelled();
    const long rows = std::min<long>(batch, n - b0);
    parallelFor(
        rows, workers,
        [&](long r0, long r1) {
          TopK top(k);
          for (long r = r0; r < r1; ++r) {
            const int i = static_cast<int>(b0 + r);
            top.clear();
            tree.search(i, top);
            auto& items = top.items();
            std::sort(items.begin(), items.end());
            for (int t = 0; t < k; ++t) {
              g.indices[static_cast<std::size_t>(i) * k + t] = items[static_cast<std::size_t>(t)].j;
              g.distances[static_cast<std::size_t>(i) * k + t] = items[static_cast<std::size_t>(t)].d;
            }
          }
        },
        64);
  }
  return g;
}

KnnGraph hnswKnn(const Matrix& x, int k, int threads, std::uint64_t seed, const KeepGoing& keepGoing) {
  validate(x, k, "HNSW kNN");
#ifndef RECDIFF_HAVE_HNSWLIB
  return vpTreeKnn(x, k, threads, seed, keepGoing);
#else
  const int n = static_cast<int>(x.rows());
  const int d = static_cast<int>(x.cols());
  hnswlib::L2Space space(static_cast<std::size_t>(d));
  // M = 16 links and ef_construction = 100 reach > 0.95 recall at k <= 30 on
  // 64-d embeddings; inserting on one thread keeps the graph deterministic.
  hnswlib::HierarchicalNSW<float> index(&space, static_cast<std::size_t>(n), 16, 100,
                                        static_cast<std::size_t>(seed % 1000003));
  for (int i = 0; i < n; ++i) {
    if ((i & 1023) == 0 && keepGoing && !keepGoing()) throw Cancelled();
    index.addPoint(x.row(i).data(), static_cast<hnswlib::labeltype>(i));
  }
  index.setEf(static_cast<std::size_t>(std::max(64, 3 * k)));
  KnnGraph g = emptyGraph(n, k);
  const int workers = resolveThreadCount(threads);
  const long batch = 4096;
  for (long b0 = 0; b0 < n; b0 += batch) {
    if (keepGoing && !keepGoing()) throw Cancelled();
    const long rows = std::min<long>(batch, n - b0);
    parallelFor(
        rows, workers,
        [&](long r0, long r1) {
          std::vector<Candidate> items;
          for (long r = r0; r < r1; ++r) {
            const int i = static_cast<int>(b0 + r);
            auto found = index.searchKnn(x.row(i).data(), static_cast<std::size_t>(k + 1));
            items.clear();
            while (!found.empty()) {
              const int j = static_cast<int>(found.top().second);
              if (j != i) items.push_back({0.0f, j});
              found.pop();
            }
            // HNSW may return fewer than k (tiny graphs); pad from a scan.
            if (static_cast<int>(items.size()) < k) {
              TopK top(k);
              for (int j = 0; j < n; ++j)
                if (j != i) top.offer(squaredDistance(x.row(i).data(), x.row(j).data(), d), j);
              items = top.items();
            }
            if (static_cast<int>(items.size()) > k) {
              for (auto& c : items) c.d = squaredDistance(x.row(i).data(), x.row(c.j).data(), d);
              std::sort(items.begin(), items.end());
              items.resize(static_cast<std::size_t>(k));
            }
            storeRow(g, i, items, x, x.row(i).data());
          }
        },
        64);
  }
  return g;
#endif
}

}  // namespace recdiff::analysis
