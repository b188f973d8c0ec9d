// Analysis metrics against hand-computed cases: collapse diagnostics, KDE,
// the linear probe and the interest-routing diagnostics.
#include <cmath>
#include <cstdint>
#include <vector>

#include "core/analysis/collapse_metrics.h"
#include "core/analysis/contours.h"
#include "core/analysis/interest_diagnostics.h"
#include "core/analysis/kde.h"
#include "core/analysis/linear_probe.h"
#include "core/analysis/random_stream.h"
#include "tests/support/check.h"

using namespace recdiff::analysis;

namespace {

Matrix gaussian(int n, int d, double sd, std::uint64_t seed) {
  RandomStream rng(seed);
  Matrix x(n, d);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < d; ++j) x(i, j) = static_cast<float>(sd * rng.normal());
  return x;
}

double entropyOf(std::vector<double> v) {
  double total = 0.0, h = 0.0;
  for (double x : v) total += x;
  for (double x : v) h -= x / total * std::log(x / total);
  return h;
}

}  // namespace

TEST_CASE("collapse metrics of a hand-computed 3 x 2 case") {
  // E^T E = diag(9, 16): singular values 4 and 3.
  Matrix e(3, 2);
  e << 3, 0, 0, 4, 0, 0;
  const CollapseMetrics m = collapseMetrics(e);
  CHECK_EQ(m.singularValues.size(), std::size_t(2));
  CHECK_NEAR(m.singularValues[0], 4.0, 1e-9);
  CHECK_NEAR(m.singularValues[1], 3.0, 1e-9);
  CHECK_EQ(m.topSingularValues.size(), std::size_t(2));  // topK 5 clipped to d
  CHECK_NEAR(m.singularValueVariance, 0.25, 1e-9);
  CHECK_NEAR(m.singularValueEntropy, entropyOf({4, 3}), 1e-9);
  // Covariance (divides by N - 1): [[3, -2], [-2, 16/3]].
  const double tr = 3 + 16.0 / 3, det = 3 * 16.0 / 3 - 4;
  const double l1 = 0.5 * (tr + std::sqrt(tr * tr - 4 * det)), l2 = 0.5 * (tr - std::sqrt(tr * tr - 4 * det));
  CHECK_NEAR(m.totalVariance, tr, 1e-9);
  CHECK_NEAR(m.covarianceEntropy, entropyOf({l1, l2}), 1e-9);
  CHECK_NEAR(m.effectiveRank, std::exp(entropyOf({l1, l2})), 1e-9);
  // Isotropy over c = ±e1, ±e2: Z = e^3 + 2, e^-3 + 2, e^4 + 2, e^-4 + 2.
  CHECK_NEAR(m.isotropy, (std::exp(-4.0) + 2) / (std::exp(4.0) + 2), 1e-9);
  CHECK(!m.collapsed);
}

TEST_CASE("identical embeddings are flagged as point collapse") {
  Matrix e(100, 16);
  for (int i = 0; i < 100; ++i)
    for (int j = 0; j < 16; ++j) e(i, j) = 0.1f * static_cast<float>(j);
  const CollapseMetrics m = collapseMetrics(e);
  CHECK(m.collapsed);
  CHECK(m.verdict.find("point collapse") != std::string::npos);
  CHECK(std::isnan(m.klToGaussian));
  CHECK_NEAR(m.singularValues[1], 0.0, 1e-3);  // rank one
  CHECK(m.isotropy < 0.5);
}

TEST_CASE("embeddings on a line are flagged as dimensional collapse") {
  RandomStream rng(2);
  Matrix e(500, 32);
  for (int i = 0; i < 500; ++i) {
    const double t = rng.normal();
    for (int j = 0; j < 32; ++j) e(i, j) = static_cast<float>(t * (j + 1) * 0.1 + 1e-4 * rng.normal());
  }
  const CollapseMetrics m = collapseMetrics(e);
  CHECK(m.collapsed);
  CHECK(m.verdict.find("dimensional collapse") != std::string::npos);
  CHECK(m.effectiveRank < 2.0);
}

