// recdiff eval CHECKPOINT --data PATH: full-ranking HR/NDCG@5,10,20,50 and
// MRR of a saved model on the test (or validation) split; with --per-step,
// also the accuracy of x̂0 at every reverse step (DimeRec's Figure 5).
#include <cstdio>

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
    if (!steps.empty()) {
      j["per_step"] = nlohmann::json::array();
      for (const auto& s : steps) j["per_step"].push_back({{"t", s.t}, {"metrics", metricsToJson(s.metrics)}});
    }
    ctx.out << j.dump(2) << '\n';
  } else {
    ctx.out << loaded.meta.modelName << " on " << dataset.name << " (" << split << " split, "
            << result.seconds << " s)\n";
    printMetrics(ctx.out, result.metrics);
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

const bool registered = registerCommand({
    "eval",
    "evaluate a checkpoint with full-ranking metrics",
    "Example:\n  recdiff eval checkpoints/zhihu-dreamrec-adigrec-seed42.ckpt --data ../shared/datasets/zhihu-dreamrec\n",
    [](ArgParser& p) {
      p.positional("CHECKPOINT", "checkpoint written by `recdiff train`");
      p.option("data", "PATH", "the dataset the checkpoint was trained on");
      p.option("on", "test|validation", "which split to rank", "test");
      p.option("batch-size", "N", "samples scored at once", "1024");
      p.flag("exclude-history", "never recommend items already in the history");
      p.flag("per-step", "also rank x̂0 at every reverse step (accuracy along the reverse process)");
      declareRuntimeOptions(p);
      declareReverseOptions(p);
      declareDatasetOptions(p);
    },
    run});

}  // namespace
}  // namespace recdiff::cli
