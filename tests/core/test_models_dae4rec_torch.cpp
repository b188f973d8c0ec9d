// DAE4Rec: the item graph and its normalised adjacency on a hand-made
// example, λ_t and L_AIME against hand computations, the GAE pre-training,
// the stages and what each trains, the compensator and the skip-step
// sampling defaults, the residual compensator, ablation switches, padding
// invariance, memorising 50 sequences through the trainer and a checkpoint
// round trip.
#include <cmath>
#include <random>

#include <torch/torch.h>

#include "core/diffusion/generator.h"
#include "core/diffusion/schedule.h"
#include "core/diffusion/trace.h"
#include "core/eval/evaluator.h"
#include "core/models/dae4rec.h"
#include "core/models/model_registry.h"
#include "core/train/checkpoint.h"
#include "core/train/trainer.h"
#include "tests/support/checkpoint_round_trip.h"
#include "tests/support/memorisable_dataset.h"
#include "tests/support/torch_fixtures.h"
#include "tests/support/check.h"

using namespace recdiff;

namespace {

using test::batchOf;
using test::device;
using test::requireDevice;
using test::trainOptions;

std::shared_ptr<models::Dae4Rec> makeModel(const std::vector<std::string>& overrides, std::int32_t items = 12,
                                           std::int64_t maxLength = 6) {
  const std::vector<std::string> small = {"dim=16",
                                          "diffusion_steps=40",
                                          "sampling_steps=20",
                                          "gae_hidden=16",
                                          "gae_edges=64",
                                          "aime_block=8",
                                          "max_length=" + std::to_string(maxLength)};
  auto model = std::dynamic_pointer_cast<models::Dae4Rec>(
      test::configuredModel("dae4rec", {small, overrides}, {items, maxLength}));
  model->to(device());
  return model;
}

data::SequenceDataset datasetOf(const std::vector<data::Sample>& train, std::int32_t items) {
  data::SequenceDataset d;
  d.name = "tiny";
  d.numItems = items;
  for (int i = 1; i <= items; ++i) d.items.intern("i" + std::to_string(i));
  d.train = train;
  for (std::size_t u = 0; u < train.size(); ++u) d.userTokens.push_back("u" + std::to_string(u));
  return d;
}

const std::vector<data::Sample> kSamples = {{0, {1, 2, 3}, 4}, {1, {5}, 6}, {2, {}, 7}, {3, {2, 9, 8, 7, 6, 5}, 3}};

std::vector<std::string> names(const std::vector<models::TrainingStage>& stages) {
  std::vector<std::string> out;
  for (const auto& s : stages) out.push_back(s.name);
  return out;
}

}  // namespace

TEST_CASE("the item graph links adjacent training items once, with self-loops, and normalises") {
  requireDevice();
  // Sequences 1-2-3 and 3-2 (duplicate edge 2-3), 4-4 (self pair only).
  auto d = datasetOf({{0, {1, 2}, 3}, {1, {3}, 2}, {2, {4}, 4}}, 5);
  d.validation = {{0, {1, 2, 3}, 5}};  // 3-5 must not become an edge
  auto g = models::ItemGraph::fromSamples(d.train, 5);
  CHECK_EQ(g.numEdges(), 2);
  CHECK(torch::equal(g.edges(), torch::tensor({{1, 2}, {2, 3}}, torch::kLong)));
  CHECK(torch::equal(g.degrees(), torch::tensor({0, 2, 3, 2, 1, 1}, torch::kLong)));
  auto rows = torch::tensor({1, 2, 1, 4, 0, 3, 5}, torch::kLong).to(device());
  auto cols = torch::tensor({2, 1, 3, 4, 0, 5, 5}, torch::kLong).to(device());
  CHECK(torch::equal(g.contains(rows, cols).cpu(), torch::tensor({true, true, false, true, false, false, true})));
  auto dense = g.normalizedAdjacency(device()).to_dense().cpu();
  CHECK_NEAR(dense[1][2].item<double>(), 1.0 / std::sqrt(2.0 * 3.0), 1e-6);
  CHECK_NEAR(dense[2][2].item<double>(), 1.0 / 3.0, 1e-6);
  CHECK_NEAR(dense[4][4].item<double>(), 1.0, 1e-6);
  CHECK_EQ(dense[0].abs().sum().item<double>(), 0.0);
  CHECK_EQ(dense[1][3].item<double>(), 0.0);
  CHECK(torch::allclose(dense, dense.t()));
  CHECK_EQ(g.positives(device()).size(1), 2 + 5);  // edges + self-loops

  auto model = makeModel({}, 5);
  model->observeTrainingData(d);
  CHECK_EQ(model->graph().numEdges(), 2);
}

