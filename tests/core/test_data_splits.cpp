// Splits (leave-one-out, user ratio, published), the fingerprint, and the
// loadDataset entry point with its defaults and refusals.
#include <filesystem>
#include <fstream>
#include <set>

#include "core/data/data_error.h"
#include "core/data/dataset_loader.h"
#include "core/data/splits.h"
#include "tests/support/check.h"

using namespace recdiff::data;
using recdiff::test::makeTempDir;
namespace fs = std::filesystem;

namespace {
std::string writeFile(const std::string& dir, const std::string& name, const std::string& content) {
  const fs::path path = fs::path(dir) / name;
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << content;
  return path.string();
}

UserSequences numbered(const std::vector<std::vector<int>>& rows) {
  UserSequences data;
  for (std::size_t u = 0; u < rows.size(); ++u) {
    data.userTokens.push_back("u" + std::to_string(u));
    std::vector<ItemId> seq;
    for (const int item : rows[u]) seq.push_back(data.items.intern(std::to_string(item)));
    data.sequences.push_back(seq);
  }
  return data;
}

std::vector<ItemId> ids(std::initializer_list<int> v) { return std::vector<ItemId>(v.begin(), v.end()); }
}  // namespace

TEST_CASE("leave-one-out: train all but last two, val second last, test last") {
  // Items are interned 1.. in order, so ids equal the numbers below.
  SplitReport report;
  const SequenceDataset ds = splitLeaveOneOut(numbered({{1, 2, 3, 4, 5}, {6, 7, 8}, {9, 10}, {11}}), &report);
  CHECK(ds.split == SplitKind::LeaveOneOut);
  CHECK_EQ(ds.numItems, 11);
  CHECK_EQ(ds.train.size(), std::size_t{4});
  CHECK_EQ(ds.validation.size(), std::size_t{2});
  CHECK_EQ(ds.test.size(), std::size_t{2});
  CHECK(ds.train[0].history == ids({1, 2}));
  CHECK_EQ(ds.train[0].target, 3);
  CHECK(ds.validation[0].history == ids({1, 2, 3}));
  CHECK_EQ(ds.validation[0].target, 4);
  CHECK(ds.test[0].history == ids({1, 2, 3, 4}));
  CHECK_EQ(ds.test[0].target, 5);
  CHECK(ds.train[1].history.empty());  // length 3: the training sequence is one item
  CHECK_EQ(ds.train[1].target, 6);
  // Short users train only, on their whole sequence.
  CHECK(ds.train[2].history == ids({9}));
  CHECK_EQ(ds.train[2].target, 10);
  CHECK(ds.train[3].history.empty());
  CHECK_EQ(ds.train[3].user, 3);
  CHECK_EQ(report.shortUsers, std::size_t{2});
  CHECK_EQ(report.users, std::size_t{4});
  CHECK(fullSequence(ds.test[0]) == ids({1, 2, 3, 4, 5}));
  // Sequences come back whole.
  const UserSequences back = userSequencesOf(ds);
  CHECK(back.sequences[0] == ids({1, 2, 3, 4, 5}));
  CHECK(back.sequences[2] == ids({9, 10}));
  CHECK(back.sequences[3] == ids({11}));
}

