// recdiff bench CASE: reproducible timings, printed as JSON (one document
// per run of the command). A benchmark, not a test: nothing is asserted.
//
//   train       seconds per training epoch (after warm-up epochs), per stage
//               of the model's schedule, and the process's peak memory;
//   sample      seconds to reverse-sample and rank a whole split;
//   projection  PCA, Barnes–Hut t-SNE and UMAP on clustered embeddings;
//   threads     the machine's own ceiling for thread scaling: an SGEMM and
//               element-wise kernels of growing size, 1 against N threads.
//
// Every case records the build (LibTorch, BLAS, threads, device) beside the
// numbers, so a line in BENCHMARKS.md can be traced to its configuration.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <functional>

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
  // Named, not a temporary: g++ 13 would warn (wrongly) that `info` may dangle.
  const std::string modelName = args.get("model");
  const models::ModelInfo& info = models::modelInfo(modelName);
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
  options.onlyStage =
      args.has("stage") ? stageIndex(*model, args.get("stage")) : static_cast<int>(model->stages().size()) - 1;

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
  j["stage"] = model->stages()[static_cast<std::size_t>(options.onlyStage)].name;
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
  if (args.has("write-points")) o.pointsFile = args.get("write-points");
  ctx.out << analysis::toJson(analysis::runProjectionBenchmark(o)) << '\n';
  return 0;
}

// Median seconds of `repeat` calls of `work` after one warm-up call.
double medianSeconds(int repeat, const std::function<void()>& work) {
  work();
  std::vector<double> runs;
  for (int r = 0; r < repeat; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    work();
    runs.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  return summary(runs)["median"].get<double>();
}

// What N threads can give on this machine: a large SGEMM (BLAS's own
// threads) and an element-wise update (LibTorch's intra-op pool) of several
// sizes, from ADIGRec's (~160 k elements a kernel) to ADRec's large ones,
// each with one thread and with N. Every size does the same total work
// (`elements` in all), so the times compare. A training step is a mix of
// such kernels, so its speed-up follows the sizes it is made of.
int benchThreads(const ParsedArgs& args, CommandContext& ctx) {
  const auto size = args.getInt("gemm-size", 64, 16384);
  const auto total = args.getInt("elements", 1LL << 16, 1LL << 31);
  const int repeat = static_cast<int>(args.getInt("repeat", 1, 1000));
  const int many = static_cast<int>(args.getInt("threads", 2, 4096));
  torch::manual_seed(args.getUnsigned("seed"));
  torch::NoGradGuard noGrad;
  auto a = torch::randn({size, size}), b = torch::randn({size, size});
  auto x = torch::randn({total}), y = torch::randn({total});
  auto timeBoth = [&](const std::function<void()>& work) {
    std::vector<double> seconds;
    for (int n : {1, many}) {
      setIntraOpThreads(n);
      seconds.push_back(medianSeconds(repeat, work));
    }
    return seconds;
  };
  const auto gemm = timeBoth([&] { (void)torch::mm(a, b); });
  const double flop = 2.0 * static_cast<double>(size * size) * static_cast<double>(size);
  nlohmann::ordered_json elementwise = nlohmann::json::array();
  for (std::int64_t chunk = 1 << 14; chunk <= total; chunk *= 4) {
    auto xs = x.split(chunk), ys = y.split(chunk);
    const auto t = timeBoth([&] {
      for (std::size_t i = 0; i < xs.size(); ++i) xs[i].mul_(0.999).add_(ys[i], 0.001).tanh_();
    });
    elementwise.push_back(
        {{"elements_per_kernel", chunk}, {"seconds_1", t[0]}, {"seconds_n", t[1]}, {"speedup", t[0] / t[1]}});
  }
  nlohmann::ordered_json j;
  j["case"] = "threads";
  j["threads"] = many;
  j["build"] = buildJson("cpu");
  j["sgemm"] = {{"size", size},
                {"gflops_1", flop / gemm[0] / 1e9},
                {"gflops_n", flop / gemm[1] / 1e9},
                {"speedup", gemm[0] / gemm[1]}};
  j["elementwise_total_elements"] = total;
  j["elementwise"] = elementwise;
  ctx.out << j.dump(ctx.json ? 2 : -1) << '\n';
  return 0;
}

void declareRepetitions(ArgParser& p, const char* what, const char* warmup) {
  p.section("Repetitions")
      .option("warmup", "N", std::string(what) + " run first and not counted", warmup)
      .option("repeat", "N", std::string(what) + " timed (median, min, max reported)", "3");
}

const bool trainRegistered =
    registerCommand({"bench train", "time training epochs of a model on a dataset (JSON)",
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

const bool sampleRegistered = registerCommand(
    {"bench sample", "time reverse sampling and full ranking of a whole split (JSON)",
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

const bool projectionRegistered =
    registerCommand({"bench projection", "time PCA, t-SNE and UMAP on clustered embeddings (JSON)",
                     "20 Gaussian clusters; PCA on --pca-points, t-SNE and UMAP on --points.\n"
                     "--write-points saves the t-SNE/UMAP input so that tests/bench/tsne_sklearn.py\n"
                     "and tests/bench/umap_js.mjs can time other implementations on the same points.\n\n"
                     "Example:\n"
                     "  recdiff bench projection --threads 2 --write-points /tmp/points.tsv\n",
                     [](ArgParser& p) {
                       p.section("Case")
                           .option("points", "N", "points for t-SNE and UMAP", "10000")
                           .option("pca-points", "N", "points for PCA", "50000")
                           .option("dimension", "D", "embedding dimension", "64")
                           .option("threads", "N", "worker threads (0 = all cores)", "0")
                           .option("seed", "N", "seed of the data and the layouts", "1")
                           .option("write-points", "FILE", "also write the t-SNE/UMAP input (TSV: label, coordinates)");
                     },
                     benchProjection});

const bool threadsRegistered = registerCommand(
    {"bench threads", "the machine's thread-scaling ceiling: SGEMM and element-wise, 1 vs N threads (JSON)",
     "Example:\n"
     "  recdiff bench threads --threads 2\n",
     [](ArgParser& p) {
       p.section("Case")
           .option("threads", "N", "the thread count compared with one", "2")
           .option("gemm-size", "N", "SGEMM of two N x N matrices", "2048")
           .option("elements", "N", "elements updated in all, in kernels of 16 Ki, 64 Ki, … up to N", "16777216")
           .option("repeat", "N", "timed calls of each kernel (median reported)", "5")
           .option("seed", "N", "seed of the inputs", "1");
     },
     benchThreads});

}  // namespace
}  // namespace recdiff::cli
