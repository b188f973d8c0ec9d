// recdiff demo: the desktop app's built-in demo without a window — the
// synthetic planted-interest dataset, the small ADIGRec of the demo recipe
// trained on it, and its test metrics beside a popularity ranking, so a
// machine without a display shows the same result the app would.
#include "app/cli/command.h"
#include "app/cli/model_options.h"
#include "app/cli/progress_line.h"
#include "core/eval/evaluator.h"
#include "core/models/model_registry.h"
#include "core/train/demo_recipe.h"
#include "core/train/trainer.h"

namespace recdiff::cli {
namespace {

int run(const ParsedArgs& args, CommandContext& ctx) {
  applyRuntimeOptions(args);
  const data::SyntheticData synthetic = data::generateSynthetic(train::demo::syntheticConfig());
  const data::SequenceDataset& dataset = synthetic.dataset;
  // Named, not a temporary: g++ 13 would warn (wrongly) that `info` may dangle.
  const std::string modelName = train::demo::kModelName;
  const models::ModelInfo& info = models::modelInfo(modelName);
  models::Config config = info.defaults();
  const models::Config overrides = train::demo::modelConfig();
  for (const auto& [key, value] : overrides.items()) config[key] = value;
  auto model = models::createModel(info.name, config,
                                   {dataset.numItems, config.at("max_length").get<std::int64_t>()},
                                   train::demo::kTrainingSeed);

  train::TrainOptions options;
  options.device = args.get("device");
  options.threads = static_cast<int>(args.getInt("threads", 0, 4096));
  options.seed = train::demo::kTrainingSeed;
  if (args.has("out")) options.checkpointPath = args.get("out");
  ctx.err << "demo: " << info.displayName << " on the synthetic dataset (" << dataset.train.size()
          << " users, " << dataset.numItems << " items, planted interests), headless on "
          << options.device << "\n";

  ProgressLine progress(ctx.err);
  train::TrainCallbacks callbacks;
  callbacks.onBatch = [&](const train::BatchReport& r) {
    progress.update("epoch " + std::to_string(r.epoch), static_cast<long>(r.batch),
                    static_cast<long>(r.batches), r.losses, r.etaSeconds);
  };
  callbacks.onEpoch = [&](const train::EpochReport& r) {
    progress.finish();
    if (r.validation) {
      ctx.err << "epoch " << r.epoch << ": val HR@20 " << 100 * r.validation->hitRate.at(20) << "%"
              << (r.improved ? " *" : "") << "\n";
    }
  };
  const train::TrainResult result = train::trainModel(*model, dataset, options, callbacks);
  progress.finish();

  const torch::Device device = train::parseDevice(options.device);
  const auto learned = eval::evaluate(*model, dataset.test, {}, device).metrics;
  const auto popular = eval::evaluatePopularity(dataset, dataset.test).metrics;
  if (ctx.json) {
    nlohmann::ordered_json j;
    j["model"] = info.name;
    j["config"] = model->config();
    j["epochs_run"] = result.history.size();
    j["seconds"] = result.seconds;
    j["test"] = metricsToJson(learned);
    j["popularity"] = metricsToJson(popular);
    if (args.has("out")) j["checkpoint"] = options.checkpointPath;
    ctx.out << j.dump(2) << '\n';
  } else {
    ctx.out << info.displayName << " trained in " << formatSeconds(result.seconds) << " ("
            << result.history.size() << " epochs). Test split:\n";
    printMetrics(ctx.out, learned);
    ctx.out << "Popularity ranking, for comparison:\n";
    printMetrics(ctx.out, popular);
    if (args.has("out")) ctx.out << "checkpoint: " << options.checkpointPath << '\n';
  }
  return 0;
}

const bool registered = registerCommand({
    "demo",
    "run the app's built-in demo headless (synthetic data, small ADIGRec)",
    "The same dataset, model and seed as recdiff-studio --demo; prints the test\n"
    "metrics beside a popularity ranking.\n",
    [](ArgParser& p) {
      p.section("Demo").option("out", "FILE", "also write the trained model as a checkpoint");
      p.section("Runtime")
          .option("device", "cpu|cuda", "where to compute", "cpu")
          .option("threads", "N", "intra-op threads (0 = all cores)", "0");
    },
    run});

}  // namespace
}  // namespace recdiff::cli
