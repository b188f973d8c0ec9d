// ADRec: per-token timesteps, the shifted targets and masked MSE, padding
// invariance, the PCGrad-style mean of the CE and MSE gradients, the cached
// last-position decoder against the full ADM, every ablation switch, the
// three-stage schedule (frozen embeddings in warm-up), memorising 50
// sequences, a checkpoint round trip, and the SASRec front end of stage 1.
#include <algorithm>
#include <random>

#include <torch/torch.h>

#include "core/diffusion/forward_noise.h"
#include "core/diffusion/generator.h"
#include "core/diffusion/trace.h"
#include "core/eval/evaluator.h"
#include "core/models/adrec.h"
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

const std::vector<data::Sample>& mixedSamples() {
  static const std::vector<data::Sample> s = {
      {0, {1, 2, 3}, 4}, {1, {5}, 6}, {2, {}, 7}, {3, {2, 9, 8, 7, 6, 5, 4}, 3}, {4, {11, 10}, 1}};
  return s;
}

models::ModelPtr makeAdRec(const std::vector<std::string>& overrides, std::int32_t items = 12) {
  auto model =
      test::configuredModel("adrec", {{"dim=16", "max_length=8", "diffusion_steps=10"}, overrides}, {items, 8});
  model->to(device());
  return model;
}

// The same batch with random items written into its padding positions.
data::Batch withJunkInPadding(const data::Batch& b) {
  data::Batch out = b;
  auto junk = torch::randint(1, 12, b.history.sizes(), torch::TensorOptions().dtype(torch::kInt64).device(device()));
  out.history = torch::where(b.mask, b.history, junk);
  return out;
}

models::AdRec& asAdRec(const models::ModelPtr& m) { return dynamic_cast<models::AdRec&>(*m); }

}  // namespace

TEST_CASE("per-token timesteps: 1..T at real positions, 0 (clean) at padding") {
  requireDevice();
  auto mask = torch::tensor({{0, 0, 1, 1, 1}, {1, 1, 1, 1, 1}, {0, 0, 0, 0, 0}}, torch::kBool).to(device());
  auto t = models::perTokenTimesteps(mask, 32, diffusion::makeGenerator(4, device()));
  CHECK_EQ(t.scalar_type(), torch::kInt64);
  CHECK_EQ(t.masked_select(mask.logical_not()).abs().sum().item<std::int64_t>(), 0);
  auto real = t.masked_select(mask);
  CHECK(real.min().item<std::int64_t>() >= 1);
  CHECK(real.max().item<std::int64_t>() <= 32);
  // Over many draws every step appears and the positions are independent.
  auto many = models::perTokenTimesteps(torch::ones({200, 50}, torch::kBool).to(device()), 32,
                                        diffusion::makeGenerator(5, device()));
  CHECK_EQ(std::get<0>(at::_unique(many.flatten())).numel(), 32);
  CHECK(many.select(1, 0).ne(many.select(1, 1)).any().item<bool>());
  // q_sample with these timesteps leaves padding exactly clean.
  diffusion::NoiseSchedule schedule(diffusion::ScheduleKind::TruncatedLinear, 32);
  auto x0 = torch::randn({3, 5, 4}, device());
  auto xt = diffusion::qSample(schedule, x0, t, {}, diffusion::makeGenerator(6, device())).xt;
  auto pad = mask.logical_not().unsqueeze(-1).expand_as(x0);
  CHECK(torch::equal(xt.masked_select(pad), x0.masked_select(pad)));
  CHECK(!torch::allclose(xt.masked_select(pad.logical_not()), x0.masked_select(pad.logical_not())));
}

TEST_CASE("shifted targets and the masked MSE match a hand-computed case") {
  requireDevice();
  auto b = batchOf({{0, {1, 2, 3}, 4}, {1, {5}, 6}}, 8);
  auto next = models::shiftedTargets(b).to(torch::kCPU);
  CHECK(torch::equal(next, torch::tensor({{2, 3, 4}, {0, 0, 6}}, torch::kInt64)));
  // One row, positions (pad, real, real), d = 2: errors (9, 9) at the padding
  // (ignored), (1, 3) and (2, 0): per-channel means 5 and 2 -> 3.5.
  auto p = torch::tensor({{{3.f, 3.f}, {1.f, 3.f}, {2.f, 0.f}}}).to(device());
  auto x = torch::zeros({1, 3, 2}, device());
  auto mask = torch::tensor({{false, true, true}}).to(device());
  CHECK_NEAR(models::maskedMeanSquaredError(p, x, mask).item<double>(), 3.5, 1e-6);
}

