#include "core/data/batching.h"

#include <algorithm>
#include <unordered_set>

#include <torch/torch.h>

namespace recdiff::data {

Batch makeBatch(const std::vector<Sample>& samples, const std::vector<std::int64_t>& indices,
                const BatchOptions& options, torch::Generator generator, const torch::Device& device) {
  const auto B = static_cast<std::int64_t>(indices.size());
  // The window is as long as the longest history in the batch, capped at
  // maxLength: short-history datasets (Zhihu: <= 10) then cost what they need.
  std::int64_t longest = 1;
  for (auto i : indices) {
    longest = std::max<std::int64_t>(longest,
                                     static_cast<std::int64_t>(samples.at(static_cast<std::size_t>(i)).history.size()));
  }
  const std::int64_t L = std::min(options.maxLength, longest);
  auto history = torch::zeros({B, L}, torch::kInt64);
  auto target = torch::empty({B}, torch::kInt64);
  auto negatives = torch::empty({B, options.negatives}, torch::kInt64);
  auto h = history.accessor<std::int64_t, 2>();
  auto t = target.accessor<std::int64_t, 1>();
  auto neg = negatives.accessor<std::int64_t, 2>();

  // Draw the candidate negatives in one call (oversampled) and reject the
  // user's own items; redraw singly in the rare case the pool runs dry.
  torch::Tensor pool;
  if (options.negatives > 0) {
    if (options.numItems < 2) throw std::invalid_argument("negative sampling needs >= 2 items");
    pool = torch::randint(1, options.numItems + 1, {B, 2 * options.negatives + 8}, generator, torch::kInt64);
  }
  for (std::int64_t b = 0; b < B; ++b) {
    const Sample& s = samples.at(static_cast<std::size_t>(indices[static_cast<std::size_t>(b)]));
    const auto n = static_cast<std::int64_t>(s.history.size());
    const std::int64_t keep = std::min(n, L);
    for (std::int64_t i = 0; i < keep; ++i) h[b][L - keep + i] = s.history[static_cast<std::size_t>(n - keep + i)];
    t[b] = s.target;
    if (options.negatives == 0) continue;
    std::unordered_set<std::int64_t> own(s.history.begin(), s.history.end());
    own.insert(s.target);
    if (static_cast<std::int64_t>(own.size()) >= options.numItems) {
      throw std::invalid_argument("a sample covers the whole catalog: no negatives left");
    }
    auto p = pool.accessor<std::int64_t, 2>();
    std::int64_t filled = 0;
    for (std::int64_t j = 0; j < p.size(1) && filled < options.negatives; ++j) {
      if (!own.count(p[b][j])) neg[b][filled++] = p[b][j];
    }
    while (filled < options.negatives) {
      const auto c = torch::randint(1, options.numItems + 1, {1}, generator, torch::kInt64).item<std::int64_t>();
      if (!own.count(c)) neg[b][filled++] = c;
    }
  }
  Batch batch;
  batch.history = history.to(device);
  batch.mask = batch.history.ne(0);
  batch.target = target.to(device);
  batch.negatives = negatives.to(device);
  batch.sampleIndex = indices;
  return batch;
}

std::vector<std::int64_t> shuffledIndices(std::int64_t n, torch::Generator generator) {
  auto perm = torch::randperm(n, generator, torch::kInt64);
  return std::vector<std::int64_t>(perm.data_ptr<std::int64_t>(), perm.data_ptr<std::int64_t>() + n);
}

}  // namespace recdiff::data
