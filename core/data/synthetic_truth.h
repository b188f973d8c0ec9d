// The planted structure of a synthetic dataset, kept so that the GUI and the
// analysis tests can check what a model recovered: each item's category and
// position, each user's interests, and which interest produced each item.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace recdiff::data {

struct SyntheticTruth {
  std::uint64_t seed = 0;
  std::vector<std::string> categoryNames;    // "cat-0", ...
  std::vector<std::vector<double>> centres;  // [category][dimension]
  // Item arrays are indexed by the dataset's internal item id: items are
  // numbered in order of first appearance in the sequences (as reading
  // sequences.txt does); itemTokens gives each id's token ([0] = "").
  std::vector<std::string> itemTokens;
  std::size_t unusedItems = 0;                     // generated items no user drew (no id)
  std::vector<int> itemCategory;                   // by internal item id; [0] = -1 (padding)
  std::vector<std::vector<double>> itemPositions;  // by internal item id; [0] = zeros
  std::vector<int> itemPopularityRank;             // by internal item id (0 = most popular); [0] = -1
  std::vector<std::vector<int>> userInterests;     // by user index: categories, ascending
  // By user index, one entry per item of the user's full sequence: the
  // category whose interest produced it, or -1 for a random (noise) item.
  std::vector<std::vector<int>> stepInterest;
};

// truth.json (written atomically) and back. Reading throws DataError.
void writeSyntheticTruth(const std::string& path, const SyntheticTruth& truth, const std::string& configJson = "{}");
SyntheticTruth readSyntheticTruth(const std::string& path);

}  // namespace recdiff::data
