// DimeRec: L_gem's choice of the best interest and the rule-based GEM on
// hand-made inputs, the loss combination and its ablation switches, padding
// invariance, inspection, memorising 50 sequences and a checkpoint round trip.
#include <random>

#include <torch/torch.h>

#include "core/diffusion/generator.h"
#include "core/eval/evaluator.h"
#include "core/models/dimerec.h"
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

models::ModelPtr makeModel(const std::vector<std::string>& overrides, std::int32_t items = 12,
                           std::int64_t maxLength = 6) {
  const std::vector<std::string> small = {"dim=16", "max_length=" + std::to_string(maxLength)};
  auto model = test::configuredModel("dimerec", {small, overrides}, {items, maxLength});
  model->to(device());
  return model;
}

const std::vector<data::Sample> kSamples = {{0, {1, 2, 3}, 4}, {1, {5}, 6}, {2, {}, 7}, {3, {2, 9, 8, 7, 6, 5}, 3}};

}  // namespace

TEST_CASE("L_gem scores the valid interest closest to the target") {
  requireDevice();
  // Rows: [1,0], [0,2], [0,5] (the last one is padding).
  auto interests = torch::tensor({{{1.0f, 0.0f}, {0.0f, 2.0f}, {0.0f, 5.0f}}}, device());
  auto valid = torch::tensor({{true, true, false}}, device());
  auto target = torch::tensor({{0.0f, 1.0f}}, device());
  auto negatives = torch::tensor({{{1.0f, 0.0f}}}, device());
  // Best valid row: [0,2] (dot 2 vs 0); its negative scores 0.
  CHECK_NEAR(models::guidanceLoss(interests, valid, target, negatives).item<double>(), std::log(1.0 + std::exp(-2.0)),
             1e-5);
  // Without a mask every row competes and [0,5] wins.
  CHECK_NEAR(models::guidanceLoss(interests, {}, target, negatives).item<double>(), std::log(1.0 + std::exp(-5.0)),
             1e-5);
  // A target all valid rows point away from still picks a valid row.
  auto away = torch::tensor({{0.0f, -1.0f}}, device());
  CHECK_NEAR(models::guidanceLoss(interests, valid, away, negatives).item<double>(), std::log(1.0 + std::exp(1.0)),
             1e-5);  // row [1,0]: positive 0, negative 1
}

TEST_CASE("the rule-based GEM keeps the last K items and marks padding") {
  requireDevice();
  auto items = torch::arange(1, 7, torch::TensorOptions().dtype(torch::kFloat).device(device())).view({1, 3, 2});
  auto mask = torch::tensor({{false, true, true}}, device());
  auto two = models::lastItemsGuidance(items, mask, 2);
  CHECK(torch::equal(two.interests.cpu(), torch::tensor({{{3.0f, 4.0f}, {5.0f, 6.0f}}})));
  CHECK(torch::equal(two.valid.cpu(), torch::tensor({{true, true}})));
  auto five = models::lastItemsGuidance(items, mask, 5);
  CHECK_EQ(five.interests.sizes().vec(), (std::vector<std::int64_t>{1, 5, 2}));
  CHECK(torch::equal(five.valid.cpu(), torch::tensor({{false, false, false, true, true}})));
  CHECK_EQ(five.interests[0].slice(0, 0, 3).abs().sum().item<float>(), 0.f);
}

TEST_CASE("DimeRec's total is L_gem + λ·L_recon + μ·L_ssm and each switch removes its term") {
  requireDevice();
  auto batch = batchOf(kSamples, 6, 12, 10);
  for (const std::string gem : {"model", "rule"}) {
    auto model = makeModel({"gem=" + gem, "lambda=0.1", "mu=2.5", "diffusion_steps=20"});
    auto terms = model->loss(batch, diffusion::makeGenerator(1, device()));
    const double gemL = terms.components.at("l_gem").item<double>();
    const double recon = terms.components.at("l_recon").item<double>();
    const double ssm = terms.components.at("l_ssm").item<double>();
    CHECK(gemL > 0.0 && recon > 0.0 && ssm > 0.0);
    CHECK_NEAR(terms.total.item<double>(), gemL + 0.1 * recon + 2.5 * ssm, 1e-4);
    // The same seed draws the same t and noise: the components match and
    // each switch drops exactly its term.
    const std::vector<std::pair<std::string, double>> off = {{"use_gem=false", 0.1 * recon + 2.5 * ssm},
                                                             {"use_recon=false", gemL + 2.5 * ssm},
                                                             {"use_ssm=false", gemL + 0.1 * recon}};
    for (const auto& [sw, expected] : off) {
      auto ablated = makeModel({"gem=" + gem, "lambda=0.1", "mu=2.5", "diffusion_steps=20", sw});
      torch::NoGradGuard noGrad;
      auto& dst = *ablated;
      auto src = model->named_parameters();
      for (auto& p : dst.named_parameters()) p.value().copy_(src[p.key()]);
      auto t = ablated->loss(batch, diffusion::makeGenerator(1, device()));
      CHECK_NEAR(t.total.item<double>(), expected, 1e-4);
    }
  }
  CHECK_THROWS_WITH(models::ConfigError, makeModel({"use_gem=false", "use_recon=false", "use_ssm=false"}),
                    "nothing to train");
}

