// Diagnostics of multi-interest routing (ADIGRec's inherent-interest module,
// MODELS.md): is each of the k interest heads attending to something of its
// own, or have they collapsed onto the same history positions?
//
// Input per user: the routing weights A (L x k), one row per valid history
// position, column j the softmax over positions of interest j, so every
// column sums to 1.
//
// Definitions:
//  - C = (A - 1 abar)^T (A - 1 abar) / L, abar the column mean: the k x k
//    covariance of the interest columns over positions (MODELS.md's L_reg
//    formula, |S| = L).
//  - lReg = sum_r |C[r, :]|_2 (the regulariser's value for this user), and
//    lRegOffDiagonal the same with each row's diagonal entry left out.
//  - meanOffDiagonalAbsCovariance = mean over r != c of |C[r, c]|.
//  - effective number of interests: the "interest mass distribution" is the
//    spectrum of the Gram matrix A^T A: p_i = lambda_i / sum lambda, the share
//    of the routing energy carried by each independent direction. Its entropy
//    H = -sum p ln p (nats) and exp(H) is in [1, k]: 1 when all heads attend
//    identically (collapse), k when they attend to disjoint positions with
//    equal energy. (The per-head masses themselves are useless here: each
//    column sums to 1 by construction.)
//  - argmax wins: for each position, the head with the largest weight (the
//    lowest index on ties); a head that never wins is dead.
#pragma once

#include "core/analysis/analysis_types.h"

#include <vector>

namespace recdiff::analysis {

struct UserInterestStats {
  Eigen::MatrixXd covariance;  // k x k
  double lReg = 0.0;
  double lRegOffDiagonal = 0.0;
  double meanOffDiagonalAbsCovariance = 0.0;
  double interestEntropy = 0.0;     // nats, in [0, ln k]
  double effectiveInterests = 0.0;  // exp(interestEntropy), in [1, k]
  std::vector<int> argmaxWins;      // k counts summing to L
};

// Throws AnalysisError when A is empty, has negative or non-finite entries,
// or a column whose sum is off 1 by more than columnSumTolerance.
UserInterestStats analyseUserRouting(const Matrix& routing, double columnSumTolerance = 1e-3);

struct InterestDiagnostics {
  int users = 0, interests = 0;
  double meanLReg = 0.0;  // the regulariser as trained: mean over users
  double meanLRegOffDiagonal = 0.0;
  double meanOffDiagonalAbsCovariance = 0.0;
  double meanInterestEntropy = 0.0;
  double meanEffectiveInterests = 0.0;
  std::vector<long> argmaxWins;     // per head, over all users' positions
  std::vector<double> argmaxShare;  // the same as fractions of all positions
};

// All users must have the same k.
InterestDiagnostics analyseRouting(const std::vector<Matrix>& routing,
                                   double columnSumTolerance = 1e-3);

// For synthetic data with planted interests: how well learned heads match
// planted categories. For each user and head, the `topPositions` positions
// the head weights most vote with their item's category into a k x C
// contingency table. Then:
//  - assignment: a one-to-one head -> category matching maximising the votes
//    (Hungarian algorithm); -1 for heads left over when k > C.
//  - matchedAccuracy: the matched votes / all votes.
//  - purity: sum over heads of its largest vote / all votes.
//  - nmi: mutual information of the table over the arithmetic mean of the two
//    marginal entropies (0 = independent, 1 = a perfect relabelling).
struct InterestCategoryMatch {
  Eigen::MatrixXd contingency;
  std::vector<int> assignment;
  double matchedAccuracy = 0.0;
  double purity = 0.0;
  double nmi = 0.0;
};

// positionCategories[u][r]: the category (0..numCategories-1, or -1 to skip)
// of user u's item at position r; one entry per row of routing[u].
InterestCategoryMatch matchInterestsToCategories(
    const std::vector<Matrix>& routing, const std::vector<std::vector<int>>& positionCategories,
    int numCategories, int topPositions = 1);

// One-to-one assignment of rows to columns maximising the summed weight
// (rectangular allowed); result[r] = column or -1.
std::vector<int> maximumWeightAssignment(const Eigen::MatrixXd& weight);

}  // namespace recdiff::analysis
