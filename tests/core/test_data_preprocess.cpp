// Preprocessing: dedupe, stable chronological order, iterated k-core,
// truncation and id remapping.
#include <filesystem>
#include <fstream>
#include <map>

#include "core/data/interaction_reader.h"
#include "core/data/preprocess.h"
#include "tests/support/check.h"

using namespace recdiff::data;
using recdiff::test::makeTempDir;

namespace {
InteractionLog readLog(const std::string& content) {
  const std::string path = makeTempDir() + "/log.csv";
  std::ofstream(path, std::ios::binary) << content;
  return readInteractions(path);
}

std::vector<std::string> tokensOf(const UserSequences& data, std::size_t user) {
  std::vector<std::string> out;
  for (const ItemId id : data.sequences[user]) out.push_back(data.items.token(id));
  return out;
}

UserSequences makeSequences(const std::vector<std::pair<std::string, std::vector<std::string>>>& rows) {
  UserSequences data;
  for (const auto& [user, items] : rows) {
    data.userTokens.push_back(user);
    std::vector<ItemId> seq;
    for (const auto& token : items) seq.push_back(data.items.intern(token));
    data.sequences.push_back(seq);
  }
  return data;
}

using Tokens = std::vector<std::string>;
}  // namespace

TEST_CASE("dedupe drops repeated (user, item, timestamp) only") {
  const InteractionLog log = readLog(
      "user,item,ts\n"
      "u,a,1\n"
      "u,a,1\n"  // duplicate
      "u,a,2\n"  // same item later: kept
      "v,a,1\n"  // another user: kept
      "u,b,3\n");
  PreprocessReport report;
  const UserSequences data = groupByUser(log, true, &report);
  CHECK_EQ(report.duplicatesRemoved, std::size_t{1});
  CHECK(tokensOf(data, 0) == (Tokens{"a", "a", "b"}));
  CHECK(tokensOf(data, 1) == (Tokens{"a"}));
  const UserSequences kept = groupByUser(log, false);
  CHECK_EQ(kept.interactions(), std::size_t{5});
  // Without timestamps, a repeated (user, item) is a duplicate.
  const InteractionLog plain = readLog("user,item\nu,a\nu,b\nu,a\n");
  PreprocessReport plainReport;
  const UserSequences p = groupByUser(plain, true, &plainReport);
  CHECK_EQ(plainReport.duplicatesRemoved, std::size_t{1});
  CHECK(tokensOf(p, 0) == (Tokens{"a", "b"}));
}

TEST_CASE("events are ordered by time with a stable sort; users by first appearance") {
  const InteractionLog log = readLog(
      "user,item,ts\n"
      "u2,z,5\n"
      "u1,c,30\n"
      "u1,a,10\n"
      "u1,b,20\n"
      "u1,x,20\n"  // ties with b: keeps file order (b then x)
      "u1,y,20\n"
      "u2,w,1\n");
  PreprocessReport report;
  const UserSequences data = groupByUser(log, true, &report);
  CHECK_EQ(data.userTokens[0], std::string("u2"));
  CHECK(tokensOf(data, 0) == (Tokens{"w", "z"}));
  CHECK(tokensOf(data, 1) == (Tokens{"a", "b", "x", "y", "c"}));
  CHECK(report.orderedByTime);
  CHECK_EQ(report.usersOutOfOrder, std::size_t{2});
}

