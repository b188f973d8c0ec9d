#include "core/data/synthetic.h"

#include <cstdint>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "core/data/preprocess.h"
#include "core/data/seeded_random.h"
#include "core/data/splits.h"

namespace recdiff::data {

void SyntheticConfig::validate() const {
  auto require = [](bool ok, const char* what) {
    if (!ok) throw std::invalid_argument(std::string("synthetic config: ") + what);
  };
  require(users >= 1 && users <= 10'000'000, "users must be in 1..10,000,000");
  require(items >= 2 && items <= 10'000'000, "items must be in 2..10,000,000");
  require(categories >= 1 && categories <= items, "categories must be in 1..items");
  require(maxInterestsPerUser >= 1, "max interests per user must be at least 1");
  require(minLength >= 1, "min length must be at least 1");
  require(maxLength >= minLength && maxLength <= 100'000, "max length must be in min length..100,000");
  require(meanLength >= minLength && meanLength <= maxLength, "mean length must lie between min length and max length");
  require(stayProbability >= 0.0 && stayProbability <= 1.0, "stay probability must be in [0, 1]");
  require(popularitySkew >= 0.0 && popularitySkew <= 10.0, "popularity skew must be in [0, 10]");
  require(embeddingDim >= 1 && embeddingDim <= 4096, "embedding dim must be in 1..4096");
  require(centreScale >= 0.0 && itemSpread > 0.0, "centre scale must be >= 0 and item spread > 0");
  require(noiseProbability >= 0.0 && noiseProbability <= 1.0, "noise probability must be in [0, 1]");
}

std::string SyntheticConfig::toJson() const {
  nlohmann::ordered_json j;
  j["users"] = users;
  j["items"] = items;
  j["categories"] = categories;
  j["maxInterestsPerUser"] = maxInterestsPerUser;
  j["meanLength"] = meanLength;
  j["minLength"] = minLength;
  j["maxLength"] = maxLength;
  j["stayProbability"] = stayProbability;
  j["popularitySkew"] = popularitySkew;
  j["embeddingDim"] = embeddingDim;
  j["centreScale"] = centreScale;
  j["itemSpread"] = itemSpread;
  j["noiseProbability"] = noiseProbability;
  j["seed"] = seed;
  return j.dump();
}

namespace {

double squaredDistance(const std::vector<double>& a, const std::vector<double>& b) {
  double d = 0.0;
  for (std::size_t k = 0; k < a.size(); ++k) d += (a[k] - b[k]) * (a[k] - b[k]);
  return d;
}

// Items (0-based generator indices) of each category and their placement.
struct Catalogue {
  std::vector<std::vector<int>> itemsOf;  // [category] -> items
  std::vector<int> category;              // [item]
  std::vector<int> rank;                  // [item] popularity rank, 0 = most popular
  std::vector<double> zipf;               // [item] popularity weight
  std::vector<std::vector<double>> centres;
  std::vector<std::vector<double>> positions;
};

Catalogue buildCatalogue(const SyntheticConfig& c, SeededRandom& random) {
  Catalogue cat;
  const auto nItems = static_cast<std::size_t>(c.items);
  const auto nCats = static_cast<std::size_t>(c.categories);
  const auto dim = static_cast<std::size_t>(c.embeddingDim);
  cat.centres.assign(nCats, std::vector<double>(dim));
  for (auto& centre : cat.centres) {
    for (double& x : centre) x = c.centreScale * random.normal();
  }
  // Balanced categories in a random arrangement.
  std::vector<int> order(nItems);
  for (std::size_t i = 0; i < nItems; ++i) order[i] = static_cast<int>(i);
  random.shuffle(order);
  cat.category.assign(nItems, 0);
  cat.itemsOf.assign(nCats, {});
  for (std::size_t p = 0; p < nItems; ++p) {
    const auto item = static_cast<std::size_t>(order[p]);
    cat.category[item] = static_cast<int>(p % nCats);
  }
  for (std::size_t i = 0; i < nItems; ++i) {
    cat.itemsOf[static_cast<std::size_t>(cat.category[i])].push_back(static_cast<int>(i));
  }
  // Popularity: a random global ranking with Zipf weights.
  random.shuffle(order);
  cat.rank.assign(nItems, 0);
  cat.zipf.assign(nItems, 0.0);
  for (std::size_t p = 0; p < nItems; ++p) {
    const auto item = static_cast<std::size_t>(order[p]);
    cat.rank[item] = static_cast<int>(p);
    cat.zipf[item] = std::pow(static_cast<double>(p + 1), -c.popularitySkew);
  }
  cat.positions.assign(nItems, std::vector<double>(dim));
  for (std::size_t i = 0; i < nItems; ++i) {
    const auto& centre = cat.centres[static_cast<std::size_t>(cat.category[i])];
    for (std::size_t k = 0; k < dim; ++k) cat.positions[i][k] = centre[k] + c.itemSpread * random.normal();
  }
  return cat;
}

}  // namespace

SyntheticData generateSynthetic(const SyntheticConfig& config) {
  config.validate();
  SeededRandom random(config.seed);
  const Catalogue cat = buildCatalogue(config, random);
  const auto nItems = static_cast<std::size_t>(config.items);
  const auto nCats = static_cast<std::size_t>(config.categories);
  const auto dim = static_cast<std::size_t>(config.embeddingDim);
  const int maxInterests = std::min(config.maxInterestsPerUser, config.categories);
  const double tail = config.meanLength - config.minLength;
  const double extendProbability = tail / (tail + 1.0);  // geometric tail with mean `tail`
  const double kernelScale = 2.0 * static_cast<double>(dim) * config.itemSpread * config.itemSpread;

  SyntheticData out;
  out.config = config;
  UserSequences& seqs = out.sequences;
  seqs.source = "synthetic (seed " + std::to_string(config.seed) + ")";
  for (std::size_t i = 1; i <= nItems; ++i) seqs.items.intern(std::to_string(i));
  SyntheticTruth& truth = out.truth;
  truth.seed = config.seed;

  std::vector<int> categoryOrder(nCats);
  std::vector<std::vector<double>> cumulative;
  std::vector<double> point(dim);
  for (int u = 0; u < config.users; ++u) {
    // Interests: 1..K distinct categories.
    const int k = 1 + static_cast<int>(random.below(static_cast<std::uint64_t>(maxInterests)));
    for (std::size_t c = 0; c < nCats; ++c) categoryOrder[c] = static_cast<int>(c);
    std::vector<int> interests;
    for (int j = 0; j < k; ++j) {
      const std::size_t pick = static_cast<std::size_t>(j) + random.below(nCats - static_cast<std::size_t>(j));
      std::swap(categoryOrder[static_cast<std::size_t>(j)], categoryOrder[pick]);
      interests.push_back(categoryOrder[static_cast<std::size_t>(j)]);
    }
    std::sort(interests.begin(), interests.end());
    // Each interest is a point near its category's centre; items are drawn
    // with weight popularity x closeness to that point.
    cumulative.assign(static_cast<std::size_t>(k), {});
    for (int j = 0; j < k; ++j) {
      const auto c = static_cast<std::size_t>(interests[static_cast<std::size_t>(j)]);
      for (std::size_t d = 0; d < dim; ++d) {
        point[d] = cat.centres[c][d] + 0.5 * config.itemSpread * random.normal();
      }
      double sum = 0.0;
      for (const int item : cat.itemsOf[c]) {
        const auto i = static_cast<std::size_t>(item);
        sum += cat.zipf[i] * std::exp(-squaredDistance(cat.positions[i], point) / kernelScale);
        cumulative[static_cast<std::size_t>(j)].push_back(sum);
      }
    }
    int length = config.minLength;
    while (length < config.maxLength && random.chance(extendProbability)) ++length;

    std::vector<ItemId> sequence;
    std::vector<int> steps;
    sequence.reserve(static_cast<std::size_t>(length));
    int current = static_cast<int>(random.below(static_cast<std::uint64_t>(k)));
    for (int t = 0; t < length; ++t) {
      if (t > 0 && k > 1 && !random.chance(config.stayProbability)) {
        const int other = static_cast<int>(random.below(static_cast<std::uint64_t>(k - 1)));
        current = other >= current ? other + 1 : other;
      }
      const int category = interests[static_cast<std::size_t>(current)];
      int item = -1, source = category;
      for (int attempt = 0; attempt < 4; ++attempt) {
        if (random.chance(config.noiseProbability)) {
          item = static_cast<int>(random.below(nItems));
          source = -1;
        } else {
          const auto& members = cat.itemsOf[static_cast<std::size_t>(category)];
          item = members[random.fromCumulative(cumulative[static_cast<std::size_t>(current)])];
          source = category;
        }
        // Avoid repeating the previous item (real logs rarely do).
        if (sequence.empty() || sequence.back() != item + 1) break;
      }
      sequence.push_back(static_cast<ItemId>(item + 1));
      steps.push_back(source);
    }
    seqs.userTokens.push_back(std::to_string(u + 1));
    seqs.sequences.push_back(std::move(sequence));
    truth.userInterests.push_back(std::move(interests));
    truth.stepInterest.push_back(std::move(steps));
  }

  // Number items in order of first appearance, exactly as reading the
  // written sequences.txt back does, so that the dataset generated here and
  // the one loaded from disk are the same (same ids, same fingerprint).
  // Items no user drew have no id.
  compactItemIds(seqs);
  const std::size_t numIds = static_cast<std::size_t>(seqs.items.size());
  for (std::size_t c = 0; c < nCats; ++c) truth.categoryNames.push_back("cat-" + std::to_string(c));
  truth.centres = cat.centres;
  truth.itemTokens.assign(numIds + 1, std::string());
  truth.itemCategory.assign(numIds + 1, -1);
  truth.itemPopularityRank.assign(numIds + 1, -1);
  truth.itemPositions.assign(numIds + 1, std::vector<double>(dim, 0.0));
  for (std::size_t id = 1; id <= numIds; ++id) {
    const std::string& token = seqs.items.token(static_cast<ItemId>(id));
    const std::size_t g = std::stoul(token) - 1;  // the generator's item index
    truth.itemTokens[id] = token;
    truth.itemCategory[id] = cat.category[g];
    truth.itemPopularityRank[id] = cat.rank[g];
    truth.itemPositions[id] = cat.positions[g];
  }
  truth.unusedItems = nItems - numIds;

  // Category labels are arbitrary: number them in order of first appearance
  // over item ids, the order in which reading items.tsv back meets them, so
  // that category k here is category k of the loaded metadata too.
  std::vector<int> relabel(nCats, -1);
  int nextLabel = 0;
  for (std::size_t id = 1; id <= numIds; ++id) {
    int& label = relabel[static_cast<std::size_t>(truth.itemCategory[id])];
    if (label < 0) label = nextLabel++;
  }
  for (int& label : relabel) {
    if (label < 0) label = nextLabel++;  // a category none of whose items was drawn
  }
  for (std::size_t id = 1; id <= numIds; ++id) {
    truth.itemCategory[id] = relabel[static_cast<std::size_t>(truth.itemCategory[id])];
  }
  for (std::size_t c = 0; c < nCats; ++c) {
    truth.centres[static_cast<std::size_t>(relabel[c])] = cat.centres[c];
  }
  for (auto& interests : truth.userInterests) {
    for (int& c : interests) c = relabel[static_cast<std::size_t>(c)];
    std::sort(interests.begin(), interests.end());
  }
  for (auto& steps : truth.stepInterest) {
    for (int& c : steps) {
      if (c >= 0) c = relabel[static_cast<std::size_t>(c)];
    }
  }

  out.dataset = splitLeaveOneOut(seqs);
  out.dataset.name = "synthetic-" + std::to_string(config.seed);
  ItemMetadata& meta = out.dataset.metadata;
  meta.categoryNames = truth.categoryNames;
  meta.categories.assign(numIds + 1, {});
  for (std::size_t id = 1; id <= numIds; ++id) meta.categories[id] = {truth.itemCategory[id]};
  return out;
}

}  // namespace recdiff::data
