// What the reverse process contributes (issue 40): the sampler's noise scale,
// the trace's sensitivity probe, and eval::reverseContribution on planted
// models whose answer is known — one whose x̂0 ignores x_t (inert: the
// output cannot depend on the noise) and one with x̂0 = x_t (the output is
// the noise carried through) — plus every diffusion model of the registry
// for the probe's "the run is unchanged" promise. Every case runs on --device.
#include <torch/torch.h>

#include <cmath>
#include <string>

#include "core/diffusion/generator.h"
#include "core/diffusion/sampler.h"
#include "core/diffusion/schedule.h"
#include "core/diffusion/trace.h"
#include "core/eval/reverse_contribution.h"
#include "core/models/diffusion_reverse.h"
#include "tests/support/torch_fixtures.h"
#include "tests/support/check.h"

using namespace recdiff;

namespace {

using test::device;
using test::requireDevice;

constexpr std::int32_t kItems = 30;
constexpr std::int64_t kDim = 8;

// A diffusion "model" whose denoiser is planted: Inert returns the mean of
// the history's item embeddings whatever x_t is; Identity returns x_t.
class PlantedModel : public models::Model {
 public:
  enum class Kind { Inert, Identity };
  explicit PlantedModel(Kind kind)
      : Model("planted", models::Config::object(), {kItems, 6}),
        kind_(kind),
        schedule_(diffusion::ScheduleKind::Linear, 20) {
    items_ = register_buffer("items", torch::randn({kItems + 1, kDim}, diffusion::makeGenerator(5)));
  }
  models::LossTerms loss(const data::Batch&, torch::Generator) override { return {}; }
  torch::Tensor itemEmbeddings() const override { return items_; }
  std::int64_t diffusionSteps() const override { return schedule_.steps(); }
  torch::Tensor reverse(const data::Batch& batch, const models::ReverseOptions& options,
                        diffusion::TraceRecorder* trace) override {
    const torch::Tensor guide =
        items_.index_select(0, batch.history.flatten()).view({batch.size(), batch.history.size(1), kDim}).sum(1);
    models::DiffusionDenoiser denoiser = [&](const torch::Tensor& xt, const torch::Tensor&, diffusion::StepExtras*) {
      return kind_ == Kind::Inert ? guide.clone() : xt.clone();
    };
    return models::reverseFromNoise(schedule_, denoiser, batch.size(), kDim, options, false, trace, items_.device());
  }

 private:
  Kind kind_;
  diffusion::NoiseSchedule schedule_;
  torch::Tensor items_;
};

std::vector<data::Sample> samples(int n) {
  std::vector<data::Sample> out;
  for (int u = 0; u < n; ++u) {
    const auto a = static_cast<data::ItemId>(1 + u % kItems), b = static_cast<data::ItemId>(1 + (u * 7 + 3) % kItems);
    out.push_back({u, {a, b}, static_cast<data::ItemId>(1 + (u * 11 + 5) % kItems)});
  }
  return out;
}

diffusion::SamplerConfig ddpm(double noiseScale = 1.0, bool sphere = false) {
  diffusion::SamplerConfig c;
  c.noiseScale = noiseScale;
  c.renormalise = sphere;
  return c;
}

// x̂0 = 0.5·x_t + 1: affine, so every step is affine in x_t.
torch::Tensor affine(const torch::Tensor& xt, const torch::Tensor&) { return xt * 0.5 + 1.0; }

torch::Tensor sampleWith(const diffusion::SamplerConfig& config, std::uint64_t seed,
                         diffusion::TraceRecorder* recorder = nullptr) {
  diffusion::ReverseSampler sampler(diffusion::NoiseSchedule(diffusion::ScheduleKind::Linear, 20), config);
  diffusion::SampleRequest request;
  request.shape = {4, 3};
  request.options = torch::TensorOptions().dtype(torch::kFloat).device(device());
  request.generator = diffusion::makeGenerator(seed, device());
  request.recorder = recorder;
  return sampler.sample(diffusion::Denoiser(affine), request);
}

torch::Tensor catalog() { return torch::randn({6, 3}, diffusion::makeGenerator(1)).to(device()); }

}  // namespace

TEST_CASE("noise scale 0: x_T = 0, no step noise, the same x0 for every seed") {
  requireDevice();
  diffusion::TraceRecorder recorder(catalog());
  const torch::Tensor a = sampleWith(ddpm(0.0), 1, &recorder);
  CHECK(torch::equal(a, sampleWith(ddpm(0.0), 2)));
  CHECK_EQ(recorder.trace().steps.front().xt.abs().max().item<float>(), 0.0f);
  CHECK(!torch::equal(sampleWith(ddpm(1.0), 1), sampleWith(ddpm(1.0), 2)));
}