TEST_CASE("an isotropic Gaussian has high entropy, isotropy near 1, small KL") {
  const int d = 16;
  const CollapseMetrics m = collapseMetrics(gaussian(5000, d, 0.5, 3));
  CHECK(!m.collapsed);
  CHECK(m.covarianceEntropy > 0.99 * std::log(d));
  CHECK(m.singularValueEntropy > 0.99 * std::log(d));
  CHECK(m.isotropy > 0.8);
  CHECK(m.meanAxisKl < 0.01);
  CHECK(m.gaussianLike);
  // Clustered (structured) embeddings: far from Gaussian, not gaussian-like.
  RandomStream rng(4);
  Matrix clustered(5000, d);
  for (int i = 0; i < 5000; ++i)
    for (int j = 0; j < d; ++j)
      clustered(i, j) = static_cast<float>(((i % 4 == j % 4) ? 4.0 : 0.0) + 0.5 * rng.normal());
  const CollapseMetrics s = collapseMetrics(clustered);
  CHECK(s.klToGaussian > 10 * m.klToGaussian + 0.1);
  CHECK(!s.gaussianLike);
  CHECK(s.covarianceEntropy < m.covarianceEntropy);
}

TEST_CASE("KDE integrates to about 1 and finds the mode") {
  const Matrix pts = gaussian(2000, 2, 1.0, 5);
  const DensityGrid g = kde2d(pts);
  double mass = 0.0, best = 0.0;
  int bestCol = 0, bestRow = 0;
  for (int r = 0; r < g.height; ++r)
    for (int c = 0; c < g.width; ++c) {
      mass += g.at(c, r) * g.cellArea();
      if (g.at(c, r) > best) {
        best = g.at(c, r);
        bestCol = c;
        bestRow = r;
      }
    }
  CHECK_NEAR(mass, 1.0, 0.01);
  CHECK(std::fabs(g.x(bestCol)) < 0.3 && std::fabs(g.y(bestRow)) < 0.3);
  // Scott's rule: sigma n^(-1/6).
  CHECK_NEAR(g.bandwidthX, std::pow(2000.0, -1.0 / 6.0), 0.05);
  // Highest-density levels: the 50 % region is denser than the 90 % one.
  const std::vector<double> levels = massLevels(g, {0.5, 0.9});
  CHECK(levels[0] > levels[1]);
  double inside = 0.0;
  for (double v : g.values)
    if (v >= levels[0]) inside += v * g.cellArea();
  CHECK_NEAR(inside, 0.5, 0.02);
  const std::vector<double> q = quantileLevels(g, {0.0, 1.0});
  CHECK_NEAR(q[1], best, 1e-12);
}

TEST_CASE("KDE of one point with a given bandwidth is that Gaussian") {
  Matrix one(1, 2);
  one << 0.5f, 0.5f;
  KdeOptions o;
  o.width = o.height = 11;  // cell centres at 0.05, 0.15, ..., 0.95: one at 0.5? no: 0.55
  o.bandwidthX = 0.2;
  o.bandwidthY = 0.1;
  o.extent = Extent{0.0, 1.1, 0.0, 1.1};  // cell 5's centre is 0.55
  const DensityGrid g = kde2d(one, o);
  const double expected = std::exp(-0.5 * (0.05 / 0.2) * (0.05 / 0.2) - 0.5 * (0.05 / 0.1) * (0.05 / 0.1)) /
                          (2 * 3.14159265358979 * 0.2 * 0.1);
  CHECK_NEAR(g.at(5, 5), expected, 1e-3);
  // A shared extent for two sets covers both.
  Matrix other(1, 2);
  other << 3.0f, -2.0f;
  const Extent e = extentOf(one, other);
  CHECK(e.xMin < 0.5 && e.xMax > 3.0 && e.yMin < -2.0 && e.yMax > 0.5);
  CHECK_THROWS_WITH(AnalysisError, kde2d(Matrix::Zero(3, 3)), "N x 2");
}

