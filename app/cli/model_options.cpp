#include "app/cli/model_options.h"

#include <cstdio>
#include <sstream>

#include "core/core_version.h"
#include "core/eval/model_selection.h"
#include "core/train/trainer.h"

namespace recdiff::cli {

void declareModelOptions(ArgParser& parser) {
  parser.section("Model")
      .option("model", "NAME", "model to build (see `recdiff models`)", "adigrec")
      .option("set", "KEY=VALUE,...", "override hyper-parameters, e.g. --set dim=64,lambda2=0.01");
}

void declareRuntimeOptions(ArgParser& parser) {
  parser.section("Runtime")
      .option("device", "cpu|cuda", "where to compute", "cpu")
      .option("threads", "N", "intra-op threads (0 = all cores)", "0")
      .option("seed", "N", "seed of every random draw", "42");
}

void declareReverseOptions(ArgParser& parser) {
  parser.section("Reverse process")
      .option("sampler", "ddpm|ddim", "reverse sampler of diffusion models", "ddpm")
      .option("steps", "S", "DDIM steps (0 = all T)", "0")
      .option("eta", "ETA", "DDIM eta (0 = deterministic)", "0")
      .option("ensemble", "N", "reverse runs averaged per user (DiffuRecSys)", "1")
      .option("noise-scale", "S",
              "scales x_T and every step's noise (1 = the model's process; 0 = none: x0 from the history alone)", "1")
      .flag("no-compensator", "take the sampler's own last step, not a learned compensator (DAE4Rec)");
}

models::Config modelConfigFromArgs(const models::ModelInfo& info, const ParsedArgs& args) {
  return modelConfigFromArgs(info, args, info.defaults());
}

models::Config modelConfigFromArgs(const models::ModelInfo& info, const ParsedArgs& args, models::Config base) {
  models::Config config = std::move(base);
  std::string text = args.has("set") ? args.get("set") : std::string();
  for (char& c : text) {
    if (c == ',' || c == ';' || c == '\n') c = ' ';
  }
  std::istringstream in(text);
  std::string assignment;
  try {
    while (in >> assignment) models::applyOverride(info, config, assignment);
    // Ranges and the rules between parameters, before any work starts.
    models::validateConfig(info, config);
  } catch (const models::ConfigError& e) {
    throw UsageError(std::string(text.empty() ? "" : "--set: ") + e.what());
  }
  return config;
}

models::ReverseOptions reverseOptionsFromArgs(const ParsedArgs& args) {
  models::ReverseOptions o;
  o.sampler = args.get("sampler");
  if (o.sampler != "ddpm" && o.sampler != "ddim") {
    throw UsageError("--sampler expects ddpm or ddim, got '" + o.sampler + "'");
  }
  o.steps = args.getInt("steps", 0, 100000);
  o.eta = args.getDouble("eta", 0.0, 10.0);
  o.ensemble = static_cast<int>(args.getInt("ensemble", 1, 1000));
  o.noiseScale = args.getDouble("noise-scale", 0.0, 100.0);
  o.compensator = !args.flag("no-compensator");
  // Commands that seed each run themselves (compare) declare no --seed.
  if (!args.get("seed").empty()) o.seed = args.getUnsigned("seed");
  return o;
}

int stageIndex(const models::Model& model, const std::string& name) {
  const auto stages = model.stages();
  std::string names;
  for (std::size_t i = 0; i < stages.size(); ++i) {
    if (stages[i].name == name) return static_cast<int>(i);
    names += (names.empty() ? "" : ", ") + stages[i].name;
  }
  throw UsageError("--stage " + name + ": " + model.modelName() + " has the stages " + names);
}

void declareSelectionOption(ArgParser& parser) {
  parser.option("select", "RULE",
                "keep the model whose validation is best by ndcg@K, hr@K, or any (a new best on any of "
                "HR/NDCG@5/10/20, ADRec's reference rule; patience then counts validations with none)",
                "ndcg@20");
}

std::string selectionRuleFromArgs(const ParsedArgs& args) {
  const std::string rule = args.get("select");
  try {
    eval::ModelSelection check(rule);
  } catch (const std::invalid_argument& e) {
    throw UsageError(std::string("--select: ") + e.what());
  }
  return rule;
}

void applyRuntimeOptions(const ParsedArgs& args) {
  setIntraOpThreads(static_cast<int>(args.getInt("threads", 0, 4096)));
  try {
    train::parseDevice(args.get("device"));
  } catch (const std::invalid_argument& e) {
    throw UsageError(std::string("--device: ") + e.what());
  }
}

void printMetrics(std::ostream& out, const eval::RankingMetrics& m) {
  char line[64];
  out << "metric      value (%)\n";
  for (const auto& [k, v] : m.hitRate) {
    std::snprintf(line, sizeof line, "HR@%-8d %8.3f\n", k, 100.0 * v);
    out << line;
  }
  for (const auto& [k, v] : m.ndcg) {
    std::snprintf(line, sizeof line, "NDCG@%-6d %8.3f\n", k, 100.0 * v);
    out << line;
  }
  std::snprintf(line, sizeof line, "MRR        %8.3f\n", 100.0 * m.mrr);
  out << line << "(" << m.count << " samples, full ranking over all items)\n";
}

nlohmann::json metricsToJson(const eval::RankingMetrics& m) { return train::toJson(m); }

namespace {
std::string lengthLabel(const eval::HistoryLengthGroup& g) {
  if (g.openEnded) return std::to_string(g.minLength) + "+";
  if (g.minLength == g.maxLength) return std::to_string(g.minLength);
  return std::to_string(g.minLength) + "-" + std::to_string(g.maxLength);
}
}  // namespace

void printHistoryLengthGroups(std::ostream& out, const std::vector<eval::HistoryLengthGroup>& groups) {
  char line[96];
  out << "history length  samples   HR@20  NDCG@20     MRR (%)\n";
  for (const auto& g : groups) {
    std::snprintf(line, sizeof line, "%-14s %8zu %7.3f %8.3f %7.3f\n", lengthLabel(g).c_str(), g.metrics.count,
                  100.0 * g.metrics.hitRate.at(20), 100.0 * g.metrics.ndcg.at(20), 100.0 * g.metrics.mrr);
    out << line;
  }
}

nlohmann::json historyLengthGroupsToJson(const std::vector<eval::HistoryLengthGroup>& groups) {
  auto j = nlohmann::json::array();
  for (const auto& g : groups) {
    nlohmann::json group = {
        {"history_length", lengthLabel(g)}, {"min", g.minLength}, {"metrics", metricsToJson(g.metrics)}};
    if (!g.openEnded) group["max"] = g.maxLength;
    j.push_back(group);
  }
  return j;
}

void printColdTargetBreakdown(std::ostream& out, const eval::ColdTargetBreakdown& breakdown) {
  char line[96];
  out << "target in training  samples   HR@20  NDCG@20     MRR (%)\n";
  for (const auto& [label, m] : {std::pair{"yes", &breakdown.seen}, std::pair{"never", &breakdown.unseen}}) {
    std::snprintf(line, sizeof line, "%-18s %8zu %7.3f %8.3f %7.3f\n", label, m->count, 100.0 * m->hitRate.at(20),
                  100.0 * m->ndcg.at(20), 100.0 * m->mrr);
    out << line;
  }
}

nlohmann::json coldTargetBreakdownToJson(const eval::ColdTargetBreakdown& breakdown) {
  return {{"target_in_training", metricsToJson(breakdown.seen)},
          {"target_never_in_training", metricsToJson(breakdown.unseen)}};
}

}  // namespace recdiff::cli
