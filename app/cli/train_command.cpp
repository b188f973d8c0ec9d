// recdiff train DATASET --model NAME [--set k=v,...]: trains with early
// stopping on validation NDCG@20, shows a progress bar (batches, each loss
// component, ETA), evaluates the best model on the test split and writes one
// self-describing checkpoint. --init CKPT starts from a checkpoint's weights
// and config (--set on top), --stage NAME runs one stage of a multi-stage
// model (e.g. a DAE4Rec compensator for another sampling_steps).
#include <csignal>
#include <filesystem>
#include <iomanip>
#include <iostream>

#include "app/cli/command.h"
#include "app/cli/dataset_options.h"
#include "app/cli/model_options.h"
#include "app/cli/progress_line.h"
#include "core/eval/evaluator.h"
#include "core/models/model_registry.h"
#include "core/train/checkpoint.h"
#include "core/train/trainer.h"

namespace recdiff::cli {
namespace {

// Ctrl+C stops training after the current batch; the best checkpoint so far
// is kept and the test metrics of the best model are still reported. The
// handler only sets a flag (all a signal handler may safely do); the batch
// callback turns it into a cancel request.
volatile std::sig_atomic_t interrupted = 0;
extern "C" void onInterrupt(int) { interrupted = 1; }

std::string defaultCheckpointPath(const std::string& dataset, const std::string& model, std::uint64_t seed) {
  return "checkpoints/" + dataset + "-" + model + "-seed" + std::to_string(seed) + ".ckpt";
}

int run(const ParsedArgs& args, CommandContext& ctx) {
  applyRuntimeOptions(args);
  const std::string selectionRule = selectionRuleFromArgs(args);
  std::optional<train::CheckpointMeta> init;
  if (args.has("init")) init = train::readCheckpointMeta(args.get("init"));
  if (init && args.has("model") && args.get("model") != init->modelName) {
    throw UsageError("--model " + args.get("model") + ": --init " + args.get("init") + " holds a " +
                     init->modelName + " model");
  }
  // Named, not a temporary: g++ 13 would warn (wrongly) that `info` may dangle.
  const std::string modelName = init ? init->modelName : args.get("model");
  const models::ModelInfo& info = models::modelInfo(modelName);
  const models::Config config = init ? modelConfigFromArgs(info, args, init->config) : modelConfigFromArgs(info, args);
  const data::SequenceDataset dataset = data::loadDataset(datasetSpecFromArgs(args, args.get("DATASET")));

  train::TrainOptions options;
  options.device = args.get("device");
  options.threads = static_cast<int>(args.getInt("threads", 0, 4096));
  options.seed = args.getUnsigned("seed");
  options.epochs = args.has("epochs") ? args.getInt("epochs", 0, 100000) : -1;
  options.validationSamples = args.getInt("validation-samples", 0, 100000000);
  options.selectionMetric = selectionRule;
  options.validationReverse = reverseOptionsFromArgs(args);
  options.checkpointPath = args.has("out") ? args.get("out")
                                           : defaultCheckpointPath(dataset.name, info.name, options.seed);

  auto model = models::createModel(info.name, config, {dataset.numItems, config.at("max_length").get<std::int64_t>()},
                                   options.seed);
  if (init) train::loadWeightsInto(args.get("init"), *model, &dataset);
  if (args.has("stage")) options.onlyStage = stageIndex(*model, args.get("stage"));
  ctx.err << "training " << info.displayName << " on " << dataset.name << " (" << dataset.train.size()
          << " training samples, " << dataset.numItems << " items) on " << options.device << "\n";

  ProgressLine progress(ctx.err);
  train::TrainCallbacks callbacks;
  const bool quiet = args.flag("quiet");
  train::TrainControl control;
  callbacks.onBatch = [&](const train::BatchReport& r) {
    if (interrupted) control.requestCancel();
    if (!quiet) {
      progress.update(r.stageName + " epoch " + std::to_string(r.epoch), static_cast<long>(r.batch),
                      static_cast<long>(r.batches), r.losses, r.etaSeconds);
    }
  };
  callbacks.onEpoch = [&](const train::EpochReport& r) {
    progress.finish();
    ctx.err << r.stageName << " epoch " << r.epoch << ": " << formatSeconds(r.trainSeconds);
    for (const auto& [name, value] : r.meanLosses) ctx.err << " " << name << "=" << value;
    if (r.validation) {
      ctx.err << " | val HR@20 " << 100 * r.validation->hitRate.at(20) << "% NDCG@20 "
              << 100 * r.validation->ndcg.at(20) << "%" << (r.improved ? " *" : "");
    }
    if (r.diagnostics && r.diagnostics->interests) {
      // Collapse as it happens: fewer effective interests, one head winning.
      const auto& in = *r.diagnostics->interests;
      ctx.err << " | interests " << std::setprecision(3) << in.meanEffectiveInterests << "/" << in.interests
              << " effective, off-diag |C| " << in.meanOffDiagonalAbsCovariance << std::setprecision(6);
    }
    ctx.err << "\n";
  };
  auto previous = std::signal(SIGINT, onInterrupt);
  train::TrainResult result;
  try {
    result = train::trainModel(*model, dataset, options, callbacks, &control);
  } catch (...) {
    std::signal(SIGINT, previous);
    throw;
  }
  std::signal(SIGINT, previous);
  progress.finish();
  if (result.cancelled) ctx.err << "interrupted: keeping the best model so far\n";

  const torch::Device device = train::parseDevice(options.device);
  eval::EvaluationOptions eo;
  eo.reverse = options.validationReverse;
  eo.excludeHistory = args.flag("exclude-history");
  const eval::EvaluationResult test = eval::evaluate(*model, dataset.test, eo, device);

  train::CheckpointMeta meta = train::describe(*model, dataset);
  meta.training["seed"] = options.seed;
  meta.training["device"] = options.device;
  meta.training["selection"] = options.selectionMetric;
  meta.training["best_epoch"] = result.bestEpoch;
  meta.training["seconds"] = result.seconds;
  meta.training["cancelled"] = result.cancelled;
  meta.training["history"] = nlohmann::json::array();
  for (const auto& h : result.history) meta.training["history"].push_back(train::toJson(h));
  if (result.bestValidation) meta.metrics["validation"] = train::toJson(*result.bestValidation);
  meta.metrics["test"] = train::toJson(test.metrics);
  train::saveCheckpoint(options.checkpointPath, *model, meta);

  if (ctx.json) {
    nlohmann::ordered_json j;
    j["model"] = info.name;
    j["dataset"] = dataset.name;
    j["seed"] = options.seed;
    j["config"] = model->config();
    j["checkpoint"] = options.checkpointPath;
    j["selection"] = options.selectionMetric;
    j["best_epoch"] = result.bestEpoch;
    j["epochs_run"] = result.history.size();
    j["seconds"] = result.seconds;
    j["cancelled"] = result.cancelled;
    if (result.bestValidation) j["validation"] = metricsToJson(*result.bestValidation);
    j["test"] = metricsToJson(test.metrics);
    ctx.out << j.dump(2) << '\n';
  } else {
    ctx.out << info.displayName << " on " << dataset.name << ", best epoch " << result.bestEpoch << " of "
            << result.history.size() << " (" << formatSeconds(result.seconds) << ")\n"
            << "test split:\n";
    printMetrics(ctx.out, test.metrics);
    ctx.out << "checkpoint: " << options.checkpointPath << '\n';
  }
  return result.cancelled ? 130 : 0;
}

const bool registered = registerCommand({
    "train",
    "train a model on a dataset and save a checkpoint",
    "Trains with early stopping on validation NDCG@20 (see --select), then reports the test split.\n"
    "Ctrl+C stops after the current batch and keeps the best model.\n\n"
    "Examples:\n"
    "  recdiff train ../shared/datasets/zhihu-dreamrec --model adigrec --set lambda2=0.01,max_length=10\n"
    "  recdiff train ../shared/datasets/ml-100k-adrec --model sasrec --epochs 50 --out sasrec.ckpt\n"
    "  recdiff train ../shared/datasets/zhihu-dreamrec --init dae4rec.ckpt --stage compensator \\\n"
    "      --set sampling_steps=100 --out dae4rec-s100.ckpt\n",
    [](ArgParser& p) {
      p.positional("DATASET", "dataset file or folder");
      declareModelOptions(p);
      p.section("Training")
          .option("epochs", "N", "maximum epochs (default: the model's)")
          .option("out", "FILE", "checkpoint to write (default: checkpoints/DATASET-MODEL-seedS.ckpt)")
          .option("init", "CKPT", "start from this checkpoint's weights and config (--set on top)")
          .option("stage", "NAME", "run only this training stage (adrec: pretrain, warmup, full; dae4rec: gae, diffusion, compensator)")
          .option("validation-samples", "N", "validate on a random subset drawn with --seed (0 = all)", "0")
          .flag("exclude-history", "never recommend items already in the history (test metrics)")
          .flag("quiet", "no progress bar");
      declareSelectionOption(p);
      declareRuntimeOptions(p);
      declareReverseOptions(p);
      declareDatasetOptions(p);
    },
    run});

}  // namespace
}  // namespace recdiff::cli