TEST_CASE("classification scores of a hand-computed case") {
  const ClassificationScores s = classificationScores({0, 0, 1, 1}, {0, 1, 1, 1});
  CHECK_NEAR(s.accuracy, 0.75, 1e-12);
  // class 0: tp 1, fp 0, fn 1 -> 2/3; class 1: tp 2, fp 1, fn 0 -> 4/5.
  CHECK_NEAR(s.macroF1, 0.5 * (2.0 / 3.0 + 0.8), 1e-12);
}

TEST_CASE("the linear probe beats the majority class on separable data") {
  RandomStream rng(6);
  const int n = 900, d = 8;
  Matrix x(n, d);
  std::vector<int> labels(n);
  for (int i = 0; i < n; ++i) {
    // Unbalanced classes (1/2, 1/3, 1/6) so the majority baseline is not 1/3.
    const int c = (i % 6 < 3) ? 0 : (i % 6 < 5 ? 1 : 2);
    labels[static_cast<std::size_t>(i)] = c;
    for (int j = 0; j < d; ++j) x(i, j) = static_cast<float>((j == c ? 3.0 : 0.0) + rng.normal());
  }
  labels[0] = -1;  // unknown: skipped
  const LinearProbeResult r = linearProbe(x, labels);
  CHECK_EQ(r.classes, 3);
  CHECK_EQ(r.trainSize + r.testSize, n - 1);
  CHECK_EQ(r.testSize, 180);
  CHECK(r.test.accuracy > 0.9);
  CHECK(r.test.accuracy > r.majority.accuracy + 0.3);
  CHECK(r.test.macroF1 > r.majority.macroF1 + 0.4);
  CHECK(r.majority.accuracy > 0.35 && r.majority.accuracy < 0.65);
  // Same seed, same split and result.
  const LinearProbeResult again = linearProbe(x, labels);
  CHECK_EQ(again.test.accuracy, r.test.accuracy);
  // Embeddings that carry no label information fall to about chance.
  const LinearProbeResult noise = linearProbe(gaussian(n, d, 1.0, 7), labels);
  CHECK(noise.test.accuracy < r.majority.accuracy + 0.15);
  CHECK_THROWS_WITH(AnalysisError, linearProbe(x, std::vector<int>(n, 0)), "two categories");
}

TEST_CASE("interest diagnostics of a hand-computed 3 x 2 routing matrix") {
  Matrix a(3, 2);
  a << 0.5, 0.2, 0.3, 0.3, 0.2, 0.5;
  const UserInterestStats s = analyseUserRouting(a);
  // Centred rows (1/6, -2/15), (-1/30, -1/30), (-2/15, 1/6), divided by L = 3.
  CHECK_NEAR(s.covariance(0, 0), 42.0 / 2700, 1e-7);
  CHECK_NEAR(s.covariance(1, 1), 42.0 / 2700, 1e-7);
  CHECK_NEAR(s.covariance(0, 1), -39.0 / 2700, 1e-7);
  CHECK_NEAR(s.lReg, 2 * std::sqrt(42.0 * 42 + 39.0 * 39) / 2700, 1e-7);
  CHECK_NEAR(s.lRegRedundancy, 78.0 / 2700, 1e-7);
  CHECK_NEAR(s.lRegConcentration, 84.0 / 2700, 1e-7);
  CHECK_NEAR(s.meanOffDiagonalAbsCovariance, 39.0 / 2700, 1e-7);
  // Gram [[0.38, 0.29], [0.29, 0.38]]: eigenvalues 0.67 and 0.09.
  CHECK_NEAR(s.distinctRoutingDirections, std::exp(entropyOf({0.67, 0.09})), 1e-6);
  // Columns (0.5, 0.3, 0.2) and (0.2, 0.3, 0.5): cosine 0.29 / 0.38.
  CHECK_NEAR(s.headRedundancy, 0.29 / 0.38, 1e-6);
  CHECK_NEAR(s.heads[0].peak, 0.5, 1e-6);
  CHECK_EQ(s.heads[1].peakPosition, 2);
  CHECK_NEAR(s.heads[0].effectiveItems, std::exp(entropyOf({0.5, 0.3, 0.2})), 1e-6);
  CHECK_NEAR(s.heads[0].effectiveItemShare, std::exp(entropyOf({0.5, 0.3, 0.2})) / 3, 1e-6);
  CHECK_EQ(s.collapsedHeads, 0);
  CHECK((s.argmaxWins == std::vector<int>{2, 1}));  // the tie in row 2 goes to head 0

  const InterestDiagnostics d = analyseRouting({a, a});
  CHECK_EQ(d.users, 2);
  CHECK_NEAR(d.meanLReg, s.lReg, 1e-12);
  CHECK_NEAR(d.argmaxShare[0], 2.0 / 3.0, 1e-12);
}

