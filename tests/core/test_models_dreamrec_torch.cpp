// DreamRec: the classifier-free guidance combination, the null-vector
// replacement in training, the MSE against a recomputation, ablation
// switches, padding invariance, memorising 50 sequences and a checkpoint
// round trip.
#include <random>

#include <torch/torch.h>

#include "core/diffusion/forward_noise.h"
#include "core/diffusion/generator.h"
#include "core/diffusion/schedule.h"
#include "core/diffusion/trace.h"
#include "core/eval/evaluator.h"
#include "core/models/dreamrec.h"
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

std::shared_ptr<models::DreamRec> makeModel(const std::vector<std::string>& overrides, std::int32_t items = 12,
                                            std::int64_t maxLength = 6) {
  const std::vector<std::string> small = {"dim=16", "diffusion_steps=50", "max_length=" + std::to_string(maxLength)};
  auto model = std::dynamic_pointer_cast<models::DreamRec>(
      test::configuredModel("dreamrec", {small, overrides}, {items, maxLength}));
  model->to(device());
  return model;
}

const std::vector<data::Sample> kSamples = {{0, {1, 2, 3}, 4}, {1, {5}, 6}, {2, {}, 7}, {3, {2, 9, 8, 7, 6, 5}, 3}};

}  // namespace

TEST_CASE("classifier-free guidance is (1+w)·f(x,h) - w·f(x,∅)") {
  requireDevice();
  auto c = torch::tensor({1.0f, 2.0f}, device());
  auto u = torch::tensor({0.5f, -1.0f}, device());
  CHECK(torch::allclose(models::classifierFreeGuidance(c, u, 2.0).cpu(), torch::tensor({2.0f, 8.0f})));
  CHECK(torch::allclose(models::classifierFreeGuidance(c, u, 0.0).cpu(), c.cpu()));

  auto model = makeModel({"guidance_weight=3"});
  model->eval();
  torch::NoGradGuard noGrad;
  auto batch = batchOf(kSamples, 6, 12);
  auto h = model->condition(batch);
  auto xt = torch::randn({4, 16}, device());
  auto t = torch::full({4}, 7, torch::TensorOptions().dtype(torch::kLong).device(device()));
  torch::Tensor cond, uncond;
  auto guided = model->guidedDenoise(xt, h, t, &cond, &uncond);
  CHECK(torch::allclose(cond, model->denoise(xt, h, t), 1e-5, 1e-5));
  CHECK(torch::allclose(uncond, model->denoise(xt, model->nullVector().expand({4, -1}), t), 1e-5, 1e-5));
  CHECK(torch::allclose(guided, 4.0 * cond - 3.0 * uncond, 1e-4, 1e-4));
}

TEST_CASE("DreamRec's MSE matches a recomputation with the same random draws") {
  requireDevice();
  for (const double p : {0.0, 0.5}) {
    auto model = makeModel({"dropout=0.0", "p_uncond=" + std::to_string(p)});
    auto batch = batchOf(kSamples, 6, 12);
    auto terms = model->loss(batch, diffusion::makeGenerator(4, device()));
    // Replay: the null mask, then t, then the noise.
    torch::NoGradGuard noGrad;
    auto gen = diffusion::makeGenerator(4, device());
    auto h = model->condition(batch);
    auto drop = torch::rand({4, 1}, gen, h.options()) < p;
    h = torch::where(drop, model->nullVector().expand({4, -1}), h);
    auto e0 = model->itemEmbeddings().index_select(0, batch.target);
    diffusion::NoiseSchedule schedule(diffusion::ScheduleKind::Exp, 50);
    auto t = diffusion::sampleTimesteps(4, 50, gen, device());
    auto xt = diffusion::qSample(schedule, e0, t, {}, gen).xt;
    const double expected = (e0 - model->denoise(xt, h, t)).pow(2).sum(-1).mean().item<double>();
    CHECK_NEAR(terms.total.item<double>(), expected, 1e-3 * std::max(1.0, expected));
    CHECK_EQ(terms.components.count("l_mse"), std::size_t{1});
  }
}

