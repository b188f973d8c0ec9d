#include "core/data/seeded_random.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace recdiff::data {

std::uint64_t SeededRandom::below(std::uint64_t n) {
  if (n <= 1) return 0;
  // Reject the top partial block so every residue is equally likely.
  const std::uint64_t limit = UINT64_MAX - UINT64_MAX % n;
  for (;;) {
    const std::uint64_t x = engine_();
    if (x < limit) return x % n;
  }
}

double SeededRandom::normal() {
  if (hasSpare_) {
    hasSpare_ = false;
    return spare_;
  }
  for (;;) {
    const double u = 2.0 * uniform() - 1.0;
    const double v = 2.0 * uniform() - 1.0;
    const double s = u * u + v * v;
    if (s > 0.0 && s < 1.0) {
      const double factor = std::sqrt(-2.0 * std::log(s) / s);
      spare_ = v * factor;
      hasSpare_ = true;
      return u * factor;
    }
  }
}

std::size_t SeededRandom::fromCumulative(const std::vector<double>& cumulative) {
  const double x = uniform() * cumulative.back();
  const auto it = std::upper_bound(cumulative.begin(), cumulative.end(), x);
  const auto index = static_cast<std::size_t>(it - cumulative.begin());
  return std::min(index, cumulative.size() - 1);
}

}  // namespace recdiff::data
