// The core calls behind the inspection docks, with no torch type in sight:
// one user's reverse run recorded step by step (for the scrubber) and a
// model's inspection outputs for one user (routing weights, covariance, …),
// both as plain containers. Like core_facade.h, the .cpp is the only place
// that includes LibTorch; call these on a worker thread.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "app/studio/core_facade.h"
#include "core/analysis/analysis_types.h"
#include "core/diffusion/trace_table.h"
#include "core/eval/model_diagnostics.h"
#include "core/eval/stepwise_accuracy.h"

namespace recdiff::studio::core {

struct TraceSettings {
  std::string device = "cpu";
  int threads = 0;
  std::string sampler = "ddpm";  // "ddpm" or "ddim"
  std::int64_t steps = 0;        // DDIM steps S (0 = all T)
  double eta = 0.0;
  std::uint64_t seed = 1;  // the initial noise and every sampling draw
  int topK = 10;
  bool excludeHistory = false;  // keep history items out of the ranking
  // The sensitivity probe's ‖δ‖/‖x_t‖ (diffusion/sensitivity_probe.h): each
  // step's elasticity of x̂0 to x_t joins the trace. 0 = no probe.
  double sensitivityStep = 0.01;
};

// The reverse process of `model` for `sample`, every step recorded (for a
// non-diffusion baseline: its single step). Throws std::invalid_argument
// for a sample outside the model's catalogue.
diffusion::TraceTable traceReverse(const ModelHandle& model, const data::Sample& sample, const TraceSettings& settings);

// A named inspection output, flattened row-major, batch dimension dropped
// (e.g. "routing_weights" with shape {L, k}).
using InspectionTable = std::map<std::string, diffusion::TraceTableExtra>;

// What the model exposes for `sample` (empty for models with no hooks).
// The history positions of every [L, …] output follow the sample's history,
// oldest first, truncated to the model's maximum length.
InspectionTable inspectSample(const ModelHandle& model, const data::Sample& sample, int threads = 0);

// HR/NDCG of x̂0 at every reverse step over the test split (settings'
// sampler, steps, seed). `progress(done, total)` returning false stops early.
std::vector<eval::StepAccuracy> stepAccuracy(const ModelHandle& model, const data::SequenceDataset& dataset,
                                             const TraceSettings& settings,
                                             const std::function<bool(std::int64_t, std::int64_t)>& progress);

// The item table E[1..N] as plain rows (row i = item i+1): what the
// projection view maps.
analysis::Matrix itemTable(const ModelHandle& model);

// The generated x0 of the first `users` test samples, one reverse run each.
analysis::Matrix generateForTest(const ModelHandle& model, const data::SequenceDataset& dataset, std::int64_t users,
                                 const TraceSettings& settings);

// Collapse diagnostics (eval/model_diagnostics.h) over `samples`, the test
// split when null: the item table, and the routing of up to 2,000 users.
eval::ModelDiagnostics diagnose(const ModelHandle& model, const data::SequenceDataset& dataset, int threads = 0,
                                const std::vector<data::Sample>* samples = nullptr,
                                const eval::DiagnosticsOptions& options = {});

}  // namespace recdiff::studio::core
