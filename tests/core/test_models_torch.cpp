// Model shapes and masks, ADIGRec's L_reg against a hand-computed example,
// ablation switches, and that every registered model can memorise a few
// sequences.
#include <torch/torch.h>

#include "core/diffusion/generator.h"
#include "core/eval/evaluator.h"
#include "core/models/model_registry.h"
#include "core/nn/fast_dropout.h"
#include "core/nn/multi_interest_extractor.h"
#include "core/nn/transformer_block.h"
#include "tests/support/check.h"
#include "tests/support/torch_fixtures.h"

using namespace recdiff;

using test::batchOf;
using test::device;
using test::requireDevice;

TEST_CASE("batches are left-padded and negatives avoid the user's items") {
  std::vector<data::Sample> s = {{0, {1, 2, 3}, 4}, {1, {5}, 6}, {2, {}, 7}};
  auto b = batchOf(s, 6, 8, 4);
  CHECK_EQ(b.history.size(1), 3);  // longest history
  CHECK_EQ(b.history[0].to(torch::kCPU).equal(torch::tensor({1, 2, 3}, torch::kInt64)), true);
  CHECK_EQ(b.history[1].to(torch::kCPU).equal(torch::tensor({0, 0, 5}, torch::kInt64)), true);
  CHECK_EQ(b.mask[2].any().item<bool>(), false);
  auto neg = b.negatives.to(torch::kCPU);
  for (int i = 0; i < 4; ++i) {
    const auto n = neg[0][i].item<std::int64_t>();
    CHECK(n >= 5 && n <= 8);
    CHECK(neg[1][i].item<std::int64_t>() != 5 && neg[1][i].item<std::int64_t>() != 6);
  }
}

TEST_CASE("fast dropout drops a fraction p, rescales the rest and repeats under a seed") {
  auto x = torch::ones({400, 250}, torch::requires_grad());
  torch::manual_seed(7);
  auto y = nn::fastDropout(x, 0.3, true);
  const double dropped = (y == 0).to(torch::kFloat64).mean().item<double>();
  CHECK_NEAR(dropped, 0.3, 0.01);  // 100,000 draws: the standard error is 0.0015
  CHECK(torch::allclose(y.masked_select(y != 0), torch::full({1}, 1.0 / 0.7), 1e-6, 1e-6));
  y.sum().backward();
  CHECK(torch::equal(x.grad() != 0, y != 0));  // gradients only where kept
  torch::manual_seed(7);
  CHECK(torch::equal(nn::fastDropout(x, 0.3, true), y));
  CHECK(!torch::equal(nn::fastDropout(x, 0.3, true), y));  // a new draw each call
  CHECK(torch::equal(nn::fastDropout(x, 0.3, false), x));
  CHECK_THROWS_WITH(std::invalid_argument, nn::fastDropout(x, 1.0, true), "[0, 1)");
  nn::FastDropout module(0.5);
  module->eval();
  CHECK(torch::equal(module(x), x));
}

TEST_CASE("padding never leaks into attention or routing weights") {
  requireDevice();
  torch::manual_seed(0);
  nn::TransformerBlockOptions o;
  o.dim = 8;
  o.heads = 2;
  o.dropout = 0.0;
  o.causal = true;
  nn::TransformerBlock block(o);
  block->to(device());
  auto x = torch::randn({2, 5, 8}, device());
  auto mask = torch::tensor({{0, 0, 1, 1, 1}, {1, 1, 1, 1, 1}}, torch::kBool).to(device());
  auto y1 = block(x, mask);
  // Changing what sits at the padding positions must not change real outputs.
  auto x2 = x.clone();
  x2.index_put_({0, torch::indexing::Slice(0, 2)}, torch::randn({2, 8}, device()) * 100);
  auto y2 = block(x2, mask);
  CHECK(torch::allclose(y1[0].slice(0, 2), y2[0].slice(0, 2), 1e-5, 1e-5));
  CHECK_EQ(y1[0].slice(0, 0, 2).abs().sum().item<float>(), 0.f);

  nn::MultiInterestExtractor extractor(8, 3);
  extractor->to(device());
  auto out = extractor(x, x, mask);
  CHECK_EQ(out.weights[0].slice(0, 0, 2).abs().sum().item<float>(), 0.f);
  CHECK(torch::allclose(out.weights.sum(1), torch::ones({2, 3}, device()), 1e-5, 1e-5));
  auto out2 = extractor(x2, x2, mask);
  CHECK(torch::allclose(out.interests[0], out2.interests[0], 1e-5, 1e-5));
}