TEST_CASE("ADRec shapes: loss components, the generated embedding, scores and inspection") {
  requireDevice();
  auto model = makeAdRec({});
  auto batch = batchOf(mixedSamples(), 8);
  auto terms = model->loss(batch, diffusion::makeGenerator(1, device()));
  CHECK(terms.components.count("ce") == 1 && terms.components.count("mse") == 1);
  CHECK(torch::isfinite(terms.total).item<bool>());
  model->eval();
  auto x0 = model->reverse(batch, {}, nullptr);
  CHECK_EQ(x0.sizes().vec(), (std::vector<std::int64_t>{5, 16}));
  test::checkCatalogScores(model->score(batch, {}), 5, 12);
  auto inspection = model->inspect(batch);
  CHECK_EQ(inspection.at("cam_attention").sizes().vec(), (std::vector<std::int64_t>{5, 2, 7, 7}));
  // Causal: no weight on later positions; rows of real queries sum to one.
  auto w = inspection.at("cam_attention")[3][0];
  CHECK_NEAR(w.triu(1).abs().sum().item<double>(), 0.0, 1e-6);
  CHECK_NEAR(w.sum(-1).mean().item<double>(), 1.0, 1e-5);
  diffusion::TraceRecorder recorder(model->itemEmbeddings(), batch.target);
  model->reverse(batch, {}, &recorder);
  CHECK_EQ(recorder.trace().steps.size(), std::size_t{11});
  CHECK_EQ(recorder.trace().steps.front().extras.at("adm_attention").sizes().vec(),
           (std::vector<std::int64_t>{5, 2, 7}));
}

TEST_CASE("ADRec: content at padding positions changes no loss and no score") {
  requireDevice();
  for (const std::string stage : {"pretrain", "full"}) {
    auto model = makeAdRec({"dropout=0", "emb_dropout=0"});
    model->beginStage(stage == "pretrain" ? 0 : 2);
    auto batch = batchOf(mixedSamples(), 8);
    auto junk = withJunkInPadding(batch);
    CHECK(!torch::equal(batch.history, junk.history));
    auto a = model->loss(batch, diffusion::makeGenerator(9, device()));
    auto b = model->loss(junk, diffusion::makeGenerator(9, device()));
    CHECK_NEAR(a.total.item<double>(), b.total.item<double>(), 1e-5);
    model->eval();
    models::ReverseOptions ro;
    ro.seed = 3;
    CHECK(torch::allclose(model->score(batch, ro).slice(1, 1), model->score(junk, ro).slice(1, 1), 1e-4, 1e-4));
  }
}

TEST_CASE("ADRec's loss is the PCGrad mean: the mean of the CE and MSE gradients") {
  requireDevice();
  auto model = makeAdRec({"dropout=0", "emb_dropout=0"});
  auto batch = batchOf(mixedSamples(), 8);
  auto terms = model->loss(batch, diffusion::makeGenerator(2, device()));
  const auto ce = terms.components.at("ce"), mse = terms.components.at("mse");
  CHECK_NEAR(terms.total.item<double>(), 0.5 * (ce.item<double>() + mse.item<double>()), 1e-6);
  // Shared parameters: the item table and a parameter deep in the ADM.
  auto named = model->named_parameters();
  std::vector<torch::Tensor> shared = {model->itemEmbeddings(), named["adm0.ffn_in.weight"], named["time.in.weight"]};
  auto gTotal = torch::autograd::grad({terms.total}, shared, {}, true);
  auto gCe = torch::autograd::grad({ce}, shared, {}, true);
  auto gMse = torch::autograd::grad({mse}, shared, {}, true);
  for (std::size_t i = 0; i < shared.size(); ++i) {
    CHECK(gCe[i].abs().sum().item<double>() > 0 && gMse[i].abs().sum().item<double>() > 0);
    CHECK(torch::allclose(gTotal[i], 0.5 * (gCe[i] + gMse[i]), 1e-5, 1e-7));
  }
  // Every trainable parameter gets a gradient from both losses (so "shared"
  // is all of them and the mean is exact).
  for (const auto& p : model->parameters()) {
    auto g = torch::autograd::grad({ce}, {p}, {}, true, false, true)[0];
    auto h = torch::autograd::grad({mse}, {p}, {}, true, false, true)[0];
    CHECK(g.defined() && h.defined());
  }
  auto noMse = makeAdRec({"mse=false"});
  auto t2 = noMse->loss(batch, diffusion::makeGenerator(2, device()));
  CHECK(t2.components.count("mse") == 0);
  CHECK_NEAR(t2.total.item<double>(), t2.components.at("ce").item<double>(), 1e-7);
}

