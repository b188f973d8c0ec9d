#include "core/models/item_graph.h"

#include <algorithm>
#include <stdexcept>
#include <string>

#include <torch/torch.h>

namespace recdiff::models {

namespace {

torch::Tensor longTensor(const std::vector<std::int64_t>& values) {
  return torch::tensor(values, torch::TensorOptions().dtype(torch::kLong));
}

}  // namespace

ItemGraph ItemGraph::fromSamples(const std::vector<data::Sample>& samples, std::int32_t numItems) {
  if (numItems < 1) throw std::invalid_argument("item graph: the catalog is empty");
  const std::int64_t n1 = static_cast<std::int64_t>(numItems) + 1;
  std::vector<std::int64_t> pairKeys;  // a·(N+1)+b with a < b
  for (const data::Sample& s : samples) {
    const auto sequence = data::fullSequence(s);
    for (std::size_t i = 0; i + 1 < sequence.size(); ++i) {
      std::int64_t a = sequence[i], b = sequence[i + 1];
      if (a < 1 || b < 1 || a > numItems || b > numItems) {
        throw std::invalid_argument("item graph: item id " + std::to_string(a < 1 || a > numItems ? a : b) +
                                    " outside 1.." + std::to_string(numItems));
      }
      if (a == b) continue;  // the self-loop is there anyway
      if (a > b) std::swap(a, b);
      pairKeys.push_back(a * n1 + b);
    }
  }
  std::sort(pairKeys.begin(), pairKeys.end());
  pairKeys.erase(std::unique(pairKeys.begin(), pairKeys.end()), pairKeys.end());

  ItemGraph g;
  g.numItems_ = numItems;
  const auto E = static_cast<std::int64_t>(pairKeys.size());
  std::vector<std::int64_t> src(pairKeys.size()), dst(pairKeys.size());
  std::vector<std::int64_t> degree(static_cast<std::size_t>(n1), 0);
  for (std::int64_t i = 1; i < n1; ++i) degree[static_cast<std::size_t>(i)] = 1;  // self-loops
  for (std::int64_t e = 0; e < E; ++e) {
    src[static_cast<std::size_t>(e)] = pairKeys[static_cast<std::size_t>(e)] / n1;
    dst[static_cast<std::size_t>(e)] = pairKeys[static_cast<std::size_t>(e)] % n1;
    ++degree[static_cast<std::size_t>(src[static_cast<std::size_t>(e)])];
    ++degree[static_cast<std::size_t>(dst[static_cast<std::size_t>(e)])];
  }
  g.edges_ = torch::stack({longTensor(src), longTensor(dst)});
  g.degrees_ = longTensor(degree);

  // Every nonzero of A: both directions of each edge and the self-loops.
  std::vector<std::int64_t> keys;
  keys.reserve(static_cast<std::size_t>(2 * E + numItems));
  for (std::int64_t e = 0; e < E; ++e) {
    keys.push_back(src[static_cast<std::size_t>(e)] * n1 + dst[static_cast<std::size_t>(e)]);
    keys.push_back(dst[static_cast<std::size_t>(e)] * n1 + src[static_cast<std::size_t>(e)]);
  }
  for (std::int64_t i = 1; i < n1; ++i) keys.push_back(i * n1 + i);
  std::sort(keys.begin(), keys.end());
  g.keys_ = longTensor(keys);
  return g;
}

torch::Tensor ItemGraph::positives(const torch::Device& device) const {
  if (empty()) throw std::logic_error("item graph: empty");
  if (!positivesCache_.defined() || positivesCache_.device() != device) {
    auto loops = torch::arange(1, static_cast<std::int64_t>(numItems_) + 1, torch::kLong);
    positivesCache_ = torch::cat({edges_, torch::stack({loops, loops})}, 1).to(device);
  }
  return positivesCache_;
}

torch::Tensor ItemGraph::normalizedAdjacency(const torch::Device& device) const {
  if (empty()) throw std::logic_error("item graph: empty");
  if (!adjacencyCache_.defined() || adjacencyCache_.device() != device) {
    const std::int64_t n1 = static_cast<std::int64_t>(numItems_) + 1;
    auto rows = torch::div(keys_, n1, "floor");
    auto cols = keys_ - rows * n1;
    auto invSqrt = degrees_.to(torch::kDouble).clamp_min(1.0).rsqrt();
    auto values = (invSqrt.index_select(0, rows) * invSqrt.index_select(0, cols)).to(torch::kFloat);
    adjacencyCache_ = torch::sparse_coo_tensor(torch::stack({rows, cols}), values, {n1, n1},
                                               torch::TensorOptions().dtype(torch::kFloat))
                          .coalesce()
                          .to(device);
  }
  return adjacencyCache_;
}

torch::Tensor ItemGraph::contains(const torch::Tensor& rows, const torch::Tensor& cols) const {
  if (empty()) throw std::logic_error("item graph: empty");
  if (!keysCache_.defined() || keysCache_.device() != rows.device()) keysCache_ = keys_.to(rows.device());
  const std::int64_t n1 = static_cast<std::int64_t>(numItems_) + 1;
  auto query = (rows.to(torch::kLong) * n1 + cols.to(torch::kLong)).reshape({-1});
  auto at = torch::searchsorted(keysCache_, query).clamp_max(keysCache_.size(0) - 1);
  return keysCache_.index_select(0, at).eq(query).view(rows.sizes());
}

}  // namespace recdiff::models