TEST_CASE("noise scale 0 on the sphere: x_T = 0 stays 0 without NaN") {
  requireDevice();
  diffusion::TraceRecorder recorder(catalog());
  const torch::Tensor x0 = sampleWith(ddpm(0.0, true), 1, &recorder);
  CHECK(torch::isfinite(x0).all().item<bool>());
  CHECK_EQ(recorder.trace().steps.front().normXt[0], 0.0f);
  CHECK(torch::equal(x0, sampleWith(ddpm(0.0, true), 9)));
}

TEST_CASE("noise scale 2 doubles x_T; a negative or non-finite scale is refused") {
  requireDevice();
  diffusion::TraceRecorder one(catalog()), two(catalog());
  sampleWith(ddpm(1.0), 3, &one);
  sampleWith(ddpm(2.0), 3, &two);
  CHECK(torch::allclose(two.trace().steps.front().xt, one.trace().steps.front().xt * 2.0));
  const diffusion::NoiseSchedule schedule(diffusion::ScheduleKind::Linear, 20);
  CHECK_THROWS_WITH(std::invalid_argument, diffusion::ReverseSampler(schedule, ddpm(-1.0)), "noise scale");
  CHECK_THROWS_WITH(std::invalid_argument, diffusion::ReverseSampler(schedule, ddpm(std::nan(""))), "noise scale");
  CHECK_THROWS_WITH(std::invalid_argument, diffusion::ReverseSampler(schedule, ddpm(INFINITY)), ">= 0");
}

TEST_CASE("the sensitivity probe: elasticity 1 for x̂0 = x_t, 0 for a constant, none for the final x0") {
  requireDevice();
  diffusion::TraceRecorder recorder(catalog());
  recorder.setSensitivityProbe(0.01, 4);
  const torch::Tensor xt = torch::randn({3, 3}, diffusion::makeGenerator(2)).to(device());
  recorder.record(5, xt, xt, nullptr, [](const torch::Tensor& x) { return x; });
  const torch::Tensor constant = torch::ones({3, 3}, xt.options());
  recorder.record(4, xt, constant, nullptr, [&](const torch::Tensor&) { return constant; });
  recorder.record(0, xt, xt);
  const auto& steps = recorder.trace().steps;
  for (float e : steps[0].sensitivity) CHECK_NEAR(e, 1.0, 1e-4);
  for (float e : steps[1].sensitivity) CHECK_EQ(e, 0.0f);
  CHECK(steps[2].sensitivity.empty());
  CHECK_EQ(diffusion::toTable(recorder.trace()).steps[0].sensitivity.size(), std::size_t{3});
  CHECK_THROWS_WITH(std::invalid_argument, recorder.setSensitivityProbe(0.0), "relative step");
}

TEST_CASE("the sensitivity probe at x_t = 0 measures δ against √d; at x̂0 = 0 it is undefined") {
  requireDevice();
  diffusion::TraceRecorder recorder(catalog());
  recorder.setSensitivityProbe(0.01, 4);
  const torch::Tensor zero = torch::zeros({2, 3}, torch::TensorOptions().device(device()));
  const torch::Tensor c = torch::full({2, 3}, 2.0, zero.options());  // ‖c‖ = 2√3
  // x̂0 = x_t + c: at 0 the change of x̂0 is ‖δ‖ = 0.01·√3, relative 0.01·√3/(2√3).
  recorder.record(3, zero, c, nullptr, [&](const torch::Tensor& x) { return x + c; });
  for (float e : recorder.trace().steps[0].sensitivity) CHECK_NEAR(e, 0.5, 1e-4);
  recorder.record(2, c, zero, nullptr, [](const torch::Tensor& x) { return x; });
  for (float e : recorder.trace().steps[1].sensitivity) CHECK(std::isnan(e));
}

TEST_CASE("probing a traced run does not change it, for every diffusion model") {
  requireDevice();
  const std::vector<data::Sample> batchSamples = {{0, {1, 2, 3}, 4}, {1, {5}, 6}, {2, {2, 9, 8, 7}, 3}};
  for (const std::string name : {"adigrec", "dimerec", "dreamrec", "dae4rec", "adrec", "diffurec", "diffurecsys"}) {
    auto model = test::configuredModel(
        name,
        {{"dim=16", "diffusion_steps=20", "max_length=6"},
         name == "dae4rec" ? std::vector<std::string>{"sampling_steps=5", "gae_hidden=16", "aime_block=8"}
                           : std::vector<std::string>{}},
        {12, 6}, 3);
    model->to(device());
    model->eval();
    const data::Batch batch = test::batchOf(batchSamples, 6);
    models::ReverseOptions options;
    options.seed = 7;
    diffusion::TraceRecorder plain(model->itemEmbeddings().detach(), batch.target, 3);
    diffusion::TraceRecorder probed(model->itemEmbeddings().detach(), batch.target, 3);
    probed.setSensitivityProbe(0.01, 1);
    const torch::Tensor a = model->reverse(batch, options, &plain);
    const torch::Tensor b = model->reverse(batch, options, &probed);
    if (!torch::equal(a, b)) throw test::Failure(name + ": the probe changed the run");
    bool anyFinite = false;
    for (const auto& step : probed.trace().steps) {
      for (float e : step.sensitivity) anyFinite = anyFinite || std::isfinite(e);
    }
    if (!anyFinite) throw test::Failure(name + ": no step was probed");
    options.noiseScale = 0.0;
    const torch::Tensor quiet = model->reverse(batch, options, nullptr);
    CHECK(torch::isfinite(quiet).all().item<bool>());
  }
}