TEST_CASE("ADRec's cached last-position decoder equals running the ADM over the sequence") {
  requireDevice();
  for (const std::string attend : {"false", "true"}) {
    auto model = makeAdRec({"dropout=0", "emb_dropout=0", "diffusion_steps=6", "attend_padding=" + attend});
    {
      torch::NoGradGuard noGrad;  // a trained-looking model: scale the weights up
      for (auto& p : model->parameters()) p.mul_(1.5);
    }
    auto batch = batchOf(mixedSamples(), 8);
    models::ReverseOptions ro;
    ro.seed = 21;
    model->eval();
    auto fast = model->reverse(batch, ro, nullptr);
    model->train();  // dropout is zero: the full-sequence path computes the same
    auto full = model->reverse(batch, ro, nullptr);
    CHECK(torch::allclose(fast, full, 1e-4, 1e-4));
    CHECK(fast.abs().sum().item<double>() > 0);
  }
}

TEST_CASE("ADRec attend_padding: padding is a learned token that real positions attend to") {
  requireDevice();
  // Off, the amount of left padding changes nothing; on, every padded slot is
  // the learned token in the attention, so it does. Item ids written into the
  // padding matter in neither.
  for (const bool attend : {false, true}) {
    auto model =
        makeAdRec({"dropout=0", "emb_dropout=0", std::string("attend_padding=") + (attend ? "true" : "false")});
    CHECK_EQ(model->named_parameters().find("padding_token") != nullptr, attend);
    model->beginStage(0);  // the CAM alone scores: no reverse noise to line up
    model->eval();
    models::ReverseOptions ro;
    ro.seed = 5;
    // A sixth, longer user widens the batch from 7 to 8 positions: one more
    // padded slot for each of the first five.
    auto longer = mixedSamples();
    longer.push_back({5, {1, 2, 3, 4, 5, 6, 7, 8}, 9});
    auto narrow = batchOf(mixedSamples(), 8), wide = batchOf(longer, 8);
    CHECK_EQ(narrow.history.size(1) + 1, wide.history.size(1));
    auto scoreWide = model->score(wide, ro).slice(0, 0, 5).slice(1, 1);
    auto scoreNarrow = model->score(narrow, ro).slice(1, 1);
    CHECK_EQ(torch::allclose(scoreWide, scoreNarrow, 1e-4, 1e-4), !attend);
    CHECK(torch::allclose(scoreWide, model->score(withJunkInPadding(wide), ro).slice(0, 0, 5).slice(1, 1), 1e-4, 1e-4));
    model->beginStage(2);
    model->train();
    auto a = model->loss(wide, diffusion::makeGenerator(9, device()));
    auto b = model->loss(withJunkInPadding(wide), diffusion::makeGenerator(9, device()));
    CHECK_NEAR(a.total.item<double>(), b.total.item<double>(), 1e-5);
  }
  // The token belongs with E (the reference's row 0): trained in pre-training
  // and the full stage, frozen in warm-up.
  auto model = makeAdRec({"attend_padding=true"});
  auto token = model->named_parameters()["padding_token"];
  auto batch = batchOf(mixedSamples(), 8);
  auto stepChanges = [&](std::size_t stage) {
    model->beginStage(stage);
    auto before = token.detach().clone();
    torch::optim::Adam optimizer(model->trainableParameters(), torch::optim::AdamOptions(1e-2));
    optimizer.zero_grad();
    model->loss(batch, diffusion::makeGenerator(1, device())).total.backward();
    optimizer.step();
    return !torch::equal(before, token);
  };
  CHECK(stepChanges(0));
  CHECK(!stepChanges(1));
  CHECK(!token.requires_grad());
  CHECK(stepChanges(2));
}

TEST_CASE("every ADRec switch builds, trains a step with finite gradients and scores") {
  requireDevice();
  const std::vector<std::vector<std::string>> variants = {{},
                                                          {"warmup=false"},
                                                          {"pretrain=false"},
                                                          {"mse=false"},
                                                          {"cam=false"},
                                                          {"denoiser=mlp"},
                                                          {"cam=false", "pretrain=false"},
                                                          {"schedule=linear", "diffusion_steps=50"},
                                                          {"pretrain_encoder=sasrec"},
                                                          {"pretrain_encoder=sasrec", "pretrain=false"},
                                                          {"attend_padding=true"},
                                                          {"attend_padding=true", "pretrain_encoder=sasrec"}};
  auto batch = batchOf(mixedSamples(), 8);
  for (const auto& v : variants) {
    auto model = makeAdRec(v);
    const auto stages = model->stages();
    for (std::size_t s = 0; s < stages.size(); ++s) {
      model->train();
      model->beginStage(s);
      torch::optim::Adam optimizer(model->trainableParameters(), torch::optim::AdamOptions(1e-3));
      optimizer.zero_grad();
      auto terms = model->loss(batch, diffusion::makeGenerator(1, device()));
      test::checkFiniteBackward(terms.total, model->trainableParameters());
      optimizer.step();
      model->eval();
      test::checkCatalogScores(model->score(batch, {}), 5, 12);
    }
  }
}

