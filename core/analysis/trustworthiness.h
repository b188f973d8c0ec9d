// Quality measures of a 2-D projection, used by the tests and benchmarks.
//
// Trustworthiness (Venna & Kaski 2001): are the points that look close in the
// projection really close in the original space?
//   T(k) = 1 - 2 / (N k (2N - 3k - 1)) * sum_i sum_{j in U_k(i)} (r(i, j) - k)
// where U_k(i) holds the projection's k nearest neighbours of i that are not
// among its k nearest in the original space, and r(i, j) is j's rank by
// distance from i in the original space (1 = nearest). In [0, 1]; 1 = no
// false neighbours. Exact, O(N^2 (d + log N)): meant for N up to ~10^4.
#pragma once

#include "core/analysis/analysis_types.h"

#include <vector>

namespace recdiff::analysis {

// original: N x d, embedded: N x e, same N; k in [1, (2N - 2) / 3).
double trustworthiness(const Matrix& original, const Matrix& embedded, int k, int threads = 0);

// The mean fraction of each point's k nearest neighbours in `embedded` that
// share its label: near 1 when the projection keeps classes apart.
double neighbourLabelAgreement(const Matrix& embedded, const std::vector<int>& labels, int k, int threads = 0);

}  // namespace recdiff::analysis
