#include "core/data/synthetic_truth.h"

#include <cstdint>

#include <fstream>
#include <nlohmann/json.hpp>

#include "core/data/atomic_file.h"
#include "core/data/data_error.h"

namespace recdiff::data {

void writeSyntheticTruth(const std::string& path, const SyntheticTruth& truth, const std::string& configJson) {
  nlohmann::ordered_json j;
  j["format"] = "recdiff-synthetic-truth";
  j["version"] = 1;
  j["note"] =
      "Item arrays are indexed by internal item id: ids 1..n number the items in "
      "order of first appearance in sequences.txt (index 0 is padding); itemTokens "
      "gives each id's token. User arrays are indexed by line of sequences.txt "
      "(0-based); user i has token i+1.";
  j["seed"] = truth.seed;
  j["config"] = nlohmann::ordered_json::parse(configJson);
  j["categories"] = truth.categoryNames;
  j["centres"] = truth.centres;
  j["itemTokens"] = truth.itemTokens;
  j["unusedItems"] = truth.unusedItems;
  j["itemCategory"] = truth.itemCategory;
  j["itemPopularityRank"] = truth.itemPopularityRank;
  j["itemPositions"] = truth.itemPositions;
  j["userInterests"] = truth.userInterests;
  j["stepInterest"] = truth.stepInterest;
  writeFileAtomically(path, [&](std::ostream& out) { out << j.dump(1) << '\n'; });
}

SyntheticTruth readSyntheticTruth(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw DataError(path, 0, "cannot be opened");
  nlohmann::json j;
  try {
    in >> j;
  } catch (const nlohmann::json::exception& e) {
    throw DataError(path, 0, std::string("is not valid JSON: ") + e.what());
  }
  // (A "format" that is not a string is no truth file either; found by fuzz_synthetic_truth.)
  if (!j.is_object() || !j.contains("format") || !j["format"].is_string() ||
      j["format"].get<std::string>() != "recdiff-synthetic-truth") {
    throw DataError(path, 0, "is not a recdiff synthetic truth file");
  }
  SyntheticTruth truth;
  try {
    truth.seed = j.at("seed").get<std::uint64_t>();
    truth.categoryNames = j.at("categories").get<std::vector<std::string>>();
    truth.centres = j.at("centres").get<std::vector<std::vector<double>>>();
    truth.itemTokens = j.at("itemTokens").get<std::vector<std::string>>();
    truth.unusedItems = j.at("unusedItems").get<std::size_t>();
    truth.itemCategory = j.at("itemCategory").get<std::vector<int>>();
    truth.itemPopularityRank = j.at("itemPopularityRank").get<std::vector<int>>();
    truth.itemPositions = j.at("itemPositions").get<std::vector<std::vector<double>>>();
    truth.userInterests = j.at("userInterests").get<std::vector<std::vector<int>>>();
    truth.stepInterest = j.at("stepInterest").get<std::vector<std::vector<int>>>();
  } catch (const nlohmann::json::exception& e) {
    throw DataError(path, 0, std::string("is missing a field or has a wrong type: ") + e.what());
  }
  return truth;
}

}  // namespace recdiff::data