TEST_CASE("λ_t follows Eq. 5 and is clipped where it diverges") {
  // β = 0.1, 0.2, 0.3: ᾱ = 0.9, 0.72, 0.504.
  auto schedule = diffusion::NoiseSchedule::fromBetas({0.1, 0.2, 0.3});
  auto w = models::dae4recLossWeights(schedule, 100.0);
  CHECK_EQ(w.size(), std::size_t{4});
  CHECK_NEAR(w[1], 100.0, 1e-12);                           // 1-ᾱ_0 = 0: the clip
  CHECK_NEAR(w[2], 0.9 * 0.28 / (2 * 0.2 * 0.1), 1e-9);     // 6.3
  CHECK_NEAR(w[3], 0.72 * 0.496 / (2 * 0.3 * 0.28), 1e-9);  // 2.1257…
  auto clipped = models::dae4recLossWeights(schedule, 5.0);
  CHECK_NEAR(clipped[2], 5.0, 1e-12);
  CHECK_NEAR(clipped[3], w[3], 1e-12);
}

TEST_CASE("L_AIME on a 3-item block matches a hand computation") {
  requireDevice();
  auto E = torch::tensor({{1.0f, 0.0f}, {0.0f, 1.0f}, {1.0f, 1.0f}}, device());
  auto half = torch::full({3, 3}, 0.5f, device());
  // E Eᵀ = [[1,0,1],[0,1,1],[1,1,2]]: six entries σ(1), two σ(0), one σ(2).
  const double s1 = 1.0 / (1.0 + std::exp(-1.0)) - 0.5, s2 = 1.0 / (1.0 + std::exp(-2.0)) - 0.5;
  CHECK_NEAR(models::aimeLoss(E, half).item<double>(), (6 * s1 * s1 + s2 * s2) / 9.0, 1e-6);
  // σ(Z Zᵀ) of Z = E is a perfect target.
  CHECK_NEAR(models::aimeLoss(E, torch::sigmoid(torch::matmul(E, E.t()))).item<double>(), 0.0, 1e-12);
}

TEST_CASE("stages follow the switches and each trains only its own parameters") {
  requireDevice();
  CHECK_EQ(names(makeModel({})->stages()), (std::vector<std::string>{"gae", "diffusion", "compensator"}));
  CHECK_EQ(names(makeModel({"aime=false"})->stages()), (std::vector<std::string>{"diffusion", "compensator"}));
  CHECK_EQ(names(makeModel({"aime_target=graph", "compensator=false"})->stages()),
           (std::vector<std::string>{"diffusion"}));
  CHECK_EQ(makeModel({"gae_epochs=7"})->stages()[0].epochs, 7);
  CHECK_EQ(makeModel({})->stages()[1].epochs, 0);  // early stopping

  auto data = datasetOf({{0, {1, 2, 3}, 4}, {1, {5, 6}, 7}, {2, {8, 9, 10}, 11}, {3, {2, 9}, 12}}, 12);
  auto model = makeModel({});
  model->observeTrainingData(data);
  auto batch = batchOf(data.train, 6, 12);
  auto gen = diffusion::makeGenerator(1, device());
  auto count = [](const std::vector<torch::Tensor>& v) {
    std::int64_t n = 0;
    for (const auto& p : v) n += p.numel();
    return n;
  };
  const std::int64_t all = count(model->parameters());

  // Before any stage: the diffusion loss, without L_AIME (no Z* yet).
  CHECK_EQ(model->currentStage(), std::string("diffusion"));
  CHECK_EQ(model->loss(batch, gen).components.count("l_aime"), std::size_t{0});

  model->beginStage(0);
  auto gaeParams = model->trainableParameters();
  CHECK_EQ(count(gaeParams), 13 * 16 + 16 * 16);  // W0 [N+1,h], W1 [h,d]
  torch::optim::Adam gaeOpt(gaeParams, torch::optim::AdamOptions(0.05));
  double first = 0.0, last = 0.0;
  for (int i = 0; i < 60; ++i) {
    gaeOpt.zero_grad();
    auto terms = model->loss(batch, gen);
    if (i == 0) first = terms.components.at("l_gae").item<double>();
    last = terms.components.at("l_gae").item<double>();
    terms.total.backward();
    gaeOpt.step();
  }
  std::printf("GAE BCE %.3f -> %.3f\n", first, last);
  CHECK(last < 0.7 * first);

  model->beginStage(1);
  CHECK(model->graphEmbeddingsReady());
  auto z = model->frozenGraphEmbeddings();
  auto edges = model->graph().edges().to(device());
  const double onEdges =
      torch::sigmoid((z.index_select(0, edges[0]) * z.index_select(0, edges[1])).sum(-1)).mean().item<double>();
  const double offEdges = torch::sigmoid((z.index_select(0, torch::tensor({1, 4, 5, 8}, torch::kLong).to(device())) *
                                          z.index_select(0, torch::tensor({11, 9, 12, 3}, torch::kLong).to(device())))
                                             .sum(-1))
                              .mean()
                              .item<double>();
  CHECK(onEdges > offEdges);
  const std::int64_t compensatorSize = count(model->named_children()["compensator"]->parameters());
  CHECK_EQ(count(model->trainableParameters()), all - (13 * 16 + 16 * 16) - compensatorSize);
  auto terms = model->loss(batch, gen);
  CHECK_EQ(terms.components.count("l_aime"), std::size_t{1});
  CHECK_NEAR(terms.total.item<double>(),
             terms.components.at("l_diff").item<double>() + terms.components.at("l_aime").item<double>(), 1e-4);
  terms.total.backward();
  CHECK(!model->frozenGraphEmbeddings().requires_grad());

  model->beginStage(2);
  model->zero_grad();
  CHECK_EQ(count(model->trainableParameters()), compensatorSize);
  auto com = model->loss(batch, gen);
  CHECK_EQ(com.components.count("l_com"), std::size_t{1});
  com.total.backward();
  for (const auto& p : model->named_parameters()) {
    const bool inCompensator = p.key().rfind("compensator.", 0) == 0;
    CHECK_EQ(p.value().grad().defined() && p.value().grad().abs().sum().item<double>() > 0.0, inCompensator);
  }
}

