// The trainer and checkpoints: a model that can memorise 50 sequences does,
// checkpoints round-trip exactly, bad checkpoints give clear errors, and a
// cancel stops within a batch keeping the best checkpoint.
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>

#include <torch/torch.h>

#include "core/diffusion/generator.h"
#include "core/eval/evaluator.h"
#include "core/eval/model_selection.h"
#include "core/models/model_registry.h"
#include "core/train/checkpoint.h"
#include "core/train/trainer.h"
#include "core/train/training_diverged.h"
#include "tests/support/checkpoint_round_trip.h"
#include "tests/support/memorisable_dataset.h"
#include "tests/support/torch_fixtures.h"
#include "tests/support/check.h"

using namespace recdiff;

namespace {

using test::requireDevice;

models::ModelPtr makeModel(const std::string& name, const std::vector<std::string>& overrides, std::int32_t items) {
  return test::configuredModel(name, {overrides}, {items, 10});
}

train::TrainOptions options() {
  auto o = test::trainOptions();
  o.threads = 2;
  return o;
}

}  // namespace

TEST_CASE("SASRec+ memorises 50 sequences") {
  requireDevice();
  auto data = test::memorisable();
  auto model = makeModel(
      "sasrec", {"dim=32", "dropout=0.0", "lr=0.01", "batch_size=16", "epochs=40", "patience=40", "max_length=10"}, 40);
  auto result = train::trainModel(*model, data, options());
  auto metrics = eval::evaluate(*model, data.test, {}, train::parseDevice(test::testDevice())).metrics;
  CHECK(metrics.hitRate[5] > 0.9);
}

TEST_CASE("ADIGRec memorises 50 sequences") {
  requireDevice();
  auto data = test::memorisable();
  auto model = makeModel("adigrec",
                         {"dim=32", "dropout=0.0", "lr=0.01", "batch_size=16", "epochs=60", "patience=60",
                          "max_length=10", "diffusion_steps=20"},
                         40);
  train::trainModel(*model, data, options());
  auto metrics = eval::evaluate(*model, data.test, {}, train::parseDevice(test::testDevice())).metrics;
  CHECK(metrics.hitRate[5] > 0.8);
}

TEST_CASE("collapse figures are tracked per epoch: interests for routing models, the item table for all") {
  requireDevice();
  auto data = test::memorisable();
  auto adigrec = makeModel(
      "adigrec",
      {"dim=16", "interests=3", "epochs=2", "patience=5", "max_length=10", "diffusion_steps=20", "batch_size=16"}, 40);
  const auto result = train::trainModel(*adigrec, data, options());
  CHECK_EQ(result.history.size(), std::size_t{2});
  for (const auto& epoch : result.history) {
    CHECK(epoch.diagnostics.has_value());
    CHECK(epoch.diagnostics->interests.has_value());
    CHECK_EQ(epoch.diagnostics->interests->interests, 3);
    const auto& in = *epoch.diagnostics->interests;
    CHECK(in.collapsedHeadShare >= 0.0 && in.collapsedHeadShare <= 1.0);
    CHECK(in.meanEffectiveItems >= 1.0 - 1e-9 && in.meanEffectiveItems <= 10.0 + 1e-9);
    CHECK(in.meanHeadRedundancy >= 0.0 && in.meanHeadRedundancy <= 1.0 + 1e-9);
    CHECK(!epoch.diagnostics->probe.has_value());  // the per-epoch figures skip the probe
    const auto j = train::toJson(epoch);
    CHECK(j["diagnostics"]["interests"]["head_win_share"].size() == 3);
    // The routing-collapse figures survive the checkpoint's epoch record.
    const auto back = train::epochReportFromJson(j);
    CHECK_NEAR(back.diagnostics->interests->collapsedHeadShare, in.collapsedHeadShare, 1e-12);
    CHECK_NEAR(back.diagnostics->interests->meanEffectiveItems, in.meanEffectiveItems, 1e-12);
    CHECK_NEAR(back.diagnostics->interests->meanHeadRedundancy, in.meanHeadRedundancy, 1e-12);
    CHECK_NEAR(back.diagnostics->interests->meanLRegConcentration, in.meanLRegConcentration, 1e-12);
  }

  auto sasrec = makeModel("sasrec", {"dim=16", "epochs=1", "max_length=10", "batch_size=16"}, 40);
  const auto plain = train::trainModel(*sasrec, data, options());
  CHECK(plain.history.front().diagnostics.has_value());
  CHECK(!plain.history.front().diagnostics->interests.has_value());  // no routing
  CHECK_EQ(plain.history.front().diagnostics->embedding.dimensions, 16);

  auto off = options();
  off.diagnosticUsers = 0;
  auto again = makeModel("sasrec", {"dim=16", "epochs=1", "max_length=10", "batch_size=16"}, 40);
  CHECK(!train::trainModel(*again, data, off).history.front().diagnostics.has_value());
}

