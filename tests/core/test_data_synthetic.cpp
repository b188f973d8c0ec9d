// The synthetic generator: deterministic bytes from a seed, and the planted
// structure (categories, varying interest counts, Markov interest chain,
// popularity skew) actually present in its output.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "core/data/data_error.h"
#include "core/data/dataset_loader.h"
#include "core/data/dataset_writer.h"
#include "core/data/sequence_reader.h"
#include "core/data/synthetic.h"
#include "tests/support/check.h"

using namespace recdiff::data;
using recdiff::test::makeTempDir;
namespace fs = std::filesystem;

namespace {
std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Writes the three files of `dataset synth` into a fresh folder.
std::string writeAll(const SyntheticData& data) {
  const std::string dir = makeTempDir();
  writeSequences(dir + "/sequences.txt", data.sequences);
  writeItems(dir + "/items.tsv", data.dataset);
  writeSyntheticTruth(dir + "/truth.json", data.truth, data.config.toJson());
  return dir;
}

const SyntheticData& defaultData() {
  static const SyntheticData data = generateSynthetic(SyntheticConfig{});
  return data;
}
}  // namespace

TEST_CASE("same seed, same bytes; different seed, different bytes") {
  SyntheticConfig config;
  config.users = 300;
  const std::string a = writeAll(generateSynthetic(config));
  const std::string b = writeAll(generateSynthetic(config));
  for (const char* file : {"sequences.txt", "items.tsv", "truth.json"}) {
    CHECK(!slurp(a + "/" + file).empty());
    CHECK(slurp(a + "/" + file) == slurp(b + "/" + file));
    CHECK(!fs::exists(a + "/" + file + ".tmp"));
  }
  config.seed = 43;
  const std::string c = writeAll(generateSynthetic(config));
  CHECK(slurp(a + "/sequences.txt") != slurp(c + "/sequences.txt"));
  CHECK(slurp(a + "/truth.json") != slurp(c + "/truth.json"));
  CHECK(generateSynthetic(config).dataset.fingerprint() != generateSynthetic(SyntheticConfig{}).dataset.fingerprint());
}

TEST_CASE("shape: users, items, lengths, leave-one-out dataset with categories") {
  const SyntheticData& data = defaultData();
  const SyntheticConfig& config = data.config;
  CHECK_EQ(data.sequences.sequences.size(), std::size_t{1000});
  CHECK_EQ(data.dataset.numItems, 500);
  CHECK_EQ(data.dataset.test.size(), std::size_t{1000});
  CHECK_EQ(data.truth.unusedItems, std::size_t{0});
  for (ItemId id = 1; id <= 500; ++id) {
    CHECK_EQ(data.dataset.items.token(id), data.truth.itemTokens[static_cast<std::size_t>(id)]);
  }
  CHECK_EQ(data.dataset.metadata.categoryNames.size(), std::size_t{8});
  CHECK_EQ(data.dataset.metadata.categoryNames[3], std::string("cat-3"));
  double total = 0;
  for (const auto& s : data.sequences.sequences) {
    CHECK(static_cast<int>(s.size()) >= config.minLength);
    CHECK(static_cast<int>(s.size()) <= config.maxLength);
    total += static_cast<double>(s.size());
  }
  CHECK_NEAR(total / 1000.0, config.meanLength, 1.5);
  // Balanced categories.
  std::map<int, int> perCategory;
  for (ItemId i = 1; i <= 500; ++i) ++perCategory[data.truth.itemCategory[static_cast<std::size_t>(i)]];
  CHECK_EQ(perCategory.size(), std::size_t{8});
  for (const auto& [c, n] : perCategory) CHECK(n == 62 || n == 63);
  CHECK_EQ(data.dataset.metadata.primaryCategory(5), data.truth.itemCategory[5]);
}

TEST_CASE("planted structure: varying interest counts, Markov chain over them") {
  const SyntheticData& data = defaultData();
  const SyntheticTruth& truth = data.truth;
  std::map<std::size_t, int> interestCounts;
  std::size_t steps = 0, fromInterest = 0, consistent = 0;
  std::size_t pairs = 0, samePairs = 0;
  for (std::size_t u = 0; u < truth.userInterests.size(); ++u) {
    const auto& interests = truth.userInterests[u];
    ++interestCounts[interests.size()];
    CHECK(std::is_sorted(interests.begin(), interests.end()));
    const auto& seq = data.sequences.sequences[u];
    CHECK_EQ(truth.stepInterest[u].size(), seq.size());
    for (std::size_t t = 0; t < seq.size(); ++t) {
      const int source = truth.stepInterest[u][t];
      const int category = truth.itemCategory[static_cast<std::size_t>(seq[t])];
      ++steps;
      if (source >= 0) {
        ++fromInterest;
        CHECK(std::find(interests.begin(), interests.end(), source) != interests.end());
        if (category == source) ++consistent;
      }
      if (t > 0) {
        ++pairs;
        if (category == truth.itemCategory[static_cast<std::size_t>(seq[t - 1])]) ++samePairs;
      }
    }
  }
  // Every count 1..4 occurs, in roughly equal shares.
  CHECK_EQ(interestCounts.size(), std::size_t{4});
  for (const auto& [k, n] : interestCounts) {
    CHECK(k >= 1 && k <= 4);
    CHECK(n > 150);
  }
  CHECK_EQ(consistent, fromInterest);  // interest items come from that interest's category
  CHECK_NEAR(static_cast<double>(steps - fromInterest) / static_cast<double>(steps), 0.05, 0.015);
  // Consecutive items share a category far more often than chance (~1/8).
  const double same = static_cast<double>(samePairs) / static_cast<double>(pairs);
  CHECK(same > 0.6);
}

