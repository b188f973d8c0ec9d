// DiffuRec and DiffuRecSys: λ statistics, prefix expansion and length
// buckets, the CE loss against its definition, the ensemble's averaged
// distributions against a hand-computed case, padding invariance, every
// switch, memorising 50 sequences and a checkpoint round trip.
#include <algorithm>
#include <limits>
#include <optional>
#include <random>
#include <set>

#include <torch/torch.h>

#include "core/diffusion/forward_noise.h"
#include "core/diffusion/generator.h"
#include "core/diffusion/trace.h"
#include "core/eval/evaluator.h"
#include "core/models/diffurec.h"
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

// Lengths 3, 1, 0, 9, 2: the batch is 9 wide (its longest history), so two
// buckets: 8 wide and the full 9.
const std::vector<data::Sample>& mixedSamples() {
  static const std::vector<data::Sample> s = {
      {0, {1, 2, 3}, 4}, {1, {5}, 6}, {2, {}, 7}, {3, {2, 9, 8, 7, 6, 5, 4, 3, 2}, 3}, {4, {11, 10}, 1}};
  return s;
}

models::ModelPtr makeModel(const std::string& name, const std::vector<std::string>& overrides, std::int32_t items = 12,
                           std::optional<std::uint64_t> seed = std::nullopt) {
  auto model =
      test::configuredModel(name, {{"dim=16", "max_length=10", "diffusion_steps=8"}, overrides}, {items, 10}, seed);
  model->to(device());
  return model;
}

std::vector<std::int64_t> row(const torch::Tensor& t, std::int64_t i) {
  auto r = t[i].to(torch::kCPU).to(torch::kInt64).contiguous();
  return std::vector<std::int64_t>(r.data_ptr<std::int64_t>(), r.data_ptr<std::int64_t>() + r.numel());
}

}  // namespace

TEST_CASE("λ is drawn element-wise from N(δ, δ): mean δ, standard deviation δ") {
  requireDevice();
  auto gen = diffusion::makeGenerator(8, device());
  auto lambda = models::drawUncertainty({1000, 1000}, 1e-3, gen, torch::TensorOptions().device(device()));
  CHECK_NEAR(lambda.mean().item<double>(), 1e-3, 1e-5);
  CHECK_NEAR(lambda.std().item<double>(), 1e-3, 1e-5);
  // A fresh draw at every call.
  auto again = models::drawUncertainty({4, 3}, 1e-3, gen, torch::TensorOptions().device(device()));
  CHECK(!torch::equal(again, models::drawUncertainty({4, 3}, 1e-3, gen, torch::TensorOptions().device(device()))));
}

TEST_CASE("every prefix of a sequence becomes a sample; caps, random and last modes") {
  requireDevice();
  auto b = batchOf({{0, {5, 6, 7}, 8}, {1, {9}, 10}, {2, {}, 11}}, 4);
  CHECK_EQ(b.history.size(1), 3);
  auto gen = diffusion::makeGenerator(1, device());
  auto all = models::expandPrefixes(b, "all", 0, gen);
  CHECK_EQ(all.size(), 5);
  CHECK_EQ(row(all.history, 0), (std::vector<std::int64_t>{0, 0, 5}));
  CHECK_EQ(row(all.history, 1), (std::vector<std::int64_t>{0, 5, 6}));
  CHECK_EQ(row(all.history, 2), (std::vector<std::int64_t>{5, 6, 7}));
  CHECK_EQ(row(all.history, 3), (std::vector<std::int64_t>{0, 0, 9}));
  CHECK_EQ(row(all.history, 4), (std::vector<std::int64_t>{0, 0, 0}));
  CHECK_EQ(row(all.target.unsqueeze(0), 0), (std::vector<std::int64_t>{6, 7, 8, 10, 11}));
  CHECK_EQ(row(all.mask, 1), (std::vector<std::int64_t>{0, 1, 1}));
  CHECK_EQ(row(all.mask, 4), (std::vector<std::int64_t>{0, 0, 0}));
  CHECK_EQ(all.negatives.size(1), 0);

  auto capped = models::expandPrefixes(b, "all", 1, gen);
  CHECK_EQ(capped.size(), 3);
  for (const std::string mode : {"random", "all"}) {
    auto s = mode == "random" ? models::expandPrefixes(b, mode, 0, gen) : capped;
    CHECK_EQ(s.size(), 3);
    // Row 0's prefix: a real prefix of (5, 6, 7, 8) followed by its next item.
    auto h = row(s.history, 0);
    const auto target = s.target[0].item<std::int64_t>();
    CHECK(target >= 6 && target <= 8);
    CHECK_EQ(h.back(), target - 1);
    CHECK_EQ(s.target[2].item<std::int64_t>(), 11);
  }
  auto last = models::expandPrefixes(b, "last", 0, gen);
  CHECK(torch::equal(last.history, b.history) && torch::equal(last.target, b.target));
  // Over many draws the random mode visits every prefix of row 0.
  std::set<std::int64_t> targets;
  for (int i = 0; i < 60; ++i)
    targets.insert(models::expandPrefixes(b, "random", 0, gen).target[0].item<std::int64_t>());
  CHECK_EQ(targets.size(), std::size_t{3});
}

