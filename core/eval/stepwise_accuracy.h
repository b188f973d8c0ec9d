// Accuracy of the intermediate estimates of the reverse process over a whole
// split (the DimeRec paper's Figure 5): at every reverse step, the ranking
// of the denoiser's x̂0 against the catalogue, averaged over samples as
// HR@K / NDCG@K. It shows how early the generation settles — and whether
// the last steps still help. No LibTorch in this header (the studio plots it).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/data/sequence_dataset.h"
#include "core/eval/ranking_metrics.h"

namespace recdiff::models {
class Model;
struct ReverseOptions;
}  // namespace recdiff::models

namespace recdiff::eval {

struct StepAccuracy {
  int t = 0;               // timestep of the step; 0 = the final x0
  RankingMetrics metrics;  // of x̂0 at this step
};

// One entry per recorded step, in reverse order (t = T first, t = 0 last).
// Ranks follow the trace's convention (trace.h): 1 + the items scoring
// strictly higher, so a tie does not count against the target. `progress`
// (done, total) returning false stops early with the steps so far averaged
// over the samples so far.
std::vector<StepAccuracy> stepwiseAccuracy(models::Model& model, const std::vector<data::Sample>& samples,
                                           const models::ReverseOptions& reverse, const std::string& device,
                                           std::int64_t batchSize = 512,
                                           const std::vector<int>& cutoffs = defaultCutoffs(),
                                           const std::function<bool(std::int64_t, std::int64_t)>& progress = {});

}  // namespace recdiff::eval
