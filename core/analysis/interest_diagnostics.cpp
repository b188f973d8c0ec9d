#include "core/analysis/interest_diagnostics.h"

#include "core/analysis/random_stream.h"

#include <Eigen/Eigenvalues>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <sstream>

namespace recdiff::analysis {

namespace {

void checkOptions(const RoutingCollapseOptions& o) {
  if (!(o.collapseThreshold > 0.0 && o.collapseThreshold <= 1.0))
    throw AnalysisError("routing collapse threshold must lie in (0, 1], got " + std::to_string(o.collapseThreshold));
}

HeadRouting headRouting(const Eigen::VectorXd& column, double threshold) {
  HeadRouting h;
  Eigen::Index at = 0;
  h.peak = column.maxCoeff(&at);
  h.peakPosition = static_cast<int>(at);
  double entropy = 0.0;
  for (Eigen::Index r = 0; r < column.size(); ++r)
    if (column(r) > 0) entropy -= column(r) * std::log(column(r));
  h.effectiveItems = std::exp(entropy);
  h.effectiveItemShare = h.effectiveItems / static_cast<double>(column.size());
  h.collapsed = h.peak >= threshold;
  return h;
}

}  // namespace

UserInterestStats analyseUserRouting(const Matrix& a, const RoutingCollapseOptions& options) {
  checkOptions(options);
  const Eigen::Index l = a.rows(), k = a.cols();
  if (l < 1 || k < 1) throw AnalysisError("routing weights are empty (need L >= 1 positions, k >= 1 heads)");
  requireFinite(a, "routing weights");
  if (a.minCoeff() < 0) throw AnalysisError("routing weights must be non-negative (softmax outputs)");
  for (Eigen::Index c = 0; c < k; ++c) {
    const double s = a.col(c).cast<double>().sum();
    if (std::fabs(s - 1.0) > options.columnSumTolerance) {
      std::ostringstream msg;
      msg << "routing weights: interest " << c << " sums to " << s
          << " over the valid positions, expected 1 (pass only the rows of valid positions)";
      throw AnalysisError(msg.str());
    }
  }
  UserInterestStats st;
  st.positions = static_cast<int>(l);
  const Eigen::MatrixXd x = a.cast<double>();
  for (Eigen::Index c = 0; c < k; ++c) {
    st.heads.push_back(headRouting(x.col(c), options.collapseThreshold));
    if (st.heads.back().collapsed) ++st.collapsedHeads;
  }

  const Eigen::MatrixXd centred = x.rowwise() - x.colwise().mean();
  st.covariance = centred.transpose() * centred / static_cast<double>(l);
  double offSum = 0.0;
  for (Eigen::Index r = 0; r < k; ++r) {
    const double diagonal = st.covariance(r, r);
    st.lReg += st.covariance.row(r).norm();
    st.lRegConcentration += std::fabs(diagonal);
    st.lRegRedundancy += std::sqrt(std::max(0.0, st.covariance.row(r).squaredNorm() - diagonal * diagonal));
    for (Eigen::Index c = 0; c < k; ++c)
      if (c != r) offSum += std::fabs(st.covariance(r, c));
  }
  st.meanOffDiagonalAbsCovariance = k > 1 ? offSum / static_cast<double>(k * (k - 1)) : 0.0;

  const Eigen::MatrixXd gramMatrix = x.transpose() * x;
  if (k > 1) {
    double cosines = 0.0;
    for (Eigen::Index r = 0; r < k; ++r)
      for (Eigen::Index c = r + 1; c < k; ++c)
        cosines += gramMatrix(r, c) / std::sqrt(gramMatrix(r, r) * gramMatrix(c, c));
    st.headRedundancy = cosines / static_cast<double>(k * (k - 1) / 2);
  } else {
    st.headRedundancy = 0.0;  // one head has nothing to be redundant with
  }

  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> gram(gramMatrix, Eigen::EigenvaluesOnly);
  const Eigen::VectorXd lambda = gram.eigenvalues().cwiseMax(0.0);
  const double total = lambda.sum();
  double spectralEntropy = 0.0;
  for (Eigen::Index t = 0; t < k; ++t) {
    const double p = total > 0 ? lambda(t) / total : 0.0;
    if (p > 0) spectralEntropy -= p * std::log(p);
  }
  st.distinctRoutingDirections = std::exp(spectralEntropy);

  st.argmaxWins.assign(static_cast<std::size_t>(k), 0);
  for (Eigen::Index r = 0; r < l; ++r) {
    Eigen::Index arg = 0;
    for (Eigen::Index c = 1; c < k; ++c)
      if (a(r, c) > a(r, arg)) arg = c;
    ++st.argmaxWins[static_cast<std::size_t>(arg)];
  }
  return st;
}

InterestDiagnostics analyseRouting(const std::vector<Matrix>& routing, const RoutingCollapseOptions& options) {
  checkOptions(options);
  InterestDiagnostics d;
  d.collapseThreshold = options.collapseThreshold;
  d.headPeakHistogram.assign(10, 0);
  if (routing.empty()) return d;
  d.interests = static_cast<int>(routing.front().cols());
  const auto k = static_cast<std::size_t>(d.interests);
  d.argmaxWins.assign(k, 0);
  d.collapsedShareByHead.assign(k, 0.0);
  d.meanPeakRelativePositionByHead.assign(k, 0.0);
  d.peakAtLastPositionShareByHead.assign(k, 0.0);
  long positions = 0, heads = 0;
  int usersWithHistory = 0;
  for (std::size_t u = 0; u < routing.size(); ++u) {
    if (routing[u].cols() != d.interests)
      throw AnalysisError("routing weights of user " + std::to_string(u) + " have " +
                          std::to_string(routing[u].cols()) + " interests, the first user's " +
                          std::to_string(d.interests));
    UserInterestStats st;
    try {
      st = analyseUserRouting(routing[u], options);
    } catch (const AnalysisError& e) {
      throw AnalysisError("user " + std::to_string(u) + ": " + e.what());
    }
    d.meanLReg += st.lReg;
    d.meanLRegConcentration += st.lRegConcentration;
    d.meanLRegRedundancy += st.lRegRedundancy;
    d.meanOffDiagonalAbsCovariance += st.meanOffDiagonalAbsCovariance;
    d.meanDistinctRoutingDirections += st.distinctRoutingDirections;
    for (std::size_t c = 0; c < k; ++c) d.argmaxWins[c] += st.argmaxWins[c];
    positions += routing[u].rows();
    if (st.positions < 2) {
      ++d.usersWithOnePosition;
      continue;
    }
    ++usersWithHistory;
    d.meanHeadRedundancy += st.headRedundancy;
    for (std::size_t c = 0; c < k; ++c) {
      const HeadRouting& h = st.heads[c];
      ++heads;
      d.meanHeadPeak += h.peak;
      d.meanEffectiveItems += h.effectiveItems;
      d.meanEffectiveItemShare += h.effectiveItemShare;
      if (h.collapsed) {
        d.collapsedHeadShare += 1.0;
        d.collapsedShareByHead[c] += 1.0;
      }
      d.meanPeakRelativePositionByHead[c] += h.peakPosition / static_cast<double>(st.positions - 1);
      if (h.peakPosition == st.positions - 1) d.peakAtLastPositionShareByHead[c] += 1.0;
      ++d.headPeakHistogram[std::min<std::size_t>(9, static_cast<std::size_t>(h.peak * 10.0))];
    }
  }
  d.users = static_cast<int>(routing.size());
  const double users = static_cast<double>(d.users);
  d.meanLReg /= users;
  d.meanLRegConcentration /= users;
  d.meanLRegRedundancy /= users;
  d.meanOffDiagonalAbsCovariance /= users;
  d.meanDistinctRoutingDirections /= users;
  for (long w : d.argmaxWins) d.argmaxShare.push_back(static_cast<double>(w) / static_cast<double>(positions));
  if (heads > 0) {
    const double h = static_cast<double>(heads);
    d.collapsedHeadShare /= h;
    d.meanHeadPeak /= h;
    d.meanEffectiveItems /= h;
    d.meanEffectiveItemShare /= h;
    d.meanHeadRedundancy /= static_cast<double>(usersWithHistory);
    for (auto* perHead : {&d.collapsedShareByHead, &d.meanPeakRelativePositionByHead, &d.peakAtLastPositionShareByHead})
      for (double& s : *perHead) s /= static_cast<double>(usersWithHistory);
  }
  return d;
}

std::vector<int> maximumWeightAssignment(const Eigen::MatrixXd& weight) {
  const int rows = static_cast<int>(weight.rows()), cols = static_cast<int>(weight.cols());
  std::vector<int> result(static_cast<std::size_t>(rows), -1);
  if (rows == 0 || cols == 0) return result;
  // Hungarian method (shortest augmenting paths with potentials) on the
  // square cost matrix max(weight) - weight, padded with zero-weight cells.
  const int n = std::max(rows, cols);
  const double top = weight.maxCoeff();
  auto cost = [&](int r, int c) {  // 1-based
    return (r <= rows && c <= cols) ? top - weight(r - 1, c - 1) : top;
  };
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<double> u(static_cast<std::size_t>(n) + 1, 0.0), v(static_cast<std::size_t>(n) + 1, 0.0);
  std::vector<int> owner(static_cast<std::size_t>(n) + 1, 0), way(static_cast<std::size_t>(n) + 1, 0);
  for (int r = 1; r <= n; ++r) {
    owner[0] = r;
    int col = 0;
    std::vector<double> slack(static_cast<std::size_t>(n) + 1, inf);
    std::vector<char> used(static_cast<std::size_t>(n) + 1, 0);
    do {
      used[static_cast<std::size_t>(col)] = 1;
      const int row = owner[static_cast<std::size_t>(col)];
      double delta = inf;
      int next = 0;
      for (int c = 1; c <= n; ++c) {
        if (used[static_cast<std::size_t>(c)]) continue;
        const double reduced = cost(row, c) - u[static_cast<std::size_t>(row)] - v[static_cast<std::size_t>(c)];
        if (reduced < slack[static_cast<std::size_t>(c)]) {
          slack[static_cast<std::size_t>(c)] = reduced;
          way[static_cast<std::size_t>(c)] = col;
        }
        if (slack[static_cast<std::size_t>(c)] < delta) {
          delta = slack[static_cast<std::size_t>(c)];
          next = c;
        }
      }
      for (int c = 0; c <= n; ++c) {
        if (used[static_cast<std::size_t>(c)]) {
          u[static_cast<std::size_t>(owner[static_cast<std::size_t>(c)])] += delta;
          v[static_cast<std::size_t>(c)] -= delta;
        } else {
          slack[static_cast<std::size_t>(c)] -= delta;
        }
      }
      col = next;
    } while (owner[static_cast<std::size_t>(col)] != 0);
    do {  // flip the augmenting path
      const int prev = way[static_cast<std::size_t>(col)];
      owner[static_cast<std::size_t>(col)] = owner[static_cast<std::size_t>(prev)];
      col = prev;
    } while (col != 0);
  }
  for (int c = 1; c <= n; ++c) {
    const int r = owner[static_cast<std::size_t>(c)];
    if (r >= 1 && r <= rows && c <= cols) result[static_cast<std::size_t>(r - 1)] = c - 1;
  }
  return result;
}

namespace {

// Matched accuracy, purity and NMI of a head x category vote table.
void scoreContingency(InterestCategoryMatch& m) {
  const Eigen::Index k = m.contingency.rows(), categories = m.contingency.cols();
  const double total = m.contingency.sum();
  m.assignment = maximumWeightAssignment(m.contingency);
  if (total <= 0) return;
  double matched = 0.0, pure = 0.0;
  for (Eigen::Index j = 0; j < k; ++j) {
    if (m.assignment[static_cast<std::size_t>(j)] >= 0)
      matched += m.contingency(j, m.assignment[static_cast<std::size_t>(j)]);
    pure += m.contingency.row(j).maxCoeff();
  }
  m.matchedAccuracy = matched / total;
  m.purity = pure / total;
  const Eigen::VectorXd rowP = m.contingency.rowwise().sum() / total;
  const Eigen::RowVectorXd colP = m.contingency.colwise().sum() / total;
  double mi = 0.0, hr = 0.0, hc = 0.0;
  for (Eigen::Index r = 0; r < rowP.size(); ++r)
    if (rowP(r) > 0) hr -= rowP(r) * std::log(rowP(r));
  for (Eigen::Index c = 0; c < colP.size(); ++c)
    if (colP(c) > 0) hc -= colP(c) * std::log(colP(c));
  for (Eigen::Index r = 0; r < k; ++r)
    for (Eigen::Index c = 0; c < categories; ++c) {
      const double p = m.contingency(r, c) / total;
      if (p > 0) mi += p * std::log(p / (rowP(r) * colP(c)));
    }
  const double meanH = 0.5 * (hr + hc);
  m.nmi = meanH > 0 ? std::clamp(mi / meanH, 0.0, 1.0) : 1.0;
}

}  // namespace

InterestCategoryMatch matchInterestsToCategories(const std::vector<Matrix>& routing,
                                                 const std::vector<std::vector<int>>& positionCategories,
                                                 int numCategories, int topPositions, int chanceShuffles) {
  if (routing.size() != positionCategories.size())
    throw AnalysisError("interest matching: " + std::to_string(routing.size()) + " users' routing weights but " +
                        std::to_string(positionCategories.size()) + " users' categories");
  if (numCategories < 1) throw AnalysisError("interest matching: need at least one category");
  if (topPositions < 1) throw AnalysisError("interest matching: topPositions must be >= 1");
  const Eigen::Index k = routing.empty() ? 0 : routing.front().cols();
  // votes[u]: the positions that vote, head by head (k blocks of `top`).
  std::vector<std::vector<int>> votes(routing.size());
  std::vector<int> order;
  for (std::size_t u = 0; u < routing.size(); ++u) {
    const Matrix& a = routing[u];
    if (a.cols() != k) throw AnalysisError("interest matching: users have different k");
    if (static_cast<Eigen::Index>(positionCategories[u].size()) != a.rows())
      throw AnalysisError("interest matching: user " + std::to_string(u) + " has " + std::to_string(a.rows()) +
                          " positions but " + std::to_string(positionCategories[u].size()) + " categories");
    for (int cat : positionCategories[u])
      if (cat >= numCategories)
        throw AnalysisError("interest matching: category " + std::to_string(cat) +
                            " out of range (numCategories = " + std::to_string(numCategories) + ")");
    order.resize(static_cast<std::size_t>(a.rows()));
    const std::size_t top = std::min<std::size_t>(static_cast<std::size_t>(topPositions), order.size());
    for (Eigen::Index j = 0; j < k; ++j) {
      std::iota(order.begin(), order.end(), 0);
      std::partial_sort(order.begin(), order.begin() + static_cast<long>(top), order.end(),
                        [&](int p, int q) { return a(p, j) > a(q, j) || (a(p, j) == a(q, j) && p < q); });
      votes[u].insert(votes[u].end(), order.begin(), order.begin() + static_cast<long>(top));
    }
  }
  const auto tally = [&](const std::vector<std::vector<int>>& categories) {
    InterestCategoryMatch m;
    m.contingency = Eigen::MatrixXd::Zero(k, numCategories);
    for (std::size_t u = 0; u < votes.size(); ++u) {
      const std::size_t perHead = votes[u].size() / static_cast<std::size_t>(std::max<Eigen::Index>(k, 1));
      for (std::size_t v = 0; v < votes[u].size(); ++v) {
        const int cat = categories[u][static_cast<std::size_t>(votes[u][v])];
        if (cat >= 0) m.contingency(static_cast<Eigen::Index>(v / perHead), cat) += 1.0;
      }
    }
    scoreContingency(m);
    return m;
  };
  InterestCategoryMatch m = tally(positionCategories);
  // Chance: the same heads over each user's own items in shuffled order.
  RandomStream rng(0x5eed);
  std::vector<std::vector<int>> shuffled = positionCategories;
  for (int s = 0; s < chanceShuffles; ++s) {
    for (auto& cats : shuffled)
      for (std::size_t i = cats.size(); i > 1; --i)
        std::swap(cats[i - 1], cats[rng.below(static_cast<std::uint32_t>(i))]);
    const InterestCategoryMatch chance = tally(shuffled);
    m.chanceMatchedAccuracy += chance.matchedAccuracy / chanceShuffles;
    m.chanceNmi += chance.nmi / chanceShuffles;
  }
  return m;
}

}  // namespace recdiff::analysis
