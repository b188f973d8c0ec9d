// Our ADRec against the official code (Nemo-1024/ADRec): the fixtures hold its
// weights, inputs and outputs (tests/parity/adrec_official.py); our model,
// built with reference_code on and given those weights through the importer
// (`recdiff import --from adrec-official`), must compute the same numbers.
// docs/parity/adrec.md lists what reference_code switches and why.
//
// The code counts steps from 0, ours from 1 (0 = clean): its step s is our
// s + 1, and its 0 at padding stays our 0.
#include <iostream>

#include <torch/torch.h>

#include "core/diffusion/sampler.h"
#include "core/diffusion/schedule.h"
#include "core/models/adrec.h"
#include "core/models/model_registry.h"
#include "core/train/official_import.h"
#include "tests/support/parity_fixture.h"
#include "tests/support/check.h"

using namespace recdiff;

namespace {

// float32 throughout on both sides; what remains is summation order.
constexpr double kTolerance = 1e-5;

struct Setup {
  test::ParityFixture fixture;
  std::shared_ptr<models::AdRec> model;
  data::Batch batch;
};

Setup setUp() {
  Setup s{test::loadParityFixture("adrec"), nullptr, {}};
  const auto& source = train::officialSource("adrec-official");
  auto config = train::importConfig(source, s.fixture.weights);  // dim 16 from the item table
  CHECK_EQ(config.at("dim").get<int>(), 16);
  config["diffusion_steps"] = 8;
  config["max_length"] = 6;
  auto model = models::createModel("adrec", config, {30, 6}, 1);
  const auto report = train::importOfficialWeights("adrec.pth", source, s.fixture.weights, *model);
  CHECK(report.unusedKeys.empty());
  CHECK(report.keptInitial == std::vector<std::string>{"phase"});
  model->eval();
  s.model = std::dynamic_pointer_cast<models::AdRec>(model);
  CHECK(s.model);
  const auto& history = s.fixture.input("history");
  const auto& next = s.fixture.input("next");
  s.batch.history = history;
  s.batch.mask = history > 0;
  s.batch.target = next.select(1, -1);
  return s;
}

// The code's steps (0..T-1, 0 at padding) as ours.
torch::Tensor ourSteps(const torch::Tensor& official, const torch::Tensor& mask) {
  return (official + 1) * mask.to(torch::kLong);
}

}  // namespace

TEST_CASE("the official ADRec's weights open with every key used and every weight of ours filled") {
  auto s = setUp();
  const auto& table = s.fixture.weights.front().second;  // item_embedding.weight
  CHECK(torch::equal(s.model->itemEmbeddings(), table));
  CHECK(s.model->phase() == models::AdRec::Phase::Full);
}

TEST_CASE("the denoiser's x0 for given x_t, t and history matches the official code") {
  auto s = setUp();
  torch::NoGradGuard noGrad;
  auto t = ourSteps(s.fixture.input("t"), s.batch.mask);
  auto ours = s.model->denoise(s.batch, s.fixture.input("xt"), t);
  CHECK(test::measuredError("x0_hat", ours, s.fixture.output("x0_hat")) < kTolerance);
}

TEST_CASE("one reverse step with given noise matches the official p_sample") {
  auto s = setUp();
  torch::NoGradGuard noGrad;
  const auto& xt = s.fixture.input("step_xt");
  const auto& noise = s.fixture.input("step_noise");
  const int officialStep = s.fixture.input("step_t")[0][-1].item<int>();
  auto t = torch::zeros_like(s.fixture.input("step_t"));
  t.select(1, -1).fill_(officialStep + 1);
  auto x0 = s.model->denoise(s.batch, xt, t).select(1, -1);

  diffusion::SamplerConfig config;
  config.betaVariance = true;  // what reference_code samples with
  const diffusion::ReverseSampler sampler(diffusion::NoiseSchedule(diffusion::ScheduleKind::TruncatedLinear, 8),
                                          config);
  // The schedule itself: the code's β, in its float64.
  const auto& betas = s.fixture.input("betas");
  for (int i = 0; i < 8; ++i) CHECK_NEAR(sampler.schedule().beta(i + 1), betas[i].item<double>(), 1e-15);
  const auto& c = sampler.coefficients()[8 - (officialStep + 1)];
  CHECK_EQ(c.t, officialStep + 1);
  auto ours = c.x0Coef * x0 + c.xtCoef * xt.select(1, -1) + c.sigma * noise.select(1, -1);
  CHECK(test::measuredError("step_x", ours, s.fixture.output("step_x")) < kTolerance);
}