TEST_CASE("a checkpoint round-trips: same scores after reload") {
  requireDevice();
  auto data = test::memorisable();
  auto model = makeModel("adigrec", {"dim=16", "batch_size=16", "epochs=2", "max_length=10", "diffusion_steps=20"}, 40);
  auto trip = test::checkCheckpointRoundTrip(*model, data, options(), "adigrec");
  CHECK(std::filesystem::exists(trip.path));
  CHECK(!std::filesystem::exists(trip.path + ".part"));
  CHECK_EQ(trip.loaded.meta.itemTokens.size(), std::size_t{40});
  CHECK(trip.loaded.meta.training.contains("history"));
}

TEST_CASE("bad checkpoints give clear errors") {
  auto data = test::memorisable();
  auto model = makeModel("sasrec", {"dim=8", "max_length=10"}, 40);
  const std::string dir = test::makeTempDir();
  const std::string good = dir + "/good.ckpt";
  train::saveCheckpoint(good, *model, train::describe(*model, data));

  CHECK_THROWS_WITH(train::CheckpointError, train::loadCheckpoint(dir + "/missing.ckpt"), "no such file");

  const auto size = std::filesystem::file_size(good);
  std::filesystem::copy_file(good, dir + "/truncated.ckpt");
  std::filesystem::resize_file(dir + "/truncated.ckpt", size / 2);
  CHECK_THROWS_WITH(train::CheckpointError, train::loadCheckpoint(dir + "/truncated.ckpt"), "truncated.ckpt");

  {
    std::ofstream junk(dir + "/junk.ckpt", std::ios::binary);
    junk << "this is not a checkpoint\n";
  }
  CHECK_THROWS_WITH(train::CheckpointError, train::loadCheckpoint(dir + "/junk.ckpt"),
                    "not readable (truncated or corrupt?)");

  auto other = data;
  other.name = "another";
  other.train.pop_back();
  CHECK_THROWS_WITH(train::CheckpointError, train::loadCheckpoint(good, &other), "not the loaded dataset");

  auto meta = train::describe(*model, data);
  meta.modelName = "no-such-model";
  train::saveCheckpoint(dir + "/unknown.ckpt", *model, meta);
  CHECK_THROWS_WITH(train::CheckpointError, train::loadCheckpoint(dir + "/unknown.ckpt"),
                    "unknown model 'no-such-model'");

  auto bigger = makeModel("sasrec", {"dim=16", "max_length=10"}, 40);
  train::saveCheckpoint(dir + "/shape.ckpt", *bigger, train::describe(*model, data));
  CHECK_THROWS_WITH(train::CheckpointError, train::loadCheckpoint(dir + "/shape.ckpt"), "has shape");
}

TEST_CASE("cancel stops within one batch and keeps the best checkpoint") {
  requireDevice();
  auto data = test::memorisable();
  auto model = makeModel("sasrec", {"dim=8", "batch_size=4", "epochs=50", "patience=50", "max_length=10"}, 40);
  auto opts = options();
  const std::string path = test::makeTempDir() + "/best.ckpt";
  opts.checkpointPath = path;
  train::TrainControl control;
  std::int64_t batchesSeen = 0, batchesAfterCancel = 0;
  train::TrainCallbacks callbacks;
  callbacks.onBatch = [&](const train::BatchReport& r) {
    ++batchesSeen;
    if (control.cancelRequested()) ++batchesAfterCancel;
    if (r.epoch == 3 && r.batch == 5) control.requestCancel();
  };
  auto result = train::trainModel(*model, data, opts, callbacks, &control);
  CHECK(result.cancelled);
  CHECK_EQ(batchesAfterCancel, 0);
  CHECK_EQ(batchesSeen, 13 * 2 + 5);
  auto loaded = train::loadCheckpoint(path, &data);  // intact and loadable
  CHECK_EQ(loaded.meta.training.at("best_epoch").get<std::int64_t>(), result.bestEpoch);
  CHECK(result.bestEpoch >= 1 && result.bestEpoch <= 2);
}

