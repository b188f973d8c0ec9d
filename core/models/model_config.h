// Hyper-parameters as data: every model declares its parameters with a
// default, the value its paper used and a one-line description, so the CLI
// (`--set key=value`), the GUI's generated form and checkpoints all work from
// the same declaration. No LibTorch here: the views include this header.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace recdiff::models {

using Config = nlohmann::json;  // a flat object: key -> number, bool or string

struct ParamSpec {
  std::string key;
  nlohmann::json defaultValue;
  std::string paperValue;   // as the paper states it, for display ("0.005")
  std::string description;
  std::vector<std::string> choices;  // non-empty for enumerated strings
};

struct ModelInfo {
  std::string name;          // registry key, e.g. "adigrec"
  std::string displayName;   // e.g. "ADIGRec"
  std::string paper;         // short citation
  bool diffusion = true;     // false for the non-generative baselines
  std::vector<ParamSpec> params;

  Config defaults() const;
  const ParamSpec* find(const std::string& key) const;
};

class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Applies "key=value" overrides to `config`; the key must be declared in
// `info` and the value must parse as the declared type (or be one of its
// choices). Throws ConfigError naming the key and what was expected.
void applyOverride(const ModelInfo& info, Config& config, const std::string& assignment);

// Checks that every key of `config` is declared and typed as declared.
void validateConfig(const ModelInfo& info, const Config& config);

}  // namespace recdiff::models

namespace recdiff::models {

// The training hyper-parameters every model declares (the trainer reads them
// from the model's config), with the model's paper values.
struct TrainingDefaults {
  std::string optimizer = "adamw";  // "adam" or "adamw"
  double learningRate = 1e-3;
  double weightDecay = 0.0;
  std::int64_t batchSize = 256;
  std::int64_t epochs = 100;
  std::int64_t patience = 5;        // evaluations without improvement
  std::int64_t evalEvery = 1;       // epochs between validations
  std::int64_t maxLength = 50;
  std::string lrSchedule = "none";  // "none", "cosine", "step"
  std::int64_t stepSize = 30;       // epochs, for "step"
  double stepGamma = 0.1;
};
std::vector<ParamSpec> trainingParams(const TrainingDefaults& defaults,
                                      const std::string& paperNote = "");

}  // namespace recdiff::models
