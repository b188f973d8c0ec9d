// Forward parity of DiffuRec and DiffuRecSys with their official code: the
// fixtures tests/parity/fixtures/diffurec{,sys}_state_dict.pth hold the
// official models' weights, diffurec{,sys}.pth fixed inputs and the official
// outputs for them (written by tests/parity/diffurec_official.py and
// diffurecsys_official.py, whose docstrings say how). Our models in the
// import sources' reference configurations, with those weights imported by
// name, must compute the same x̂0, reverse step, training loss, reverse run
// and scores, to 1e-5 of each output's largest magnitude (float32 on both
// sides; what remains is summation order, ~1e-7). docs/parity/diffurec.md
// lists the differences the reference configurations switch. Runs on the
// CPU whatever --device says: the fixtures' random draws (λ, noise) are those
// of LibTorch's CPU generator.
#include <algorithm>
#include <iostream>
#include <map>
#include <set>

#include <torch/torch.h>

#include "core/diffusion/generator.h"
#include "core/diffusion/sampler.h"
#include "core/diffusion/schedule.h"
#include "core/models/diffurec.h"
#include "core/models/model_registry.h"
#include "core/train/official_import.h"
#include "tests/support/parity_fixture.h"
#include "tests/support/check.h"

using namespace recdiff;

