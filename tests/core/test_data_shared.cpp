// The shared reference datasets (../shared/datasets): the counts loadDataset
// and computeStats give (what `recdiff dataset stats` prints) must equal the
// datasets README's table. Skipped with a reason when the folder is absent.
#include <map>

#include "core/data/dataset_loader.h"
#include "core/data/interaction_reader.h"
#include "tests/support/check.h"

using namespace recdiff::data;
using recdiff::test::requireSharedDatasets;

namespace {
struct Loaded {
  SequenceDataset dataset;
  LoadReport report;
  DatasetStats stats;
};

Loaded load(const std::string& folder) {
  Loaded out;
  DatasetSpec spec;
  spec.path = requireSharedDatasets() + "/" + folder;
  out.dataset = loadDataset(spec, &out.report);
  out.stats = computeStats(out.dataset);
  for (const ReadReport& r : out.report.reads) CHECK_EQ(r.rejected(), std::size_t{0});
  return out;
}

void checkLeaveOneOut(const std::string& folder, std::size_t users, std::size_t items, std::size_t interactions,
                      const std::string& fingerprint) {
  const Loaded l = load(folder);
  CHECK(l.dataset.split == SplitKind::LeaveOneOut);
  CHECK(!l.report.filtered);
  CHECK_EQ(l.stats.users, users);
  CHECK_EQ(l.stats.items, items);
  CHECK_EQ(l.stats.interactions, interactions);
  CHECK_EQ(l.dataset.train.size(), users);
  CHECK_EQ(l.dataset.validation.size(), users);
  CHECK_EQ(l.dataset.test.size(), users);
  CHECK_EQ(l.report.split.shortUsers, std::size_t{0});
  // The fingerprint pins the id mapping and the samples: a change here means
  // checkpoints trained before it no longer load.
  CHECK_EQ(l.dataset.fingerprint(), fingerprint);
}
}  // namespace

TEST_CASE("zhihu-dreamrec: 61,641 / 8,160 / 7,911 samples, 4,838 items, 77,712") {
  const Loaded l = load("zhihu-dreamrec");
  CHECK(l.dataset.split == SplitKind::Published);
  CHECK_EQ(l.stats.unit, std::string("samples"));
  CHECK_EQ(l.dataset.train.size(), std::size_t{61641});
  CHECK_EQ(l.dataset.validation.size(), std::size_t{8160});
  CHECK_EQ(l.dataset.test.size(), std::size_t{7911});
  CHECK_EQ(l.stats.items, std::size_t{4838});
  CHECK_EQ(l.stats.interactions, std::size_t{77712});
  // "ids 0..4837", and history <= 10.
  std::map<long, int> seen;
  for (const std::string& token : l.dataset.items.tokens()) seen[std::stol(token)] = 1;
  CHECK_EQ(seen.begin()->first, 0L);
  CHECK_EQ(seen.rbegin()->first, 4837L);
  CHECK_EQ(l.stats.maxLength, std::size_t{11});
  CHECK_EQ(l.dataset.fingerprint(), std::string("73fd3a8bc8c9a51c"));
}

TEST_CASE("ml-100k-adrec: 938 users, 1,008 items, 54,413, with its genre table") {
  checkLeaveOneOut("ml-100k-adrec", 938, 1008, 54413, "940a206f9cb083b7");
  const Loaded l = load("ml-100k-adrec");
  CHECK(l.report.metadata.has_value());
  CHECK_EQ(l.report.metadata->matched, std::size_t{1008});
  CHECK_EQ(l.report.metadata->unusedRecords, std::size_t{0});
  // The README calls items.tsv "its 26-genre table"; the file uses 17
  // genres (and item 523 has none). The file is what we test.
  CHECK_EQ(l.dataset.metadata.categoryNames.size(), std::size_t{17});
  CHECK_EQ(l.dataset.metadata.primaryCategory(l.dataset.items.find("523")), -1);
}

TEST_CASE("beauty-adrec: 10,553 users, 6,086 items, 94,148") {
  checkLeaveOneOut("beauty-adrec", 10553, 6086, 94148, "203d89c0aa6181e4");
}

TEST_CASE("baby-adrec: 11,761 users, 4,731 items, 92,823") {
  checkLeaveOneOut("baby-adrec", 11761, 4731, 92823, "81c1826fe547899a");
}

TEST_CASE("beauty-diffurec: 22,363 users, 12,101 items, 198,502") {
  checkLeaveOneOut("beauty-diffurec", 22363, 12101, 198502, "f8d3b3e912eae02e");
}

TEST_CASE("ml-100k-raw: 943 / 1,682 / 100,000 before filtering; 5-core after") {
  const Loaded l = load("ml-100k-raw");
  CHECK(l.report.filtered);
  CHECK(l.report.before.has_value());
  CHECK_EQ(l.report.before->users, std::size_t{943});
  CHECK_EQ(l.report.before->items, std::size_t{1682});
  CHECK_EQ(l.report.before->interactions, std::size_t{100000});
  CHECK_EQ(l.report.preprocess->duplicatesRemoved, std::size_t{0});
  // After the papers' filtering (items >= 5 interactions, users >= 3),
  // checked independently with a short Python script.
  CHECK_EQ(l.stats.users, std::size_t{943});
  CHECK_EQ(l.stats.items, std::size_t{1349});
  CHECK_EQ(l.stats.interactions, std::size_t{99287});
  CHECK(l.stats.itemPopularity.back() >= 5);
  CHECK(l.stats.minLength >= 3);
  // Titles and genres from ml-100k.item, by internal id.
  CHECK(l.report.metadata.has_value());
  CHECK_EQ(l.report.metadata->matched, std::size_t{1349});
  CHECK_EQ(l.report.metadata->unusedRecords, std::size_t{333});
  const ItemId toyStory = l.dataset.items.find("1");
  CHECK_EQ(l.dataset.metadata.titles[static_cast<std::size_t>(toyStory)], std::string("Toy Story"));
  CHECK_EQ(l.dataset.metadata.categories[static_cast<std::size_t>(toyStory)].size(), std::size_t{3});
  CHECK_EQ(l.dataset.metadata.categoryNames.size(), std::size_t{19});
  // Each user's sequence is in time order: the raw log's last event of user
  // 196 by timestamp is the test target.
  const InteractionLog log = readInteractions(requireSharedDatasets() + "/ml-100k-raw/ml-100k.inter");
  double latest = -1;
  std::string latestItem;
  for (const Interaction& e : log.events) {
    if (log.userToken(e) == "196" && e.timestamp >= latest) {
      latest = e.timestamp;
      latestItem = log.itemToken(e);
    }
  }
  for (const Sample& s : l.dataset.test) {
    if (l.dataset.userTokens[static_cast<std::size_t>(s.user)] == "196") {
      CHECK_EQ(l.dataset.items.token(s.target), latestItem);
    }
  }
  CHECK_EQ(l.dataset.fingerprint(), std::string("e5b95d412c813ae2"));
}