TEST_CASE("user ratio 8:1:1 is seeded, complete and disjoint") {
  std::vector<std::vector<int>> rows;
  for (int u = 0; u < 100; ++u) rows.push_back({u * 3 + 1, u * 3 + 2, u * 3 + 3});
  SplitReport report;
  const SequenceDataset a = splitByUserRatio(numbered(rows), 7, {}, &report);
  CHECK_EQ(a.train.size(), std::size_t{80});
  CHECK_EQ(a.validation.size(), std::size_t{10});
  CHECK_EQ(a.test.size(), std::size_t{10});
  std::set<int> users;
  for (const auto* part : {&a.train, &a.validation, &a.test}) {
    for (const Sample& s : *part) {
      users.insert(s.user);
      CHECK_EQ(s.history.size(), std::size_t{2});
      CHECK_EQ(s.target, s.history[1] + 1);
    }
  }
  CHECK_EQ(users.size(), std::size_t{100});
  const SequenceDataset same = splitByUserRatio(numbered(rows), 7);
  CHECK_EQ(same.fingerprint(), a.fingerprint());
  const SequenceDataset other = splitByUserRatio(numbered(rows), 8);
  CHECK(other.fingerprint() != a.fingerprint());
  // The exact assignment for seed 7 is fixed on every standard library
  // (std::mt19937_64 is specified; the shuffle is our own).
  std::string testUsers;
  for (const Sample& s : a.test) testUsers += std::to_string(s.user) + " ";
  CHECK_EQ(testUsers, std::string("4 13 15 23 46 51 61 78 92 94 "));
  const SequenceDataset uneven = splitByUserRatio(numbered({{1}, {2}, {3}}), 1);
  CHECK_EQ(uneven.train.size() + uneven.validation.size() + uneven.test.size(), std::size_t{3});
  CHECK_THROWS_WITH(std::invalid_argument, splitByUserRatio(numbered({{1}}), 1, SplitRatios{-1, 1, 1}), "ratios");
}

TEST_CASE("fingerprint: FNV-1a hex, stable, sensitive to samples and tokens") {
  const SequenceDataset a = splitLeaveOneOut(numbered({{1, 2, 3, 4}}));
  CHECK_EQ(a.fingerprint().size(), std::size_t{16});
  CHECK_EQ(a.fingerprint(), splitLeaveOneOut(numbered({{1, 2, 3, 4}})).fingerprint());
  CHECK(a.fingerprint() != splitLeaveOneOut(numbered({{1, 2, 4, 3}})).fingerprint());
  CHECK(a.fingerprint() != splitLeaveOneOut(numbered({{1, 2, 3, 5}})).fingerprint());
  // Golden values: FNV-1a 64 over little-endian numItems, token count,
  // tokens and the tagged sample lists (checked independently in Python).
  CHECK_EQ(SequenceDataset{}.fingerprint(), std::string("54373ca9e936b7ee"));
  CHECK_EQ(a.fingerprint(), std::string("77a384f6e99cae0a"));
}

TEST_CASE("loadDataset: sequences.txt defaults to leave-one-out without filtering") {
  const std::string dir = makeTempDir() + "/toy";
  writeFile(dir, "sequences.txt", "1 a b c\n2 a d\n3 b c a e\n");
  writeFile(dir, "items.tsv", "a\tX|Y\nb\tY\nz\tZ\n");
  LoadReport report;
  DatasetSpec spec;
  spec.path = dir;
  const SequenceDataset ds = loadDataset(spec, &report);
  CHECK_EQ(ds.name, std::string("toy"));
  CHECK_EQ(ds.numItems, 5);
  CHECK_EQ(ds.train.size(), std::size_t{3});
  CHECK_EQ(ds.test.size(), std::size_t{2});
  CHECK(!report.filtered);
  CHECK_EQ(report.split.shortUsers, std::size_t{1});
  CHECK_EQ(report.itemsPath, dir + "/items.tsv");
  CHECK(ds.metadata.hasCategories());
  CHECK_EQ(ds.metadata.categoryNames.size(), std::size_t{3});
  const ItemId a = ds.items.find("a");
  CHECK_EQ(ds.metadata.categories[static_cast<std::size_t>(a)].size(), std::size_t{2});
  CHECK_EQ(ds.metadata.primaryCategory(a), 0);
  CHECK_EQ(ds.metadata.primaryCategory(ds.items.find("e")), -1);
  CHECK_EQ(report.metadata->matched, std::size_t{2});
  CHECK_EQ(report.metadata->unusedRecords, std::size_t{1});
  CHECK(!report.summaryLines().empty());

  // Filtering on request.
  spec.filter = FilterMode::Apply;
  spec.preprocess = PreprocessOptions{false, 2, 3, 0};
  const SequenceDataset filtered = loadDataset(spec, &report);
  CHECK(report.filtered);
  CHECK_EQ(filtered.userTokens.size(), std::size_t{2});  // user 2 has a, d: d is rare, 1 item left

  // Ratio split on request, seeded.
  DatasetSpec ratio;
  ratio.path = dir + "/sequences.txt";
  ratio.split = SplitKind::UserRatio;
  const SequenceDataset r = loadDataset(ratio);
  CHECK(r.split == SplitKind::UserRatio);
  CHECK_EQ(r.train.size() + r.validation.size() + r.test.size(), std::size_t{3});
}

