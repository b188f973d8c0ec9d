// Dataset statistics as the papers print them (users, items, interactions,
// average length, sparsity) plus the distributions the GUI charts.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "core/data/interaction_reader.h"
#include "core/data/sequence_dataset.h"
#include "core/data/user_sequences.h"

namespace recdiff::data {

struct DatasetStats {
  // "users" normally; "samples" for a published split, whose lines are
  // samples with no user behind them.
  std::string unit = "users";
  std::size_t users = 0;  // users, or samples for a published split
  std::size_t items = 0;
  std::size_t interactions = 0;                                          // events; samples for a published split
  std::size_t trainSamples = 0, validationSamples = 0, testSamples = 0;  // datasets only
  double averageLength = 0.0;  // interactions per user (history+target per sample)
  double sparsity = 0.0;       // 1 - interactions / (users * items)
  std::size_t minLength = 0, maxLength = 0;
  std::vector<std::size_t> lengthHistogram;      // [L] = number of sequences of length L
  std::vector<std::size_t> itemPopularity;       // interactions per item, most popular first
  std::vector<std::size_t> popularityHistogram;  // [b] = items with 2^b <= count < 2^(b+1)
};

// Before any filtering.
DatasetStats computeStats(const InteractionLog& log);
DatasetStats computeStats(const UserSequences& sequences);
// Over each user's full sequence (leave-one-out, user ratio); over samples
// for a published split (popularity then counts targets).
DatasetStats computeStats(const SequenceDataset& dataset);

}  // namespace recdiff::data
