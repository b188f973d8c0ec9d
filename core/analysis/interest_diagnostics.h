// Diagnostics of multi-interest routing (ADIGRec's inherent-interest module,
// ComiRec-SA, DimeRec's model-based GEM): is each interest head spread over
// the history, or has it collapsed onto one item; do the heads say the same
// thing?
//
// Input per user: the routing weights A (L x k), one row per valid history
// position, column j the softmax over positions of head j, so every column
// sums to 1.
//
// Routing collapse, as paper 000 defines it (§4.4.2, after REMI, its
// reference [31]): "General multi-interest recommendation suffers from
// routing collapse, which manifests itself as a single interest expressed by
// a single item." So a head is collapsed when its softmax puts almost all of
// its weight on one position:
//  - peak = max_r A[r, j]; the head is collapsed when peak >= threshold
//    (default 0.9, settable);
//  - effective items = exp(-sum_r A[r,j] ln A[r,j]), in [1, L]: 1 for a head
//    on one item, L for a uniform head; also as a share of L.
// A history of one item cannot show collapse (every head has peak 1 there):
// users with L < 2 are left out of every per-head and redundancy figure and
// counted apart.
//
// The regulariser behind the fight against it (Eq. 17–18):
//  - C = (A - 1 abar)^T (A - 1 abar) / L, abar the column mean: the k x k
//    covariance of the head columns over positions; L_reg = sum_r ||C[r,:]||_2.
//  - Its two kinds of terms, each summed the way L_reg sums rows:
//    concentration = sum_r |C[r,r]| (a head's variance over positions grows
//    as it concentrates: 0 for a uniform head, (1/L)(1 - 1/L) for a one-hot
//    head) and redundancy = sum_r ||C[r, c != r]||_2 (heads that move
//    together). The two need not add up to L_reg:
//    L_reg <= concentration + redundancy <= sqrt(2) L_reg.
//  - head redundancy = mean over pairs of heads of the cosine similarity of
//    their weight columns, in [0, 1] (weights are non-negative): 0 for heads
//    on disjoint positions, 1 for identical heads.
//
// Kept under a name that says what it measures: distinct routing directions
// = exp of the entropy of the normalised spectrum of A^T A, in [1, k]. It is
// 1 when all heads attend identically and k when they attend to disjoint
// positions with equal energy. Its blind spot: k heads each sitting on its
// own single item score k, the best value, although every one of them is
// collapsed in the paper's sense. It measures how different the heads are,
// not whether they are collapsed.
//
// argmax wins: for each position, the head with the largest weight (the
// lowest index on ties); a head that never wins is dead.
#pragma once

#include "core/analysis/analysis_types.h"

#include <vector>

namespace recdiff::analysis {

struct RoutingCollapseOptions {
  double collapseThreshold = 0.9;  // a head with peak weight >= this is collapsed
  double columnSumTolerance = 1e-3;
};

// How one head of one user routes.
struct HeadRouting {
  double peak = 0.0;                // largest weight on one position, in [1/L, 1]
  int peakPosition = 0;             // its row in A
  double effectiveItems = 0.0;      // exp(entropy of the column), in [1, L]
  double effectiveItemShare = 0.0;  // effectiveItems / L, in [1/L, 1]
  bool collapsed = false;           // peak >= threshold
};

struct UserInterestStats {
  int positions = 0;               // L
  std::vector<HeadRouting> heads;  // k
  int collapsedHeads = 0;
  Eigen::MatrixXd covariance;  // k x k
  double lReg = 0.0;
  double lRegConcentration = 0.0;  // sum_r |C[r,r]|
  double lRegRedundancy = 0.0;     // sum_r ||C[r, c != r]||_2
  double meanOffDiagonalAbsCovariance = 0.0;
  double headRedundancy = 0.0;             // mean pairwise cosine of the head columns, in [0, 1]
  double distinctRoutingDirections = 0.0;  // exp(spectral entropy of A^T A), in [1, k]
  std::vector<int> argmaxWins;             // k counts summing to L
};

// Throws AnalysisError when A is empty, has negative or non-finite entries,
// or a column whose sum is off 1 by more than the tolerance, or the
// threshold is outside (0, 1].
UserInterestStats analyseUserRouting(const Matrix& routing, const RoutingCollapseOptions& options = {});

struct InterestDiagnostics {
  int users = 0, interests = 0;
  int usersWithOnePosition = 0;  // left out of the per-head figures
  double collapseThreshold = 0.9;
  // Routing collapse across users with L >= 2 (user x head pairs):
  double collapsedHeadShare = 0.0;  // share of heads with peak >= threshold
  double meanHeadPeak = 0.0;
  double meanEffectiveItems = 0.0;           // per head
  double meanEffectiveItemShare = 0.0;       // per head, of L
  double meanHeadRedundancy = 0.0;           // per user
  std::vector<double> collapsedShareByHead;  // k: share of users whose head j is collapsed
  std::vector<long> headPeakHistogram;       // 10 bins of peak over [0, 1], the last closed
  // What a head aligns with when not with categories: where in the history
  // its peak sits, per head, over users with L >= 2. Relative position
  // 0 = the oldest item, 1 = the newest; a head with share ~1 at the last
  // position routes by recency, not by interest.
  std::vector<double> meanPeakRelativePositionByHead;
  std::vector<double> peakAtLastPositionShareByHead;
  // The regulariser as trained, mean over all users:
  double meanLReg = 0.0;
  double meanLRegConcentration = 0.0;
  double meanLRegRedundancy = 0.0;
  double meanOffDiagonalAbsCovariance = 0.0;
  double meanDistinctRoutingDirections = 0.0;
  std::vector<long> argmaxWins;     // per head, over all users' positions
  std::vector<double> argmaxShare;  // the same as fractions of all positions
};

// All users must have the same k.
InterestDiagnostics analyseRouting(const std::vector<Matrix>& routing, const RoutingCollapseOptions& options = {});

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
//  - chance*: the same figures with each user's categories shuffled over
//    that user's own positions (mean of `chanceShuffles` seeded shuffles):
//    what heads that ignore category would score with these users' mixes
//    of interests. Recovery is above chance only where the real figure
//    clearly exceeds it.
struct InterestCategoryMatch {
  Eigen::MatrixXd contingency;
  std::vector<int> assignment;
  double matchedAccuracy = 0.0;
  double purity = 0.0;
  double nmi = 0.0;
  double chanceMatchedAccuracy = 0.0;
  double chanceNmi = 0.0;
};

// positionCategories[u][r]: the category (0..numCategories-1, or -1 to skip)
// of user u's item at position r; one entry per row of routing[u].
InterestCategoryMatch matchInterestsToCategories(const std::vector<Matrix>& routing,
                                                 const std::vector<std::vector<int>>& positionCategories,
                                                 int numCategories, int topPositions = 1, int chanceShuffles = 5);

// One-to-one assignment of rows to columns maximising the summed weight
// (rectangular allowed); result[r] = column or -1.
std::vector<int> maximumWeightAssignment(const Eigen::MatrixXd& weight);

}  // namespace recdiff::analysis
