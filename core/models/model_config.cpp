#include "core/models/model_config.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <sstream>

namespace recdiff::models {

bool ParamRange::contains(double value) const {
  if (std::isnan(value)) return false;
  return (minExclusive ? value > min : value >= min) && value <= max;
}

namespace {

std::string number(double v) {
  if (std::isfinite(v) && std::abs(v) < 1e15 && v == std::floor(v)) {
    return std::to_string(static_cast<long long>(v));
  }
  std::ostringstream out;
  out << v;
  return out.str();
}

}  // namespace

std::string ParamRange::text(bool integer) const {
  if (integer) return number(min) + ".." + number(max);
  return (minExclusive ? "(" : "[") + number(min) + ", " + number(max) + "]";
}

std::string ParamSpec::expected() const {
  if (defaultValue.is_boolean()) return "true or false";
  if (isInteger()) return "an integer in " + range.text(true);
  if (defaultValue.is_number()) return "a finite number in " + range.text(false);
  if (!choices.empty()) {
    std::string all;
    for (const auto& c : choices) all += (all.empty() ? "" : "|") + c;
    return "one of " + all;
  }
  return "a string";
}

namespace {

// A value as a person would type it: 64, 0.005, nan, adamw.
std::string shown(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_float()) return number(v.get<double>());
  return v.dump();
}

// The value of `key` in a configuration completed with the defaults.
double numberAt(const Config& config, const std::string& key) { return config.at(key).get<double>(); }

}  // namespace

ConfigRule divides(const std::string& divisor, const std::string& dividend) {
  return {divisor + " divides " + dividend, [divisor, dividend](const Config& c) -> std::string {
            const auto a = c.at(divisor).get<std::int64_t>();
            const auto b = c.at(dividend).get<std::int64_t>();
            if (a != 0 && b % a == 0) return "";
            return divisor + "=" + std::to_string(a) + " does not divide " + dividend + "=" + std::to_string(b) +
                   " (the rule: " + divisor + " divides " + dividend + ")";
          }};
}

ConfigRule atMost(const std::string& lower, const std::string& upper) {
  return {lower + " <= " + upper, [lower, upper](const Config& c) -> std::string {
            if (numberAt(c, lower) <= numberAt(c, upper)) return "";
            return lower + "=" + shown(c.at(lower)) + " exceeds " + upper + "=" + shown(c.at(upper)) +
                   " (the rule: " + lower + " <= " + upper + ")";
          }};
}

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
    errno = 0;
    const long long v = std::strtoll(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || errno == ERANGE) return fail(spec.expected());
    return v;
  }
  if (spec.defaultValue.is_number()) {
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (text.empty() || *end != '\0') return fail(spec.expected());
    return v;
  }
  if (!spec.choices.empty() && std::find(spec.choices.begin(), spec.choices.end(), text) == spec.choices.end()) {
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
    throw ConfigError("model '" + info.name + "' has no parameter '" + key + "' (known: " + knownKeys(info) + ")");
  }
  nlohmann::json value = parseTyped(*spec, assignment.substr(eq + 1));
  validateValue(*spec, value);
  config[key] = std::move(value);
}

void validateValue(const ParamSpec& spec, const nlohmann::json& v) {
  const auto& d = spec.defaultValue;
  const bool typed = (d.is_boolean() && v.is_boolean()) || (d.is_number_integer() && v.is_number_integer()) ||
                     (d.is_number_float() && v.is_number()) || (d.is_string() && v.is_string());
  const bool ok = typed && (!v.is_number() || spec.range.contains(v.get<double>())) &&
                  (spec.choices.empty() ||
                   std::find(spec.choices.begin(), spec.choices.end(), v.get<std::string>()) != spec.choices.end());
  if (!ok) {
    const char* what = typed && v.is_number() ? " is out of range" : " is invalid";
    throw ConfigError("parameter '" + spec.key + "' = " + shown(v) + what + ": expected " + spec.expected());
  }
}

void validateConfig(const ModelInfo& info, const Config& config) {
  if (!config.is_object()) throw ConfigError("model configuration must be a JSON object");
  Config full = info.defaults();
  for (auto it = config.begin(); it != config.end(); ++it) {
    const ParamSpec* spec = info.find(it.key());
    if (!spec) {
      throw ConfigError("model '" + info.name + "' has no parameter '" + it.key() + "' (known: " + knownKeys(info) +
                        ")");
    }
    validateValue(*spec, it.value());
    full[it.key()] = it.value();
  }
  for (const ConfigRule& rule : info.rules) {
    const std::string problem = rule.violation(full);
    if (!problem.empty()) throw ConfigError(info.name + ": " + problem);
  }
}

}  // namespace recdiff::models

namespace recdiff::models {

std::vector<ParamSpec> trainingParams(const TrainingDefaults& d, const std::string& note) {
  return {
      {"optimizer", d.optimizer, d.optimizer, "optimiser", {"adam", "adamw"}},
      {"lr", d.learningRate, std::to_string(d.learningRate), "learning rate" + note, {}, positive(10)},
      {"weight_decay", d.weightDecay, std::to_string(d.weightDecay), "weight decay", {}, between(0, 10)},
      {"batch_size", d.batchSize, std::to_string(d.batchSize), "training batch size", {}, between(1, 65536)},
      {"epochs", d.epochs, "", "maximum epochs (early stopping usually ends sooner)", {}, between(1, 100000)},
      {"patience", d.patience, "", "validations without NDCG@20 improvement before stopping", {}, between(1, 100000)},
      {"eval_every", d.evalEvery, "", "epochs between validations", {}, between(1, 100000)},
      {"max_length",
       d.maxLength,
       std::to_string(d.maxLength),
       "history length seen by the model",
       {},
       between(1, 10000)},
      {"lr_schedule", d.lrSchedule, d.lrSchedule, "learning-rate schedule", {"none", "cosine", "step"}},
      {"step_size", d.stepSize, std::to_string(d.stepSize), "epochs per StepLR step", {}, between(1, 100000)},
      {"step_gamma", d.stepGamma, std::to_string(d.stepGamma), "StepLR decay factor", {}, positive(1)},
  };
}

}  // namespace recdiff::models
