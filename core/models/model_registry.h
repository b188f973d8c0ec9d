// Models by name. The registry is an explicit list (model_registry.cpp), not
// self-registering statics, which a static library's linker would drop.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/models/model.h"

namespace recdiff::models {

// Every registered model's declaration, in display order.
const std::vector<ModelInfo>& registeredModels();

// The declaration of `name`; throws ConfigError listing the known names.
const ModelInfo& modelInfo(const std::string& name);

// Builds `name` with `config` (missing keys take their defaults; unknown keys
// are refused). The result lives on the CPU; move it with ->to(device).
// The initial weights come from LibTorch's global generator: with
// `initSeed` it is seeded first, so the same seed builds the same model
// (without it, whatever state the generator is in decides).
ModelPtr createModel(const std::string& name, const Config& config, const DataShape& shape,
                     std::optional<std::uint64_t> initSeed = std::nullopt);

}  // namespace recdiff::models
