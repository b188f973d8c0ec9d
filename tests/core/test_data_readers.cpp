// Readers: interaction logs, sequences, published splits, item metadata and
// format detection, including the bad inputs a user will feed them.
#include <filesystem>
#include <fstream>

#include "core/data/data_error.h"
#include "core/data/format_detection.h"
#include "core/data/interaction_reader.h"
#include "core/data/metadata_reader.h"
#include "core/data/sequence_reader.h"
#include "core/data/split_reader.h"
#include "core/data/text_fields.h"
#include "core/data/text_lines.h"
#include "tests/support/check.h"

using namespace recdiff::data;
using recdiff::test::makeTempDir;
namespace fs = std::filesystem;

namespace {
std::string writeFile(const std::string& dir, const std::string& name, const std::string& content) {
  const fs::path path = fs::path(dir) / name;
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  out << content;
  return path.string();
}
}  // namespace

// ---- interaction logs ------------------------------------------------------

TEST_CASE("csv with header, any common column names") {
  const std::string dir = makeTempDir();
  const std::string path = writeFile(dir, "ratings.csv",
                                     "userId,movieId,rating,timestamp\n"
                                     "u1,i1,4.5,100\n"
                                     "u1,i2,3,99\n"
                                     "u2,i1,5,200\n");
  ReadReport report;
  const InteractionLog log = readInteractions(path, &report);
  CHECK_EQ(log.events.size(), std::size_t{3});
  CHECK(log.hasTimestamps);
  CHECK(log.hasRatings);
  CHECK_EQ(log.users.size(), 2);
  CHECK_EQ(log.items.size(), 2);
  CHECK_EQ(log.userToken(log.events[1]), std::string("u1"));
  CHECK_EQ(log.itemToken(log.events[1]), std::string("i2"));
  CHECK_NEAR(log.events[0].rating, 4.5, 1e-6);
  CHECK_NEAR(log.events[1].timestamp, 99, 0);
  CHECK_EQ(log.events[2].line, 4u);
  CHECK_EQ(report.accepted, std::size_t{3});
  CHECK_EQ(report.rejected(), std::size_t{0});
}

TEST_CASE("delimiters: tab, semicolon, pipe; quoted fields; reordered columns") {
  const std::string dir = makeTempDir();
  const auto a = readInteractions(writeFile(dir, "a.tsv", "item_id\tuser_id\n1\t7\n2\t7\n"));
  CHECK_EQ(a.events.size(), std::size_t{2});
  CHECK_EQ(a.userToken(a.events[0]), std::string("7"));
  CHECK(!a.hasTimestamps);
  const auto b = readInteractions(writeFile(dir, "b.txt", "user;item;ts\n1;2;5\n"));
  CHECK_EQ(b.events.size(), std::size_t{1});
  CHECK(b.hasTimestamps);
  const auto c = readInteractions(writeFile(dir, "c.txt", "user|item\nx|y\n"));
  CHECK_EQ(c.itemToken(c.events[0]), std::string("y"));
  const auto d =
      readInteractions(writeFile(dir, "d.csv", "\"user\",\"item\",\"time\"\n\"a, b\",\"x\",\"2020-01-02\"\n"));
  CHECK_EQ(d.userToken(d.events[0]), std::string("a, b"));
  CHECK_NEAR(d.events[0].timestamp, 1577923200.0, 0);  // 2020-01-02T00:00:00Z
}

TEST_CASE("MovieLens u.data, ratings.dat and RecBole .inter") {
  const std::string dir = makeTempDir();
  const auto u = readInteractions(writeFile(dir, "u.data", "196\t242\t3\t881250949\n186\t302\t3\t891717742\n"));
  CHECK_EQ(u.events.size(), std::size_t{2});
  CHECK(u.hasTimestamps && u.hasRatings);
  CHECK_EQ(u.itemToken(u.events[0]), std::string("242"));
  const auto r = readInteractions(writeFile(dir, "ratings.dat", "1::1193::5::978300760\n1::661::3::978302109\n"));
  CHECK_EQ(r.events.size(), std::size_t{2});
  CHECK_NEAR(r.events[1].timestamp, 978302109.0, 0);
  ReadReport report;
  const auto i = readInteractions(
      writeFile(dir, "x.inter", "user_id:token\titem_id:token\trating:float\ttimestamp:float\n1\t2\t3\t4\n"), &report);
  CHECK_EQ(i.events.size(), std::size_t{1});
  CHECK_EQ(report.layout, std::string("RecBole atomic .inter"));
}