TEST_CASE("ADRec's stages: pre-train, warm-up with frozen embeddings and a fresh CAM, full") {
  requireDevice();
  auto names = [](const models::ModelPtr& m) {
    std::string s;
    for (const auto& st : m->stages()) s += st.name + ":" + std::to_string(st.epochs) + " ";
    return s;
  };
  CHECK_EQ(names(makeAdRec({})), std::string("pretrain:0 warmup:5 full:0 "));
  CHECK_EQ(names(makeAdRec({"warmup=false"})), std::string("pretrain:0 full:0 "));
  CHECK_EQ(names(makeAdRec({"pretrain=false"})), std::string("full:0 "));

  auto model = makeAdRec({});
  auto& adrec = asAdRec(model);
  auto batch = batchOf(mixedSamples(), 8);
  auto step = [&] {
    torch::optim::Adam optimizer(model->trainableParameters(), torch::optim::AdamOptions(1e-2).weight_decay(1e-3));
    optimizer.zero_grad();
    model->loss(batch, diffusion::makeGenerator(1, device())).total.backward();
    optimizer.step();
  };
  model->beginStage(0);
  CHECK(adrec.phase() == models::AdRec::Phase::Pretrain);
  auto named = model->named_parameters();
  auto adm0 = named["adm0.ffn_in.weight"].detach().clone();
  step();
  CHECK(torch::equal(adm0, named["adm0.ffn_in.weight"]));  // the ADM waits for stage 2
  auto camTrained = named["cam0.ffn_in.weight"].detach().clone();
  auto table = model->itemEmbeddings().detach().clone();

  model->beginStage(1);
  CHECK(adrec.phase() == models::AdRec::Phase::Warmup);
  CHECK(!model->itemEmbeddings().requires_grad());
  CHECK(!torch::allclose(camTrained, named["cam0.ffn_in.weight"]));  // trained from scratch
  CHECK(torch::equal(table, model->itemEmbeddings()));
  for (int i = 0; i < 2; ++i) step();
  CHECK(torch::equal(table, model->itemEmbeddings()));  // frozen in warm-up
  CHECK(!torch::equal(adm0, named["adm0.ffn_in.weight"]));

  model->beginStage(2);
  CHECK(adrec.phase() == models::AdRec::Phase::Full);
  CHECK(model->itemEmbeddings().requires_grad());
  auto cam = named["cam0.ffn_in.weight"].detach().clone();
  step();
  CHECK(!torch::equal(table, model->itemEmbeddings()));
  CHECK(!torch::equal(cam, named["cam0.ffn_in.weight"]));  // no second reset
}

TEST_CASE("ADRec pretrain_encoder=sasrec: learned positions in stage 1, none after it") {
  requireDevice();
  CHECK(makeAdRec({})->named_parameters().find("pretrain_positions.weight") == nullptr);
  CHECK(
      makeAdRec({"pretrain_encoder=sasrec", "pretrain=false"})->named_parameters().find("pretrain_positions.weight") ==
      nullptr);
  auto model = makeAdRec({"pretrain_encoder=sasrec"});
  auto positions = model->named_parameters()["pretrain_positions.weight"];
  auto batch = batchOf(mixedSamples(), 8);
  auto lastOutput = [&] {
    model->eval();
    return model->reverse(batch, {}, nullptr);
  };
  auto perturbed = [&] {  // does the last-position output move with the positions?
    auto before = lastOutput();
    torch::NoGradGuard noGrad;
    auto saved = positions.detach().clone();
    positions.add_(torch::randn_like(positions));
    auto after = lastOutput();
    positions.copy_(saved);
    return !torch::allclose(before, after);
  };

  model->beginStage(0);
  CHECK(perturbed());
  const auto trainable = model->trainableParameters();
  CHECK(std::any_of(trainable.begin(), trainable.end(), [&](const torch::Tensor& p) { return p.is_same(positions); }));
  model->train();
  model->loss(batch, diffusion::makeGenerator(1, device())).total.backward();
  CHECK(positions.grad().abs().sum().item<double>() > 0);

  model->beginStage(1);
  CHECK(!perturbed());  // ADRec itself has no positional embedding
}

