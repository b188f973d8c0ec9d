// The quadtree behind Barnes-Hut t-SNE's repulsive forces
// (van der Maaten 2014, section 4.2).
//
// A cell far enough from a point (its width / distance below theta) acts as
// one body of `count` points at its centre of mass, which turns the O(N^2)
// repulsion sum into O(N log N). The tree is rebuilt every iteration (cheap:
// ~1 ms for 10,000 points) and then only read, so the per-point sums can run
// on several threads at once.
#pragma once

#include "core/analysis/analysis_types.h"

#include <vector>

namespace recdiff::analysis {

struct RepulsionSum {
  double z = 0.0;   // sum over j != i of 1 / (1 + |y_i - y_j|^2)
  double fx = 0.0;  // sum over j != i of (y_i - y_j) / (1 + |y_i - y_j|^2)^2
  double fy = 0.0;
};

class BarnesHutTree {
 public:
  // Builds the tree over the rows of y (N x 2).
  void build(const Matrix& y);

  // The approximate sums for point i (a row of the y given to build()).
  // theta = 0 gives the exact sums.
  RepulsionSum repulsion(int i, float theta) const;

  // The points in tree order: neighbours in the plane are close together, so
  // iterating points in this order keeps the traversed cells in cache.
  const std::vector<int>& order() const { return order_; }

 private:
  struct Node {
    float comX = 0.0f, comY = 0.0f;  // centre of mass
    float width = 0.0f;              // side length of the square cell
    int count = 0;
    int firstChild = -1;     // four consecutive children, or -1 for a leaf
    int begin = 0, end = 0;  // the cell's points in order_
  };

  void split(int node, float cx, float cy, float half, int depth);

  const Matrix* y_ = nullptr;
  std::vector<Node> nodes_;
  std::vector<int> order_;
  std::vector<int> position_;  // position_[order_[t]] == t
  std::vector<float> xy_;      // coordinates in tree order: leaves read contiguous memory
};

}  // namespace recdiff::analysis