TEST_CASE("bad lines are counted by reason with examples, never dropped silently") {
  const std::string dir = makeTempDir();
  const std::string path = writeFile(dir, "ratings.csv",
                                     "user,item,timestamp\n"
                                     "1,2,10\n"
                                     "1,3\n"            // line 3: too few columns
                                     "1,4,yesterday\n"  // line 4: non-numeric timestamp
                                     ",5,11\n"          // line 5: empty user
                                     "\n"               // blank
                                     "2,6,12,99\n"      // line 7: too many columns
                                     "2,7,13\n");
  ReadReport report;
  const auto log = readInteractions(path, &report);
  CHECK_EQ(log.events.size(), std::size_t{2});
  CHECK_EQ(report.dataLines, std::size_t{6});
  CHECK_EQ(report.accepted, std::size_t{2});
  CHECK_EQ(report.rejected(), std::size_t{4});
  CHECK_EQ(report.blankLines, std::size_t{1});
  CHECK_EQ(report.rejectedByReason.at("wrong number of columns"), std::size_t{2});
  CHECK_EQ(report.rejectedByReason.at("non-numeric timestamp"), std::size_t{1});
  CHECK_EQ(report.rejectedByReason.at("empty user or item id"), std::size_t{1});
  CHECK_EQ(report.examples.size(), std::size_t{4});
  CHECK_EQ(report.examples[0].line, std::size_t{3});
  CHECK_EQ(report.describe(report.examples[0]), path + ":3: expected 3 columns, found 2");
  CHECK_EQ(report.accepted + report.rejected(), report.dataLines);
  // Strict mode turns the first bad line into an error naming file and line.
  ReadOptions strict;
  strict.strict = true;
  CHECK_THROWS_WITH(DataError, readInteractions(path, nullptr, strict), "ratings.csv:3: expected 3 columns, found 2");
}

TEST_CASE("unusable logs throw DataError naming file, line and problem") {
  const std::string dir = makeTempDir();
  CHECK_THROWS_WITH(DataError, readInteractions(dir + "/missing.csv"), "missing.csv: no such file");
  CHECK_THROWS_WITH(DataError, readInteractions(dir), "is a directory");
  CHECK_THROWS_WITH(DataError, readInteractions(writeFile(dir, "empty.csv", "")), "empty.csv: is empty");
  CHECK_THROWS_WITH(DataError, readInteractions(writeFile(dir, "blank.csv", "\n \n")), "is empty");
  CHECK_THROWS_WITH(DataError, readInteractions(writeFile(dir, "h.csv", "user,item\n")),
                    "has a header but no data lines");
  CHECK_THROWS_WITH(DataError, readInteractions(writeFile(dir, "n.csv", "who,what\n1,2\n")),
                    "n.csv:1: expected a header naming the user and item columns");
  CHECK_THROWS_WITH(DataError, readInteractions(writeFile(dir, "s.txt", "1#2#3\n")), "s.txt:1: no known separator");
  CHECK_THROWS_WITH(DataError, readInteractions(writeFile(dir, "t.csv", "user,item,ts\n1,2,x\n1,3,y\n")),
                    "t.csv:2: no usable line (all 2 rejected); first: timestamp 'x'");
  CHECK_THROWS_WITH(DataError, readInteractions(writeFile(dir, "z.csv.gz", std::string("\x1f\x8b\x08\0abc", 7))),
                    "gzip");
  CHECK_THROWS_WITH(DataError, readInteractions(writeFile(dir, "bin.csv", std::string("user,item\n\0\0", 12))),
                    "NUL bytes");
}

TEST_CASE("a file refused as not text closes its file descriptor") {
  // Found by fuzz_dataset_loader: each refusal kept one open, until the
  // process could open no more (a Studio session opening files would too).
  const std::string dir = makeTempDir();
  const std::string path = writeFile(dir, "bin.csv", std::string("user,item\n\0\0", 12));
  auto openDescriptors = [] {
    return std::distance(fs::directory_iterator("/proc/self/fd"), fs::directory_iterator());
  };
  const auto before = openDescriptors();
  for (int i = 0; i < 200; ++i) {
    CHECK_THROWS_WITH(DataError, readInteractions(path), "NUL bytes");
  }
  CHECK_EQ(openDescriptors(), before);
}