TEST_CASE("the GAE stage refuses to run without the training data") {
  requireDevice();
  auto model = makeModel({});
  model->beginStage(0);
  CHECK_THROWS_WITH(std::logic_error, model->loss(batchOf(kSamples, 6, 12), diffusion::makeGenerator(1, device())),
                    "observeTrainingData");
}

TEST_CASE("sampling defaults to DDIM with S steps; the compensator replaces the matching last step") {
  requireDevice();
  auto model = makeModel({});  // T = 40, S = 20: τ1 = 2
  model->eval();
  CHECK_EQ(model->compensatorTimestep(), 2);
  auto batch = batchOf(kSamples, 6, 12);
  models::ReverseOptions ro;
  ro.seed = 4;
  diffusion::TraceRecorder recorder(model->itemEmbeddings(), batch.target);
  auto before = model->reverse(batch, ro, &recorder);
  CHECK_EQ(recorder.trace().steps.size(), std::size_t{21});  // S steps + the final x0
  CHECK_EQ(recorder.trace().steps.front().t, 40);
  CHECK_EQ(recorder.trace().steps[19].t, 2);
  models::ReverseOptions full = ro;
  full.sampler = "ddpm";
  full.steps = 40;
  auto fullBefore = model->reverse(batch, full, nullptr);

  CHECK(!model->compensatorReady());
  model->beginStage(2);  // the compensator stage marks it trained
  CHECK(model->compensatorReady());
  auto after = model->reverse(batch, ro, nullptr);
  CHECK(!torch::allclose(before, after));
  // The compensator sees x_{τ1} only; the rest of the chain is unchanged.
  torch::NoGradGuard noGrad;
  // A run whose τ1 is not the trained one samples without it.
  CHECK(torch::allclose(fullBefore, model->reverse(batch, full, nullptr)));
  auto noComp = makeModel({"compensator=false"});
  CHECK_EQ(names(noComp->stages()), (std::vector<std::string>{"gae", "diffusion"}));
}

TEST_CASE("a residual compensator starts at the plain last step and trains only its correction") {
  requireDevice();
  auto model = makeModel({"compensator_form=residual"});  // τ1 = 2
  model->eval();
  auto batch = batchOf(kSamples, 6, 12);
  models::ReverseOptions plain;
  plain.seed = 4;
  plain.compensator = false;
  models::ReverseOptions compensated = plain;
  compensated.compensator = true;
  auto without = model->reverse(batch, plain, nullptr);
  model->beginStage(2);
  CHECK(model->compensatorReady());
  CHECK(torch::allclose(without, model->reverse(batch, compensated, nullptr)));

  model->train();
  model->zero_grad();
  auto gen = diffusion::makeGenerator(3, device());
  model->loss(batch, gen).total.backward();
  for (const auto& p : model->named_parameters()) {
    if (p.key().rfind("compensator.", 0) == 0) continue;
    CHECK(!(p.value().grad().defined() && p.value().grad().abs().sum().item<double>() > 0.0));
  }
  auto last = model->named_parameters()["compensator.2.weight"];
  CHECK(last.grad().abs().sum().item<double>() > 0);
  // Once the correction is non-zero, the compensated last step differs.
  {
    torch::NoGradGuard noGrad;
    last.normal_(0.0, 0.1);
  }
  model->eval();
  CHECK(!torch::allclose(without, model->reverse(batch, compensated, nullptr)));
}