TEST_CASE("routing covariance and L_reg match a hand-computed example") {
  // One user, 3 valid positions (one padding row first), k = 2:
  // A = [[0.5, 0.2], [0.3, 0.3], [0.2, 0.5]], column means (1/3, 1/3).
  auto A = torch::tensor({{{0.0f, 0.0f}, {0.5f, 0.2f}, {0.3f, 0.3f}, {0.2f, 0.5f}}});
  auto mask = torch::tensor({{false, true, true, true}});
  auto C = nn::routingCovariance(A, mask);
  // centred: [[1/6, -2/15], [-1/30, -1/30], [-2/15, 1/6]]
  const double c00 = (1.0 / 36 + 1.0 / 900 + 4.0 / 225) / 3;
  const double c01 = (-2.0 / 90 + 1.0 / 900 - 2.0 / 90) / 3;
  CHECK_NEAR(C[0][0][0].item<double>(), c00, 1e-6);
  CHECK_NEAR(C[0][1][1].item<double>(), c00, 1e-6);
  CHECK_NEAR(C[0][0][1].item<double>(), c01, 1e-6);
  CHECK_NEAR(C[0][1][0].item<double>(), c01, 1e-6);
  const double full = 2 * std::sqrt(c00 * c00 + c01 * c01);
  CHECK_NEAR(nn::routingRegulariser(C, false)[0].item<double>(), full, 1e-6);
  CHECK_NEAR(nn::routingRegulariser(C, true)[0].item<double>(), 2 * std::abs(c01), 1e-6);
  // A collapsed routing (identical columns) has zero variance: L_reg ~ 0 and
  // a finite gradient.
  auto flat = torch::full({1, 3, 2}, 1.0f / 3, torch::requires_grad());
  auto reg = nn::routingRegulariser(nn::routingCovariance(flat, torch::ones({1, 3}, torch::kBool)), false).sum();
  reg.backward();
  CHECK(reg.item<double>() < 1e-8);
  CHECK(torch::isfinite(flat.grad()).all().item<bool>());
}

TEST_CASE("every model and ablation builds, trains a step and scores the catalog") {
  requireDevice();
  const std::vector<std::vector<std::string>> variants = {{"sasrec"},
                                                          {"comirec"},
                                                          {"comirec", "empty_history=zero"},
                                                          {"adigrec"},
                                                          {"adigrec", "guidance=g1"},
                                                          {"adigrec", "guidance=g2"},
                                                          {"adigrec", "guidance=add"},
                                                          {"adigrec", "guidance=multiply"},
                                                          {"adigrec", "guidance=concat-k"},
                                                          {"adigrec", "ai2m=false"},
                                                          {"adigrec", "reg=off"},
                                                          {"adigrec", "reg=offdiag"},
                                                          {"adigrec", "noise=geodesic"},
                                                          {"adigrec", "denoiser_hidden=32"},
                                                          {"comirec", "reg=full"},
                                                          {"comirec", "reg=offdiag"},
                                                          {"dimerec", "reg=full"}};
  std::vector<data::Sample> s = {{0, {1, 2, 3}, 4}, {1, {5}, 6}, {2, {}, 7}, {3, {2, 9, 8, 7, 6, 5, 4}, 3}};
  for (const auto& v : variants) {
    const auto& info = models::modelInfo(v[0]);
    models::Config config = info.defaults();
    models::applyOverride(info, config, "dim=16");
    models::applyOverride(info, config, "max_length=6");
    if (info.find("diffusion_steps")) models::applyOverride(info, config, "diffusion_steps=20");
    for (std::size_t i = 1; i < v.size(); ++i) models::applyOverride(info, config, v[i]);
    auto model = models::createModel(v[0], config, {12, 6});
    model->to(device());
    auto batch = batchOf(s, 6, 12, config.value("negatives", std::int64_t{0}));
    auto terms = model->loss(batch, diffusion::makeGenerator(1, device()));
    test::checkFiniteBackward(terms.total, model->parameters());
    model->eval();
    test::checkCatalogScores(model->score(batch, {}), 4, 12);
  }
}