TEST_CASE("BOM, CRLF and a missing final newline are accepted and noted") {
  const std::string dir = makeTempDir();
  const std::string path = writeFile(dir, "w.csv", "\xEF\xBB\xBFuser_id,item_id,timestamp\r\n1,2,3\r\n1,4,5");
  ReadReport report;
  const auto log = readInteractions(path, &report);
  CHECK_EQ(log.events.size(), std::size_t{2});
  CHECK_EQ(log.itemToken(log.events[1]), std::string("4"));
  CHECK_NEAR(log.events[1].timestamp, 5, 0);
  CHECK_EQ(report.notes.size(), std::size_t{3});
}

TEST_CASE("over-long lines and ids are rejected, not loaded") {
  const std::string dir = makeTempDir();
  const std::string longId(kMaxTokenLength + 1, 'x');
  const std::string path = writeFile(dir, "l.csv", "user,item\n1," + longId + "\n1,2\n");
  ReadReport report;
  const auto log = readInteractions(path, &report);
  CHECK_EQ(log.events.size(), std::size_t{1});
  CHECK_EQ(report.rejectedByReason.at("id too long"), std::size_t{1});

  std::string hugeLine = "2," + std::string(kMaxLineLength + 10, '9') + "\n";
  const std::string path2 = writeFile(dir, "huge.csv", "user,item\n" + hugeLine + "3,4\n");
  ReadReport report2;
  const auto log2 = readInteractions(path2, &report2);
  CHECK_EQ(log2.events.size(), std::size_t{1});
  CHECK_EQ(report2.rejectedByReason.at("line too long"), std::size_t{1});
  CHECK_EQ(log2.events[0].line, 3u);
  fs::remove(path2);  // 8 MiB
}

TEST_CASE("timestamps: numbers and ISO dates") {
  CHECK_NEAR(*parseTimestamp("881250949"), 881250949.0, 0);
  CHECK_NEAR(*parseTimestamp("1.5e3"), 1500.0, 0);
  CHECK_NEAR(*parseTimestamp("1970-01-02"), 86400.0, 0);
  CHECK_NEAR(*parseTimestamp("2000-03-01T00:00:01Z"), 951868801.0, 0);
  CHECK_NEAR(*parseTimestamp("2000-03-01 00:00:01.25"), 951868801.25, 1e-9);
  CHECK(!parseTimestamp("yesterday"));
  CHECK(!parseTimestamp("nan"));
  CHECK(!parseTimestamp("2000-13-01"));
  CHECK(!parseTimestamp(""));
}

// ---- sequences -------------------------------------------------------------

TEST_CASE("sequences: interned in order of first appearance") {
  const std::string dir = makeTempDir();
  ReadReport report;
  const auto s = readSequences(writeFile(dir, "sequences.txt", "u1 a b c\nu2  b\td a\n"), &report);
  CHECK_EQ(s.sequences.size(), std::size_t{2});
  CHECK_EQ(s.items.size(), 4);
  CHECK_EQ(s.items.token(4), std::string("d"));
  CHECK(s.sequences[1] == (std::vector<ItemId>{2, 4, 1}));
  CHECK_EQ(s.userTokens[1], std::string("u2"));
  CHECK_EQ(s.interactions(), std::size_t{6});
}

TEST_CASE("sequences: bad lines counted, unusable files refused") {
  const std::string dir = makeTempDir();
  ReadReport report;
  const auto s = readSequences(writeFile(dir, "s.txt", "1 5 6\n2\n\n1 7 8\n3 9\r\n"), &report);
  CHECK_EQ(s.sequences.size(), std::size_t{2});
  CHECK_EQ(report.rejectedByReason.at("user without items"), std::size_t{1});
  CHECK_EQ(report.rejectedByReason.at("repeated user"), std::size_t{1});
  CHECK_EQ(report.describe(report.examples[1]), dir + "/s.txt:4: user '1' already has a sequence on line 1");
  CHECK_THROWS_WITH(DataError, readSequences(writeFile(dir, "e.txt", "")), "e.txt: is empty");
  CHECK_THROWS_WITH(DataError, readSequences(writeFile(dir, "o.txt", "1\n2\n")), "o.txt:1: no usable line");
}