TEST_CASE("with GRW the reverse chain stays on the unit sphere") {
  requireDevice();
  auto batch = batchOf(kSamples, 6, 12);
  auto model = makeModel({"diffusion_steps=20"});
  model->eval();
  auto x = model->reverse(batch, {}, nullptr);
  CHECK(torch::allclose(x.norm(2, {1}).cpu(), torch::ones({4}), 1e-4, 1e-4));
  auto euclid = makeModel({"diffusion_steps=20", "grw=false"});
  euclid->eval();
  auto y = euclid->reverse(batch, {}, nullptr);
  CHECK(!torch::allclose(y.norm(2, {1}).cpu(), torch::ones({4}), 1e-2, 1e-2));
}

TEST_CASE("every DimeRec ablation trains a step with finite gradients and scores the catalog") {
  requireDevice();
  const std::vector<std::vector<std::string>> variants = {{},
                                                          {"gem=rule"},
                                                          {"use_gem=false"},
                                                          {"use_recon=false"},
                                                          {"use_ssm=false"},
                                                          {"grw=false"},
                                                          {"grw=false", "use_gem=false", "use_recon=false"},
                                                          {"denoiser_hidden=0"},
                                                          {"interests=1"},
                                                          {"gem=rule", "interests=8"},
                                                          {"schedule=cosine"}};
  auto batch = batchOf(kSamples, 6, 12, 10);
  for (const auto& v : variants) {
    auto overrides = v;
    overrides.push_back("diffusion_steps=20");
    auto model = makeModel(overrides);
    auto terms = model->loss(batch, diffusion::makeGenerator(1, device()));
    CHECK(test::checkFiniteBackward(terms.total, model->parameters()) > 0);
    model->eval();
    test::checkCatalogScores(model->score(batch, {}), 4, 12);
  }
}

TEST_CASE("DimeRec: padding never changes a user's guidance or generation") {
  requireDevice();
  for (const std::string gem : {"model", "rule"}) {
    auto model = makeModel({"gem=" + gem, "diffusion_steps=20"});
    model->eval();
    // The same user padded to 3 and to 6 positions, next to a second row.
    auto shortBatch = batchOf({{0, {1, 2, 3}, 4}, {1, {5, 6}, 7}}, 6, 12);
    auto longBatch = batchOf({{0, {1, 2, 3}, 4}, {1, {5, 6, 7, 8, 9, 10}, 11}}, 6, 12);
    CHECK_EQ(longBatch.history.size(1), 6);
    auto a = model->inspect(shortBatch).at("interests")[0];
    auto b = model->inspect(longBatch).at("interests")[0];
    CHECK(torch::allclose(a, b, 1e-5, 1e-5));
    models::ReverseOptions ro;
    ro.seed = 9;
    auto x = model->reverse(shortBatch, ro, nullptr)[0];
    auto y = model->reverse(longBatch, ro, nullptr)[0];
    CHECK(torch::allclose(x, y, 1e-4, 1e-4));
  }
}

TEST_CASE("DimeRec exposes routing weights, covariance and interests") {
  requireDevice();
  auto batch = batchOf({{0, {1, 2, 3}, 4}, {1, {5}, 6}}, 6, 12);
  auto out = makeModel({})->inspect(batch);
  CHECK_EQ(out.at("routing_weights").sizes().vec(), (std::vector<std::int64_t>{2, 3, 4}));
  CHECK_EQ(out.at("routing_covariance").sizes().vec(), (std::vector<std::int64_t>{2, 4, 4}));
  CHECK_EQ(out.at("l_reg").size(0), 2);
  CHECK_EQ(out.at("interests").sizes().vec(), (std::vector<std::int64_t>{2, 4, 16}));
  auto rule = makeModel({"gem=rule"})->inspect(batch);
  CHECK_EQ(rule.count("routing_weights"), std::size_t{0});
  CHECK(torch::equal(rule.at("interest_mask")[1].cpu(), torch::tensor({false, false, false, true})));
}

TEST_CASE("DimeRec memorises 50 sequences") {
  requireDevice();
  auto data = test::memorisable();
  auto model = makeModel(
      {"dim=32", "lr=0.01", "batch_size=16", "epochs=30", "patience=30", "max_length=10", "diffusion_steps=20"}, 40,
      10);
  train::trainModel(*model, data, trainOptions());
  auto metrics = eval::evaluate(*model, data.test, eval::EvaluationOptions(), device()).metrics;
  std::printf("DimeRec memorise HR@5 %.3f\n", metrics.hitRate[5]);
  CHECK(metrics.hitRate[5] > 0.8);
}

TEST_CASE("a DimeRec checkpoint round-trips: same scores after reload") {
  requireDevice();
  auto data = test::memorisable();
  auto model = makeModel({"batch_size=16", "epochs=2", "max_length=10", "diffusion_steps=20"}, 40, 10);
  test::checkCheckpointRoundTrip(*model, data, trainOptions(), "dimerec");
}
