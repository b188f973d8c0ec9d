#include "core/models/model_config.h"

#include <algorithm>
#include <cstdlib>

namespace recdiff::models {

Config ModelInfo::defaults() const {
  Config c = Config::object();
  for (const ParamSpec& p : params) c[p.key] = p.defaultValue;
  return c;
}

const ParamSpec* ModelInfo::find(const std::string& key) const {
  for (const ParamSpec& p : params) {
    if (p.key == key) return &p;
  }
  return nullptr;
}

namespace {

std::string knownKeys(const ModelInfo& info) {
  std::string keys;
  for (const ParamSpec& p : info.params) keys += (keys.empty() ? "" : ", ") + p.key;
  return keys;
}

nlohmann::json parseTyped(const ParamSpec& spec, const std::string& text) {
  const auto fail = [&](const std::string& what) -> nlohmann::json {
    throw ConfigError("parameter '" + spec.key + "': expected " + what + ", got '" + text + "'");
  };
  if (spec.defaultValue.is_boolean()) {
    if (text == "true" || text == "1" || text == "on") return true;
    if (text == "false" || text == "0" || text == "off") return false;
    return fail("true or false");
  }
  if (spec.defaultValue.is_number_integer()) {
    char* end = nullptr;
    const long long v = std::strtoll(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0') return fail("an integer");
    return v;
  }
  if (spec.defaultValue.is_number()) {
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (text.empty() || *end != '\0') return fail("a number");
    return v;
  }
  if (!spec.choices.empty() &&
      std::find(spec.choices.begin(), spec.choices.end(), text) == spec.choices.end()) {
    std::string all;
    for (const auto& c : spec.choices) all += (all.empty() ? "" : "|") + c;
    return fail("one of " + all);
  }
  return text;
}

}  // namespace

void applyOverride(const ModelInfo& info, Config& config, const std::string& assignment) {
  const auto eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0) {
    throw ConfigError("expected key=value, got '" + assignment + "'");
  }
  const std::string key = assignment.substr(0, eq);
  const ParamSpec* spec = info.find(key);
  if (!spec) {
    throw ConfigError("model '" + info.name + "' has no parameter '" + key +
                      "' (known: " + knownKeys(info) + ")");
  }
  config[key] = parseTyped(*spec, assignment.substr(eq + 1));
}

void validateConfig(const ModelInfo& info, const Config& config) {
  if (!config.is_object()) throw ConfigError("model configuration must be a JSON object");
  for (auto it = config.begin(); it != config.end(); ++it) {
    const ParamSpec* spec = info.find(it.key());
    if (!spec) {
      throw ConfigError("model '" + info.name + "' has no parameter '" + it.key() + "'");
    }
    const auto& d = spec->defaultValue;
    const auto& v = it.value();
    const bool ok = (d.is_boolean() && v.is_boolean()) ||
                    (d.is_number_integer() && v.is_number_integer()) ||
                    (d.is_number_float() && v.is_number()) || (d.is_string() && v.is_string());
    if (!ok) {
      throw ConfigError("parameter '" + it.key() + "' has the wrong type: " + v.dump());
    }
  }
}

}  // namespace recdiff::models

namespace recdiff::models {

std::vector<ParamSpec> trainingParams(const TrainingDefaults& d, const std::string& note) {
  return {
      {"optimizer", d.optimizer, d.optimizer, "optimiser", {"adam", "adamw"}},
      {"lr", d.learningRate, std::to_string(d.learningRate), "learning rate" + note, {}},
      {"weight_decay", d.weightDecay, std::to_string(d.weightDecay), "weight decay", {}},
      {"batch_size", d.batchSize, std::to_string(d.batchSize), "training batch size", {}},
      {"epochs", d.epochs, "", "maximum epochs (early stopping usually ends sooner)", {}},
      {"patience", d.patience, "", "validations without NDCG@20 improvement before stopping", {}},
      {"eval_every", d.evalEvery, "", "epochs between validations", {}},
      {"max_length", d.maxLength, std::to_string(d.maxLength), "history length seen by the model", {}},
      {"lr_schedule", d.lrSchedule, d.lrSchedule, "learning-rate schedule", {"none", "cosine", "step"}},
      {"step_size", d.stepSize, std::to_string(d.stepSize), "epochs per StepLR step", {}},
      {"step_gamma", d.stepGamma, std::to_string(d.stepGamma), "StepLR decay factor", {}},
  };
}

}  // namespace recdiff::models
