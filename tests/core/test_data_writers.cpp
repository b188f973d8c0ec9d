// Writers: atomic writes, sequences/items/split round trips, refusals.
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/data/atomic_file.h"
#include "core/data/data_error.h"
#include "core/data/dataset_loader.h"
#include "core/data/dataset_writer.h"
#include "core/data/sequence_reader.h"
#include "tests/support/check.h"
#include "tests/support/file_size_limit.h"

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
std::string writeFile(const std::string& dir, const std::string& name, const std::string& content) {
  const fs::path path = fs::path(dir) / name;
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << content;
  return path.string();
}
}  // namespace

TEST_CASE("atomic write: replaces whole, leaves the old file on failure") {
  const std::string dir = makeTempDir();
  const std::string path = dir + "/out.txt";
  writeFileAtomically(path, [](std::ostream& out) { out << "first\n"; });
  CHECK_EQ(slurp(path), std::string("first\n"));
  CHECK_THROWS_WITH(std::runtime_error,
                    writeFileAtomically(path,
                                        [](std::ostream& out) {
                                          out << "half";
                                          throw std::runtime_error("interrupted");
                                        }),
                    "interrupted");
  CHECK_EQ(slurp(path), std::string("first\n"));
  CHECK(!fs::exists(path + ".part"));
  CHECK_THROWS_WITH(DataError, writeFileAtomically(dir + "/no/such/dir/x.txt", [](std::ostream&) {}), "does not exist");
}

TEST_CASE("atomic write: a full disk leaves the old file and no .part") {
  // A file-size limit makes write() fail part-way like a full disk does
  // (EFBIG instead of ENOSPC), without needing a small file system.
  const std::string dir = makeTempDir();
  const std::string path = dir + "/out.txt";
  writeFileAtomically(path, [](std::ostream& out) { out << "old\n"; });
  {
    recdiff::test::FileSizeLimit limit(4096);
    CHECK_THROWS_WITH(DataError,
                      writeFileAtomically(path,
                                          [](std::ostream& out) {
                                            const std::string block(1024, 'x');
                                            for (int i = 0; i < 100; ++i) out << block;
                                          }),
                      "writing failed");
  }
  CHECK_EQ(slurp(path), std::string("old\n"));
  CHECK(!fs::exists(path + ".part"));
}

TEST_CASE("sequences and items round-trip through loadDataset") {
  const std::string in = makeTempDir();
  writeFile(in, "sequences.txt", "u1 a b c d\nu2 b c\nu3 d a b\n");
  writeFile(in, "items.tsv", "a\tX\nb\t\nc\tX|Y\nd\tZ\n");
  DatasetSpec spec;
  spec.path = in;
  const SequenceDataset ds = loadDataset(spec);
  const std::string out = makeTempDir();
  writeSequences(out + "/sequences.txt", ds);
  writeItems(out + "/items.tsv", ds);
  CHECK_EQ(slurp(out + "/sequences.txt"), slurp(in + "/sequences.txt"));
  CHECK_EQ(slurp(out + "/items.tsv"), slurp(in + "/items.tsv"));
  spec.path = out;
  CHECK_EQ(loadDataset(spec).fingerprint(), ds.fingerprint());
}

TEST_CASE("published split round-trips; it is refused as sequences") {
  const std::string in = makeTempDir();
  writeFile(in, "train.tsv", "\t1\n1\t2\n");
  writeFile(in, "val.tsv", "1 2\t3\n");
  writeFile(in, "test.tsv", "2 3\t4\n\t5\n");
  DatasetSpec spec;
  spec.path = in;
  const SequenceDataset ds = loadDataset(spec);
  const std::string out = makeTempDir() + "/copy";
  writePublishedSplit(out, ds);
  for (const char* f : {"train.tsv", "val.tsv", "test.tsv"}) {
    CHECK_EQ(slurp(out + "/" + f), slurp(in + "/" + f));
  }
  CHECK_THROWS_WITH(DataError, writeSequences(out + "/sequences.txt", ds), "published split");
}

TEST_CASE("ids that could not be read back are refused") {
  UserSequences data;
  data.userTokens = {"a user"};
  data.sequences = {{data.items.intern("x")}};
  const std::string dir = makeTempDir();
  CHECK_THROWS_WITH(DataError, writeSequences(dir + "/s.txt", data), "free of whitespace");
  CHECK(!fs::exists(dir + "/s.txt"));
  SequenceDataset noMeta;
  CHECK_THROWS_WITH(DataError, writeItems(dir + "/i.tsv", noMeta), "no item categories");
}