TEST_CASE("the training losses for a given batch, t and noise match the official code") {
  auto s = setUp();
  torch::NoGradGuard noGrad;
  const auto B = s.batch.history.size(0), L = s.batch.history.size(1);
  auto t = ourSteps(s.fixture.input("train_t").view({B, L}), s.batch.mask);
  auto noise = s.fixture.input("train_noise").view({B, L, -1});
  auto terms = s.model->lossWith(s.batch, t, noise);
  CHECK(test::measuredError("loss_ce", terms.components.at("ce"), s.fixture.output("loss_ce")) < kTolerance);
  CHECK(test::measuredError("loss_mse", terms.components.at("mse"), s.fixture.output("loss_mse")) < kTolerance);
}

TEST_CASE("the whole reverse run without noise and its scores match the official code") {
  auto s = setUp();
  models::ReverseOptions options;
  options.noiseScale = 0.0;  // the fixture zeroed every random draw of the code
  auto x = s.model->reverse(s.batch, options, nullptr);
  CHECK(test::measuredError("final_x", x, s.fixture.output("final_x")) < kTolerance);
  // Ours scores items 1..N (padding is -inf); the code scores row 0 too.
  auto scores = s.model->score(s.batch, options).slice(1, 1);
  CHECK(test::measuredError("scores", scores, s.fixture.output("scores").slice(1, 1)) < kTolerance);
}

TEST_CASE("without reference_code the same weights compute something else: the tolerance is tight enough") {
  auto s = setUp();
  auto config = s.model->config();
  config["reference_code"] = false;
  auto plain = models::createModel("adrec", config, {30, 6}, 1);
  train::importOfficialWeights("adrec.pth", train::officialSource("adrec-official"), s.fixture.weights, *plain);
  plain->eval();
  torch::NoGradGuard noGrad;
  auto t = ourSteps(s.fixture.input("t"), s.batch.mask);
  auto ours = std::dynamic_pointer_cast<models::AdRec>(plain)->denoise(s.batch, s.fixture.input("xt"), t);
  // λ = 1e-3 scales x_t and the time embedding, so the differences are
  // small, but 10x beyond the tolerance (measured: see the output).
  CHECK(test::measuredError("x0_hat without reference_code", ours, s.fixture.output("x0_hat")) > 10 * kTolerance);
}

TEST_CASE("a state_dict that does not fit is refused, listing every missing key and wrong shape") {
  auto s = setUp();
  auto weights = s.fixture.weights;
  weights.erase(weights.begin() + 1);                          // hist_norm.weight or the like
  weights.back().second = torch::zeros({3});                   // a wrong shape
  weights.emplace_back("diffu.extra.weight", torch::ones(1));  // unknown keys are only reported
  auto model = models::createModel("adrec", s.model->config(), {30, 6}, 1);
  const auto& source = train::officialSource("adrec-official");
  CHECK_THROWS_WITH(train::CheckpointError, train::importOfficialWeights("x.pth", source, weights, *model),
                    "missing key '" + s.fixture.weights[1].first + "'");
  CHECK_THROWS_WITH(train::CheckpointError, train::importOfficialWeights("x.pth", source, weights, *model),
                    "'" + s.fixture.weights.back().first + "' is [3]");
  // Nothing was copied from the refused file.
  CHECK(!torch::equal(model->itemEmbeddings(), s.model->itemEmbeddings()));
}
