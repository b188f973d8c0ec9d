// The main() of every core test executable: runs the registered cases and
// prints one line per case and a summary CTest and CI can read.
#include "tests/support/check.h"

#include <chrono>
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
}  // namespace

std::string makeTempDir() {
  namespace fs = std::filesystem;
  std::random_device rd;
  fs::path dir = fs::temp_directory_path() /
                 ("recdiff-test-" + std::to_string(rd()) + std::to_string(rd()));
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
  std::string filter;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--device" && i + 1 < argc) {
      deviceOption() = argv[++i];
    } else if (arg == "--filter" && i + 1 < argc) {
      filter = argv[++i];
    } else {
      std::cerr << "usage: " << argv[0] << " [--device cpu|cuda] [--filter SUBSTRING]\n";
      return 2;
    }
  }
  int passed = 0, failed = 0, skipped = 0;
  for (const Case& c : registry()) {
    if (!filter.empty() && c.name.find(filter) == std::string::npos) continue;
    const auto start = std::chrono::steady_clock::now();
    const int failedBefore = failed;
    try {
      c.body();
      ++passed;
      const double ms = std::chrono::duration<double, std::milli>(
                            std::chrono::steady_clock::now() - start).count();
      std::cout << "PASS " << c.name << " (" << static_cast<long>(ms) << " ms)\n";
    } catch (const Skip& s) {
      ++skipped;
      std::cout << "SKIP " << c.name << ": " << s.what() << "\n";
    } catch (const Failure& f) {
      ++failed;
      std::cout << "FAIL " << c.name << ": " << f.what() << "\n";
    } catch (const std::exception& e) {
      ++failed;
      std::cout << "FAIL " << c.name << ": unexpected exception: " << e.what() << "\n";
    }
    releaseTempDirs(/*keep=*/failed > failedBefore);
  }
  std::cout << passed << " passed, " << failed << " failed, " << skipped << " skipped\n";
  return failed == 0 ? 0 : 1;
}