TEST_CASE("every DAE4Rec ablation trains each stage with finite gradients and scores the catalog") {
  requireDevice();
  const std::vector<std::vector<std::string>> variants = {{},
                                                          {"aime=false"},
                                                          {"aime_target=graph"},
                                                          {"compensator=false"},
                                                          {"loss_weighting=false"},
                                                          {"denoiser=linear"},
                                                          {"compensator_input=forward"},
                                                          {"compensator_form=residual"},
                                                          {"sampler=ddpm"},
                                                          {"sampling_steps=40"},
                                                          {"schedule=exp", "lambda_max=1"}};
  auto data = datasetOf({{0, {1, 2, 3}, 4}, {1, {5, 6}, 7}, {2, {8, 9, 10}, 11}, {3, {}, 12}}, 12);
  auto batch = batchOf(data.train, 6, 12);
  for (const auto& v : variants) {
    auto model = makeModel(v);
    model->observeTrainingData(data);
    auto gen = diffusion::makeGenerator(1, device());
    const auto stages = model->stages();
    for (std::size_t s = 0; s < stages.size(); ++s) {
      model->beginStage(s);
      model->zero_grad();
      auto terms = model->loss(batch, gen);
      CHECK(test::checkFiniteBackward(terms.total, model->trainableParameters()) > 0);
      if (stages[s].name == "diffusion" && model->getBool("aime")) {
        CHECK_EQ(terms.components.count("l_aime"), std::size_t{1});
      }
    }
    model->eval();
    test::checkCatalogScores(model->score(batch, {}), 4, 12);
  }
  CHECK_THROWS_WITH(models::ConfigError, makeModel({"sampling_steps=41"}), "sampling_steps");
  CHECK_EQ(makeModel({"sampling_steps=0"})->samplingSteps(), 20);  // T/2
  CHECK_EQ(makeModel({"sampling_steps=0", "diffusion_steps=1"})->samplingSteps(), 1);
}

TEST_CASE("DAE4Rec: padding never changes a user's condition or generation") {
  requireDevice();
  auto model = makeModel({});
  model->eval();
  auto shortBatch = batchOf({{0, {1, 2, 3}, 4}, {1, {5, 6}, 7}}, 6, 12);
  auto longBatch = batchOf({{0, {1, 2, 3}, 4}, {1, {5, 6, 7, 8, 9, 10}, 11}}, 6, 12);
  auto a = model->inspect(shortBatch);
  auto b = model->inspect(longBatch);
  CHECK(torch::allclose(a.at("condition_h")[0], b.at("condition_h")[0], 1e-5, 1e-5));
  CHECK_EQ(b.at("condition_attention").sizes().vec(), (std::vector<std::int64_t>{2, 6, 6}));
  models::ReverseOptions ro;
  ro.seed = 9;
  CHECK(torch::allclose(model->reverse(shortBatch, ro, nullptr)[0], model->reverse(longBatch, ro, nullptr)[0], 1e-4,
                        1e-4));
}