namespace {

// What the fixture script builds: hidden 16, 2 blocks, 30 items, history
// length 6, T = 32 "trunc_lin".
constexpr std::int32_t kItems = 30;
constexpr std::int64_t kLength = 6;
constexpr double kDelta = 1e-3;
// DiffuRec::reverseWhole seeds λ's generator with seed ^ this.
constexpr std::uint64_t kLambdaSeedMix = 0x6c616d6264615eedULL;

std::uint64_t seedOf(const test::ParityFixture& f, const std::string& key) {
  return static_cast<std::uint64_t>(f.input(key).item<std::int64_t>());
}

// Our model `name` in the source's reference configuration at the fixture's
// size, with the fixture's weights imported, in eval mode.
struct Built {
  models::ModelPtr model;
  train::ImportReport report;
  models::DiffuRec& diffurec() { return dynamic_cast<models::DiffuRec&>(*model); }
};

Built build(const test::ParityFixture& f, const std::string& sourceName) {
  const auto& source = train::officialSource(sourceName);
  CHECK(train::detectOfficialSource(f.weights) == &source);
  // What `recdiff import` uses: the defaults, what the file's shapes tell
  // (d, blocks, max_length), the source's reference values.
  auto config = train::importConfig(source, f.weights);
  CHECK_EQ(config.at("dim").get<std::int64_t>(), 16);
  CHECK_EQ(config.at("blocks").get<std::int64_t>(), 2);
  CHECK_EQ(config.at("max_length").get<std::int64_t>(), kLength);
  // The fixture's T (no weight records it) and its samples as they are.
  config["diffusion_steps"] = 32;
  config["prefixes"] = "last";
  Built b;
  b.model = models::createModel(source.model, config, {kItems, kLength});
  b.report = train::importOfficialWeights(f.stateDictPath, source, f.weights, *b.model);
  b.model->eval();
  return b;
}

data::Batch batchOf(const test::ParityFixture& f) {
  data::Batch b;
  b.history = f.input("history");
  b.mask = b.history.gt(0);
  b.target = f.input("target");
  b.negatives = torch::zeros({b.history.size(0), 0}, torch::kInt64);
  return b;
}

// Every output of the fixture from our model; the largest relative error.
double worstError(const test::ParityFixture& f, Built& b) {
  auto& model = b.diffurec();
  const auto batch = batchOf(f);
  const auto B = batch.size();
  const auto d = f.input("denoise_xt").size(1);
  torch::NoGradGuard noGrad;
  double worst = 0.0;
  const auto keep = [&](double rel) { worst = std::max(worst, rel); };

  // The random draws are the same as the official code's: λ = randn·δ + δ
  // from a CPU generator of the seed (torch.normal(δ, δ) there).
  auto lambda = models::drawUncertainty({B, kLength, d}, kDelta,
                                        diffusion::makeGenerator(seedOf(f, "denoise_seed"), torch::kCPU), {});
  CHECK(torch::equal(lambda, f.input("denoise_lambda")));

  // x̂0 = f(x_t, t, history); our t = the code's + 1.
  auto x0 = model.approximate(batch, f.input("denoise_xt"), f.input("denoise_t") + 1,
                              diffusion::makeGenerator(seedOf(f, "denoise_seed"), torch::kCPU));
  keep(test::measuredError("x̂0", x0, f.output("denoise_x0")));

  // One reverse step with given noise: our DDPM sampler's coefficients (with
  // the reference's σ_t² = β_t), taken by hand for a t per row.
  {
    const auto t = f.input("step_t") + 1;
    const auto xt = f.input("step_xt");
    auto x0Hat = model.approximate(batch, xt, t, diffusion::makeGenerator(seedOf(f, "step_seed"), torch::kCPU));
    diffusion::SamplerConfig sc;
    sc.betaVariance = true;
    diffusion::ReverseSampler sampler(diffusion::NoiseSchedule(diffusion::ScheduleKind::TruncatedLinear, 32), sc);
    std::vector<torch::Tensor> rows;
    for (std::int64_t i = 0; i < B; ++i) {
      const auto ti = t[i].item<std::int64_t>();
      const auto& steps = sampler.coefficients();
      const auto c = std::find_if(steps.begin(), steps.end(), [&](const auto& s) { return s.t == ti; });
      CHECK(c != steps.end());
      auto next = x0Hat[i].mul(c->x0Coef);
      next.add_(xt[i], c->xtCoef);
      if (c->sigma > 0.0) next.add_(f.input("step_noise")[i], c->sigma);
      rows.push_back(next);
    }
    keep(test::measuredError("reverse step", torch::stack(rows), f.output("step")));
  }

  // The training loss at given t and noise (and its x̂0).
  {
    const auto t = f.input("loss_t") + 1;
    const auto seed = seedOf(f, "loss_seed");
    auto loss = model.meanCrossEntropy(batch, t, f.input("loss_noise"), diffusion::makeGenerator(seed, torch::kCPU));
    diffusion::NoiseSchedule schedule(diffusion::ScheduleKind::TruncatedLinear, 32);
    auto e0 = model.itemEmbeddings().index_select(0, batch.target);
    auto xt = diffusion::qSampleWithNoise(schedule, e0, t, f.input("loss_noise"));
    keep(test::measuredError("x̂0 of the training loss",
                             model.approximate(batch, xt, t, diffusion::makeGenerator(seed, torch::kCPU)),
                             f.output("loss_x0")));
    keep(test::measuredError("training loss", loss, f.output("loss")));
  }

  // The whole reverse run and the scores, through our reverse() and score().
  {
    models::ReverseOptions ro;
    ro.seed = seedOf(f, "reverse_seed");
    // The fixture follows our seeding; if these fail, our seeding changed
    // (see tests/parity/diffurec_official.py), not the parity.
    CHECK(torch::equal(torch::randn({B, d}, diffusion::makeGenerator(ro.seed, torch::kCPU)), f.input("reverse_xT")));
    CHECK(torch::equal(models::drawUncertainty({B, kLength, d}, kDelta,
                                               diffusion::makeGenerator(ro.seed ^ kLambdaSeedMix, torch::kCPU), {}),
                       f.input("reverse_lambda")[0]));
    keep(test::measuredError("x0 of the reverse run", model.reverse(batch, ro, nullptr), f.output("reverse_x0")));
    // Column 0 (padding): -inf here by design, a score there.
    keep(test::measuredError("scores", model.score(batch, ro).slice(1, 1), f.output("scores").slice(1, 1)));
  }
  return worst;
}

void perturb(models::Model& model, const std::string& name) {
  torch::NoGradGuard noGrad;
  for (auto& p : model.named_parameters(true)) {
    if (p.key() == name) {
      // One element: a change shared by every channel would vanish in the
      // LayerNorms.
      p.value().view({-1})[0].add_(1e-2);
      return;
    }
  }
  throw test::Failure("no parameter " + name);
}

std::set<std::string> asSet(const std::vector<std::string>& v) { return {v.begin(), v.end()}; }

}  // namespace

TEST_CASE("DiffuRec computes what the official code computes: x̂0, a reverse step, the loss and the scores") {
  torch::set_num_threads(1);
  auto f = test::loadParityFixture("diffurec");
  auto b = build(f, "diffurec-official");
  // Every weight of ours came from the file; what is left over there is the
  // code's never-used modules.
  CHECK_EQ(b.report.copied.size(), b.model->parameters().size());
  const std::string x = "diffu.xstart_model.";
  std::set<std::string> unused = {"position_embeddings.weight"};
  for (const auto* m : {"linear_item", "linear_xt", "linear_t", "fuse_linear"}) {
    unused.insert(x + m + ".weight");
    unused.insert(x + m + ".bias");
  }
  CHECK(asSet(b.report.unusedKeys) == unused);
  std::cout << "diffurec:\n";
  CHECK(worstError(f, b) <= 1e-5);
}