TEST_CASE("length buckets cut only padding and hold every row once") {
  requireDevice();
  auto b = batchOf(mixedSamples(), 10);
  const auto L = b.history.size(1);
  CHECK_EQ(L, std::int64_t{9});
  auto buckets = models::lengthBuckets(b);
  CHECK_EQ(buckets.size(), std::size_t{2});
  std::int64_t rows = 0;
  for (const auto& bucket : buckets) {
    rows += bucket.rows.numel();
    const auto width = bucket.batch.history.size(1);
    CHECK(width == 8 || width == 9);
    auto original = b.history.index_select(0, bucket.rows);
    CHECK(torch::equal(original.slice(1, L - width), bucket.batch.history));
    CHECK_EQ(original.slice(1, 0, L - width).abs().sum().item<std::int64_t>(), 0);
    CHECK(torch::equal(b.target.index_select(0, bucket.rows), bucket.batch.target));
  }
  CHECK_EQ(rows, 5);
}

TEST_CASE("the loss is CE over all items of x̂0·Eᵀ at the noised target") {
  requireDevice();
  for (const std::string name : {"diffurec", "diffurecsys"}) {
    auto model = makeModel(name, {"prefixes=last", "offset_noise=false"});
    auto& diffurec = dynamic_cast<models::DiffuRec&>(*model);
    model->eval();  // no dropout: the two computations below draw the same numbers
    auto batch = batchOf({{0, {1, 2, 3}, 4}, {1, {5}, 6}, {3, {8, 7}, 3}}, 4);
    auto terms = model->loss(batch, diffusion::makeGenerator(5, device()));
    auto gen = diffusion::makeGenerator(5, device());
    diffusion::NoiseSchedule schedule(diffusion::ScheduleKind::TruncatedLinear, 8);
    auto table = model->itemEmbeddings();
    auto t = diffusion::sampleTimesteps(3, 8, gen, device());
    auto xt = diffusion::qSample(schedule, table.index_select(0, batch.target), t, {}, gen).xt;
    auto x0Hat = diffurec.approximate(batch, xt, t, gen);
    auto logits = torch::matmul(x0Hat, table.slice(0, 1).t());
    auto expected = -torch::log_softmax(logits, -1).gather(1, (batch.target - 1).unsqueeze(1)).mean();
    CHECK_NEAR(terms.total.item<double>(), expected.item<double>(), 1e-5);
    CHECK_EQ(terms.components.size(), std::size_t{1});
  }
}

TEST_CASE("back-propagating the prefixes in chunks gives the gradient of the whole loss") {
  requireDevice();
  // δ = 0 makes x̂0 independent of x_t and dropout is off, so the loss does
  // not depend on the order of the random draws that chunking changes. The
  // models are built with the same seed, so their weights are equal.
  const std::vector<std::string> deterministic = {"delta=0", "dropout=0", "emb_dropout=0"};
  auto batch = batchOf(mixedSamples(), 10);
  auto gradients = [&](models::Model& model, bool viaLoss, double* loss) {
    model.zero_grad();
    if (viaLoss) {
      auto terms = model.loss(batch, diffusion::makeGenerator(2, device()));
      terms.total.backward();
      *loss = terms.total.item<double>();
    } else {
      *loss = model.accumulateGradients(batch, diffusion::makeGenerator(2, device())).total.item<double>();
    }
    std::vector<torch::Tensor> out;
    for (const auto& p : model.parameters()) {
      out.push_back(p.grad().defined() ? p.grad().clone() : torch::zeros_like(p));
    }
    return out;
  };
  auto whole = deterministic, chunked = deterministic;
  whole.push_back("chunk_positions=0");
  chunked.push_back("chunk_positions=9");  // one 8- or 9-wide prefix per chunk
  auto atOnceModel = makeModel("diffurec", whole, 12, 7);
  auto chunkedModel = makeModel("diffurec", chunked, 12, 7);
  double lossReference = 0.0, lossAtOnce = 0.0, lossChunked = 0.0;
  const auto reference = gradients(*atOnceModel, true, &lossReference);
  const auto atOnce = gradients(*atOnceModel, false, &lossAtOnce);
  const auto inChunks = gradients(*chunkedModel, false, &lossChunked);
  CHECK_NEAR(lossAtOnce, lossReference, 1e-6);
  CHECK_NEAR(lossChunked, lossReference, 1e-5);
  double largest = 0.0;
  for (std::size_t i = 0; i < reference.size(); ++i) {
    CHECK(torch::allclose(atOnce[i], reference[i], 1e-5, 1e-7));
    CHECK(torch::allclose(inChunks[i], reference[i], 1e-4, 1e-6));
    largest = std::max(largest, reference[i].abs().max().item<double>());
  }
  CHECK(largest > 0.0);  // the comparison is not between zeros
}

