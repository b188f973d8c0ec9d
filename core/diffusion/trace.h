// The step trace of a reverse run: what the GUI's step scrubber shows.
//
// A sampler given a TraceRecorder calls record() once per reverse step (with
// x_t and the denoiser's x̂0) and once more for the final x0 (t = 0, with
// x_t = x̂0 = x0). Without a recorder (a null pointer) nothing is computed or
// copied: tracing costs nothing when it is off.
//
// Everything a step keeps lives on the CPU as float, so views and exporters
// read it without a torch device; the ranking against the catalog is
// computed on the catalog's device and only its [B,k] result is copied back.
// For code that must not include LibTorch (the Qt views), toTable() turns a
// Trace into the plain containers of trace_table.h.
#pragma once

#include <torch/types.h>

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/diffusion/sensitivity_probe.h"
#include "core/diffusion/trace_table.h"

namespace recdiff::diffusion {

// Named per-step tensors a denoiser may report for the trace, e.g.
// "ai2m_attention" [B,1,k]. The sampler hands the denoiser a StepExtras only
// while recording, so a model fills it only when someone will look.
struct StepExtras {
  std::map<std::string, torch::Tensor> tensors;
  // True on the sensitivity probe's second call of a step (x_t moved by a
  // small δ; sensitivity_probe.h). A denoiser that draws randomness of its
  // own must then draw exactly what the step's first call drew, and leave
  // its generator where that call left it, so that the probe compares like
  // with like and the run goes on unchanged. What a probe call puts here is
  // dropped.
  bool probe = false;

  void put(const std::string& name, const torch::Tensor& value) { tensors[name] = value; }
  bool empty() const { return tensors.empty(); }
  void clear() { tensors.clear(); }
};

struct TraceStep {
  int t = 0;                       // timestep of x_t; 0 = the final x0
  torch::Tensor xt;                // [B,d] float, CPU
  torch::Tensor x0Hat;             // [B,d] float, CPU: the denoiser's estimate at t
  std::vector<float> normXt;       // ‖x_t‖ per row
  std::vector<float> cosXtTarget;  // cos(x_t, E[target]) per row; NaN when unknown
  std::vector<float> cosX0Target;  // cos(x̂0, E[target]) per row; NaN when unknown
  // Elasticity of x̂0 with respect to x_t per row (sensitivity_probe.h):
  // empty unless the recorder probes sensitivity, and always for the final
  // x0 (there is no step left to probe).
  std::vector<float> sensitivity;
  // 1-based rank of the true target among all items by x̂0·Eᵀ: 1 + the number
  // of ranked items scoring strictly higher (ties favour the target;
  // padding and excluded items never count). -1 when the target is unknown.
  std::vector<std::int64_t> targetRank;
  torch::Tensor topkIds;                        // [B,k] int64, CPU: best items by x̂0·Eᵀ
  torch::Tensor topkScores;                     // [B,k] float, CPU
  std::map<std::string, torch::Tensor> extras;  // CPU copies of StepExtras
};

struct Trace {
  std::vector<TraceStep> steps;  // ordered T..1 (the steps taken), then the final x0
};

class TraceRecorder {
 public:
  // `itemEmbeddings`: the catalog E [N+1,d], row 0 = padding (never ranked,
  // score -inf). Scores are computed on E's device. `targets`: the true next
  // item per row, int64 [B], or undefined when unknown; entries <= 0 or > N
  // mark that row's target unknown. `topK` is clamped to N.
  // Throws std::invalid_argument for malformed inputs.
  explicit TraceRecorder(torch::Tensor itemEmbeddings, torch::Tensor targets = {}, int topK = 10);

  void setTargets(torch::Tensor targets);
  // Hook for leaving items out of the ranking and the top-k per row, e.g. the
  // items already in the history: bool [B, N+1], true = excluded. An
  // undefined tensor clears it. The target's own rank is still computed
  // against the remaining items.
  void setExcludedItems(torch::Tensor mask);
  // Convenience for the usual case: excludes the ids of `history` [B,L]
  // (int64, 0 = padding, ignored).
  void excludeHistory(const torch::Tensor& history);

  // Asks for each step's sensitivity (TraceStep::sensitivity): see
  // sensitivity_probe.h for what is measured and how δ is drawn. Throws
  // std::invalid_argument unless 0 < relativeStep <= 1.
  void setSensitivityProbe(double relativeStep = 0.01, std::uint64_t seed = 0);
  void clearSensitivityProbe() { probe_.reset(); }
  bool probesSensitivity() const { return probe_.has_value(); }

  // x̂0 as the step being recorded computes it, at another x_t.
  using Probe = std::function<torch::Tensor(const torch::Tensor& xtNear)>;

  // Records one step. xt and x0Hat are [B,d] on any device; `extras` may be
  // null. `probe` (the step's denoiser; empty for the final x0) is called
  // once at x_t + δ when the recorder probes sensitivity. Throws
  // std::invalid_argument on shape mismatches.
  void record(int t, const torch::Tensor& xt, const torch::Tensor& x0Hat, const StepExtras* extras = nullptr,
              const Probe& probe = {});

  int topK() const { return topK_; }
  std::int64_t numItems() const { return numItems_; }  // N
  const Trace& trace() const { return trace_; }
  // Moves the recorded trace out and leaves the recorder empty (its catalog,
  // targets and exclusions stay).
  Trace takeTrace();
  void clear() { trace_.steps.clear(); }

 private:
  torch::Tensor items_;     // E, as given
  torch::Tensor targets_;   // int64 [B] on E's device, or undefined
  torch::Tensor excluded_;  // bool [B, N+1] on E's device, or undefined
  std::int64_t numItems_ = 0;
  int topK_ = 10;
  std::optional<SensitivityProbe> probe_;
  Trace trace_;
};

// The plain-container form of a trace for views that must not include
// LibTorch. Extras are converted to float.
TraceTable toTable(const Trace& trace);

}  // namespace recdiff::diffusion