TEST_CASE("DiffuRecSys computes what the official code computes: x̂0, a reverse step, the loss and the scores") {
  torch::set_num_threads(1);
  auto f = test::loadParityFixture("diffurecsys");
  auto b = build(f, "diffurecsys-official");
  CHECK_EQ(b.report.copied.size(), b.model->parameters().size());
  for (const auto& key : b.report.unusedKeys) {
    const bool leftOver = key == "position_embeddings.weight" || key.find(".proj_out.") != std::string::npos ||
                          key.rfind("diffu.xstart_model.CA.", 0) == 0 ||
                          key.find("xstart_model.linear_") != std::string::npos ||
                          key.find("xstart_model.fuse_linear.") != std::string::npos;
    if (!leftOver) throw test::Failure("unexpected unused key " + key);
  }
  std::cout << "diffurecsys:\n";
  CHECK(worstError(f, b) <= 1e-5);
}

TEST_CASE("the parity checks fail when one weight element is off by 1e-2") {
  torch::set_num_threads(1);
  {
    auto f = test::loadParityFixture("diffurec");
    auto b = build(f, "diffurec-official");
    perturb(*b.model, "block1.ffn_out.bias");
    std::cout << "diffurec, block1.ffn_out.bias[0] + 1e-2:\n";
    CHECK(worstError(f, b) > 1e-4);
  }
  {
    auto f = test::loadParityFixture("diffurecsys");
    auto b = build(f, "diffurecsys-official");
    // Its blocks all read the embedded history and only the last one's
    // output is used: a change to block 0 changes nothing, one to the last
    // block's cross-attention does.
    perturb(*b.model, "block0.ffn_out.bias");
    std::cout << "diffurecsys, block0.ffn_out.bias[0] + 1e-2 (a dead block there):\n";
    CHECK(worstError(f, b) <= 1e-5);
    perturb(*b.model, "cross1.k.weight");
    std::cout << "diffurecsys, cross1.k.weight[0][0] + 1e-2:\n";
    CHECK(worstError(f, b) > 1e-4);
  }
}

TEST_CASE("the reference switches train a step with finite gradients and score; attend_padding pads to max_length") {
  torch::set_num_threads(1);
  data::Batch batch;
  batch.history = torch::tensor({0, 0, 0, 1, 2, 3, 0, 0, 0, 0, 0, 5, 4, 5, 6, 7, 8, 9}, torch::kInt64).view({3, 6});
  batch.mask = batch.history.gt(0);
  batch.target = torch::tensor({4, 6, 10}, torch::kInt64);
  batch.negatives = torch::zeros({3, 0}, torch::kInt64);
  const std::vector<std::pair<std::string, std::vector<std::string>>> variants = {
      {"diffurec", {"reference_code=true", "attend_padding=true"}},
      {"diffurec", {"chain_blocks=false"}},
      {"diffurecsys", {"cross_form=efficient"}},
      {"diffurecsys", {"cross_form=efficient", "attend_padding=true", "chain_blocks=false", "reference_code=true"}},
      {"diffurecsys", {"attend_padding=true"}}};
  for (const auto& [name, overrides] : variants) {
    const auto& info = models::modelInfo(name);
    auto config = info.defaults();
    for (const auto* o : {"dim=16", "blocks=2", "max_length=8", "diffusion_steps=8"})
      models::applyOverride(info, config, o);
    for (const auto& o : overrides) models::applyOverride(info, config, o);
    auto model = models::createModel(name, config, {12, 8}, 5);
    auto terms = model->loss(batch, diffusion::makeGenerator(1, torch::kCPU));
    CHECK(torch::isfinite(terms.total).item<bool>());
    terms.total.backward();
    std::int64_t withGradient = 0;
    for (const auto& p : model->parameters()) {
      if (!p.grad().defined()) continue;
      ++withGradient;
      CHECK(torch::isfinite(p.grad()).all().item<bool>());
    }
    CHECK(withGradient > 10);
    model->eval();
    auto scores = model->score(batch, {});
    CHECK(scores.sizes() == (std::vector<std::int64_t>{3, 13}));
    CHECK(torch::isfinite(scores.slice(1, 1)).all().item<bool>());
    if (std::find(overrides.begin(), overrides.end(), "attend_padding=true") != overrides.end()) {
      // A history narrower than max_length is padded to it: the same x̂0 as
      // the history padded by hand.
      auto& d = dynamic_cast<models::DiffuRec&>(*model);
      auto wide = batch;
      wide.history = torch::cat({torch::zeros({3, 2}, torch::kInt64), batch.history}, 1);
      wide.mask = wide.history.gt(0);
      auto xt = torch::randn({3, 16}, diffusion::makeGenerator(4, torch::kCPU));
      auto t = torch::tensor({1, 4, 8}, torch::kInt64);
      torch::NoGradGuard noGrad;
      CHECK(torch::equal(d.approximate(batch, xt, t, diffusion::makeGenerator(2, torch::kCPU)),
                         d.approximate(wide, xt, t, diffusion::makeGenerator(2, torch::kCPU))));
    }
  }
}
