// recdiff bench CASE: reproducible timings, printed as JSON (one document
// per run of the command). A benchmark, not a test: nothing is asserted.
//
//   train       seconds per training epoch (after warm-up epochs), per stage
//               of the model's schedule, and the process's peak memory;
//   sample      seconds to reverse-sample and rank a whole split;
//   projection  PCA, Barnes–Hut t-SNE and UMAP on clustered embeddings.
//
// Every case records the build (LibTorch, BLAS, threads, device) beside the
// numbers, so a line in BENCHMARKS.md can be traced to its configuration.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>

#include "app/cli/command.h"
#include "app/cli/dataset_options.h"
#include "app/cli/model_options.h"
#include "core/analysis/projection_benchmark.h"
#include "core/core_version.h"
#include "core/eval/evaluator.h"
#include "core/models/model_registry.h"
#include "core/train/checkpoint.h"
#include "core/train/trainer.h"

namespace recdiff::cli {
namespace {

nlohmann::ordered_json summary(std::vector<double> runs) {
  nlohmann::ordered_json j;
  j["runs"] = runs;
  std::sort(runs.begin(), runs.end());
  const std::size_t n = runs.size();
  j["median"] = n == 0 ? 0.0 : (n % 2 ? runs[n / 2] : 0.5 * (runs[n / 2 - 1] + runs[n / 2]));
  j["min"] = n == 0 ? 0.0 : runs.front();
  j["max"] = n == 0 ? 0.0 : runs.back();
  return j;
}

double peakResidentMegabytes() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
}

nlohmann::ordered_json buildJson(const std::string& device) {
  const BuildInfo info = buildInfo();
  nlohmann::ordered_json j;
  j["recdiff"] = info.recdiffVersion;
  j["torch"] = info.torchVersion;
  j["blas"] = info.blas;
  j["intra_op_threads"] = info.intraOpThreads;
  j["device"] = device;
  return j;
}

// The model: from --checkpoint (its config and weights), or built fresh
// from --model/--set (weights do not change the time of a reverse run).
models::ModelPtr modelFor(const ParsedArgs& args, const data::SequenceDataset& dataset) {
  if (args.has("checkpoint")) return train::loadCheckpoint(args.get("checkpoint"), &dataset).model;
  const models::ModelInfo& info = models::modelInfo(args.get("model"));
  const models::Config config = modelConfigFromArgs(info, args);
  return models::createModel(info.name, config, {dataset.numItems, config.at("max_length").get<std::int64_t>()},
                             args.getUnsigned("seed"));
}

int benchTrain(const ParsedArgs& args, CommandContext& ctx) {
  applyRuntimeOptions(args);
  const data::SequenceDataset dataset = data::loadDataset(datasetSpecFromArgs(args, args.get("DATASET")));
  auto model = modelFor(args, dataset);
  const auto warmup = args.getInt("warmup", 0, 1000);
  const auto repeat = args.getInt("repeat", 1, 1000);
  train::TrainOptions options;
  options.device = args.get("device");
  options.threads = static_cast<int>(args.getInt("threads", 0, 4096));
  options.seed = args.getUnsigned("seed");
  options.epochs = warmup + repeat;
  options.validationSamples = 1;  // the trainer validates; keep that out of the way
  const auto stages = model->stages();
  const std::string stageName = args.has("stage") ? args.get("stage") : stages.back().name;
  for (std::size_t s = 0; s < stages.size(); ++s) {
    if (stages[s].name == stageName) options.onlyStage = static_cast<int>(s);
  }
  if (options.onlyStage < 0) throw UsageError("--stage: " + model->modelName() + " has no stage '" + stageName + "'");

  std::vector<double> seconds;
  std::int64_t batches = 0;
  train::TrainCallbacks callbacks;
  callbacks.onBatch = [&](const train::BatchReport& r) { batches = r.batches; };
  callbacks.onEpoch = [&](const train::EpochReport& r) {
    if (r.epoch > warmup) seconds.push_back(r.trainSeconds);
    ctx.err << "epoch " << r.epoch << (r.epoch > warmup ? "" : " (warm-up)") << ": " << r.trainSeconds << " s\n";
  };
  train::trainModel(*model, dataset, options, callbacks);

  nlohmann::ordered_json j;
  j["case"] = "train";
  j["model"] = model->modelName();
  j["dataset"] = dataset.name;
  j["stage"] = stageName;
  j["training_samples"] = dataset.train.size();
  j["batches_per_epoch"] = batches;
  j["config"] = model->config();
  j["build"] = buildJson(options.device);
  j["warmup"] = warmup;
  j["epoch_seconds"] = summary(seconds);
  j["peak_rss_mb"] = peakResidentMegabytes();
  ctx.out << j.dump(ctx.json ? 2 : -1) << '\n';
  return 0;
}

int benchSample(const ParsedArgs& args, CommandContext& ctx) {
  applyRuntimeOptions(args);
  const data::SequenceDataset dataset = data::loadDataset(datasetSpecFromArgs(args, args.get("DATASET")));
  auto model = modelFor(args, dataset);
  const std::string split = args.get("on");
  if (split != "test" && split != "validation") throw UsageError("--on expects test or validation");
  const auto& samples = split == "test" ? dataset.test : dataset.validation;
  const torch::Device device = train::parseDevice(args.get("device"));
  model->to(device);
  eval::EvaluationOptions eo;
  eo.reverse = reverseOptionsFromArgs(args);
  eo.batchSize = args.getInt("batch-size", 1, 10000000);
  const auto warmup = args.getInt("warmup", 0, 1000);
  const auto repeat = args.getInt("repeat", 1, 1000);
  std::vector<double> seconds;
  for (std::int64_t r = 0; r < warmup + repeat; ++r) {
    const auto result = eval::evaluate(*model, samples, eo, device);
    ctx.err << "run " << r + 1 << (r < warmup ? " (warm-up)" : "") << ": " << result.seconds << " s\n";
    if (r >= warmup) seconds.push_back(result.seconds);
  }
  nlohmann::ordered_json j;
  j["case"] = "sample";
  j["model"] = model->modelName();
  j["dataset"] = dataset.name;
  j["split"] = split;
  j["samples"] = samples.size();
  j["diffusion_steps"] = model->diffusionSteps();
  j["sampler"] = eo.reverse.sampler;
  j["sampler_steps"] = eo.reverse.steps;
  j["ensemble"] = eo.reverse.ensemble;
  j["batch_size"] = eo.batchSize;
  j["config"] = model->config();
  j["build"] = buildJson(args.get("device"));
  j["warmup"] = warmup;
  j["seconds"] = summary(seconds);
  const double median = j["seconds"]["median"].get<double>();
  j["samples_per_second"] = median > 0 ? static_cast<double>(samples.size()) / median : 0.0;
  ctx.out << j.dump(ctx.json ? 2 : -1) << '\n';
  return 0;
}

int benchProjection(const ParsedArgs& args, CommandContext& ctx) {
  analysis::ProjectionBenchmarkOptions o;
  o.points = static_cast<int>(args.getInt("points", 10, 10000000));
  o.pcaPoints = static_cast<int>(args.getInt("pca-points", 10, 100000000));
  o.dimension = static_cast<int>(args.getInt("dimension", 2, 4096));
  o.threads = static_cast<int>(args.getInt("threads", 0, 4096));
  o.seed = args.getUnsigned("seed");
  ctx.out << analysis::toJson(analysis::runProjectionBenchmark(o)) << '\n';
  return 0;
}

void declareRepetitions(ArgParser& p, const char* what, const char* warmup) {
  p.section("Repetitions")
      .option("warmup", "N", std::string(what) + " run first and not counted", warmup)
      .option("repeat", "N", std::string(what) + " timed (median, min, max reported)", "3");
}

const bool trainRegistered = registerCommand({
    "bench train",
    "time training epochs of a model on a dataset (JSON)",
    "Examples:\n"
    "  recdiff bench train ../shared/datasets/ml-100k-adrec --model adrec --threads 2\n"
    "  recdiff bench train ../shared/datasets/zhihu-dreamrec --model adigrec --set max_length=10\n",
    [](ArgParser& p) {
      p.positional("DATASET", "dataset file or folder");
      declareModelOptions(p);
      p.section("Case").option("stage", "NAME", "training stage to time (default: the last)");
      declareRepetitions(p, "epochs", "1");
      declareRuntimeOptions(p);
      declareDatasetOptions(p);
    },
    benchTrain});

const bool sampleRegistered = registerCommand({
    "bench sample",
    "time reverse sampling and full ranking of a whole split (JSON)",
    "Times eval over the split: guidance, the reverse process of every sample and\n"
    "the full-catalog ranking. --checkpoint uses a trained model, otherwise a\n"
    "fresh one from --model/--set (same cost).\n\n"
    "Example:\n"
    "  recdiff bench sample ../shared/datasets/zhihu-dreamrec --model adigrec --set diffusion_steps=100\n",
    [](ArgParser& p) {
      p.positional("DATASET", "dataset file or folder");
      declareModelOptions(p);
      p.section("Case")
          .option("checkpoint", "FILE", "time this trained model instead")
          .option("on", "test|validation", "which split to sample and rank", "test")
          .option("batch-size", "N", "samples per reverse batch", "1024");
      declareRepetitions(p, "passes", "1");
      declareRuntimeOptions(p);
      declareReverseOptions(p);
      declareDatasetOptions(p);
    },
    benchSample});

const bool projectionRegistered = registerCommand({
    "bench projection",
    "time PCA, t-SNE and UMAP on clustered embeddings (JSON)",
    "",
    [](ArgParser& p) {
      p.section("Case")
          .option("points", "N", "points for t-SNE and UMAP", "10000")
          .option("pca-points", "N", "points for PCA", "50000")
          .option("dimension", "D", "embedding dimension", "64")
          .option("threads", "N", "worker threads (0 = all cores)", "0")
          .option("seed", "N", "seed of the data and the layouts", "1");
    },
    benchProjection});

}  // namespace
}  // namespace recdiff::cli
