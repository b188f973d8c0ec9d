// Seeded randomness that gives the same numbers with every standard library:
// std::mt19937_64's output is fixed by the standard, but the standard's
// distributions (uniform_int, normal, shuffle) are implementation-defined,
// so the ones used for data are written here.
#pragma once

#include <cstdint>
#include <random>
#include <utility>
#include <vector>

namespace recdiff::data {

class SeededRandom {
 public:
  explicit SeededRandom(std::uint64_t seed) : engine_(seed) {}

  std::uint64_t bits() { return engine_(); }
  // Uniform in [0, 1), 53 random bits.
  double uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
  // Uniform integer in [0, n); n > 0. Unbiased (rejection sampling).
  std::uint64_t below(std::uint64_t n);
  // Standard normal (Marsaglia's polar method).
  double normal();
  // True with probability p.
  bool chance(double p) { return uniform() < p; }
  // An index drawn with probability proportional to weights, given their
  // running sums (cumulative.back() = total > 0).
  std::size_t fromCumulative(const std::vector<double>& cumulative);

  // Fisher-Yates shuffle.
  template <typename T>
  void shuffle(std::vector<T>& values) {
    for (std::size_t i = values.size(); i > 1; --i) {
      const std::size_t j = static_cast<std::size_t>(below(i));
      std::swap(values[i - 1], values[j]);
    }
  }

 private:
  std::mt19937_64 engine_;
  bool hasSpare_ = false;
  double spare_ = 0.0;
};

}  // namespace recdiff::data