// ---- published split -------------------------------------------------------

TEST_CASE("published split: empty histories, interning over train, val, test") {
  const std::string dir = makeTempDir();
  writeFile(dir, "train.tsv", "\t10\n10\t20\n10 20\t30\n");
  writeFile(dir, "val.tsv", "\t40\n");
  writeFile(dir, "test.tsv", "40\t10\n50 40\t60");
  std::vector<ReadReport> reports;
  const PublishedSplit split = readPublishedSplit(dir, &reports);
  CHECK_EQ(split.train.size(), std::size_t{3});
  CHECK_EQ(split.validation.size(), std::size_t{1});
  CHECK_EQ(split.test.size(), std::size_t{2});
  CHECK(split.train[0].history.empty());
  CHECK_EQ(split.items.token(split.train[0].target), std::string("10"));
  CHECK_EQ(split.items.size(), 6);
  CHECK_EQ(split.items.token(4), std::string("40"));
  CHECK_EQ(split.items.token(5), std::string("50"));
  CHECK(split.test[1].history == (std::vector<ItemId>{5, 4}));
  CHECK_EQ(split.sampleNames[split.test[1].user], std::string("test.tsv:2"));
  CHECK_EQ(reports.size(), std::size_t{3});
  CHECK(!reports[2].notes.empty());  // no final newline
}

TEST_CASE("published split: bad lines and missing files") {
  const std::string dir = makeTempDir();
  writeFile(dir, "train.tsv", "1\t2\n3 4\n\t\n5\t6 7\n1\t2\t3\n");
  writeFile(dir, "val.tsv", "\t1\n");
  std::vector<ReadReport> reports;
  CHECK_THROWS_WITH(DataError, readPublishedSplit(dir, &reports), "lacks test.tsv");
  writeFile(dir, "test.tsv", "\t1\n");
  const auto split = readPublishedSplit(dir, &reports);
  CHECK_EQ(split.train.size(), std::size_t{1});
  CHECK_EQ(reports[0].rejected(), std::size_t{4});
  CHECK_EQ(reports[0].rejectedByReason.at("not history<TAB>target"), std::size_t{2});
  CHECK_EQ(reports[0].rejectedByReason.at("empty target"), std::size_t{1});
  CHECK_EQ(reports[0].rejectedByReason.at("several targets"), std::size_t{1});
  CHECK_THROWS_WITH(DataError, readPublishedSplit(dir + "/nowhere"), "no such folder");
}

// ---- item metadata ---------------------------------------------------------

TEST_CASE("items.tsv, with empty category lists") {
  const std::string dir = makeTempDir();
  ReadReport report;
  const ItemTable t =
      readItemMetadata(writeFile(dir, "items.tsv", "1\tSci-Fi|War\n2\t\n3\tWar\n3\tDrama\n4\n"), &report);
  CHECK_EQ(t.records.size(), std::size_t{4});
  CHECK(t.hasCategories);
  CHECK(!t.hasTitles);
  CHECK_EQ(t.categoryNames.size(), std::size_t{2});
  CHECK(t.find("2")->categories.empty());
  CHECK(t.find("3")->categories == std::vector<int>{1});
  CHECK(t.find("4")->categories.empty());
  CHECK_EQ(report.rejectedByReason.at("repeated item"), std::size_t{1});
}

TEST_CASE("RecBole .item: title and token_seq categories") {
  const std::string dir = makeTempDir();
  const ItemTable t =
      readItemMetadata(writeFile(dir, "m.item",
                                 "item_id:token\tmovie_title:token_seq\trelease_year:token\tclass:token_seq\n"
                                 "1\tToy Story\t1995\tAnimation Children's Comedy\n"
                                 "267\tunkonwn\tunkonwn\tunknown\n"));
  CHECK(t.hasTitles && t.hasCategories);
  CHECK_EQ(t.find("1")->title, std::string("Toy Story"));
  CHECK_EQ(t.find("1")->categories.size(), std::size_t{3});
  CHECK_EQ(t.categoryNames[t.find("267")->categories[0]], std::string("unknown"));
}