#include "core/data/synthetic.h"
#include "core/train/demo_recipe.h"

TEST_CASE("the demo recipe: ADIGRec beats popularity, and without L_reg its heads collapse onto single items") {
  requireDevice();
  const auto synthetic = data::generateSynthetic(train::demo::syntheticConfig());
  const auto& dataset = synthetic.dataset;
  const auto device = train::parseDevice(test::testDevice());
  const auto recipe = train::demo::models();
  CHECK_EQ(recipe[0].config.dump(), train::demo::modelConfig().dump());
  std::vector<double> hitRate, collapsed;
  for (std::size_t i : {0, 1}) {  // ADIGRec with L_reg, then without
    const auto& info = models::modelInfo(recipe[i].modelName);
    auto config = info.defaults();
    for (const auto& [key, value] : recipe[i].config.items()) config[key] = value;
    auto model = models::createModel(info.name, config, {dataset.numItems, config.at("max_length").get<std::int64_t>()},
                                     train::demo::kTrainingSeed);
    auto o = options();
    o.seed = train::demo::kTrainingSeed;
    o.diagnosticUsers = 0;
    train::trainModel(*model, dataset, o);
    hitRate.push_back(eval::evaluate(*model, dataset.test, {}, device).metrics.hitRate[20]);
    eval::DiagnosticsOptions d;
    d.linearProbe = false;
    collapsed.push_back(
        eval::diagnoseModel(*model, dataset, dataset.test, test::testDevice(), d).interests->collapsedHeadShare);
  }
  const double popular = eval::evaluatePopularity(dataset, dataset.test).metrics.hitRate[20];
  std::printf("synthetic HR@20: ADIGRec %.4f, without L_reg %.4f, popularity %.4f; heads collapsed %.3f vs %.3f\n",
              hitRate[0], hitRate[1], popular, collapsed[0], collapsed[1]);
  CHECK(hitRate[0] > popular);
  // The classroom story (measured: 10 % against 57 % of the heads on one item).
  CHECK(collapsed[0] < 0.25);
  CHECK(collapsed[1] > 0.4);
}

TEST_CASE("onlyStage trains one stage of a multi-stage schedule; a missing stage is refused") {
  requireDevice();
  const auto dataset = test::memorisable();
  auto model = makeModel(
      "adrec", {"dim=16", "batch_size=25", "epochs=2", "pretrain_epochs=1", "warmup_epochs=1", "diffusion_steps=4"},
      dataset.numItems);
  const auto stages = model->stages();
  CHECK_EQ(stages.size(), std::size_t{3});
  auto o = options();
  o.epochs = 1;
  o.onlyStage = 2;
  std::vector<std::string> seen;
  train::TrainCallbacks callbacks;
  callbacks.onEpoch = [&](const train::EpochReport& r) { seen.push_back(r.stageName); };
  train::trainModel(*model, dataset, o, callbacks);
  CHECK_EQ(seen.size(), std::size_t{1});
  CHECK_EQ(seen.front(), stages[2].name);
  o.onlyStage = 3;
  CHECK_THROWS_WITH(std::invalid_argument, train::trainModel(*model, dataset, o), "stage 3 does not exist");
}

namespace {

// Two stages over item scores fit_ + offset_: "fit" learns the scores, then
// "refine" (a refining stage, like DAE4Rec's compensator) learns an offset
// that pushes every target down, so its validations score below the best fit.
class RefinedScores : public models::Model {
 public:
  RefinedScores(const models::Config& config, std::int32_t items) : Model("refined-scores", config, {items, 10}) {
    fit_ = register_parameter("fit", torch::zeros({items + 1}));
    offset_ = register_parameter("offset", torch::zeros({items + 1}));
  }
  std::vector<models::TrainingStage> stages() const override {
    return {{"fit", 6}, {"refine", 2, /*validated=*/true, /*refinesBest=*/true}};
  }
  void beginStage(std::size_t stage) override { stage_ = stage; }
  std::vector<torch::Tensor> trainableParameters() override { return {stage_ == 0 ? fit_ : offset_}; }
  models::LossTerms loss(const data::Batch& batch, torch::Generator) override {
    auto logits = (fit_ + offset_).unsqueeze(0).expand({batch.size(), -1});
    auto ce = torch::nn::functional::cross_entropy(logits, batch.target);
    return {stage_ == 0 ? ce : -ce, {{"ce", ce}}};
  }
  torch::Tensor reverse(const data::Batch& batch, const models::ReverseOptions&, diffusion::TraceRecorder*) override {
    return (fit_ + offset_).detach().unsqueeze(0).expand({batch.size(), -1});
  }
  torch::Tensor itemEmbeddings() const override { return torch::eye(shape().numItems + 1); }

