// Linear probe: how well a linear classifier reads item categories off the
// embeddings (ADRec, Table 6). A collapsed embedding space carries little
// category information, so its probe falls to the majority-class baseline.
//
// Multinomial logistic regression on standardised features (train-split mean
// and standard deviation), L2 penalty on the weights (not the biases),
// minimised full-batch by L-BFGS (10 pairs, Armijo backtracking). A seeded
// shuffle splits the labelled items into train and test sets.
#pragma once

#include "core/analysis/analysis_types.h"

#include <cstdint>
#include <vector>

namespace recdiff::analysis {

struct LinearProbeOptions {
  double testFraction = 0.2;
  double l2 = 1e-3;         // lambda in mean CE + lambda/2 |W|^2
  int maxIterations = 300;  // L-BFGS iterations
  std::uint64_t seed = 1;
};

struct ClassificationScores {
  double accuracy = 0.0;
  double macroF1 = 0.0;  // mean F1 over the classes present in the test labels or predictions
};

struct LinearProbeResult {
  ClassificationScores test;
  ClassificationScores train;
  ClassificationScores majority;  // always predicting the train split's most frequent class
  int classes = 0;
  int trainSize = 0, testSize = 0;
  int iterations = 0;
  double finalLoss = 0.0;
};

// x: N x d; labels: N entries, a category id >= 0 or -1 for "unknown"
// (skipped). Needs at least two classes and five labelled items.
LinearProbeResult linearProbe(const Matrix& x, const std::vector<int>& labels, const LinearProbeOptions& options = {});

// Accuracy and macro-F1 of predictions against truth (same length, ids >= 0).
ClassificationScores classificationScores(const std::vector<int>& truth, const std::vector<int>& predicted);

}  // namespace recdiff::analysis