TEST_CASE("L_reg is a switch of every model with routing: off by default for ComiRec and DimeRec") {
  requireDevice();
  std::vector<data::Sample> s = {{0, {1, 2, 3}, 4}, {1, {5, 2}, 6}, {3, {2, 9, 8, 7, 6, 5, 4}, 3}};
  for (const std::string name : {"comirec", "dimerec", "adigrec"}) {
    const auto& info = models::modelInfo(name);
    CHECK_EQ(info.defaults().at("reg").get<std::string>(), std::string(name == "adigrec" ? "full" : "off"));
    std::map<std::string, double> total;
    // One batch (its negatives are drawn once) for both settings.
    const auto batch = batchOf(s, 6, 12, info.defaults().value("negatives", std::int64_t{0}));
    for (const std::string reg : {"off", "full"}) {
      models::Config config = info.defaults();
      models::applyOverride(info, config, "dim=16");
      models::applyOverride(info, config, "max_length=6");
      models::applyOverride(info, config, "reg=" + reg);
      if (info.find("dropout")) models::applyOverride(info, config, "dropout=0");  // same draws either way
      auto model = models::createModel(name, config, {12, 6}, 7);                  // same seed: same initial weights
      model->to(device());
      auto terms = model->loss(batch, diffusion::makeGenerator(1, device()));
      CHECK_EQ(terms.components.count("l_reg"), std::size_t{reg == "full" ? 1u : 0u});
      total[reg] = terms.total.item<double>();
      if (reg == "full") {
        auto expected = model->inspect(batch).at("l_reg").mean().item<double>();
        CHECK_NEAR(terms.components.at("l_reg").item<double>(), expected, 1e-5);
        CHECK_NEAR(total["full"] - total["off"], expected, 1e-4);
      }
    }
  }
}

TEST_CASE("ADIGRec exposes its inspection hooks") {
  requireDevice();
  const auto& info = models::modelInfo("adigrec");
  auto config = info.defaults();
  models::applyOverride(info, config, "dim=16");
  models::applyOverride(info, config, "max_length=6");
  auto model = models::createModel("adigrec", config, {12, 6});
  model->to(device());
  std::vector<data::Sample> s = {{0, {1, 2, 3}, 4}, {1, {5}, 6}};
  auto out = model->inspect(batchOf(s, 6, 12));
  CHECK_EQ(out.at("routing_weights").sizes().vec(), (std::vector<std::int64_t>{2, 3, 4}));
  CHECK_EQ(out.at("routing_covariance").sizes().vec(), (std::vector<std::int64_t>{2, 4, 4}));
  CHECK_EQ(out.at("l_reg").size(0), 2);
  CHECK_EQ(out.at("guidance_g1").sizes().vec(), (std::vector<std::int64_t>{2, 4, 16}));
  CHECK_EQ(out.at("guidance_g2").sizes().vec(), (std::vector<std::int64_t>{2, 16}));
}

TEST_CASE("ComiRec scores an empty history by its learned interest, or ties every item with zero") {
  requireDevice();
  const auto& info = models::modelInfo("comirec");
  std::vector<data::Sample> s = {{0, {1, 2, 3}, 4}, {1, {}, 7}};
  auto batch = batchOf(s, 6, 12, 3);
  for (const std::string mode : {"learned", "zero"}) {
    auto config = info.defaults();
    models::applyOverride(info, config, "dim=8");
    models::applyOverride(info, config, "max_length=6");
    models::applyOverride(info, config, "empty_history=" + mode);
    auto model = models::createModel("comirec", config, {12, 6});
    model->to(device());
    torch::Tensor learned;
    for (const auto& p : model->named_parameters()) {
      if (p.key() == "empty_history_interest") learned = p.value();
    }
    CHECK_EQ(learned.defined(), mode == "learned");
    if (learned.defined()) {
      // It starts at zero (no draw from the generator) and the loss trains it.
      CHECK_EQ(learned.abs().sum().item<float>(), 0.0f);
      model->loss(batch, diffusion::makeGenerator(1, device())).total.backward();
      CHECK(learned.grad().abs().sum().item<float>() > 0.0f);
      torch::NoGradGuard noGrad;
      learned.copy_(torch::arange(8, learned.options()) / 8.0);
    }
    model->eval();
    auto scores = model->score(batch, {}).to(torch::kCPU);
    auto row = scores[1].slice(0, 1);
    if (mode == "learned") {
      auto expected = torch::matmul(model->itemEmbeddings().slice(0, 1), learned).to(torch::kCPU);
      CHECK(torch::allclose(row, expected, 1e-5, 1e-6));
      CHECK(row.max().item<float>() > row.min().item<float>());
    } else {
      CHECK_EQ(row.max().item<float>(), row.min().item<float>());  // all tied: a certain miss
    }
    // A sample with a history never uses it.
    CHECK(torch::isfinite(scores[0].slice(0, 1)).all().item<bool>());
  }
}