  torch::Tensor fit_, offset_;

 private:
  std::size_t stage_ = 0;
};

}  // namespace

TEST_CASE("a refining stage starts from the best snapshot and is kept though it validates lower") {
  const auto dataset = test::memorisable();
  models::TrainingDefaults defaults;
  defaults.learningRate = 0.5;
  defaults.batchSize = 25;
  defaults.evalEvery = 1;
  models::ModelInfo info;
  info.params = models::trainingParams(defaults, "");
  RefinedScores model(info.defaults(), dataset.numItems);
  auto o = options();
  o.device = "cpu";
  torch::Tensor bestFit;
  double bestFitScore = -1.0, bestRefineScore = -1.0;
  train::TrainCallbacks callbacks;
  callbacks.onEpoch = [&](const train::EpochReport& r) {
    const double ndcg = r.validation->ndcg.at(20);
    if (r.stageName == "fit" && r.improved) bestFit = model.fit_.detach().clone();
    if (r.stageName == "fit") bestFitScore = std::max(bestFitScore, ndcg);
    if (r.stageName == "refine") bestRefineScore = std::max(bestRefineScore, ndcg);
  };
  train::trainModel(model, dataset, o, callbacks);
  CHECK(bestFit.defined());
  CHECK(bestRefineScore < bestFitScore);  // the case under test: refining lowered validation
  CHECK(torch::equal(model.fit_.detach(), bestFit));
  CHECK(model.offset_.detach().abs().sum().item<double>() > 0.0);  // the refinement was kept
}

TEST_CASE("same seed, same numbers: the initial weights and a whole training run repeat exactly") {
  requireDevice();
  if (test::testDevice() == "cuda") SKIP("bit-for-bit repetition is promised on the CPU only");
  const auto dataset = test::memorisable();
  const auto& info = models::modelInfo("adigrec");
  auto config = info.defaults();
  for (const char* o : {"dim=16", "interests=2", "diffusion_steps=20", "batch_size=16", "epochs=2"}) {
    models::applyOverride(info, config, o);
  }
  auto build = [&](std::uint64_t seed) { return models::createModel("adigrec", config, {dataset.numItems, 10}, seed); };
  auto a = build(5), b = build(5), c = build(6);
  const auto pa = a->parameters(), pb = b->parameters(), pc = c->parameters();
  bool allSame = true, anyDifferent = false;
  for (std::size_t i = 0; i < pa.size(); ++i) {
    allSame = allSame && torch::equal(pa[i], pb[i]);
    anyDifferent = anyDifferent || !torch::equal(pa[i], pc[i]);
  }
  CHECK(allSame);
  CHECK(anyDifferent);
  auto o = options();
  o.threads = 1;
  const auto ra = train::trainModel(*a, dataset, o);
  const auto rb = train::trainModel(*b, dataset, o);
  CHECK_EQ(ra.history.size(), rb.history.size());
  for (std::size_t e = 0; e < ra.history.size(); ++e) {
    CHECK(ra.history[e].meanLosses == rb.history[e].meanLosses);
  }
  const auto device = train::parseDevice(test::testDevice());
  CHECK_EQ(eval::evaluate(*a, dataset.test, {}, device).ranks, eval::evaluate(*b, dataset.test, {}, device).ranks);
}

