#include "core/analysis/barnes_hut_tree.h"

#include <algorithm>
#include <cmath>

namespace recdiff::analysis {

namespace {
// Cells stop splitting below this depth: only exact duplicates get that deep,
// and they then share one leaf that is summed point by point.
constexpr int kMaxDepth = 48;
// Cells with this many points or fewer become leaves: near a query point it
// is cheaper to sum a few points directly than to open two more levels of
// mostly empty quadrants.
constexpr int kLeafSize = 16;
}  // namespace

void BarnesHutTree::build(const Matrix& y) {
  y_ = &y;
  const int n = static_cast<int>(y.rows());
  order_.resize(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) order_[static_cast<std::size_t>(i)] = i;
  nodes_.clear();
  nodes_.reserve(static_cast<std::size_t>(2 * n + 8));
  nodes_.emplace_back();
  if (n == 0) return;
  const float minX = y.col(0).minCoeff(), maxX = y.col(0).maxCoeff();
  const float minY = y.col(1).minCoeff(), maxY = y.col(1).maxCoeff();
  // A square root cell, padded so that points on the max edge fall inside.
  const float half = 0.5f * std::max(maxX - minX, maxY - minY) * 1.0001f + 1e-12f;
  nodes_[0].begin = 0;
  nodes_[0].end = n;
  split(0, 0.5f * (minX + maxX), 0.5f * (minY + maxY), half, 0);
  position_.resize(static_cast<std::size_t>(n));
  xy_.resize(2 * static_cast<std::size_t>(n));
  for (int t = 0; t < n; ++t) {
    const int p = order_[static_cast<std::size_t>(t)];
    position_[static_cast<std::size_t>(p)] = t;
    xy_[2 * static_cast<std::size_t>(t)] = y(p, 0);
    xy_[2 * static_cast<std::size_t>(t) + 1] = y(p, 1);
  }
}

void BarnesHutTree::split(int id, float cx, float cy, float half, int depth) {
  const Matrix& y = *y_;
  {
    Node& node = nodes_[static_cast<std::size_t>(id)];
    node.width = 2.0f * half;
    node.count = node.end - node.begin;
  }
  const int begin = nodes_[static_cast<std::size_t>(id)].begin;
  const int end = nodes_[static_cast<std::size_t>(id)].end;
  if (end - begin <= kLeafSize || depth >= kMaxDepth) {
    double sx = 0.0, sy = 0.0;
    for (int t = begin; t < end; ++t) {
      sx += y(order_[static_cast<std::size_t>(t)], 0);
      sy += y(order_[static_cast<std::size_t>(t)], 1);
    }
    Node& node = nodes_[static_cast<std::size_t>(id)];
    if (end > begin) {
      node.comX = static_cast<float>(sx / (end - begin));
      node.comY = static_cast<float>(sy / (end - begin));
    }
    return;
  }
  // Quadrant q = (x >= cx) + 2 (y >= cy); partition by y, then each half by x.
  auto first = order_.begin() + begin, last = order_.begin() + end;
  auto midY = std::partition(first, last, [&](int p) { return y(p, 1) < cy; });
  auto midX0 = std::partition(first, midY, [&](int p) { return y(p, 0) < cx; });
  auto midX1 = std::partition(midY, last, [&](int p) { return y(p, 0) < cx; });
  const int bounds[5] = {begin, static_cast<int>(midX0 - order_.begin()), static_cast<int>(midY - order_.begin()),
                         static_cast<int>(midX1 - order_.begin()), end};
  const int child = static_cast<int>(nodes_.size());
  nodes_.resize(nodes_.size() + 4);  // may reallocate: index, never hold references
  nodes_[static_cast<std::size_t>(id)].firstChild = child;
  const float q = 0.5f * half;
  double sx = 0.0, sy = 0.0;
  for (int c = 0; c < 4; ++c) {
    Node& node = nodes_[static_cast<std::size_t>(child + c)];
    node.begin = bounds[c];
    node.end = bounds[c + 1];
    const float ccx = cx + ((c & 1) ? q : -q);
    const float ccy = cy + ((c & 2) ? q : -q);
    split(child + c, ccx, ccy, q, depth + 1);
    const Node& done = nodes_[static_cast<std::size_t>(child + c)];
    sx += static_cast<double>(done.comX) * done.count;
    sy += static_cast<double>(done.comY) * done.count;
  }
  Node& node = nodes_[static_cast<std::size_t>(id)];
  node.comX = static_cast<float>(sx / node.count);
  node.comY = static_cast<float>(sy / node.count);
}

RepulsionSum BarnesHutTree::repulsion(int i, float theta) const {
  const Matrix& y = *y_;
  const float px = y(i, 0), py = y(i, 1);
  const int self = position_[static_cast<std::size_t>(i)];
  const float* xy = xy_.data();
  const float theta2 = theta * theta;
  // Float accumulation: the Barnes-Hut approximation error (~1e-2 relative at
  // theta 0.5) dwarfs float rounding, and float halves the arithmetic cost.
  float z = 0.0f, fx = 0.0f, fy = 0.0f;
  int stack[4 * kMaxDepth + 8];
  int top = 0;
  stack[top++] = 0;
  while (top > 0) {
    const Node& node = nodes_[static_cast<std::size_t>(stack[--top])];
    if (node.count == 0) continue;
    const float dx = px - node.comX, dy = py - node.comY;
    const float d2 = dx * dx + dy * dy;
    if (node.firstChild < 0 && (node.count == 1 || node.width * node.width >= theta2 * d2)) {
      for (int t = node.begin; t < node.end; ++t) {
        if (t == self) continue;
        const float dx = px - xy[2 * t], dy = py - xy[2 * t + 1];
        const float q = 1.0f / (1.0f + dx * dx + dy * dy);
        z += q;
        fx += q * q * dx;
        fy += q * q * dy;
      }
      continue;
    }
    if (node.firstChild < 0 || node.width * node.width < theta2 * d2) {
      // Far enough: the whole cell as one body. A cell containing i is never
      // summarised for theta < 1/sqrt(2) (the point lies within the cell).
      const float q = 1.0f / (1.0f + d2);
      const float cq = static_cast<float>(node.count) * q;
      z += cq;
      fx += cq * q * dx;
      fy += cq * q * dy;
      continue;
    }
    for (int c = 3; c >= 0; --c)
      if (nodes_[static_cast<std::size_t>(node.firstChild + c)].count > 0) stack[top++] = node.firstChild + c;
  }
  return {z, fx, fy};
}

}  // namespace recdiff::analysis