TEST_CASE("routing collapse: one-hot heads on distinct items are collapsed but not redundant") {
  // Paper 000 §4.4.2: "a single interest expressed by a single item".
  Matrix oneHot = Matrix::Zero(3, 3);
  oneHot(0, 0) = oneHot(1, 1) = oneHot(2, 2) = 1.0f;
  const UserInterestStats s = analyseUserRouting(oneHot);
  CHECK_EQ(s.collapsedHeads, 3);
  for (const HeadRouting& h : s.heads) {
    CHECK_NEAR(h.peak, 1.0, 1e-12);
    CHECK_NEAR(h.effectiveItems, 1.0, 1e-12);
    CHECK(h.collapsed);
  }
  CHECK_NEAR(s.headRedundancy, 0.0, 1e-12);
  // Centred columns e_c - 1/3: C[r,r] = 2/9, C[r,c] = -1/9.
  CHECK_NEAR(s.lRegConcentration, 2.0 / 3.0, 1e-9);
  CHECK_NEAR(s.lRegRedundancy, std::sqrt(2.0) / 3.0, 1e-9);
  CHECK_NEAR(s.lReg, std::sqrt(6.0) / 3.0, 1e-9);
  // The spectral figure's blind spot: complete collapse scores its best, k.
  CHECK_NEAR(s.distinctRoutingDirections, 3.0, 1e-6);
}

TEST_CASE("routing collapse: uniform heads attend to every item and are fully redundant") {
  Matrix uniform(4, 3);
  uniform.setConstant(0.25f);
  const UserInterestStats s = analyseUserRouting(uniform);
  CHECK_EQ(s.collapsedHeads, 0);
  for (const HeadRouting& h : s.heads) {
    CHECK_NEAR(h.peak, 0.25, 1e-7);
    CHECK_NEAR(h.effectiveItems, 4.0, 1e-6);  // = L
    CHECK_NEAR(h.effectiveItemShare, 1.0, 1e-6);
  }
  CHECK_NEAR(s.headRedundancy, 1.0, 1e-7);
  CHECK_NEAR(s.distinctRoutingDirections, 1.0, 1e-6);
  // Constant columns have no covariance: L_reg sees nothing to penalise.
  CHECK_NEAR(s.lReg, 0.0, 1e-12);
  CHECK_NEAR(s.lRegRedundancy, 0.0, 1e-12);
}