TEST_CASE("k-core is iterated to a fixpoint (hand-made case needing three rounds)") {
  // min item count 2, min length 2:
  //  round 1 removes user E (1 item); round 2 then removes item d (count 1)
  //  and so user C; round 3 removes item c (count 1, only A has it).
  UserSequences data = makeSequences({{"A", {"a", "b", "c"}}, {"B", {"a", "b"}}, {"C", {"c", "d"}}, {"E", {"d"}}});
  PreprocessReport report;
  filterKCore(data, 2, 2, &report);
  CHECK_EQ(data.sequences.size(), std::size_t{2});
  CHECK_EQ(data.userTokens[0], std::string("A"));
  CHECK_EQ(data.userTokens[1], std::string("B"));
  CHECK(tokensOf(data, 0) == (Tokens{"a", "b"}));
  CHECK_EQ(report.kcoreRounds, 3);
  CHECK_EQ(report.kcoreUsersRemoved, std::size_t{2});
  CHECK_EQ(report.kcoreItemsRemoved, std::size_t{2});
  CHECK_EQ(report.kcoreInteractionsRemoved, std::size_t{4});  // 8 - 4

  // The result satisfies both rules.
  std::map<ItemId, int> counts;
  for (const auto& s : data.sequences) {
    CHECK(s.size() >= 2);
    for (const ItemId id : s) ++counts[id];
  }
  for (const auto& [id, c] : counts) CHECK(c >= 2);

  // Thresholds of 1 change nothing.
  UserSequences same = makeSequences({{"A", {"a"}}, {"B", {"b", "c"}}});
  filterKCore(same, 1, 1);
  CHECK_EQ(same.interactions(), std::size_t{3});
}

TEST_CASE("truncation keeps each user's last N items") {
  UserSequences data = makeSequences({{"A", {"a", "b", "c", "d"}}, {"B", {"e", "f"}}});
  PreprocessReport report;
  truncateSequences(data, 3, &report);
  CHECK(tokensOf(data, 0) == (Tokens{"b", "c", "d"}));
  CHECK(tokensOf(data, 1) == (Tokens{"e", "f"}));
  CHECK_EQ(report.usersTruncated, std::size_t{1});
  CHECK_EQ(report.truncatedInteractions, std::size_t{1});
  truncateSequences(data, 0);
  CHECK_EQ(data.interactions(), std::size_t{5});
}

TEST_CASE("remapping gives ids 1..n in first appearance order, both directions kept") {
  UserSequences data = makeSequences({{"A", {"a", "b", "c"}}, {"B", {"c", "d"}}});
  data.sequences[0] = {3, 2};  // now "c b": "a" is no longer used
  compactItemIds(data);
  CHECK_EQ(data.items.size(), 3);
  CHECK_EQ(data.items.token(1), std::string("c"));
  CHECK_EQ(data.items.token(2), std::string("b"));
  CHECK_EQ(data.items.token(3), std::string("d"));
  CHECK_EQ(data.items.find("b"), 2);
  CHECK_EQ(data.items.find("a"), 0);
  CHECK(data.sequences[1] == (std::vector<ItemId>{1, 3}));
}

TEST_CASE("the whole pipeline reports every stage") {
  std::string csv = "user,item,ts\n";
  // Five users share items p, q, r (5 interactions each after dedupe);
  // item s is rare; user z has too few items.
  for (int u = 0; u < 5; ++u) {
    const std::string user = "u" + std::to_string(u);
    csv += user + ",r,3\n" + user + ",p,1\n" + user + ",q,2\n";
  }
  csv += "u0,p,1\n";  // duplicate
  csv += "u1,s,9\n";  // rare item
  csv += "z,p,1\n";   // z: one item
  const InteractionLog log = readLog(csv);
  PreprocessOptions options;  // dedupe, 5, 3
  options.maxLength = 2;
  PreprocessReport report;
  const UserSequences data = preprocess(log, options, &report);
  CHECK_EQ(report.inputUsers, std::size_t{6});
  CHECK_EQ(report.inputInteractions, std::size_t{18});
  CHECK_EQ(report.duplicatesRemoved, std::size_t{1});
  CHECK_EQ(report.kcoreUsersRemoved, std::size_t{1});
  CHECK_EQ(report.kcoreItemsRemoved, std::size_t{1});
  CHECK_EQ(report.usersTruncated, std::size_t{5});
  CHECK_EQ(report.outputUsers, std::size_t{5});
  CHECK_EQ(report.outputItems, std::size_t{2});
  CHECK_EQ(report.outputInteractions, std::size_t{10});
  CHECK_EQ(data.items.token(1), std::string("q"));  // after ordering p q r and keeping the last 2
  CHECK(tokensOf(data, 0) == (Tokens{"q", "r"}));
  CHECK(!report.summaryLines().empty());
}
