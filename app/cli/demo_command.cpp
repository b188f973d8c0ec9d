// recdiff demo: the desktop app's built-in demo without a window — the
// synthetic planted-interest dataset, the demo recipe's models trained on it
// (ADIGRec with and without L_reg, DimeRec), and their test metrics and
// routing collapse beside a popularity ranking, so a machine without a
// display shows the same result the app would.
#include "app/cli/command.h"
#include "app/cli/model_options.h"
#include "app/cli/progress_line.h"
#include "core/eval/evaluator.h"
#include "core/eval/model_diagnostics.h"
#include "core/models/model_registry.h"
#include "core/train/demo_recipe.h"
#include "core/train/trainer.h"

namespace recdiff::cli {
namespace {

struct DemoResult {
  std::string label;
  nlohmann::ordered_json config;
  std::size_t epochs = 0;
  double seconds = 0.0;
  eval::RankingMetrics test;
  std::optional<analysis::InterestDiagnostics> routing;
};

DemoResult trainOne(const train::demo::DemoModel& demoModel, const data::SequenceDataset& dataset,
                    train::TrainOptions options, CommandContext& ctx) {
  const models::ModelInfo& info = models::modelInfo(demoModel.modelName);
  models::Config config = info.defaults();
  for (const auto& [key, value] : demoModel.config.items()) config[key] = value;
  auto model = models::createModel(info.name, config, {dataset.numItems, config.at("max_length").get<std::int64_t>()},
                                   train::demo::kTrainingSeed);
  ProgressLine progress(ctx.err);
  train::TrainCallbacks callbacks;
  callbacks.onBatch = [&](const train::BatchReport& r) {
    progress.update(demoModel.label + " epoch " + std::to_string(r.epoch), static_cast<long>(r.batch),
                    static_cast<long>(r.batches), r.losses, r.etaSeconds);
  };
  callbacks.onEpoch = [&](const train::EpochReport& r) {
    progress.finish();
    if (r.validation) {
      ctx.err << demoModel.label << " epoch " << r.epoch << ": val HR@20 " << 100 * r.validation->hitRate.at(20) << "%"
              << (r.improved ? " *" : "") << "\n";
    }
  };
  const train::TrainResult trained = train::trainModel(*model, dataset, options, callbacks);
  progress.finish();
  DemoResult result;
  result.label = demoModel.label;
  result.config = model->config();
  result.epochs = trained.history.size();
  result.seconds = trained.seconds;
  result.test = eval::evaluate(*model, dataset.test, {}, train::parseDevice(options.device)).metrics;
  eval::DiagnosticsOptions diagnostics;
  diagnostics.linearProbe = false;
  result.routing = eval::diagnoseModel(*model, dataset, dataset.test, options.device, diagnostics).interests;
  return result;
}

void printResults(std::ostream& out, const std::vector<DemoResult>& results, const eval::RankingMetrics& popular) {
  char line[256];
  out << "Test split (routing collapse, paper 000 §4.4.2: a head with >= 90 % of its weight on one item):\n";
  std::snprintf(line, sizeof line, "  %-30s %7s %8s %16s %16s\n", "model", "HR@20", "NDCG@20", "heads collapsed",
                "items per head");
  out << line;
  for (const DemoResult& r : results) {
    std::snprintf(line, sizeof line, "  %-30s %6.2f%% %7.2f%% ", r.label.c_str(), 100 * r.test.hitRate.at(20),
                  100 * r.test.ndcg.at(20));
    out << line;
    if (r.routing) {
      std::snprintf(line, sizeof line, "%15.1f%% %16.2f\n", 100 * r.routing->collapsedHeadShare,
                    r.routing->meanEffectiveItems);
    } else {
      std::snprintf(line, sizeof line, "%16s %16s\n", "-", "-");
    }
    out << line;
  }
  std::snprintf(line, sizeof line, "  %-30s %6.2f%% %7.2f%%\n", "popularity ranking", 100 * popular.hitRate.at(20),
                100 * popular.ndcg.at(20));
  out << line;
}

int run(const ParsedArgs& args, CommandContext& ctx) {
  applyRuntimeOptions(args);
  const data::SyntheticData synthetic = data::generateSynthetic(train::demo::syntheticConfig());
  const data::SequenceDataset& dataset = synthetic.dataset;
  train::TrainOptions options;
  options.device = args.get("device");
  options.threads = static_cast<int>(args.getInt("threads", 0, 4096));
  options.seed = train::demo::kTrainingSeed;
  ctx.err << "demo: the synthetic dataset (" << dataset.train.size() << " users, " << dataset.numItems
          << " items, planted interests), headless on " << options.device << "\n";

  std::vector<DemoResult> results;
  const auto demoModels = train::demo::models();
  for (std::size_t i = 0; i < demoModels.size(); ++i) {
    train::TrainOptions modelOptions = options;
    // --out keeps the first model, ADIGRec, as before.
    if (i == 0 && args.has("out")) modelOptions.checkpointPath = args.get("out");
    results.push_back(trainOne(demoModels[i], dataset, modelOptions, ctx));
  }
  const auto popular = eval::evaluatePopularity(dataset, dataset.test).metrics;
  if (ctx.json) {
    nlohmann::ordered_json j;
    for (const DemoResult& r : results) {
      nlohmann::ordered_json m = {{"label", r.label},
                                  {"config", r.config},
                                  {"epochs_run", r.epochs},
                                  {"seconds", r.seconds},
                                  {"test", metricsToJson(r.test)}};
      if (r.routing) {
        m["routing_collapse"] = {{"collapsed_head_share", r.routing->collapsedHeadShare},
                                 {"mean_effective_items_per_head", r.routing->meanEffectiveItems},
                                 {"head_redundancy", r.routing->meanHeadRedundancy},
                                 {"mean_l_reg", r.routing->meanLReg}};
      }
      j["models"].push_back(m);
    }
    j["popularity"] = metricsToJson(popular);
    if (args.has("out")) j["checkpoint"] = args.get("out");
    ctx.out << j.dump(2) << '\n';
  } else {
    printResults(ctx.out, results, popular);
    if (args.has("out")) ctx.out << "checkpoint of " << results.front().label << ": " << args.get("out") << '\n';
  }
  return 0;
}

const bool registered = registerCommand(
    {"demo", "run the app's built-in demo headless (synthetic data; ADIGRec with and without L_reg, DimeRec)",
     "The same dataset, models and seed as recdiff-studio --demo; prints each\n"
     "model's test metrics and routing collapse beside a popularity ranking.\n",
     [](ArgParser& p) {
       p.section("Demo").option("out", "FILE", "also write the trained ADIGRec as a checkpoint");
       p.section("Runtime")
           .option("device", "cpu|cuda", "where to compute", "cpu")
           .option("threads", "N", "intra-op threads (0 = all cores)", "0");
     },
     run});

}  // namespace
}  // namespace recdiff::cli