TEST_CASE("routing collapse: identical peaked heads are collapsed and redundant") {
  Matrix same(4, 2);
  same << 0.94f, 0.94f, 0.02f, 0.02f, 0.02f, 0.02f, 0.02f, 0.02f;
  const UserInterestStats s = analyseUserRouting(same);
  CHECK_EQ(s.collapsedHeads, 2);
  CHECK_NEAR(s.heads[1].peak, 0.94, 1e-6);
  CHECK_NEAR(s.heads[1].effectiveItems, std::exp(entropyOf({0.94, 0.02, 0.02, 0.02})), 1e-5);
  CHECK_NEAR(s.headRedundancy, 1.0, 1e-6);
  CHECK_NEAR(s.distinctRoutingDirections, 1.0, 1e-6);
  // C[r,c] is the same for every r, c: concentration and redundancy are equal.
  CHECK_NEAR(s.lRegConcentration, s.lRegRedundancy, 1e-9);
  CHECK(s.lReg > 0.0);
  // A stricter threshold calls neither head collapsed.
  RoutingCollapseOptions strict;
  strict.collapseThreshold = 0.95;
  CHECK_EQ(analyseUserRouting(same, strict).collapsedHeads, 0);
  strict.collapseThreshold = 0.0;
  CHECK_THROWS_WITH(AnalysisError, analyseUserRouting(same, strict), "threshold");
}

TEST_CASE("routing collapse across users: shares, histogram, one-item histories apart") {
  Matrix oneHot = Matrix::Zero(3, 3);
  oneHot(0, 0) = oneHot(1, 1) = oneHot(2, 2) = 1.0f;
  Matrix uniform(4, 3);
  uniform.setConstant(0.25f);
  Matrix single(1, 3);
  single.setConstant(1.0f);
  const InterestDiagnostics d = analyseRouting({oneHot, uniform, single});
  CHECK_EQ(d.users, 3);
  CHECK_EQ(d.usersWithOnePosition, 1);
  CHECK_NEAR(d.collapsedHeadShare, 0.5, 1e-12);  // 3 of the 6 heads of the two users with L >= 2
  CHECK_NEAR(d.meanEffectiveItems, (3 * 1.0 + 3 * 4.0) / 6, 1e-6);
  CHECK_NEAR(d.meanHeadRedundancy, 0.5, 1e-6);
  CHECK((d.collapsedShareByHead == std::vector<double>{0.5, 0.5, 0.5}));
  // One-hot head j peaks at position j of 3; a uniform head at position 0 (the first maximum).
  CHECK_NEAR(d.meanPeakRelativePositionByHead[0], 0.0, 1e-12);
  CHECK_NEAR(d.meanPeakRelativePositionByHead[2], 0.5, 1e-12);
  CHECK((d.peakAtLastPositionShareByHead == std::vector<double>{0.0, 0.0, 0.5}));
  CHECK_EQ(d.headPeakHistogram[9], 3L);
  CHECK_EQ(d.headPeakHistogram[2], 3L);
  long counted = 0;
  for (long c : d.headPeakHistogram) counted += c;
  CHECK_EQ(counted, 6L);
  CHECK_NEAR(d.meanLReg, std::sqrt(6.0) / 9.0, 1e-9);  // the regulariser averages over every user

  Matrix bad = uniform;
  bad(0, 1) = 0.5f;
  CHECK_THROWS_WITH(AnalysisError, analyseUserRouting(bad), "interest 1 sums to");
  CHECK_THROWS_WITH(AnalysisError, analyseRouting({uniform, bad}), "user 1");
}

