// A reverse-diffusion trace in plain C++ containers, for the GUI's step
// scrubber and for export. This header must never include LibTorch: the Qt
// views include it, and torch headers in a view would slow every view's
// build and clash with Qt's keywords. Convert a diffusion::Trace with
// toTable() (trace.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace recdiff::diffusion {

// One named per-step tensor a model reported (e.g. "ai2m_attention"),
// flattened row-major.
struct TraceTableExtra {
  std::vector<std::int64_t> shape;
  std::vector<float> values;
};

// One recorded step; see TraceStep in trace.h for the meaning of each field.
struct TraceTableStep {
  int t = 0;                             // timestep; 0 = the final x0
  std::vector<float> xt;                 // [batch*dim], row-major
  std::vector<float> x0Hat;              // [batch*dim]
  std::vector<float> normXt;             // [batch]
  std::vector<float> cosXtTarget;        // [batch], NaN where the target is unknown
  std::vector<float> cosX0Target;        // [batch], NaN where the target is unknown
  std::vector<float> sensitivity;        // [batch] elasticity of x̂0 to x_t; empty when not probed
  std::vector<std::int64_t> targetRank;  // [batch], 1-based, -1 where unknown
  std::vector<std::int64_t> topkIds;     // [batch*topK]
  std::vector<float> topkScores;         // [batch*topK]
  std::map<std::string, TraceTableExtra> extras;
};

struct TraceTable {
  std::int64_t batch = 0;             // rows (users) per step
  std::int64_t dim = 0;               // embedding size d
  std::int64_t topK = 0;              // columns of topkIds / topkScores
  std::vector<TraceTableStep> steps;  // ordered T..1, then the final x0 (t = 0)

  bool empty() const { return steps.empty(); }

  // Row `row` of step `step`'s x_t / x̂0: `dim` floats.
  const float* xtRow(std::size_t step, std::int64_t row) const { return steps.at(step).xt.data() + row * dim; }
  const float* x0HatRow(std::size_t step, std::int64_t row) const { return steps.at(step).x0Hat.data() + row * dim; }
  // The k-th best item (0-based k) of row `row` at step `step`.
  std::int64_t topkId(std::size_t step, std::int64_t row, std::int64_t k) const {
    return steps.at(step).topkIds.at(static_cast<std::size_t>(row * topK + k));
  }
  float topkScore(std::size_t step, std::int64_t row, std::int64_t k) const {
    return steps.at(step).topkScores.at(static_cast<std::size_t>(row * topK + k));
  }
};

}  // namespace recdiff::diffusion
