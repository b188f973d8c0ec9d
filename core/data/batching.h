// Turns samples into padded tensors. Histories are LEFT-padded with 0 and
// truncated to the most recent maxLength items, so the last position of every
// row is the most recent item and "the last valid position" is always L-1.
// L is the longest history in the batch, capped at maxLength (at least 1).
#pragma once

#include <torch/types.h>

#include <cstdint>
#include <vector>

#include "core/data/sequence_dataset.h"

namespace recdiff::data {

struct Batch {
  torch::Tensor history;                  // [B, L] int64, 0 = padding, right-aligned
  torch::Tensor mask;                     // [B, L] bool, true at real items
  torch::Tensor target;                   // [B] int64
  torch::Tensor negatives;                // [B, n] int64 items outside history and target ([B,0] if n = 0)
  std::vector<std::int64_t> sampleIndex;  // which samples, for reports
  std::int64_t size() const { return target.size(0); }
};

struct BatchOptions {
  std::int64_t maxLength = 50;
  std::int64_t negatives = 0;  // uniform negatives per sample
  std::int32_t numItems = 0;   // catalog size (ids 1..numItems), for negatives
};

// Builds the batch of samples[indices]. Negatives are drawn uniformly from the
// catalog excluding the sample's history and target, with `generator`.
Batch makeBatch(const std::vector<Sample>& samples, const std::vector<std::int64_t>& indices,
                const BatchOptions& options, torch::Generator generator, const torch::Device& device);

// The indices 0..n-1 in a seeded random order (for epochs).
std::vector<std::int64_t> shuffledIndices(std::int64_t n, torch::Generator generator);

}  // namespace recdiff::data