TEST_CASE("noise scale 0 gives the same output for different seeds (ADIGRec on the sphere, DreamRec)") {
  requireDevice();
  for (const std::string name : {"adigrec", "dreamrec"}) {
    auto model = test::configuredModel(name, {{"dim=16", "diffusion_steps=20", "max_length=6"}}, {12, 6}, 3);
    model->to(device());
    model->eval();
    const data::Batch batch = test::batchOf({{0, {1, 2, 3}, 4}, {1, {5}, 6}}, 6);
    models::ReverseOptions a, b;
    a.noiseScale = b.noiseScale = 0.0;
    a.seed = 1;
    b.seed = 2;
    CHECK(torch::equal(model->reverse(batch, a, nullptr), model->reverse(batch, b, nullptr)));
  }
}

TEST_CASE("reverse contribution of an inert denoiser: agreement 1, sensitivity 0, 'does not depend'") {
  requireDevice();
  PlantedModel model(PlantedModel::Kind::Inert);
  model.to(device());
  eval::ReverseContributionOptions o;
  o.topK = 5;
  o.batchSize = 16;  // several batches
  const auto r = eval::reverseContribution(model, samples(40), {}, test::testDevice(), o);
  CHECK(r.diffusion);
  CHECK_EQ(r.users, std::int64_t{40});
  CHECK_EQ(r.seeds.size(), std::size_t{3});
  CHECK_NEAR(r.agreement.meanOverlap, 1.0, 1e-12);
  CHECK_NEAR(r.agreement.identicalShare, 1.0, 1e-12);
  CHECK_NEAR(r.overlapWithNoiseFree, 1.0, 1e-12);
  CHECK_EQ(r.sensitivity.size(), std::size_t{20});  // every step t = 20..1
  CHECK_EQ(r.sensitivity.front().t, 20);
  CHECK_NEAR(r.meanSensitivity, 0.0, 1e-9);
  CHECK_NEAR(r.noiseFree.hitRate.at(5), r.spread.mean.hitRate.at(5), 1e-12);
  CHECK(r.verdict == eval::NoiseDependence::None);
  CHECK(r.sentence.find("does not depend on the noise") != std::string::npos);
}

TEST_CASE("reverse contribution of x̂0 = x_t: sensitivity 1 and 'depends on the noise'") {
  requireDevice();
  PlantedModel model(PlantedModel::Kind::Identity);
  model.to(device());
  eval::ReverseContributionOptions o;
  o.topK = 5;
  o.noiseSeeds = 4;
  const auto r = eval::reverseContribution(model, samples(40), {}, test::testDevice(), o);
  CHECK_NEAR(r.meanSensitivity, 1.0, 1e-3);
  for (const auto& s : r.sensitivity) CHECK_NEAR(s.median, 1.0, 1e-3);
  CHECK(r.agreement.meanOverlap < eval::kWeakNoiseDependenceOverlap);
  CHECK(r.verdict == eval::NoiseDependence::Strong);
  CHECK(r.sentence.find("The output depends on the noise") != std::string::npos);
  CHECK(r.sentence.find("follows x_t") != std::string::npos);
}

TEST_CASE("reverse contribution of a baseline: 'not a diffusion model'; bad options are refused") {
  requireDevice();
  auto sasrec = test::configuredModel("sasrec", {{"dim=16", "max_length=6"}}, {kItems, 6}, 3);
  const auto r = eval::reverseContribution(*sasrec, samples(5), {}, test::testDevice());
  CHECK(!r.diffusion);
  CHECK(r.verdict == eval::NoiseDependence::NotDiffusion);
  CHECK(r.sentence.find("not a diffusion model") != std::string::npos);
  PlantedModel model(PlantedModel::Kind::Inert);
  eval::ReverseContributionOptions one;
  one.noiseSeeds = 1;
  CHECK_THROWS_WITH(std::invalid_argument, eval::reverseContribution(model, samples(5), {}, "cpu", one),
                    "two noise seeds");
  CHECK_THROWS_WITH(std::invalid_argument, eval::reverseContribution(model, {}, {}, "cpu"), "no samples");
}
