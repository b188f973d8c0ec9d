// The built-in demo, as data: the synthetic planted-interest dataset, the
// small ADIGRec that trains on it in well under a minute on a two-core CPU,
// and a DimeRec of the same size to compare it with (side by side in the
// scrubber, row by row in the results).
// The desktop app's demo, the classroom session and `recdiff demo` all start
// from this one recipe, so the headless run shows what the window shows.
#pragma once

#include <cstdint>

#include "core/data/synthetic.h"
#include "core/models/model_config.h"

namespace recdiff::train::demo {

inline constexpr const char* kModelName = "adigrec";
inline constexpr std::uint64_t kTrainingSeed = 42;

data::SyntheticConfig syntheticConfig();
models::Config modelConfig();  // overrides of the model's declared defaults

inline constexpr const char* kComparisonModelName = "dimerec";
models::Config comparisonConfig();

}  // namespace recdiff::train::demo
