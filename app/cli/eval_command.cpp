// recdiff eval CHECKPOINT --data PATH: full-ranking HR/NDCG@5,10,20,50 and
// MRR of a saved model on the test (or validation) split; with --per-step,
// also the accuracy of x̂0 at every reverse step (DimeRec's Figure 5); with
// --by-length, the metrics of each history-length group; with --by-target,
// those of samples whose target occurs in training and of those whose does not.
#include <cstdio>
#include <optional>

#include "app/cli/command.h"
#include "app/cli/dataset_options.h"
#include "app/cli/model_options.h"
#include "core/eval/evaluator.h"
#include "core/eval/stepwise_accuracy.h"
#include "core/train/checkpoint.h"
#include "core/train/trainer.h"

namespace recdiff::cli {
namespace {

int run(const ParsedArgs& args, CommandContext& ctx) {
  applyRuntimeOptions(args);
  const data::SequenceDataset dataset = data::loadDataset(datasetSpecFromArgs(args, args.get("data")));
  auto loaded = train::loadCheckpoint(args.get("CHECKPOINT"), &dataset);
  const std::string split = args.get("on");
  if (split != "test" && split != "validation") throw UsageError("--on expects test or validation");
  const auto& samples = split == "test" ? dataset.test : dataset.validation;
  const torch::Device device = train::parseDevice(args.get("device"));
  loaded.model->to(device);
  eval::EvaluationOptions eo;
  eo.reverse = reverseOptionsFromArgs(args);
  eo.excludeHistory = args.flag("exclude-history");
  eo.batchSize = args.getInt("batch-size", 1, 1000000);
  const auto result = eval::evaluate(*loaded.model, samples, eo, device);
  // A diffusion model ranks from random noise: the same checkpoint scores
  // differently under another noise seed. --repeat N ranks again with the
  // seeds S+1 … S+N-1 and reports the spread of each metric over the draws.
  const auto repeats = args.getInt("repeat", 1, 1000);
  std::vector<eval::RankingMetrics> draws = {result.metrics};
  for (long long r = 1; r < repeats; ++r) {
    auto again = eo;
    again.reverse.seed = eo.reverse.seed + static_cast<std::uint64_t>(r);
    draws.push_back(eval::evaluate(*loaded.model, samples, again, device).metrics);
  }
  const auto groups = args.flag("by-length") ? eval::metricsByHistoryLength(samples, result.ranks)
                                             : std::vector<eval::HistoryLengthGroup>{};
  std::optional<eval::ColdTargetBreakdown> byTarget;
  if (args.flag("by-target")) byTarget = eval::metricsByTargetSeenInTraining(dataset.train, samples, result.ranks);
  std::vector<eval::StepAccuracy> steps;
  if (args.flag("per-step")) {
    steps = eval::stepwiseAccuracy(*loaded.model, samples, eo.reverse, args.get("device"), eo.batchSize);
  }
  if (ctx.json) {
    nlohmann::ordered_json j;
    j["checkpoint"] = args.get("CHECKPOINT");
    j["model"] = loaded.meta.modelName;
    j["dataset"] = dataset.name;
    j["split"] = split;
    j["sampler"] = eo.reverse.sampler;
    j["steps"] = eo.reverse.steps;
    j["seconds"] = result.seconds;
    j["metrics"] = metricsToJson(result.metrics);
    if (draws.size() > 1) {
      auto each = nlohmann::json::array();
      for (const auto& m : draws) each.push_back(metricsToJson(m));
      j["repeats"] = each;
      const auto spread = eval::spreadOf(draws);
      j["repeat_mean"] = metricsToJson(spread.mean);
      j["repeat_std"] = metricsToJson(spread.std);
    }
    if (!groups.empty()) j["by_history_length"] = historyLengthGroupsToJson(groups);
    if (byTarget) j["by_target"] = coldTargetBreakdownToJson(*byTarget);
    if (!steps.empty()) {
      j["per_step"] = nlohmann::json::array();
      for (const auto& s : steps) j["per_step"].push_back({{"t", s.t}, {"metrics", metricsToJson(s.metrics)}});
    }
    ctx.out << j.dump(2) << '\n';
  } else {
    ctx.out << loaded.meta.modelName << " on " << dataset.name << " (" << split << " split, " << result.seconds
            << " s)\n";
    printMetrics(ctx.out, result.metrics);
    if (draws.size() > 1) {
      const auto spread = eval::spreadOf(draws);
      const auto& mean = spread.mean;
      const auto& sd = spread.std;
      ctx.out << "over " << draws.size() << " reverse-noise draws (seeds " << eo.reverse.seed << "…"
              << eo.reverse.seed + draws.size() - 1 << "), mean ± std (%):\n";
      char line[96];
      for (const auto& [k, v] : mean.hitRate) {
        std::snprintf(line, sizeof line, "HR@%-3d %6.3f ± %5.3f   NDCG@%-3d %6.3f ± %5.3f\n", k, 100 * v,
                      100 * sd.hitRate.at(k), k, 100 * mean.ndcg.at(k), 100 * sd.ndcg.at(k));
        ctx.out << line;
      }
    }
    if (!groups.empty()) printHistoryLengthGroups(ctx.out, groups);
    if (byTarget) printColdTargetBreakdown(ctx.out, *byTarget);
    if (!steps.empty()) {
      ctx.out << "x̂0 at every reverse step (%, ties favour the target):\n     t   HR@10   HR@20  NDCG@20\n";
      char line[64];
      for (const auto& s : steps) {
        std::snprintf(line, sizeof line, "%6d  %6.2f  %6.2f  %7.2f\n", s.t, 100 * s.metrics.hitRate.at(10),
                      100 * s.metrics.hitRate.at(20), 100 * s.metrics.ndcg.at(20));
        ctx.out << line;
      }
    }
  }
  return 0;
}

const bool registered = registerCommand(
    {"eval", "evaluate a checkpoint with full-ranking metrics",
     "Example:\n  recdiff eval checkpoints/zhihu-dreamrec-adigrec-seed42.ckpt --data "
     "../shared/datasets/zhihu-dreamrec\n",
     [](ArgParser& p) {
       p.positional("CHECKPOINT", "checkpoint written by `recdiff train`");
       p.option("data", "PATH", "the dataset the checkpoint was trained on");
       p.option("on", "test|validation", "which split to rank", "test");
       p.option("batch-size", "N", "samples scored at once", "1024");
       p.option("repeat", "N", "rank N times with independent reverse noise; mean ± std of each metric", "1");
       p.flag("exclude-history", "never recommend items already in the history");
       p.flag("by-length", "also the metrics of each history-length group (0, 1, 2, 3-4, 5-9, ...)");
       p.flag("by-target", "also the metrics of samples whose target occurs in training and of those whose never does");
       p.flag("per-step", "also rank x̂0 at every reverse step (accuracy along the reverse process)");
       declareRuntimeOptions(p);
       declareReverseOptions(p);
       declareDatasetOptions(p);
     },
     run});

}  // namespace
}  // namespace recdiff::cli
