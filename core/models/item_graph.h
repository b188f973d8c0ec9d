// DAE4Rec's item-item interaction graph (paper 004, Eq. 6): an undirected
// edge between two items that are adjacent in any training sequence
// (history followed by target), duplicates once, plus a self-loop on every
// item (the adjacency A has ones on its diagonal). Node 0 (padding) has no
// edges and no self-loop, so its row of Â is zero.
//
// What the GAE needs from it: the normalised adjacency Â = D^-½ A D^-½ as a
// sparse [N+1, N+1] tensor (memory O(edges), so it scales to tens of
// thousands of items), the list of positive entries to sample for the
// reconstruction loss, and a membership test for sampled non-edges and for
// blocks of A (the "-C_ground" ablation).
//
// Built only from the training samples: validation and test targets never
// become edges.
#pragma once

#include <torch/types.h>

#include <cstdint>
#include <vector>

#include "core/data/sequence_dataset.h"

namespace recdiff::models {

class ItemGraph {
 public:
  ItemGraph() = default;
  static ItemGraph fromSamples(const std::vector<data::Sample>& samples, std::int32_t numItems);

  bool empty() const { return numItems_ == 0; }
  std::int32_t numItems() const { return numItems_; }
  // Undirected edges between distinct items.
  std::int64_t numEdges() const { return edges_.defined() ? edges_.size(1) : 0; }
  // [2, E] int64 on the CPU, a < b, sorted.
  const torch::Tensor& edges() const { return edges_; }
  // Degrees with the self-loop (1 + neighbours), [N+1] int64 on the CPU
  // (0 for the padding node).
  const torch::Tensor& degrees() const { return degrees_; }

  // The positive entries of A the GAE reconstructs: every edge once (a < b)
  // and every self-loop, [2, E + N] int64 on `device`.
  torch::Tensor positives(const torch::Device& device) const;
  // Â = D^-½ A D^-½ as a coalesced sparse COO float tensor [N+1, N+1] on
  // `device` (cached for the last device asked).
  torch::Tensor normalizedAdjacency(const torch::Device& device) const;
  // Whether A[rows, cols] = 1 (self-loops included), elementwise; rows and
  // cols are int64 tensors of one shape on any device.
  torch::Tensor contains(const torch::Tensor& rows, const torch::Tensor& cols) const;

 private:
  std::int32_t numItems_ = 0;
  torch::Tensor edges_;
  torch::Tensor degrees_;
  torch::Tensor keys_;  // sorted row·(N+1)+col of every nonzero of A, CPU
  mutable torch::Tensor adjacencyCache_, keysCache_, positivesCache_;
};

}  // namespace recdiff::models