TEST_CASE("planted structure: items sit near their centre, popularity is skewed") {
  const SyntheticData& data = defaultData();
  const SyntheticTruth& truth = data.truth;
  CHECK_EQ(truth.centres.size(), std::size_t{8});
  CHECK_EQ(truth.centres[0].size(), std::size_t{16});
  int nearestOwn = 0;
  for (std::size_t i = 1; i <= 500; ++i) {
    double best = 1e300;
    int bestCategory = -1;
    for (std::size_t c = 0; c < truth.centres.size(); ++c) {
      double d = 0;
      for (std::size_t k = 0; k < 16; ++k) {
        d += std::pow(truth.itemPositions[i][k] - truth.centres[c][k], 2);
      }
      if (d < best) {
        best = d;
        bestCategory = static_cast<int>(c);
      }
    }
    if (bestCategory == truth.itemCategory[i]) ++nearestOwn;
  }
  CHECK(nearestOwn >= 490);
  // The 10% most popular items (by planted rank) take far more than 10%.
  std::vector<std::size_t> counts(501, 0);
  std::size_t total = 0;
  for (const auto& s : data.sequences.sequences) {
    for (const ItemId id : s) {
      ++counts[static_cast<std::size_t>(id)];
      ++total;
    }
  }
  std::size_t top = 0;
  for (std::size_t i = 1; i <= 500; ++i) {
    if (truth.itemPopularityRank[i] < 50) top += counts[i];
  }
  CHECK(static_cast<double>(top) / static_cast<double>(total) > 0.25);
}

TEST_CASE("written files read back: sequences, items, truth") {
  SyntheticConfig config;
  config.users = 200;
  config.items = 100;
  config.categories = 5;
  const SyntheticData data = generateSynthetic(config);
  const std::string dir = writeAll(data);
  const UserSequences back = readSequences(dir + "/sequences.txt");
  CHECK_EQ(back.sequences.size(), std::size_t{200});
  for (std::size_t u = 0; u < 200; ++u) {
    CHECK_EQ(back.userTokens[u], data.sequences.userTokens[u]);
    CHECK_EQ(back.sequences[u].size(), data.sequences.sequences[u].size());
    for (std::size_t t = 0; t < back.sequences[u].size(); ++t) {
      CHECK_EQ(back.items.token(back.sequences[u][t]), data.sequences.items.token(data.sequences.sequences[u][t]));
    }
  }
  const SyntheticTruth truth = readSyntheticTruth(dir + "/truth.json");
  CHECK(truth.userInterests == data.truth.userInterests);
  CHECK(truth.itemCategory == data.truth.itemCategory);
  CHECK(truth.itemTokens == data.truth.itemTokens);
  CHECK(truth.stepInterest == data.truth.stepInterest);
  CHECK_NEAR(truth.centres[2][3], data.truth.centres[2][3], 0);
  CHECK_EQ(truth.seed, std::uint64_t{42});
  // A truth file whose "format" is not a string is refused like any other
  // stranger (fuzz_synthetic_truth found it ending the program).
  std::ofstream(dir + "/odd.json") << "{\"format\": 5}";
  CHECK_THROWS_WITH(DataError, readSyntheticTruth(dir + "/odd.json"), "is not a recdiff synthetic truth file");
}

TEST_CASE("the dataset loaded from the written files equals the generated one") {
  SyntheticConfig config;
  config.users = 40;  // few users, many items: some items are never drawn
  config.items = 400;
  const SyntheticData data = generateSynthetic(config);
  CHECK(data.truth.unusedItems > 0);
  CHECK_EQ(static_cast<std::size_t>(data.dataset.numItems) + data.truth.unusedItems, std::size_t{400});
  const std::string dir = writeAll(data);
  DatasetSpec spec;
  spec.path = dir;
  const SequenceDataset loaded = loadDataset(spec);
  CHECK_EQ(loaded.fingerprint(), data.dataset.fingerprint());
  CHECK(loaded.metadata.categories == data.dataset.metadata.categories);
  CHECK(loaded.metadata.categoryNames.size() <= data.dataset.metadata.categoryNames.size());
}

TEST_CASE("bad configurations are refused with the field named") {
  SyntheticConfig c;
  c.categories = 0;
  CHECK_THROWS_WITH(std::invalid_argument, generateSynthetic(c), "categories");
  c = SyntheticConfig{};
  c.meanLength = 3;
  CHECK_THROWS_WITH(std::invalid_argument, generateSynthetic(c), "mean length");
  c = SyntheticConfig{};
  c.stayProbability = 1.5;
  CHECK_THROWS_WITH(std::invalid_argument, generateSynthetic(c), "stay probability");
  // More interests asked than categories: capped, not an error.
  c = SyntheticConfig{};
  c.categories = 2;
  c.maxInterestsPerUser = 6;
  c.users = 50;
  const SyntheticData small = generateSynthetic(c);
  for (const auto& interests : small.truth.userInterests) CHECK(interests.size() <= 2);
}
