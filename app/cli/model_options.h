// Options shared by the commands that build, train or run models: the model
// and its --set overrides, device/threads/seed, and the reverse-process
// options (sampler, steps, eta, ensemble), plus metric printing.
#pragma once

#include <ostream>
#include <string>

#include <nlohmann/json.hpp>

#include "app/cli/arg_parser.h"
#include "core/eval/cold_target_breakdown.h"
#include "core/eval/history_length_breakdown.h"
#include "core/eval/ranking_metrics.h"
#include "core/models/model.h"
#include "core/models/model_config.h"

namespace recdiff::cli {

void declareModelOptions(ArgParser& parser);    // --model, --set
void declareRuntimeOptions(ArgParser& parser);  // --device, --threads, --seed
void declareReverseOptions(ArgParser& parser);  // --sampler, --steps, --eta, --ensemble

// The model's declared defaults with every --set override applied. --set
// takes "key=value" pairs separated by commas or spaces, and may be repeated.
models::Config modelConfigFromArgs(const models::ModelInfo& info, const ParsedArgs& args);
// The same overrides on top of `base` (e.g. a checkpoint's config).
models::Config modelConfigFromArgs(const models::ModelInfo& info, const ParsedArgs& args, models::Config base);
models::ReverseOptions reverseOptionsFromArgs(const ParsedArgs& args);
// Declares --select (model selection on validation) in the current section.
void declareSelectionOption(ArgParser& parser);
// The checked --select rule; a UsageError for an unknown one.
std::string selectionRuleFromArgs(const ParsedArgs& args);
// Applies --threads (0 = all cores) and checks --device.
void applyRuntimeOptions(const ParsedArgs& args);

// The index of the stage called `name` in model.stages() (for --stage); a
// UsageError listing the model's stages when it has none of that name.
int stageIndex(const models::Model& model, const std::string& name);

// "HR@5 … NDCG@50 … MRR" as an aligned table, in percent.
void printMetrics(std::ostream& out, const eval::RankingMetrics& metrics);
nlohmann::json metricsToJson(const eval::RankingMetrics& metrics);
// One line per history-length group: samples, HR/NDCG@20, MRR (%).
void printHistoryLengthGroups(std::ostream& out, const std::vector<eval::HistoryLengthGroup>& groups);
nlohmann::json historyLengthGroupsToJson(const std::vector<eval::HistoryLengthGroup>& groups);
// Two lines: samples whose target occurs in training, and those whose target does not.
void printColdTargetBreakdown(std::ostream& out, const eval::ColdTargetBreakdown& breakdown);
nlohmann::json coldTargetBreakdownToJson(const eval::ColdTargetBreakdown& breakdown);

}  // namespace recdiff::cli