TEST_CASE("loadDataset: logs get the 5/3 filtering by default, before-stats kept") {
  std::string csv = "user_id,item_id,timestamp\n";
  for (int u = 0; u < 6; ++u) {
    for (int i = 0; i < 4; ++i)
      csv += std::to_string(u) + "," + std::to_string(i) + "," + std::to_string(10 - i) + "\n";
  }
  csv += "0,99,1\n";  // a rare item
  const std::string path = writeFile(makeTempDir(), "log.csv", csv);
  LoadReport report;
  DatasetSpec spec;
  spec.path = path;
  const SequenceDataset ds = loadDataset(spec, &report);
  CHECK(report.filtered);
  CHECK(report.before.has_value());
  CHECK_EQ(report.before->interactions, std::size_t{25});
  CHECK_EQ(report.before->items, std::size_t{5});
  CHECK_EQ(ds.numItems, 4);
  CHECK_EQ(ds.test.size(), std::size_t{6});
  // Chronological: the timestamps run backwards over the file.
  CHECK_EQ(ds.items.token(ds.test[0].target), std::string("0"));
  // Without filtering the rare item stays.
  spec.filter = FilterMode::None;
  CHECK_EQ(loadDataset(spec).numItems, 5);
  // Filtering that leaves nothing is an error a user can act on.
  spec.filter = FilterMode::Apply;
  spec.preprocess.minItemCount = 100;
  CHECK_THROWS_WITH(DataError, loadDataset(spec), "no users left after filtering");
}

TEST_CASE("loadDataset: published splits, and refusals") {
  const std::string dir = makeTempDir() + "/pub";
  writeFile(dir, "train.tsv", "\t1\n1\t2\n");
  writeFile(dir, "val.tsv", "1 2\t3\n");
  writeFile(dir, "test.tsv", "2 3\t4\n");
  LoadReport report;
  DatasetSpec spec;
  spec.path = dir;
  const SequenceDataset ds = loadDataset(spec, &report);
  CHECK(ds.split == SplitKind::Published);
  CHECK_EQ(ds.numItems, 4);
  CHECK_EQ(ds.userTokens.size(), std::size_t{4});
  CHECK_EQ(ds.userTokens[static_cast<std::size_t>(ds.validation[0].user)], std::string("val.tsv:1"));
  CHECK_EQ(report.reads.size(), std::size_t{3});
  spec.split = SplitKind::LeaveOneOut;
  CHECK_THROWS_WITH(std::invalid_argument, loadDataset(spec), "cannot be re-split");
  spec.split.reset();
  spec.filter = FilterMode::Apply;
  CHECK_THROWS_WITH(std::invalid_argument, loadDataset(spec), "do not apply to a published split");

  const std::string seqDir = makeTempDir();
  DatasetSpec wrong;
  wrong.path = writeFile(seqDir, "sequences.txt", "1 2 3\n");
  wrong.split = SplitKind::Published;
  CHECK_THROWS_WITH(std::invalid_argument, loadDataset(wrong), "needs a folder with train.tsv");

  DatasetSpec items;
  items.path = writeFile(seqDir, "items.tsv", "1\tA\n");
  CHECK_THROWS_WITH(DataError, loadDataset(items), "is item metadata, not a dataset");

  // Broken metadata beside the data: a warning; named explicitly: an error.
  writeFile(seqDir, "items.tsv", "");
  DatasetSpec beside;
  beside.path = seqDir;
  LoadReport besideReport;
  const SequenceDataset b = loadDataset(beside, &besideReport);
  CHECK(!b.metadata.hasCategories());
  CHECK_EQ(besideReport.warnings.size(), std::size_t{1});
  beside.itemsPath = seqDir + "/items.tsv";
  CHECK_THROWS_WITH(DataError, loadDataset(beside), "items.tsv: is empty");
}