TEST_CASE("the ensemble averages the runs' softmax distributions (Algorithm 3)") {
  requireDevice();
  // Hand case: two runs over 2 items: p = (1/4, 3/4) and (3/4, 1/4) -> (1/2, 1/2).
  const float inf = std::numeric_limits<float>::infinity();
  auto a = torch::tensor({{-inf, 0.f, std::log(3.f)}});
  auto b = torch::tensor({{-inf, std::log(3.f), 0.f}});
  auto avg = models::averageScoreDistributions({a, b});
  CHECK(std::isinf(avg[0][0].item<float>()));
  CHECK_NEAR(avg[0][1].item<double>(), std::log(0.5), 1e-6);
  CHECK_NEAR(avg[0][2].item<double>(), std::log(0.5), 1e-6);

  auto model = makeModel("diffurecsys", {});
  model->eval();
  auto batch = batchOf(mixedSamples(), 10);
  models::ReverseOptions ro;
  ro.seed = 4;
  auto single = model->score(batch, ro);
  auto table = model->itemEmbeddings();
  auto raw = torch::matmul(model->reverse(batch, ro, nullptr), table.t()).slice(1, 1);
  CHECK(torch::allclose(single.slice(1, 1), raw, 1e-5, 1e-5));
  ro.ensemble = 3;
  auto ensemble = model->score(batch, ro);
  std::vector<torch::Tensor> runs;
  for (int r = 0; r < 3; ++r) {
    auto o = ro;
    o.seed = models::ensembleSeed(4, r);
    auto s = torch::matmul(model->reverse(batch, o, nullptr), table.t());
    s.select(1, 0).fill_(-inf);
    runs.push_back(torch::softmax(s, -1));
  }
  auto expected = torch::log((runs[0] + runs[1] + runs[2]) / 3);
  CHECK(torch::allclose(ensemble.slice(1, 1), expected.slice(1, 1), 1e-4, 1e-5));
  CHECK(std::isinf(ensemble[0][0].item<float>()));
  // The model's own "ensemble" parameter is the default.
  auto three = makeModel("diffurecsys", {"ensemble=3"});
  {
    torch::NoGradGuard noGrad;
    auto from = model->parameters();
    auto to = three->parameters();
    for (std::size_t i = 0; i < to.size(); ++i) to[i].copy_(from[i]);
  }
  three->eval();
  ro.ensemble = 1;
  CHECK(torch::allclose(three->score(batch, ro).slice(1, 1), ensemble.slice(1, 1), 1e-5, 1e-6));
}

