// Dataset statistics on small hand-checked data.
#include <filesystem>
#include <fstream>

#include "core/data/dataset_stats.h"
#include "core/data/interaction_reader.h"
#include "core/data/splits.h"
#include "tests/support/check.h"

using namespace recdiff::data;

namespace {
UserSequences make(const std::vector<std::vector<std::string>>& rows) {
  UserSequences data;
  for (std::size_t u = 0; u < rows.size(); ++u) {
    data.userTokens.push_back(std::to_string(u));
    std::vector<ItemId> seq;
    for (const auto& t : rows[u]) seq.push_back(data.items.intern(t));
    data.sequences.push_back(seq);
  }
  return data;
}
}  // namespace

TEST_CASE("stats of sequences: counts, average, sparsity, histograms") {
  // 3 users, items a..e; lengths 4, 3, 1 (8 interactions); a x4, b x2, c, d.
  const UserSequences data = make({{"a", "b", "a", "c"}, {"a", "b", "a"}, {"d"}});
  const DatasetStats s = computeStats(data);
  CHECK_EQ(s.unit, std::string("users"));
  CHECK_EQ(s.users, std::size_t{3});
  CHECK_EQ(s.items, std::size_t{4});
  CHECK_EQ(s.interactions, std::size_t{8});
  CHECK_NEAR(s.averageLength, 8.0 / 3.0, 1e-12);
  CHECK_NEAR(s.sparsity, 1.0 - 8.0 / 12.0, 1e-12);
  CHECK_EQ(s.minLength, std::size_t{1});
  CHECK_EQ(s.maxLength, std::size_t{4});
  CHECK(s.lengthHistogram == (std::vector<std::size_t>{0, 1, 0, 1, 1}));
  CHECK(s.itemPopularity == (std::vector<std::size_t>{4, 2, 1, 1}));
  // bins [1,2): c, d; [2,4): b; [4,8): a
  CHECK(s.popularityHistogram == (std::vector<std::size_t>{2, 1, 1}));

  // The leave-one-out dataset of the same sequences has the same figures.
  const DatasetStats d = computeStats(splitLeaveOneOut(data));
  CHECK_EQ(d.users, std::size_t{3});
  CHECK_EQ(d.interactions, std::size_t{8});
  CHECK_EQ(d.items, std::size_t{4});
  CHECK_EQ(d.trainSamples, std::size_t{3});
  CHECK_EQ(d.testSamples, std::size_t{2});
  CHECK(d.lengthHistogram == s.lengthHistogram);
}

TEST_CASE("stats of a raw log and of a published split") {
  const std::string path = recdiff::test::makeTempDir() + "/log.csv";
  std::ofstream(path) << "user,item\n1,a\n1,a\n2,b\n3,a\n";
  const DatasetStats raw = computeStats(readInteractions(path));
  CHECK_EQ(raw.users, std::size_t{3});
  CHECK_EQ(raw.items, std::size_t{2});
  CHECK_EQ(raw.interactions, std::size_t{4});
  CHECK(raw.itemPopularity == (std::vector<std::size_t>{3, 1}));

  PublishedSplit split;
  split.sampleNames = {"train.tsv:1", "train.tsv:2", "test.tsv:1"};
  const ItemId a = split.items.intern("a"), b = split.items.intern("b");
  split.train = {Sample{0, {}, a}, Sample{1, {a}, b}};
  split.test = {Sample{2, {a, b}, a}};
  const DatasetStats p = computeStats(fromPublishedSplit(split));
  CHECK_EQ(p.unit, std::string("samples"));
  CHECK_EQ(p.users, std::size_t{3});
  CHECK_EQ(p.interactions, std::size_t{3});
  CHECK_EQ(p.items, std::size_t{2});
  CHECK_NEAR(p.averageLength, 2.0, 1e-12);  // (1 + 2 + 3) / 3
  CHECK_EQ(p.trainSamples, std::size_t{2});
  CHECK(p.itemPopularity == (std::vector<std::size_t>{2, 1}));  // targets
}
