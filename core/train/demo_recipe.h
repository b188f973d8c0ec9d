// The built-in demo, as data: the synthetic planted-interest dataset, the
// small ADIGRec that trains on it in well under a minute on a two-core CPU,
// the same ADIGRec without its covariance regulariser L_reg (the classroom
// story of routing collapse: paper 000 §4.4.2), and a DimeRec of the same
// size to compare the diffusion with (side by side in the scrubber, row by
// row in the results).
// The desktop app's demo, the classroom session and `recdiff demo` all start
// from this one recipe, so the headless run shows what the window shows.
//
// Measured on the recipe's data (BENCHMARKS.md, "The classroom story"):
// without L_reg over half of the heads end on a single item (peak weight
// >= 0.9), with it about a tenth.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/data/synthetic.h"
#include "core/models/model_config.h"

namespace recdiff::train::demo {

inline constexpr const char* kModelName = "adigrec";
inline constexpr std::uint64_t kTrainingSeed = 42;

data::SyntheticConfig syntheticConfig();
models::Config modelConfig();  // ADIGRec's overrides of its declared defaults

// One model of the demo's session.
struct DemoModel {
  std::string label;      // as the session names it
  std::string modelName;  // registry key
  models::Config config;  // overrides of the model's declared defaults
};

// In training order; the first is ADIGRec with L_reg (modelConfig()), the
// second the same without it, the third DimeRec.
std::vector<DemoModel> models();

}  // namespace recdiff::train::demo