TEST_CASE("DiffuRec(Sys): content at padding positions changes no loss and no score") {
  requireDevice();
  const std::vector<std::pair<std::string, std::vector<std::string>>> variants = {
      {"diffurec", {}},
      {"diffurecsys", {}},
      {"diffurecsys", {"cross_query=sequence"}},
      {"diffurec", {"causal=true", "prefixes=random"}}};
  for (const auto& [name, overrides] : variants) {
    auto model = makeModel(name, overrides);
    model->eval();
    auto batch = batchOf(mixedSamples(), 10);
    auto junk = batch;
    auto noise =
        torch::randint(1, 12, batch.history.sizes(), torch::TensorOptions().dtype(torch::kInt64).device(device()));
    junk.history = torch::where(batch.mask, batch.history, noise);
    CHECK(!torch::equal(batch.history, junk.history));
    auto a = model->loss(batch, diffusion::makeGenerator(9, device()));
    auto b = model->loss(junk, diffusion::makeGenerator(9, device()));
    CHECK_NEAR(a.total.item<double>(), b.total.item<double>(), 1e-5);
    models::ReverseOptions ro;
    ro.seed = 3;
    CHECK(torch::allclose(model->score(batch, ro).slice(1, 1), model->score(junk, ro).slice(1, 1), 1e-4, 1e-4));
    // A row's x̂0 does not depend on how wide its padding is. λ is drawn per
    // position, so with δ > 0 the two widths draw different λ; δ = 0 leaves
    // the deterministic approximator, whose masking is what is checked here.
    auto gen1 = diffusion::makeGenerator(2, device());
    auto gen2 = diffusion::makeGenerator(2, device());
    auto withoutLambda = overrides;
    withoutLambda.push_back("delta=0");
    auto deterministic = makeModel(name, withoutLambda);
    deterministic->eval();
    auto& d = dynamic_cast<models::DiffuRec&>(*deterministic);
    auto one = batchOf({mixedSamples()[0]}, 10);
    auto wide = one;
    wide.history = torch::cat({torch::zeros({1, 6}, one.history.options()), one.history}, 1);
    wide.mask = torch::cat({torch::zeros({1, 6}, one.mask.options()), one.mask}, 1);
    auto xt = torch::randn({1, 16}, device());
    auto t = torch::full({1}, 3, torch::TensorOptions().dtype(torch::kInt64).device(device()));
    CHECK(torch::allclose(d.approximate(one, xt, t, gen1), d.approximate(wide, xt, t, gen2), 1e-5, 1e-5));
  }
}

TEST_CASE("every DiffuRec(Sys) switch builds, trains a step with finite gradients and scores") {
  requireDevice();
  const std::vector<std::pair<std::string, std::vector<std::string>>> variants = {
      {"diffurec", {}},
      {"diffurecsys", {}},
      {"diffurecsys", {"cross_attention=false"}},
      {"diffurecsys", {"offset_noise=false"}},
      {"diffurecsys", {"cross_query=sequence"}},
      {"diffurecsys", {"causal=true"}},
      {"diffurec", {"prefixes=random"}},
      {"diffurec", {"prefixes=last"}},
      {"diffurec", {"max_prefixes=2"}},
      {"diffurecsys", {"ensemble=2"}},
      {"diffurec", {"offset_noise=true", "schedule=linear", "diffusion_steps=50"}}};
  auto batch = batchOf(mixedSamples(), 10);
  for (const auto& [name, overrides] : variants) {
    auto model = makeModel(name, overrides);
    torch::optim::Adam optimizer(model->trainableParameters(), torch::optim::AdamOptions(1e-3));
    auto terms = model->loss(batch, diffusion::makeGenerator(1, device()));
    CHECK(test::checkFiniteBackward(terms.total, model->parameters()) > 10);
    optimizer.step();
    model->eval();
    test::checkCatalogScores(model->score(batch, {}), 5, 12);
    diffusion::TraceRecorder recorder(model->itemEmbeddings(), batch.target);
    auto traced = model->reverse(batch, {}, &recorder);
    CHECK_EQ(recorder.trace().steps.size(), static_cast<std::size_t>(model->diffusionSteps() + 1));
    CHECK(torch::isfinite(traced).all().item<bool>());
  }
}

TEST_CASE("DiffuRec and DiffuRecSys memorise 50 sequences") {
  requireDevice();
  auto data = test::memorisable();
  for (const std::string name : {"diffurec", "diffurecsys"}) {
    auto model =
        makeModel(name,
                  {"dim=32", "blocks=2", "dropout=0", "emb_dropout=0", "lr=0.005", "batch_size=16", "epochs=40",
                   "patience=40", "eval_every=20", "prefixes=last", "lr_schedule=none", "diffusion_steps=16"},
                  40);
    train::trainModel(*model, data, trainOptions());
    auto metrics = eval::evaluate(*model, data.test, {}, device()).metrics;
    std::printf("%s memorisation HR@5 %.3f\n", name.c_str(), metrics.hitRate[5]);
    CHECK(metrics.hitRate[5] > 0.8);
  }
}

TEST_CASE("a DiffuRecSys checkpoint round-trips: same (ensemble) scores after reload") {
  requireDevice();
  auto data = test::memorisable();
  auto model = makeModel("diffurecsys", {"batch_size=16", "epochs=1", "ensemble=2"}, 40);
  auto trip = test::checkCheckpointRoundTrip(*model, data, trainOptions(), "diffurecsys");
  const auto& batch = trip.batch;
  const auto& ro = trip.reverse;
  CHECK(torch::equal(model->reverse(batch, ro, nullptr), model->reverse(batch, ro, nullptr)));
  auto other = ro;
  other.seed = 6;
  CHECK(!torch::equal(model->reverse(batch, ro, nullptr), model->reverse(batch, other, nullptr)));
}
