// Whole-model diagnostics against collapse, for `recdiff analyze` and the
// studio: the item table's embedding-collapse metrics (ADRec's Table 5), a
// linear probe of item categories (its Table 6), and — for models that
// expose interest routing — routing collapse as paper 000 §4.4.2 defines it
// (heads on a single item), head redundancy, how often each head wins, the
// routing covariance behind L_reg, and how well the heads line up with item
// categories (on the synthetic dataset
// these are the planted interests). No LibTorch in this header: the
// studio's views read the result.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/analysis/collapse_metrics.h"
#include "core/analysis/interest_diagnostics.h"
#include "core/analysis/linear_probe.h"
#include "core/data/sequence_dataset.h"

namespace recdiff::models {
class Model;
}

namespace recdiff::eval {

struct DiagnosticsOptions {
  std::int64_t maxUsers = 2000;  // routing over the first N samples (0 = all)
  std::int64_t batchSize = 256;
  int topPositions = 1;            // positions per head voting in the category match
  double collapseThreshold = 0.9;  // a head with peak routing weight >= this is collapsed
  bool linearProbe = true;         // off for the per-epoch tracking during training
};

struct ModelDiagnostics {
  analysis::CollapseMetrics embedding;                           // of E[1..N]
  std::optional<analysis::LinearProbeResult> probe;              // when items have categories
  std::optional<analysis::InterestDiagnostics> interests;        // when the model exposes routing
  std::optional<analysis::InterestCategoryMatch> categoryMatch;  // routing and categories
  std::int64_t usersAnalysed = 0;
};

// `device`: "cpu" or "cuda". The model's training flag is restored.
ModelDiagnostics diagnoseModel(models::Model& model, const data::SequenceDataset& dataset,
                               const std::vector<data::Sample>& samples, const std::string& device,
                               const DiagnosticsOptions& options = {});

}  // namespace recdiff::eval