TEST_CASE("DAE4Rec memorises 50 sequences through its three stages") {
  requireDevice();
  auto data = test::memorisable();
  auto model = makeModel(
      {"dim=32", "lr=0.005", "batch_size=16", "epochs=40", "patience=40", "max_length=10", "diffusion_steps=50",
       "sampling_steps=25", "gae_epochs=2", "compensator_epochs=10", "gae_edges=256", "aime_block=32", "delta=0.1"},
      40, 10);
  std::map<std::string, int> epochs;
  std::map<std::string, int> validations;
  torch::Tensor bestDenoiser;  // the denoiser's weights at the best diffusion-stage validation
  auto denoiserWeights = [&] {
    std::vector<torch::Tensor> w;
    for (const auto& p : model->named_parameters()) {
      if (p.key().rfind("denoiser.", 0) == 0) w.push_back(p.value().detach().flatten().cpu());
    }
    return torch::cat(w);
  };
  train::TrainCallbacks callbacks;
  callbacks.onEpoch = [&](const train::EpochReport& r) {
    ++epochs[r.stageName];
    if (r.validation) ++validations[r.stageName];
    if (r.stageName == "diffusion" && r.improved) bestDenoiser = denoiserWeights().clone();
  };
  const auto result = train::trainModel(*model, data, trainOptions(), callbacks);
  CHECK_EQ(epochs["gae"], 2);
  CHECK_EQ(epochs["compensator"], 10);
  // The GAE stage leaves an untrained denoiser: never validated, never the best model.
  CHECK_EQ(validations["gae"], 0);
  CHECK(validations["diffusion"] > 0);
  CHECK(result.bestEpoch > 2);
  // The compensator is fitted to the best denoiser and kept, whatever its own validation scores.
  CHECK(model->compensatorReady());
  CHECK(bestDenoiser.defined() && torch::equal(denoiserWeights(), bestDenoiser));
  auto metrics = eval::evaluate(*model, data.test, eval::EvaluationOptions(), device()).metrics;
  std::printf("DAE4Rec memorise HR@5 %.3f (compensator used: %d)\n", metrics.hitRate[5],
              model->compensatorReady() ? 1 : 0);
  CHECK(model->graphEmbeddingsReady());
  CHECK(metrics.hitRate[5] > 0.8);
}

TEST_CASE("a DAE4Rec checkpoint round-trips: same scores and stage flags after reload") {
  requireDevice();
  auto data = test::memorisable();
  auto model =
      makeModel({"batch_size=16", "epochs=2", "max_length=10", "gae_epochs=1", "compensator_epochs=1"}, 40, 10);
  auto trip = test::checkCheckpointRoundTrip(*model, data, trainOptions(), "dae4rec");
  // The checkpoint holds the best epoch; the in-memory model was restored to it.
  auto reloaded = std::dynamic_pointer_cast<models::Dae4Rec>(trip.loaded.model);
  CHECK_EQ(reloaded->graphEmbeddingsReady(), model->graphEmbeddingsReady());
  CHECK_EQ(reloaded->compensatorReady(), model->compensatorReady());
}

TEST_CASE("a compensator for another S trains from a checkpoint; without it the plain last step is taken") {
  requireDevice();
  auto data = test::memorisable();
  const std::vector<std::string> common = {"batch_size=16", "epochs=2", "max_length=10", "gae_epochs=1",
                                           "compensator_epochs=1"};
  auto model = makeModel(common, 40, 10);  // T = 40, S = 20
  auto opts = trainOptions();
  const std::string path = test::makeTempDir() + "/dae4rec.ckpt";
  opts.checkpointPath = path;
  train::trainModel(*model, data, opts);

  auto overrides = common;
  overrides.push_back("sampling_steps=8");  // τ1 = 5 instead of 2
  auto other = makeModel(overrides, 40, 10);
  train::loadWeightsInto(path, *other, &data);
  CHECK_EQ(other->compensatorTimestep(), 5);
  model->to(torch::kCPU);
  other->to(torch::kCPU);
  auto batch = data::makeBatch(
      data.test, {0, 1, 2, 3},
      [] {
        data::BatchOptions bo;
        bo.maxLength = 10;
        bo.numItems = 40;
        return bo;
      }(),
      diffusion::makeGenerator(1), torch::kCPU);
  models::ReverseOptions s8;
  s8.sampler = "ddim";
  s8.steps = 8;
  s8.seed = 5;
  model->eval();
  other->eval();
  // Same weights: at S = 8 both sample without a compensator (the stored one is for τ1 = 2).
  CHECK(torch::allclose(model->score(batch, s8), other->score(batch, s8)));

  auto compensatorOnly = trainOptions();
  compensatorOnly.onlyStage = 2;
  const auto before = other->named_parameters()["embedding.items.weight"].clone();
  train::trainModel(*other, data, compensatorOnly);
  other->to(torch::kCPU);
  other->eval();
  CHECK(other->compensatorReady());
  CHECK(torch::equal(before, other->named_parameters()["embedding.items.weight"]));  // f_θ and E stay frozen
  const auto withIt = other->score(batch, s8);
  CHECK(!torch::allclose(withIt, model->score(batch, s8)));
  auto without = s8;
  without.compensator = false;
  CHECK(torch::allclose(other->score(batch, without), model->score(batch, s8)));

  // A checkpoint of another model is refused by name.
  auto sasrec = models::createModel("sasrec", models::modelInfo("sasrec").defaults(), {40, 10});
  CHECK_THROWS_WITH(train::CheckpointError, train::loadWeightsInto(path, *sasrec, &data), "holds a dae4rec model");
}
