// Embedding-collapse diagnostics of an item-embedding table E (N x d), after
// ADRec (KDD 2025), Table 5. The paper names the metrics but gives no
// formulas; the definitions here are chosen to reproduce its numbers' scale
// and are stated so that a reader can compare like with like:
//
//  - singular values: of E itself, uncentred and unnormalised (the table's
//    values for randomly initialised N(0,1) embeddings are ~sqrt(N) + sqrt(d),
//    i.e. raw singular values); `centre` switches to E minus its mean.
//  - singular-value variance: the population variance of all d singular
//    values (divides by d).
//  - singular-value entropy: -sum p ln p with p_i = s_i / sum s (nats); a
//    flat spectrum gives ln d (the table's 4.85 ~ ln 128).
//  - covariance entropy: the same entropy over the eigenvalues of the sample
//    covariance of E (centred, divides by N - 1); exp of it is the effective
//    rank (Roy & Vetterli 2007).
//  - isotropy (Mu & Viswanath 2018, "All-but-the-top"): I = min_c Z(c) /
//    max_c Z(c), Z(c) = sum_i exp(c . e_i), c over the eigenvectors of E^T E
//    (uncentred, as in their paper), taking both signs of each eigenvector
//    so the score does not depend on the solver's sign choice. Computed in
//    log space. In (0, 1]; 1 = isotropic. It depends on the embeddings'
//    scale (a larger norm gives a lower score), as the original does.
//  - KL to a Gaussian: fit N(mu, Sigma) by the sample mean and covariance,
//    whiten along Sigma's eigenvectors, and estimate each axis's
//    KL(p_axis || N(0, 1)) from a histogram (Rice's rule, 2 N^(1/3) bins on
//    [-6, 6], outer bins absorbing the tails, the Gaussian's exact bin masses
//    from erf), minus the Miller-Madow bias (bins - 1) / 2N, floored at 0.
//    The sum over axes is reported: for whitened data the joint
//    KL(p || N(mu, Sigma)) equals that sum plus the axes' total correlation,
//    so it is a lower bound of the joint KL (in nats). 0 = Gaussian.
//
// Check of these readings: 7,000 x 128 embeddings drawn N(0, 1) (a random
// initialisation, which the paper says DreamRec resembles) give top singular
// value 95, variance 32.7, singular-value entropy 4.85, covariance entropy
// 4.84, isotropy 0.74, KL 0.04 -- the scale of the table's DreamRec rows
// (80-122, 33-35, 4.85, 4.83-4.85, 0.51-0.84, 0.06-0.96).
//
// Verdicts (thresholds in CollapseOptions):
//  - collapsed: point collapse (total variance <= pointTolerance x the mean
//    squared norm: all embeddings nearly identical) or dimensional collapse
//    (effective rank < rankFraction x d).
//  - gaussianLike: the paper's other failure, embeddings that stayed like a
//    random initialisation: covariance entropy >= 0.98 ln d and mean per-axis
//    KL <= 0.02.
#pragma once

#include "core/analysis/analysis_types.h"

#include <string>
#include <vector>

namespace recdiff::analysis {

struct CollapseOptions {
  int topK = 5;
  bool centre = false;  // centre E before its singular values
  double pointTolerance = 1e-6;
  double rankFraction = 0.1;
  double gaussianEntropyRatio = 0.98;
  double gaussianAxisKl = 0.02;
};

struct CollapseMetrics {
  int rows = 0, dimensions = 0;
  std::vector<double> singularValues;     // all d, descending
  std::vector<double> topSingularValues;  // the first topK
  double singularValueVariance = 0.0;
  double singularValueEntropy = 0.0;  // nats, in [0, ln d]
  double covarianceEntropy = 0.0;     // nats, in [0, ln d]
  double effectiveRank = 0.0;         // exp(covarianceEntropy)
  double isotropy = 0.0;              // in (0, 1]
  double klToGaussian = 0.0;          // sum over axes; NaN when no Gaussian fits
  double meanAxisKl = 0.0;            // NaN when no Gaussian fits
  double totalVariance = 0.0;         // trace of the covariance
  bool collapsed = false;
  bool gaussianLike = false;
  std::string verdict;  // why collapsed / gaussianLike, or "ok"
};

// e: N x d with N >= 2. Cost O(N d^2 + d^3).
CollapseMetrics collapseMetrics(const Matrix& e, const CollapseOptions& options = {});

}  // namespace recdiff::analysis
