// recdiff train DATASET --model NAME [--set k=v,...]: trains with early
// stopping on validation NDCG@20, shows a progress bar (batches, each loss
// component, ETA), evaluates the best model on the test split and writes one
// self-describing checkpoint. --init CKPT starts from a checkpoint's weights
// and config (--set on top), --stage NAME runs one stage of a multi-stage
// model (e.g. a DAE4Rec compensator for another sampling_steps). Beside the
// checkpoint, CKPT.resume holds the run's state at the top of the current
// epoch; --resume CKPT.resume continues an interrupted run from there. An
// existing checkpoint is never replaced without --force (or --resume). A run
// whose loss turns NaN stops with an error (exit 1); its checkpoint keeps the
// best model validated before.
#include <filesystem>
#include <iomanip>
#include <iostream>

#include "app/cli/command.h"
#include "app/cli/dataset_options.h"
#include "app/cli/interrupt_guard.h"
#include "app/cli/model_options.h"
#include "app/cli/progress_line.h"
#include "core/eval/evaluator.h"
#include "core/models/model_registry.h"
#include "core/train/checkpoint.h"
#include "core/train/trainer.h"
#include "core/train/training_state.h"

namespace recdiff::cli {
namespace {

std::string defaultCheckpointPath(const std::string& dataset, const std::string& model, std::uint64_t seed) {
  return "checkpoints/" + dataset + "-" + model + "-seed" + std::to_string(seed) + ".ckpt";
}

// The options that would contradict a resumed run's own settings.
const std::vector<std::string>& settingsOfTheRun() {
  static const std::vector<std::string> names = {
      "model",  "set",     "init",  "stage", "seed",    "epochs", "select", "validation-samples",
      "device", "sampler", "steps", "eta",   "ensemble"};
  return names;
}

// The checkpoint a state belongs to: the state's path without ".resume".
std::string checkpointOfState(const std::string& statePath) {
  const std::string suffix = train::trainingStatePath("");
  const bool named = statePath.size() > suffix.size() &&
                     statePath.compare(statePath.size() - suffix.size(), suffix.size(), suffix) == 0;
  if (named) return statePath.substr(0, statePath.size() - suffix.size());
  throw UsageError("--resume " + statePath + ": a training state's name ends in " + suffix +
                   " (give --out for where the checkpoint goes)");
}

int run(const ParsedArgs& args, CommandContext& ctx) {
  applyRuntimeOptions(args);
  const std::string selectionRule = selectionRuleFromArgs(args);
  std::optional<train::TrainingState> resume;
  if (args.has("resume")) {
    auto refuse = [](const std::string& name) {
      throw UsageError("--" + name + ": --resume continues a run with that run's own settings");
    };
    for (const auto& name : settingsOfTheRun()) {
      if (args.has(name)) refuse(name);
    }
    if (args.flag("no-compensator")) refuse("no-compensator");
    resume = train::loadTrainingState(args.get("resume"), /*tensors=*/false);
  }
  std::optional<train::CheckpointMeta> init;
  if (args.has("init")) init = train::readCheckpointMeta(args.get("init"));
  if (init && args.has("model") && args.get("model") != init->modelName) {
    throw UsageError("--model " + args.get("model") + ": --init " + args.get("init") + " holds a " + init->modelName +
                     " model");
  }
  // Named, not a temporary: g++ 13 would warn (wrongly) that `info` may dangle.
  const std::string modelName = resume ? resume->modelName : init ? init->modelName : args.get("model");
  const models::ModelInfo& info = models::modelInfo(modelName);
  const models::Config config = resume ? resume->config
                                : init ? modelConfigFromArgs(info, args, init->config)
                                       : modelConfigFromArgs(info, args);
  if (resume) {
    // A state file is input like any other: its config is checked before any work starts.
    try {
      models::validateConfig(info, config);
    } catch (const models::ConfigError& e) {
      throw UsageError("--resume " + args.get("resume") + ": " + e.what());
    }
  }
  const data::SequenceDataset dataset = data::loadDataset(datasetSpecFromArgs(args, args.get("DATASET")));

  train::TrainOptions options;
  options.device = args.get("device");
  options.threads = static_cast<int>(args.getInt("threads", 0, 4096));
  options.seed = args.getUnsigned("seed");
  options.epochs = args.has("epochs") ? args.getInt("epochs", 0, 100000) : -1;
  options.validationSamples = args.getInt("validation-samples", 0, 100000000);
  options.selectionMetric = selectionRule;
  options.validationReverse = reverseOptionsFromArgs(args);
  if (resume) options = train::applyResumableOptions(resume->options, options);
  options.checkpointPath = args.has("out") ? args.get("out")
                           : resume        ? checkpointOfState(args.get("resume"))
                                           : defaultCheckpointPath(dataset.name, info.name, options.seed);
  options.statePath = resume ? args.get("resume") : train::trainingStatePath(options.checkpointPath);
  options.resume = resume.has_value();
  if (!resume && !args.flag("force") && std::filesystem::exists(options.checkpointPath)) {
    const bool interrupted = std::filesystem::exists(options.statePath);
    throw UsageError((args.has("out") ? "--out " : "checkpoint ") + options.checkpointPath +
                     ": the file exists (another run's checkpoint?); pass --force to replace it" +
                     (interrupted ? ", or --resume " + options.statePath + " to continue its interrupted run"
                                  : std::string(", or give another --out")));
  }

  auto model = models::createModel(info.name, config, {dataset.numItems, config.at("max_length").get<std::int64_t>()},
                                   options.seed);
  if (init) train::loadWeightsInto(args.get("init"), *model, &dataset);
  if (args.has("stage")) options.onlyStage = stageIndex(*model, args.get("stage"));
  ctx.err << "training " << info.displayName << " on " << dataset.name << " (" << dataset.train.size()
          << " training samples, " << dataset.numItems << " items) on " << options.device << "\n";
  if (resume) {
    ctx.err << "resuming at " << resume->stageName << " epoch " << resume->epoch + 1 << " after "
            << resume->history.size() << " epoch(s), best so far epoch " << resume->bestEpoch << "\n";
  } else if (std::filesystem::exists(options.statePath)) {
    ctx.err << "note: " << options.statePath << " holds an interrupted run; this run starts afresh and replaces it "
            << "(--resume " << options.statePath << " would have continued it)\n";
  }

  ProgressLine progress(ctx.err);
  train::TrainCallbacks callbacks;
  const bool quiet = args.flag("quiet");
  train::TrainControl control;
  callbacks.onBatch = [&](const train::BatchReport& r) {
    if (InterruptGuard::requested()) control.requestCancel();
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
      // Routing collapse as it happens (paper 000 §4.4.2: heads on one item).
      const auto& in = *r.diagnostics->interests;
      ctx.err << " | heads collapsed " << std::setprecision(3) << 100 * in.collapsedHeadShare << "%, "
              << in.meanEffectiveItems << " items/head, redundancy " << in.meanHeadRedundancy << ", L_reg "
              << in.meanLReg << std::setprecision(6);
    }
    ctx.err << "\n";
  };
  // Ctrl+C stops training after the current batch; the best checkpoint and
  // the run's state are kept, and the best model's test metrics still reported.
  train::TrainResult result;
  {
    InterruptGuard guard;
    result = train::trainModel(*model, dataset, options, callbacks, &control);
  }
  progress.finish();
  if (result.cancelled) {
    ctx.err << "interrupted: keeping the best model so far; continue the run with\n  recdiff train "
            << args.get("DATASET") << " --resume " << options.statePath << "\n(and the same dataset options)\n";
  }

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
  meta.training["resumed"] = options.resume;
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
    j["resumed"] = options.resume;
    if (result.cancelled) j["resume_with"] = options.statePath;
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

const bool registered = registerCommand(
    {"train", "train a model on a dataset and save a checkpoint",
     "Trains with early stopping on validation NDCG@20 (see --select), then reports the test split.\n"
     "Ctrl+C stops after the current batch and keeps the best model; CKPT.resume, written beside\n"
     "the checkpoint at every epoch, lets --resume continue the run as if it had not stopped.\n\n"
     "Examples:\n"
     "  recdiff train ../shared/datasets/zhihu-dreamrec --model adigrec --set lambda2=0.01,max_length=10\n"
     "  recdiff train ../shared/datasets/ml-100k-adrec --model sasrec --epochs 50 --out sasrec.ckpt\n"
     "  recdiff train ../shared/datasets/zhihu-dreamrec --init dae4rec.ckpt --stage compensator \\\n"
     "      --set sampling_steps=100 --out dae4rec-s100.ckpt\n"
     "  recdiff train ../shared/datasets/ml-100k-adrec --resume checkpoints/ml-100k-adrec-adrec-seed42.ckpt.resume\n",
     [](ArgParser& p) {
       p.positional("DATASET", "dataset file or folder");
       declareModelOptions(p);
       p.section("Training")
           .option("epochs", "N", "maximum epochs (default: the model's)")
           .option("out", "FILE", "checkpoint to write (default: checkpoints/DATASET-MODEL-seedS.ckpt)")
           .flag("force", "replace the checkpoint if the file exists (without it, an existing file is refused)")
           .option("init", "CKPT", "start from this checkpoint's weights and config (--set on top)")
           .option("resume", "STATE", "continue an interrupted run from its CKPT.resume state, with its own settings")
           .option("stage", "NAME",
                   "run only this training stage (adrec: pretrain, warmup, full; dae4rec: gae, diffusion, compensator)")
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