TEST_CASE("selection 'any' keeps the last validation where any of the six metrics improved") {
  requireDevice();
  auto data = test::memorisable();
  auto model = makeModel(
      "sasrec", {"dim=16", "lr=0.01", "batch_size=16", "epochs=12", "patience=3", "eval_every=1", "max_length=10"}, 40);
  auto o = options();
  o.selectionMetric = "any";
  const auto result = train::trainModel(*model, data, o);
  eval::ModelSelection replay("any");
  std::int64_t lastImproved = 0, sinceImproved = 0;
  for (std::size_t e = 0; e < result.history.size(); ++e) {
    const auto& r = result.history[e];
    CHECK(r.validation.has_value());
    const bool improved = replay.offer(*r.validation);
    CHECK_EQ(r.improved, improved);
    if (improved) lastImproved = static_cast<std::int64_t>(e) + 1;
    sinceImproved = improved ? 0 : sinceImproved + 1;
  }
  CHECK_EQ(result.bestEpoch, lastImproved);
  // Stopped by patience (3 validations without any new best) or by the epoch limit.
  CHECK(sinceImproved == 3 || result.history.size() == 12);
  CHECK_NEAR(result.bestScore, result.bestValidation->ndcg.at(20), 0.0);

  o.selectionMetric = "mrr";
  CHECK_THROWS_WITH(std::invalid_argument, train::trainModel(*model, data, o), "selection rule 'mrr'");
}

// Divergence is not success (issue 44, case 4).
namespace {
void poison(models::Model& model) {
  torch::NoGradGuard noGrad;
  for (auto& p : model.parameters()) p.fill_(std::numeric_limits<float>::quiet_NaN());
}
}  // namespace

TEST_CASE("a diverging run stops naming stage, epoch, batch and loss term; the last good checkpoint stays") {
  requireDevice();
  auto data = test::memorisable();
  auto model = makeModel("sasrec", {"dim=8", "batch_size=16", "epochs=5", "patience=5", "max_length=10"}, 40);
  auto opts = options();
  const std::string dir = test::makeTempDir();
  opts.checkpointPath = dir + "/run.ckpt";
  opts.statePath = dir + "/run.ckpt.resume";
  train::TrainCallbacks callbacks;
  // Epoch 1 is validated and written; then the weights blow up, as a far too high lr makes them.
  callbacks.onEpoch = [&](const train::EpochReport& r) {
    if (r.epoch == 1) poison(*model);
  };
  bool diverged = false;
  try {
    train::trainModel(*model, data, opts, callbacks);
  } catch (const train::TrainingDiverged& e) {
    diverged = true;
    CHECK_EQ(e.stage(), std::string("train"));
    CHECK_EQ(e.epoch(), std::int64_t{2});
    CHECK_EQ(e.batch(), std::int64_t{1});
    const std::string message = e.what();
    CHECK(message.find("stage 'train', epoch 2, batch 1 of 4: loss term '") != std::string::npos);
    CHECK(message.find("is nan") != std::string::npos);
    CHECK(message.find("run.ckpt keeps the best model so far (epoch 1)") != std::string::npos);
  }
  CHECK(diverged);
  CHECK(!std::filesystem::exists(opts.statePath));  // resuming would only diverge again
  // The checkpoint still holds epoch 1's model, which ranks with finite scores.
  auto loaded = train::loadCheckpoint(opts.checkpointPath, &data);
  CHECK_EQ(loaded.meta.training.at("best_epoch").get<std::int64_t>(), std::int64_t{1});
  const auto device = train::parseDevice(test::testDevice());
  loaded.model->to(device);
  CHECK(std::isfinite(eval::evaluate(*loaded.model, data.test, {}, device).metrics.ndcg.at(20)));
  // The model in memory is the best one again, not NaN.
  for (const auto& p : model->parameters()) CHECK(torch::isfinite(p).all().item<bool>());
}

TEST_CASE("evaluation refuses NaN scores instead of ranking every target first") {
  requireDevice();
  auto data = test::memorisable();
  auto model = makeModel("sasrec", {"dim=8", "max_length=10"}, 40);
  poison(*model);
  const auto device = train::parseDevice(test::testDevice());
  model->to(device);
  CHECK_THROWS_WITH(eval::NonFiniteScores, eval::evaluate(*model, data.test, {}, device),
                    "scores are not finite (NaN or infinite) for sample 0");
}

TEST_CASE("a checkpoint whose config is out of range is refused, naming the file and parameter") {
  auto data = test::memorisable();
  auto model = makeModel("sasrec", {"dim=8", "max_length=10"}, 40);
  const std::string path = test::makeTempDir() + "/crafted.ckpt";
  auto meta = train::describe(*model, data);
  meta.config["batch_size"] = 0;  // would divide by zero in training
  train::saveCheckpoint(path, *model, meta);
  CHECK_THROWS_WITH(train::CheckpointError, train::loadCheckpoint(path),
                    "crafted.ckpt: parameter 'batch_size' = 0 is out of range");
}
