// recdiff sample CHECKPOINT --data PATH --user U [--trace]: runs the reverse
// process for one user's test history and prints the recommendations and,
// with --trace, every step: ‖x_t‖, the cosine of x_t and x̂0 to the true
// target, the target's rank and the current top items.
#include <cstdio>

#include <torch/torch.h>

#include "app/cli/command.h"
#include "app/cli/dataset_options.h"
#include "app/cli/model_options.h"
#include "core/diffusion/generator.h"
#include "core/diffusion/trace.h"
#include "core/train/checkpoint.h"
#include "core/train/trainer.h"

namespace recdiff::cli {
namespace {

std::size_t findSample(const data::SequenceDataset& dataset, const ParsedArgs& args) {
  const auto& samples = dataset.test;
  if (samples.empty()) throw std::runtime_error("the dataset's test split is empty");
  if (args.has("user")) {
    const std::string user = args.get("user");
    for (std::size_t i = 0; i < samples.size(); ++i) {
      const auto u = static_cast<std::size_t>(samples[i].user);
      if (u < dataset.userTokens.size() && dataset.userTokens[u] == user) return i;
    }
    throw UsageError("no test sample for user '" + user + "' (use --sample INDEX for published splits)");
  }
  const auto index = static_cast<std::size_t>(args.getInt("sample", 0, 1LL << 40));
  if (index >= samples.size()) {
    throw UsageError("--sample " + std::to_string(index) + " is out of range (the test split has " +
                     std::to_string(samples.size()) + " samples)");
  }
  return index;
}

std::string itemName(const data::SequenceDataset& dataset, std::int64_t id) {
  if (id <= 0 || id > dataset.numItems) return "?";
  std::string name = dataset.items.token(static_cast<std::int32_t>(id));
  const auto& titles = dataset.metadata.titles;
  if (static_cast<std::size_t>(id) < titles.size() && !titles[static_cast<std::size_t>(id)].empty()) {
    name += " (" + titles[static_cast<std::size_t>(id)] + ")";
  }
  return name;
}

int run(const ParsedArgs& args, CommandContext& ctx) {
  applyRuntimeOptions(args);
  const data::SequenceDataset dataset = data::loadDataset(datasetSpecFromArgs(args, args.get("data")));
  auto loaded = train::loadCheckpoint(args.get("CHECKPOINT"), &dataset);
  const torch::Device device = train::parseDevice(args.get("device"));
  loaded.model->to(device);
  loaded.model->eval();
  const std::size_t index = findSample(dataset, args);
  const data::Sample& sample = dataset.test[index];
  data::BatchOptions bo;
  bo.maxLength = loaded.model->shape().maxLength;
  bo.numItems = dataset.numItems;
  auto batch =
      data::makeBatch(dataset.test, {static_cast<std::int64_t>(index)}, bo, diffusion::makeGenerator(0), device);
  const int topK = static_cast<int>(args.getInt("top-k", 1, 1000));
  diffusion::TraceRecorder recorder(loaded.model->itemEmbeddings().detach(), batch.target, topK);
  if (args.flag("exclude-history")) recorder.excludeHistory(batch.history);
  torch::NoGradGuard noGrad;
  loaded.model->reverse(batch, reverseOptionsFromArgs(args), &recorder);
  const diffusion::Trace& trace = recorder.trace();
  if (trace.steps.empty()) throw std::runtime_error("the model recorded no steps");
  const auto& final = trace.steps.back();
  // A diverged model's x̂0 is NaN: every item then ties and the target would
  // be called "rank 1". Refused, as evaluation refuses such scores.
  if (!torch::isfinite(final.x0Hat).all().item<bool>() || !torch::isfinite(final.topkScores).all().item<bool>()) {
    throw std::runtime_error(args.get("CHECKPOINT") +
                             ": the model's output is not finite (NaN or infinite) "
                             "for this user; the checkpoint holds a diverged model");
  }
  const bool showTrace = args.flag("trace");

  if (ctx.json) {
    nlohmann::ordered_json j;
    j["model"] = loaded.meta.modelName;
    j["sample"] = index;
    j["history"] = sample.history;
    j["target"] = sample.target;
    j["target_rank"] = final.targetRank[0];
    nlohmann::json top = nlohmann::json::array();
    for (int k = 0; k < final.topkIds.size(1); ++k) {
      top.push_back({{"item", final.topkIds[0][k].item<std::int64_t>()},
                     {"token", itemName(dataset, final.topkIds[0][k].item<std::int64_t>())},
                     {"score", final.topkScores[0][k].item<float>()}});
    }
    j["top"] = top;
    if (showTrace) {
      j["steps"] = nlohmann::json::array();
      for (const auto& s : trace.steps) {
        nlohmann::json ids = nlohmann::json::array();
        for (int k = 0; k < s.topkIds.size(1); ++k) ids.push_back(s.topkIds[0][k].item<std::int64_t>());
        j["steps"].push_back({{"t", s.t},
                              {"norm_xt", s.normXt[0]},
                              {"cos_xt_target", s.cosXtTarget[0]},
                              {"cos_x0_target", s.cosX0Target[0]},
                              {"target_rank", s.targetRank[0]},
                              {"top", ids}});
      }
    }
    ctx.out << j.dump(2) << '\n';
    return 0;
  }
  ctx.out << "sample " << index << ": history of " << sample.history.size() << " items, true next item "
          << itemName(dataset, sample.target) << "\n";
  if (showTrace) {
    ctx.out << "    t   |x_t|  cos(x_t,e)  cos(x0,e)   rank  top items\n";
    char line[96];
    for (const auto& s : trace.steps) {
      std::snprintf(line, sizeof line, "%5d  %6.3f  %10.3f  %9.3f  %5lld  ", s.t, s.normXt[0], s.cosXtTarget[0],
                    s.cosX0Target[0], static_cast<long long>(s.targetRank[0]));
      ctx.out << line;
      for (int k = 0; k < std::min<std::int64_t>(5, s.topkIds.size(1)); ++k) {
        ctx.out << (k ? " " : "")
                << dataset.items.token(static_cast<std::int32_t>(s.topkIds[0][k].item<std::int64_t>()));
      }
      ctx.out << "\n";
    }
  }
  ctx.out << "rank of the true next item: " << final.targetRank[0] << " of " << dataset.numItems << "\ntop "
          << final.topkIds.size(1) << ":\n";
  for (int k = 0; k < final.topkIds.size(1); ++k) {
    const auto id = final.topkIds[0][k].item<std::int64_t>();
    ctx.out << "  " << (k + 1) << ". " << itemName(dataset, id) << "  " << final.topkScores[0][k].item<float>()
            << (id == sample.target ? "  <- true next item" : "") << "\n";
  }
  return 0;
}

const bool registered = registerCommand(
    {"sample", "run the reverse process for one user and print the recommendations",
     "Example:\n  recdiff sample model.ckpt --data ../shared/datasets/ml-100k-adrec --user 42 --trace\n",
     [](ArgParser& p) {
       p.positional("CHECKPOINT", "checkpoint written by `recdiff train`");
       p.option("data", "PATH", "the dataset the checkpoint was trained on");
       p.option("user", "TOKEN", "the user whose test history to continue");
       p.option("sample", "INDEX", "or: the test sample by index", "0");
       p.option("top-k", "K", "recommendations to show", "10");
       p.flag("trace", "print every reverse step");
       p.flag("exclude-history", "never recommend items already in the history");
       declareRuntimeOptions(p);
       declareReverseOptions(p);
       declareDatasetOptions(p);
     },
     run});

}  // namespace
}  // namespace recdiff::cli
