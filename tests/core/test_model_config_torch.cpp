// Hyper-parameters are declared once with their ranges (issue 44, case 3):
// every numeric parameter of every model has a finite range holding its
// default, and the one check (applyOverride / validateConfig, used by the
// CLI, the Studio and the checkpoint loader) refuses what would crash or
// mislead LibTorch, naming the parameter, its value and its range.
#include <cmath>
#include <limits>

#include "core/models/model_registry.h"
#include "tests/support/check.h"

using namespace recdiff;

namespace {

// The ConfigError message of `model` with `assignment` applied and checked.
std::string refusal(const std::string& model, const std::string& assignment) {
  const auto& info = models::modelInfo(model);
  auto config = info.defaults();
  try {
    models::applyOverride(info, config, assignment);
    models::validateConfig(info, config);
  } catch (const models::ConfigError& e) {
    return e.what();
  }
  throw test::Failure(model + " accepted " + assignment);
}

bool contains(const std::string& text, const std::string& fragment) { return text.find(fragment) != std::string::npos; }

}  // namespace

TEST_CASE("every numeric parameter declares a finite range that holds its default") {
  for (const auto& info : models::registeredModels()) {
    for (const auto& p : info.params) {
      if (!p.defaultValue.is_number()) continue;
      const std::string what = info.name + "." + p.key;
      if (!std::isfinite(p.range.min) || !std::isfinite(p.range.max)) throw test::Failure(what + ": no range");
      if (!p.range.contains(p.defaultValue.get<double>())) throw test::Failure(what + ": default out of range");
    }
    models::validateConfig(info, info.defaults());  // the defaults keep the model's own rules
  }
}

TEST_CASE("the issue's bad values are refused naming the parameter, value and range") {
  struct Bad {
    std::string model, assignment, fragment;
  };
  const std::vector<Bad> cases = {
      {"sasrec", "batch_size=0", "parameter 'batch_size' = 0 is out of range: expected an integer in 1..65536"},
      {"sasrec", "batch_size=-1", "'batch_size' = -1"},
      {"sasrec", "heads=0", "parameter 'heads' = 0"},
      {"sasrec", "dim=0", "'dim' = 0 is out of range: expected an integer in 1..4096"},
      {"sasrec", "dim=-5", "'dim' = -5"},
      {"sasrec", "dim=99999999999", "'dim' = 99999999999"},
      {"sasrec", "dim=999999999999999999999999", "'dim': expected an integer in 1..4096"},
      {"sasrec", "lr=nan", "'lr' = nan is out of range: expected a finite number in (0, 10]"},
      {"sasrec", "lr=-1", "'lr' = -1"},
      {"sasrec", "lr=inf", "'lr' = inf"},
      {"sasrec", "lr=0", "'lr' = 0"},
      {"sasrec", "max_length=0", "'max_length' = 0"},
      {"sasrec", "dropout=1.5", "expected a finite number in [0, 1]"},
      {"adigrec", "interests=0", "'interests' = 0"},
      {"adigrec", "negatives=0", "'negatives' = 0"},
      {"adigrec", "diffusion_steps=0", "'diffusion_steps' = 0"},
      {"dreamrec", "p_uncond=2", "'p_uncond' = 2"},
      {"comirec", "interests=0", "'interests' = 0"},
  };
  for (const auto& c : cases) {
    const std::string message = refusal(c.model, c.assignment);
    if (!contains(message, c.fragment)) {
      throw test::Failure(c.model + " " + c.assignment + ": \"" + message + "\" lacks \"" + c.fragment + "\"");
    }
  }
  // Values at the ends of a range are fine.
  const auto& info = models::modelInfo("sasrec");
  auto config = info.defaults();
  for (const char* ok : {"batch_size=1", "dim=4096", "lr=10", "dropout=0", "dropout=1", "max_length=1"}) {
    models::applyOverride(info, config, ok);
  }
}

TEST_CASE("a rule between parameters: heads must divide dim") {
  const std::string message = refusal("sasrec", "heads=3");
  CHECK(contains(message, "heads=3 does not divide dim=64"));
  for (const char* name : {"adigrec", "adrec", "diffurec", "diffurecsys", "dreamrec"}) {
    CHECK(contains(refusal(name, "heads=3"), "heads divides dim"));
  }
  CHECK(contains(refusal("dae4rec", "sampling_steps=2000"), "sampling_steps=2000 exceeds diffusion_steps=1000"));
  // createModel checks too, before LibTorch sees the numbers.
  auto config = models::modelInfo("sasrec").defaults();
  config["heads"] = 3;
  CHECK_THROWS_WITH(models::ConfigError, models::createModel("sasrec", config, {20, 10}), "heads=3");
}

TEST_CASE("a configuration from a file (session, checkpoint) is checked the same way") {
  const auto& info = models::modelInfo("adigrec");
  CHECK_THROWS_WITH(models::ConfigError, models::validateConfig(info, {{"dim", 0}}),
                    "parameter 'dim' = 0 is out of range: expected an integer in 1..4096");
  CHECK_THROWS_WITH(models::ConfigError,
                    models::validateConfig(info, {{"lr", std::numeric_limits<double>::quiet_NaN()}}), "'lr'");
  CHECK_THROWS_WITH(models::ConfigError, models::validateConfig(info, {{"dim", 64.5}}),
                    "'dim' = 64.5 is invalid: expected an integer");
  CHECK_THROWS_WITH(models::ConfigError, models::validateConfig(info, {{"schedule", "bogus"}}),
                    "'schedule' = bogus is invalid: expected one of linear|");
  CHECK_THROWS_WITH(models::ConfigError, models::validateConfig(info, {{"no_such_key", 1}}), "no_such_key");
  CHECK_THROWS_WITH(models::ConfigError, models::createModel("adigrec", {{"batch_size", 0}}, {20, 10}),
                    "'batch_size' = 0");
  models::validateConfig(info, {{"dim", 32}, {"lr", 0.01}});
}

TEST_CASE("each range reads as the user types it") {
  const auto& info = models::modelInfo("sasrec");
  CHECK_EQ(info.find("dim")->expected(), std::string("an integer in 1..4096"));
  CHECK_EQ(info.find("lr")->expected(), std::string("a finite number in (0, 10]"));
  CHECK_EQ(info.find("dropout")->expected(), std::string("a finite number in [0, 1]"));
  CHECK_EQ(info.find("optimizer")->expected(), std::string("one of adam|adamw"));
  CHECK_EQ(info.rules.size(), std::size_t{1});
  CHECK_EQ(info.rules[0].name, std::string("heads divides dim"));
}