TEST_CASE("ADRec's three stages run as one trainer run; warm-up leaves E untouched") {
  requireDevice();
  auto data = test::memorisable();
  // Pre-training until early stopping with patience 1: its last epoch is by
  // construction not its best, so "starts from the selected epoch" can fail.
  auto model = makeAdRec({"dim=16", "max_length=10", "batch_size=16", "lr=0.01", "pretrain_epochs=0", "warmup_epochs=2",
                          "eval_every=1", "patience=1"},
                         40);
  torch::Tensor bestPretrain, lastPretrain, afterWarmup;
  std::vector<std::string> seen;
  train::TrainCallbacks callbacks;
  callbacks.onEpoch = [&](const train::EpochReport& r) {
    seen.push_back(r.stageName);
    if (r.stageName == "pretrain") lastPretrain = model->itemEmbeddings().detach().clone();
    if (r.stageName == "pretrain" && r.improved) bestPretrain = lastPretrain;
    if (r.stageName == "warmup") afterWarmup = model->itemEmbeddings().detach().clone();
  };
  auto opts = trainOptions();
  opts.epochs = 30;
  const auto result = train::trainModel(*model, data, opts, callbacks);
  CHECK_EQ(seen.front(), std::string("pretrain"));
  CHECK_EQ(seen.back(), std::string("full"));
  CHECK(std::count(seen.begin(), seen.end(), std::string("warmup")) == 2);
  CHECK(std::count(seen.begin(), seen.end(), std::string("pretrain")) < 30);  // stopped early
  // Warm-up starts from the selected pre-training epoch, not the last one.
  CHECK(!torch::equal(bestPretrain, lastPretrain));
  CHECK(torch::equal(bestPretrain, afterWarmup));
  // The kept model is an ADRec model (warm-up or full), even where the
  // pre-trained one validated higher.
  CHECK(result.bestEpoch > 0);
  CHECK(result.history.at(static_cast<std::size_t>(result.bestEpoch) - 1).stageName != "pretrain");
}

TEST_CASE("ADRec without warm-up: the full stage refines the selected pre-training and is what is kept") {
  requireDevice();
  auto data = test::memorisable();
  CHECK(makeAdRec({"warmup=false"})->stages().at(1).refinesBest);
  CHECK(!makeAdRec({"pretrain=false"})->stages().at(0).refinesBest);
  auto model = makeAdRec(
      {"dim=16", "max_length=10", "batch_size=16", "pretrain_epochs=3", "warmup=false", "eval_every=1", "patience=1"},
      40);
  auto opts = trainOptions();
  opts.epochs = 2;
  const auto result = train::trainModel(*model, data, opts);
  CHECK(result.bestEpoch > 2);  // after the two pre-training epochs
  CHECK_EQ(result.history.at(static_cast<std::size_t>(result.bestEpoch) - 1).stageName, std::string("full"));
}

TEST_CASE("ADRec memorises 50 sequences") {
  requireDevice();
  auto data = test::memorisable();
  auto model = makeAdRec({"dim=32", "max_length=10", "dropout=0", "emb_dropout=0", "lr=0.005", "batch_size=16",
                          "epochs=40", "patience=40", "eval_every=10", "pretrain=false", "lr_schedule=none"},
                         40);
  train::trainModel(*model, data, trainOptions());
  auto metrics = eval::evaluate(*model, data.test, {}, device()).metrics;
  std::printf("ADRec memorisation HR@5 %.3f\n", metrics.hitRate[5]);
  CHECK(metrics.hitRate[5] > 0.8);
}

TEST_CASE("an ADRec checkpoint round-trips: same scores and stage after reload") {
  requireDevice();
  auto data = test::memorisable();
  auto model = makeAdRec(
      {"dim=16", "max_length=10", "batch_size=16", "pretrain_epochs=1", "warmup_epochs=1", "eval_every=1"}, 40);
  auto opts = trainOptions();
  opts.epochs = 1;
  auto trip = test::checkCheckpointRoundTrip(*model, data, opts, "adrec");
  CHECK(asAdRec(model).phase() == asAdRec(trip.loaded.model).phase());
  const auto& batch = trip.batch;
  const auto& ro = trip.reverse;
  // Same seed, same result; another seed, another sample.
  CHECK(torch::equal(model->reverse(batch, ro, nullptr), model->reverse(batch, ro, nullptr)));
  auto other = ro;
  other.seed = 6;
  if (asAdRec(model).phase() != models::AdRec::Phase::Pretrain) {
    CHECK(!torch::equal(model->reverse(batch, ro, nullptr), model->reverse(batch, other, nullptr)));
  }
}
