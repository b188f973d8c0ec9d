// The main() of every core test executable: registers each TEST_CASE with
// GoogleTest and runs them (tests/support/check.h says why the cases are
// written with our CHECK macros).
#include "tests/support/check.h"
#include "tests/support/source_tree.h"

#include <gtest/gtest.h>

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <random>
#include <string>
#include <system_error>
#include <vector>

namespace recdiff::test {

namespace {
std::string& deviceOption() {
  static std::string device = "cpu";
  return device;
}
}  // namespace

std::vector<Case>& registry() {
  static std::vector<Case> cases;
  return cases;
}

const std::string& testDevice() { return deviceOption(); }

std::string sharedDatasetsDir() {
  namespace fs = std::filesystem;
  if (const char* env = std::getenv("RECDIFF_DATASETS")) {
    if (fs::is_directory(env)) return env;
  }
  const fs::path candidate = fs::path(RECDIFF_SOURCE_DIR) / ".." / "shared" / "datasets";
  if (fs::is_directory(candidate)) return fs::canonical(candidate).string();
  return "";
}

std::string sourceTreePath(const std::string& relative) {
  return (std::filesystem::path(RECDIFF_SOURCE_DIR) / relative).string();
}

std::string requireSharedDatasets() {
  std::string dir = sharedDatasetsDir();
  if (dir.empty()) SKIP("../shared/datasets is absent (set RECDIFF_DATASETS to point at it)");
  return dir;
}

namespace {
// The temporary directories the running case has made.
std::vector<std::string>& caseTempDirs() {
  static std::vector<std::string> dirs;
  return dirs;
}

// After a case: a failed one keeps its files to look at, any other
// leaves nothing behind.
void releaseTempDirs(bool keep) {
  for (const std::string& dir : caseTempDirs()) {
    if (keep) {
      std::cout << "  kept " << dir << "\n";
    } else {
      std::error_code ignored;
      std::filesystem::remove_all(dir, ignored);
    }
  }
  caseTempDirs().clear();
}

// A GoogleTest test name: letters, digits and '_' only, so that
// --gtest_filter and the CTest names that gtest_discover_tests makes work.
std::string testName(const std::string& caseName) {
  std::string name;
  for (char c : caseName) {
    const bool word = std::isalnum(static_cast<unsigned char>(c)) != 0;
    if (word) {
      name += c;
    } else if (!name.empty() && name.back() != '_') {
      name += '_';
    }
  }
  while (!name.empty() && name.back() == '_') name.pop_back();
  return name.empty() ? "unnamed" : name;
}

class RegisteredCase : public ::testing::Test {
 public:
  explicit RegisteredCase(const Case& c) : case_(c) {}
  void TestBody() override {
    RecordProperty("case", case_.name);
    try {
      case_.body();
    } catch (const Skip& s) {
      releaseTempDirs(/*keep=*/false);
      GTEST_SKIP() << s.what();
    } catch (const Failure& f) {
      ADD_FAILURE() << case_.name << ": " << f.what();
    } catch (const std::exception& e) {
      ADD_FAILURE() << case_.name << ": unexpected exception: " << e.what();
    }
    releaseTempDirs(/*keep=*/HasFailure());
  }

 private:
  const Case& case_;
};
}  // namespace

std::string makeTempDir() {
  namespace fs = std::filesystem;
  std::random_device rd;
  fs::path dir = fs::temp_directory_path() / ("recdiff-test-" + std::to_string(rd()) + std::to_string(rd()));
  fs::create_directories(dir);
  caseTempDirs().push_back(dir.string());
  return dir.string();
}

std::string location(const char* file, int line) {
  return std::filesystem::path(file).filename().string() + ":" + std::to_string(line) + ": ";
}

}  // namespace recdiff::test

int main(int argc, char** argv) {
  using namespace recdiff::test;
  ::testing::InitGoogleTest(&argc, argv);  // takes its --gtest_* options out of argv
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--device" && i + 1 < argc) {
      deviceOption() = argv[++i];
    } else {
      std::cerr << "usage: " << argv[0] << " [--device cpu|cuda] [--gtest_filter=PATTERN] [GoogleTest options]\n";
      return 2;
    }
  }
  const std::string suite = std::filesystem::path(argv[0]).filename().string();
  std::vector<std::string> names;
  for (const Case& c : registry()) {
    const std::string name = testName(c.name);
    for (const std::string& other : names) {
      if (other == name) {
        std::cerr << suite << ": two cases are both named '" << name << "' once punctuation is dropped\n";
        return 2;
      }
    }
    names.push_back(name);
    ::testing::RegisterTest(suite.c_str(), name.c_str(), nullptr, nullptr, __FILE__, __LINE__,
                            [&c]() -> ::testing::Test* { return new RegisteredCase(c); });
  }
  return RUN_ALL_TESTS();
}
