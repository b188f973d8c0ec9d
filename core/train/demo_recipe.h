// The built-in demo, as data: the synthetic planted-interest dataset and the
// small ADIGRec that trains on it in well under a minute on a two-core CPU.
// The desktop app's demo, the classroom session and `recdiff demo` all start
// from this one recipe, so the headless run shows what the window shows.
#pragma once

#include "core/data/synthetic.h"
#include "core/models/model_config.h"

namespace recdiff::train::demo {

inline constexpr const char* kModelName = "adigrec";
inline constexpr std::uint64_t kTrainingSeed = 42;

data::SyntheticConfig syntheticConfig();
models::Config modelConfig();  // overrides of the model's declared defaults

}  // namespace recdiff::train::demo