TEST_CASE("maximum-weight assignment matches brute force") {
  RandomStream rng(9);
  for (int trial = 0; trial < 30; ++trial) {
    const int rows = 1 + static_cast<int>(rng.below(4)), cols = 1 + static_cast<int>(rng.below(4));
    Eigen::MatrixXd w(rows, cols);
    for (int r = 0; r < rows; ++r)
      for (int c = 0; c < cols; ++c) w(r, c) = std::floor(10 * rng.uniform());
    const std::vector<int> got = maximumWeightAssignment(w);
    double gotSum = 0.0;
    std::vector<int> usedCols;
    for (int r = 0; r < rows; ++r)
      if (got[static_cast<std::size_t>(r)] >= 0) {
        gotSum += w(r, got[static_cast<std::size_t>(r)]);
        usedCols.push_back(got[static_cast<std::size_t>(r)]);
      }
    std::sort(usedCols.begin(), usedCols.end());
    CHECK(std::adjacent_find(usedCols.begin(), usedCols.end()) == usedCols.end());
    CHECK_EQ(static_cast<int>(usedCols.size()), std::min(rows, cols));
    // Brute force over column permutations.
    std::vector<int> perm(static_cast<std::size_t>(std::max(rows, cols)));
    for (std::size_t t = 0; t < perm.size(); ++t) perm[t] = static_cast<int>(t);
    double best = 0.0;
    do {
      double s = 0.0;
      for (int r = 0; r < rows; ++r)
        if (perm[static_cast<std::size_t>(r)] < cols) s += w(r, perm[static_cast<std::size_t>(r)]);
      best = std::max(best, s);
    } while (std::next_permutation(perm.begin(), perm.end()));
    CHECK_NEAR(gotSum, best, 1e-9);
  }
}

TEST_CASE("learned interests are matched to planted categories") {
  // Head 0 attends to category-2 items, head 1 to category-0 items.
  std::vector<Matrix> routing;
  std::vector<std::vector<int>> cats;
  for (int u = 0; u < 20; ++u) {
    Matrix a(4, 2);
    a << 0.7, 0.1, 0.1, 0.1, 0.1, 0.7, 0.1, 0.1;
    routing.push_back(a);
    cats.push_back({2, 1, 0, 1});
  }
  const InterestCategoryMatch m = matchInterestsToCategories(routing, cats, 3);
  CHECK((m.assignment == std::vector<int>{2, 0}));
  CHECK_NEAR(m.matchedAccuracy, 1.0, 1e-12);
  CHECK_NEAR(m.purity, 1.0, 1e-12);
  CHECK_NEAR(m.nmi, 1.0, 1e-9);
  CHECK_NEAR(m.contingency(0, 2), 20.0, 1e-12);
  // Shuffled over each user's own positions, the same heads score about
  // 15 of 40 votes (head 0 -> category 1, head 1 -> 0 or 2) and no information.
  CHECK(m.chanceMatchedAccuracy > 0.3 && m.chanceMatchedAccuracy < 0.55);
  CHECK(m.chanceNmi < 0.15);
  // Collapsed heads (both on the same item) cannot both match.
  for (auto& a : routing) a << 0.7, 0.7, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1;
  const InterestCategoryMatch c = matchInterestsToCategories(routing, cats, 3);
  CHECK_NEAR(c.matchedAccuracy, 0.5, 1e-12);
  CHECK_NEAR(c.nmi, 0.0, 1e-9);
}

TEST_CASE("contours of a radial bump are circles at the level's radius") {
  // density exp(-r^2/2) on a 101 x 101 grid over [-4, 4]^2: the level
  // exp(-1/2) lies on the circle r = 1.
  DensityGrid g;
  g.width = g.height = 101;
  g.extent = {-4.0, 4.0, -4.0, 4.0};
  for (int row = 0; row < g.height; ++row) {
    for (int col = 0; col < g.width; ++col) {
      const double x = g.x(col), y = g.y(row);
      g.values.push_back(std::exp(-(x * x + y * y) / 2.0));
    }
  }
  const auto segments = contourSegments(g, std::exp(-0.5));
  CHECK(segments.size() > 40);
  double length = 0.0;
  for (const auto& s : segments) {
    CHECK_NEAR(std::hypot(s.x0, s.y0), 1.0, 0.01);
    CHECK_NEAR(std::hypot(s.x1, s.y1), 1.0, 0.01);
    length += std::hypot(s.x1 - s.x0, s.y1 - s.y0);
  }
  CHECK_NEAR(length, 2.0 * 3.141592653589793, 0.05);  // the whole circumference, once
  CHECK(contourSegments(g, 2.0).empty());             // above the maximum
  CHECK(contourSegments(g, -1.0).empty());            // below the minimum
}