TEST_CASE("with p_uncond = 1 training never sees the history, with 0 it always does") {
  requireDevice();
  auto a = batchOf({{0, {1, 2, 3}, 4}, {1, {5}, 6}}, 6, 12);
  auto b = batchOf({{0, {9, 8, 7}, 4}, {1, {10}, 6}}, 6, 12);
  auto uncond = makeModel({"p_uncond=1", "dropout=0.0"});
  const double la = uncond->loss(a, diffusion::makeGenerator(2, device())).total.item<double>();
  const double lb = uncond->loss(b, diffusion::makeGenerator(2, device())).total.item<double>();
  CHECK_NEAR(la, lb, 1e-6);
  auto cond = makeModel({"p_uncond=0", "dropout=0.0"});
  const double ca = cond->loss(a, diffusion::makeGenerator(2, device())).total.item<double>();
  const double cb = cond->loss(b, diffusion::makeGenerator(2, device())).total.item<double>();
  CHECK(std::abs(ca - cb) > 1e-6);
}

TEST_CASE("every DreamRec variant trains a step with finite gradients and scores the catalog") {
  requireDevice();
  const std::vector<std::vector<std::string>> variants = {{},
                                                          {"denoiser=mlp2"},
                                                          {"guidance_weight=0"},
                                                          {"p_uncond=0"},
                                                          {"schedule=linear"},
                                                          {"blocks=2", "heads=2"},
                                                          {"embedding_std=0.1"}};
  auto batch = batchOf(kSamples, 6, 12);
  for (const auto& v : variants) {
    auto model = makeModel(v);
    auto terms = model->loss(batch, diffusion::makeGenerator(1, device()));
    test::checkFiniteBackward(terms.total, model->parameters());
    model->eval();
    test::checkCatalogScores(model->score(batch, {}), 4, 12);
    models::ReverseOptions ddim;
    ddim.sampler = "ddim";
    ddim.steps = 10;
    CHECK(torch::isfinite(model->score(batch, ddim).slice(1, 1)).all().item<bool>());
  }
}

TEST_CASE("DreamRec: padding never changes a user's condition or generation; traces carry both branches") {
  requireDevice();
  auto model = makeModel({});
  model->eval();
  auto shortBatch = batchOf({{0, {1, 2, 3}, 4}, {1, {5, 6}, 7}}, 6, 12);
  auto longBatch = batchOf({{0, {1, 2, 3}, 4}, {1, {5, 6, 7, 8, 9, 10}, 11}}, 6, 12);
  CHECK(torch::allclose(model->inspect(shortBatch).at("condition_h")[0], model->inspect(longBatch).at("condition_h")[0],
                        1e-5, 1e-5));
  models::ReverseOptions ro;
  ro.seed = 9;
  CHECK(torch::allclose(model->reverse(shortBatch, ro, nullptr)[0], model->reverse(longBatch, ro, nullptr)[0], 1e-4,
                        1e-4));
  diffusion::TraceRecorder recorder(model->itemEmbeddings(), shortBatch.target);
  model->reverse(shortBatch, ro, &recorder);
  const auto& trace = recorder.trace();
  CHECK_EQ(trace.steps.size(), std::size_t{51});
  CHECK_EQ(trace.steps.front().extras.count("cfg_conditional"), std::size_t{1});
  CHECK_EQ(trace.steps.front().extras.at("cfg_unconditional").size(0), 2);
}

TEST_CASE("DreamRec memorises 50 sequences") {
  requireDevice();
  auto data = test::memorisable();
  auto model = makeModel({"dim=32", "lr=0.005", "batch_size=16", "epochs=40", "patience=40", "max_length=10",
                          "diffusion_steps=50", "dropout=0.0"},
                         40, 10);
  train::trainModel(*model, data, trainOptions());
  auto metrics = eval::evaluate(*model, data.test, eval::EvaluationOptions(), device()).metrics;
  std::printf("DreamRec memorise HR@5 %.3f\n", metrics.hitRate[5]);
  CHECK(metrics.hitRate[5] > 0.8);
}

TEST_CASE("a DreamRec checkpoint round-trips: same scores after reload") {
  requireDevice();
  auto data = test::memorisable();
  auto model = makeModel({"batch_size=16", "epochs=2", "max_length=10"}, 40, 10);
  test::checkCheckpointRoundTrip(*model, data, trainOptions(), "dreamrec");
}
