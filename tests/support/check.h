// The core tests' checks, run by GoogleTest.
//
// A file registers cases with TEST_CASE("what it shows") and checks with
// CHECK, CHECK_EQ, CHECK_NEAR and CHECK_THROWS_WITH; tests/support/check_main.cpp
// hands every case to GoogleTest (each its own test, "<executable>.<name
// with _ for anything but letters and digits>"), and CMake's
// gtest_discover_tests makes each its own CTest entry.
//
// Why these macros and not GoogleTest's ASSERT_*: a CHECK throws, so it ends
// the case from any depth, also inside the helpers that build a model or
// train a run and return it; ASSERT_* only returns from the function it is
// in, and only from one that returns void. The message names the file and
// line of the check that failed. SKIP (and requireSharedDatasets()) becomes
// GTEST_SKIP with the reason.
//
// Why not Qt Test: the core and its tests must build and run on machines
// without Qt (the GPU machine has LibTorch but no Qt).
//
// Every test executable accepts GoogleTest's options (--gtest_filter,
// --gtest_list_tests, --gtest_output=xml:FILE, ...) and
//   --device cpu|cuda   device for tests that use LibTorch (see testDevice())
#pragma once

#include <cmath>
#include <functional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace recdiff::test {

struct Failure : std::runtime_error {
  using std::runtime_error::runtime_error;
};
struct Skip : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Case {
  std::string name;
  std::function<void()> body;
};

std::vector<Case>& registry();
// The --device option of the running test executable ("cpu" by default).
const std::string& testDevice();
// ../shared/datasets as seen from the source tree, or "" when absent; tests
// that need it call requireSharedDatasets() which skips with a reason.
std::string sharedDatasetsDir();
std::string requireSharedDatasets();
// A fresh, empty temporary directory for the current case, removed when the
// case passes or skips and kept (its path printed) when it fails.
std::string makeTempDir();

struct Registrar {
  Registrar(const char* name, std::function<void()> body) { registry().push_back({name, std::move(body)}); }
};

template <typename A, typename B>
std::string describeMismatch(const A& a, const B& b) {
  std::ostringstream out;
  out << "actual: " << a << ", expected: " << b;
  return out.str();
}

std::string location(const char* file, int line);

}  // namespace recdiff::test

// LibTorch may pull in glog, which defines CHECK, CHECK_EQ and CHECK_NEAR of
// its own; the harness's take precedence in test files (include it last).
#undef CHECK
#undef CHECK_EQ
#undef CHECK_NEAR

#define RECDIFF_CAT2(a, b) a##b
#define RECDIFF_CAT(a, b) RECDIFF_CAT2(a, b)
#define TEST_CASE(name)                                                                                             \
  static void RECDIFF_CAT(recdiffTest_, __LINE__)();                                                                \
  static ::recdiff::test::Registrar RECDIFF_CAT(recdiffReg_, __LINE__)(name, &RECDIFF_CAT(recdiffTest_, __LINE__)); \
  static void RECDIFF_CAT(recdiffTest_, __LINE__)()

#define CHECK(cond)                                                                                                  \
  do {                                                                                                               \
    if (!(cond)) throw ::recdiff::test::Failure(::recdiff::test::location(__FILE__, __LINE__) + "CHECK(" #cond ")"); \
  } while (0)

#define CHECK_EQ(actual, expected)                                                                                     \
  do {                                                                                                                 \
    const auto recdiffA_ = (actual); /* copies: a reference could dangle */                                            \
    const auto recdiffB_ = (expected);                                                                                 \
    if (!(recdiffA_ == recdiffB_))                                                                                     \
      throw ::recdiff::test::Failure(::recdiff::test::location(__FILE__, __LINE__) + #actual " == " #expected " -- " + \
                                     ::recdiff::test::describeMismatch(recdiffA_, recdiffB_));                         \
  } while (0)

#define CHECK_NEAR(actual, expected, tolerance)                                                                       \
  do {                                                                                                                \
    const double recdiffA_ = static_cast<double>(actual);                                                             \
    const double recdiffB_ = static_cast<double>(expected);                                                           \
    if (!(std::fabs(recdiffA_ - recdiffB_) <= (tolerance)))                                                           \
      throw ::recdiff::test::Failure(::recdiff::test::location(__FILE__, __LINE__) + #actual " ~ " #expected " -- " + \
                                     ::recdiff::test::describeMismatch(recdiffA_, recdiffB_));                        \
  } while (0)

// Checks that `expr` throws `ExceptionType` whose what() contains `fragment`.
#define CHECK_THROWS_WITH(ExceptionType, expr, fragment)                                                    \
  do {                                                                                                      \
    bool recdiffThrown_ = false;                                                                            \
    try {                                                                                                   \
      (void)(expr);                                                                                         \
    } catch (const ExceptionType& e) {                                                                      \
      recdiffThrown_ = true;                                                                                \
      if (std::string(e.what()).find(fragment) == std::string::npos)                                        \
        throw ::recdiff::test::Failure(::recdiff::test::location(__FILE__, __LINE__) + "message lacks \"" + \
                                       std::string(fragment) + "\": " + e.what());                          \
    }                                                                                                       \
    if (!recdiffThrown_)                                                                                    \
      throw ::recdiff::test::Failure(::recdiff::test::location(__FILE__, __LINE__) + #expr                  \
                                     " did not throw " #ExceptionType);                                     \
  } while (0)

#define SKIP(reason) throw ::recdiff::test::Skip(reason)
