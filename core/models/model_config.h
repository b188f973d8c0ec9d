// Hyper-parameters as data: every model declares its parameters with a
// default, the value its paper used and a one-line description, so the CLI
// (`--set key=value`), the GUI's generated form and checkpoints all work from
// the same declaration. No LibTorch here: the views include this header.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

namespace recdiff::models {

using Config = nlohmann::json;  // a flat object: key -> number, bool or string

// The values a numeric parameter may take: min..max, both inclusive unless
// minExclusive (then value > min). A real value must also be finite. Every
// numeric parameter declares one, beside its declaration, with between() or
// positive() below.
struct ParamRange {
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
  bool minExclusive = false;

  bool contains(double value) const;
  // "1..4096" for an integer parameter, "[0, 1]" or "(0, 10]" for a real one.
  std::string text(bool integer) const;
};
constexpr ParamRange between(double min, double max) { return {min, max, false}; }
// (0, max]: a real that must be strictly positive.
constexpr ParamRange positive(double max) { return {0.0, max, true}; }

struct ParamSpec {
  std::string key;
  nlohmann::json defaultValue;
  std::string paperValue;  // as the paper states it, for display ("0.005")
  std::string description;
  std::vector<std::string> choices;  // non-empty for enumerated strings
  ParamRange range = {};             // numeric parameters: the values allowed

  bool isInteger() const { return defaultValue.is_number_integer(); }
  bool isReal() const { return defaultValue.is_number_float(); }
  // What a value must be, in words: "an integer in 1..4096",
  // "a finite number in (0, 10]", "one of linear|cosine", "true or false".
  std::string expected() const;
};

// A constraint between parameters, declared once with the model
// (e.g. "heads divides dim"); see divides() and atMost() below.
struct ConfigRule {
  std::string name;  // the rule in words, shown by `recdiff models`
  // "" when `config` (every declared key present) satisfies the rule; else
  // what is wrong, naming the parameters and their values.
  std::function<std::string(const Config&)> violation;
};
ConfigRule divides(const std::string& divisor, const std::string& dividend);  // "heads divides dim"
ConfigRule atMost(const std::string& lower, const std::string& upper);        // "a <= b"

struct ModelInfo {
  std::string name;         // registry key, e.g. "adigrec"
  std::string displayName;  // e.g. "ADIGRec"
  std::string paper;        // short citation
  bool diffusion = true;    // false for the non-generative baselines
  std::vector<ParamSpec> params;
  std::vector<ConfigRule> rules;

  Config defaults() const;
  const ParamSpec* find(const std::string& key) const;
};

class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Applies "key=value" overrides to `config`; the key must be declared in
// `info` and the value must parse as the declared type and lie in its range
// (or be one of its choices). Throws ConfigError naming the key, the value
// and what was expected. The rules between parameters are left to
// validateConfig, once every override is in.
void applyOverride(const ModelInfo& info, Config& config, const std::string& assignment);

// The one check of a configuration, before any work starts (CLI, Studio
// form, session loader, checkpoint loader, createModel): every key of
// `config` is declared, typed as declared and within its range or choices,
// and the model's rules hold (keys missing from `config` take defaults).
// Throws ConfigError naming the parameter, its value and what it must be.
void validateConfig(const ModelInfo& info, const Config& config);

// Checks one value against its declaration; throws ConfigError as above.
void validateValue(const ParamSpec& spec, const nlohmann::json& value);

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
  std::int64_t patience = 5;   // evaluations without improvement
  std::int64_t evalEvery = 1;  // epochs between validations
  std::int64_t maxLength = 50;
  std::string lrSchedule = "none";  // "none", "cosine", "step"
  std::int64_t stepSize = 30;       // epochs, for "step"
  double stepGamma = 0.1;
};
std::vector<ParamSpec> trainingParams(const TrainingDefaults& defaults, const std::string& paperNote = "");

}  // namespace recdiff::models