TEST_CASE("MovieLens u.item (Latin-1) and movies.dat") {
  const std::string dir = makeTempDir();
  std::string flags = "|0|0|0|1|1|1|0|0|0|0|0|0|0|0|0|0|0|0|0";
  const ItemTable u =
      readItemMetadata(writeFile(dir, "u.item",
                                 "1|Toy Story (1995)|01-Jan-1995||http://x" + flags + "\n" +
                                     "2|Caf\xe9 (1996)|01-Jan-1996||http://y|1|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0\n"));
  CHECK_EQ(u.records.size(), std::size_t{2});
  CHECK_EQ(u.categoryNames.size(), std::size_t{19});
  CHECK(u.find("1")->categories == (std::vector<int>{3, 4, 5}));
  CHECK_EQ(u.categoryNames[4], std::string("Children's"));
  CHECK_EQ(u.find("2")->title, std::string("Caf\xc3\xa9 (1996)"));
  const ItemTable m =
      readItemMetadata(writeFile(dir, "movies.dat", "1::Toy Story (1995)::Animation|Children's|Comedy\n"));
  CHECK_EQ(m.find("1")->categories.size(), std::size_t{3});
}

// ---- format detection ------------------------------------------------------

TEST_CASE("format detection from names, content and folders") {
  const std::string dir = makeTempDir();
  CHECK(parseDataFormat("Sequences") == DataFormat::Sequences);
  CHECK(parseDataFormat("split") == DataFormat::Split);
  CHECK_THROWS_WITH(std::invalid_argument, parseDataFormat("parquet"), "unknown data format");
  CHECK(sniffFileFormat(writeFile(dir, "a/x.inter", "user_id:token\titem_id:token\n1\t2\n")) ==
        DataFormat::Interactions);
  CHECK(sniffFileFormat(writeFile(dir, "b/data.txt", "1 2 3 4\n2 5 6\n")) == DataFormat::Sequences);
  CHECK(sniffFileFormat(writeFile(dir, "c/log.txt", "1\t2\t3\t4\n")) == DataFormat::Interactions);
  CHECK(sniffFileFormat(writeFile(dir, "d/cats.txt", "1\tA|B\n2\tC\n")) == DataFormat::Items);
  CHECK(sniffFileFormat(writeFile(dir, "e/samples.txt", "\t1\n1\t2\n1 2\t3\n")) == DataFormat::Split);
  CHECK(sniffFileFormat(writeFile(dir, "f/r.csv", "userId,itemId\n1,2\n")) == DataFormat::Interactions);

  writeFile(dir, "split/train.tsv", "\t1\n");
  writeFile(dir, "split/val.tsv", "\t1\n");
  CHECK_THROWS_WITH(DataError, resolveSource(dir + "/split"), "has train.tsv, val.tsv but lacks test.tsv");
  writeFile(dir, "split/test.tsv", "\t1\n");
  writeFile(dir, "split/items.tsv", "1\tA\n");
  const ResolvedSource s = resolveSource(dir + "/split");
  CHECK(s.format == DataFormat::Split);
  CHECK_EQ(s.itemsPath, dir + "/split/items.tsv");
  CHECK(resolveSource(dir + "/split/val.tsv").format == DataFormat::Split);

  writeFile(dir, "ml/ml.inter", "user_id:token\titem_id:token\n1\t2\n");
  writeFile(dir, "ml/ml.item", "item_id:token\tclass:token_seq\n2\tA\n");
  const ResolvedSource m = resolveSource(dir + "/ml");
  CHECK(m.format == DataFormat::Interactions);
  CHECK_EQ(m.dataPath, dir + "/ml/ml.inter");
  CHECK_EQ(m.itemsPath, dir + "/ml/ml.item");

  fs::create_directories(dir + "/nothing");
  CHECK_THROWS_WITH(DataError, resolveSource(dir + "/nothing"), "holds no dataset files");
  CHECK_THROWS_WITH(DataError, resolveSource(dir + "/absent"), "no such file or folder");
  CHECK_THROWS_WITH(DataError, resolveSource(writeFile(dir, "g/odd.bin", "hello\n")), "cannot tell the format");
  CHECK(resolveSource(dir + "/g/odd.bin", DataFormat::Sequences).format == DataFormat::Sequences);
}
