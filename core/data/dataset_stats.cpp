#include "core/data/dataset_stats.h"

#include <algorithm>
#include <functional>

namespace recdiff::data {

namespace {

// Fills the length and popularity figures from per-sequence lengths and
// per-item counts (index = item id, [0] unused).
void finish(DatasetStats& stats, const std::vector<std::size_t>& lengths, std::vector<std::size_t> itemCounts) {
  stats.interactions = 0;
  stats.minLength = lengths.empty() ? 0 : lengths.front();
  stats.maxLength = 0;
  for (const std::size_t n : lengths) {
    stats.interactions += n;
    stats.minLength = std::min(stats.minLength, n);
    stats.maxLength = std::max(stats.maxLength, n);
  }
  stats.lengthHistogram.assign(stats.maxLength + 1, 0);
  for (const std::size_t n : lengths) ++stats.lengthHistogram[n];
  stats.averageLength =
      stats.users == 0 ? 0.0 : static_cast<double>(stats.interactions) / static_cast<double>(stats.users);
  const double cells = static_cast<double>(stats.users) * static_cast<double>(stats.items);
  stats.sparsity = cells == 0.0 ? 0.0 : 1.0 - static_cast<double>(stats.interactions) / cells;

  if (!itemCounts.empty()) itemCounts.erase(itemCounts.begin());  // padding slot
  std::sort(itemCounts.begin(), itemCounts.end(), std::greater<>());
  stats.popularityHistogram.clear();
  for (const std::size_t c : itemCounts) {
    if (c == 0) continue;
    std::size_t bin = 0;
    while ((std::size_t{2} << bin) <= c) ++bin;
    if (stats.popularityHistogram.size() <= bin) stats.popularityHistogram.resize(bin + 1, 0);
    ++stats.popularityHistogram[bin];
  }
  stats.itemPopularity = std::move(itemCounts);
}

}  // namespace

DatasetStats computeStats(const InteractionLog& log) {
  DatasetStats stats;
  stats.users = static_cast<std::size_t>(log.users.size());
  stats.items = static_cast<std::size_t>(log.items.size());
  std::vector<std::size_t> lengths(stats.users + 1, 0);
  std::vector<std::size_t> counts(stats.items + 1, 0);
  for (const Interaction& e : log.events) {
    ++lengths[static_cast<std::size_t>(e.user)];
    ++counts[static_cast<std::size_t>(e.item)];
  }
  lengths.erase(lengths.begin());
  finish(stats, lengths, std::move(counts));
  return stats;
}

DatasetStats computeStats(const UserSequences& sequences) {
  DatasetStats stats;
  stats.users = sequences.sequences.size();
  std::vector<std::size_t> counts(static_cast<std::size_t>(sequences.items.size()) + 1, 0);
  std::vector<std::size_t> lengths;
  lengths.reserve(stats.users);
  for (const auto& s : sequences.sequences) {
    lengths.push_back(s.size());
    for (const ItemId id : s) ++counts[static_cast<std::size_t>(id)];
  }
  stats.items =
      static_cast<std::size_t>(std::count_if(counts.begin() + 1, counts.end(), [](std::size_t c) { return c > 0; }));
  finish(stats, lengths, std::move(counts));
  return stats;
}

DatasetStats computeStats(const SequenceDataset& dataset) {
  DatasetStats stats;
  if (dataset.split == SplitKind::Published) {
    stats.unit = "samples";
    std::vector<std::size_t> lengths;
    std::vector<std::size_t> counts(static_cast<std::size_t>(dataset.numItems) + 1, 0);
    for (const auto* part : {&dataset.train, &dataset.validation, &dataset.test}) {
      for (const Sample& s : *part) {
        lengths.push_back(s.history.size() + 1);
        ++counts[static_cast<std::size_t>(s.target)];
      }
    }
    stats.users = lengths.size();
    stats.items = static_cast<std::size_t>(dataset.numItems);
    finish(stats, lengths, std::move(counts));
    // A published split counts one interaction per sample (its target).
    stats.interactions = stats.users;
    const double cells = static_cast<double>(stats.users) * static_cast<double>(stats.items);
    stats.sparsity = cells == 0.0 ? 0.0 : 1.0 - static_cast<double>(stats.interactions) / cells;
  } else {
    stats = computeStats(userSequencesOf(dataset));
    stats.items = static_cast<std::size_t>(dataset.numItems);
    const double cells = static_cast<double>(stats.users) * static_cast<double>(stats.items);
    stats.sparsity = cells == 0.0 ? 0.0 : 1.0 - static_cast<double>(stats.interactions) / cells;
  }
  stats.trainSamples = dataset.train.size();
  stats.validationSamples = dataset.validation.size();
  stats.testSamples = dataset.test.size();
  return stats;
}

}  // namespace recdiff::data
