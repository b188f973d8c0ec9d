// Our DreamRec against the official code (YangZhengyi98/DreamRec): the
// fixtures hold its weights (dreamrec_state_dict.pth) and the inputs it was
// run on and its outputs (dreamrec.pth), both written by
// tests/parity/dreamrec_official.py; our model, built with the
// "dreamrec-official" reference configuration and given those weights
// through the importer (`recdiff import --from dreamrec-official`), must
// compute the same numbers. docs/parity/dreamrec.md lists each difference
// and the setting that reproduces the code.
//
// The code numbers items 0..N-1 with the padding N and right-pads its
// histories; ours numbers them 1..N with the padding 0 and left-pads: its
// item i is our i + 1, and its item table's row i our row i + 1 (its last
// row, the padding, our row 0). It counts steps from 0, ours from 1: its n
// is our t = n + 1.
//
// Everything runs on the CPU (the fixture was made there), whatever --device
// says: on CUDA the Conv1d of the reference encoder may run in TF32.
#include <iostream>

#include <torch/torch.h>

#include "core/diffusion/forward_noise.h"
#include "core/diffusion/generator.h"
#include "core/diffusion/sampler.h"
#include "core/diffusion/schedule.h"
#include "core/models/dreamrec.h"
#include "core/models/model_registry.h"
#include "core/train/official_import.h"
#include "tests/support/parity_fixture.h"
#include "tests/support/check.h"

using namespace recdiff;

namespace {

// float32 throughout on both sides; what remains is summation order and the
// schedule, which ours derives in double and the code in float32 (measured:
// below 1e-6 relative over every output, the 8-step reverse run included;
// the encoder and the denoiser agree bit for bit).
constexpr double kTolerance = 1e-5;
constexpr std::int32_t kItems = 30;
constexpr std::int64_t kLength = 6;
constexpr int kSteps = 8;

struct Setup {
  test::ParityFixture fixture;
  std::shared_ptr<models::DreamRec> model;
  data::Batch batch;
  train::ImportReport report;
};

// Our row of each item id: its item id - 1, and its padding (the last row)
// for our padding 0.
// (What import computes for a dataset numbered as the official one is.)
std::vector<std::int64_t> officialRows() {
  std::vector<std::int64_t> rows = {kItems};
  for (std::int64_t i = 0; i < kItems; ++i) rows.push_back(i);
  std::vector<std::string> tokens;
  for (std::int64_t i = 0; i < kItems; ++i) tokens.push_back(std::to_string(i));
  CHECK(train::officialItemRows(tokens, kItems + 1, /*paddingRowLast=*/true, /*sameIds=*/false) == rows);
  CHECK(train::officialItemRows(tokens, kItems + 1, true, /*sameIds=*/true) == rows);
  return rows;
}

const train::OfficialSource& officialDreamRec() { return train::officialSource("dreamrec-official"); }

Setup setUp() {
  torch::set_num_threads(1);
  Setup s{test::loadParityFixture("dreamrec"), nullptr, {}, {}};
  const auto& source = officialDreamRec();
  auto config = train::importConfig(source, s.fixture.weights);  // dim and max_length from the shapes
  CHECK_EQ(config.at("dim").get<int>(), 64);                     // the code's forward_uncon runs at 64 only
  CHECK_EQ(config.at("max_length").get<std::int64_t>(), kLength);
  config["diffusion_steps"] = kSteps;
  auto model = models::createModel("dreamrec", config, {kItems, kLength}, 1);
  s.report = train::importOfficialWeights(s.fixture.stateDictPath, source, s.fixture.weights, *model, officialRows());
  model->eval();
  s.model = std::dynamic_pointer_cast<models::DreamRec>(model);
  CHECK(s.model);

  // Its right-padded histories of ids 0..N-1 as our left-padded ones of 1..N.
  const auto& states = s.fixture.input("states");
  const auto& lengths = s.fixture.input("len_states");
  const auto B = states.size(0);
  s.batch.history = torch::zeros({B, kLength}, torch::kLong);
  for (std::int64_t b = 0; b < B; ++b) {
    const auto n = lengths[b].item<std::int64_t>();
    s.batch.history[b].slice(0, kLength - n).copy_(states[b].slice(0, 0, n) + 1);
  }
  s.batch.mask = s.batch.history > 0;
  s.batch.target = s.fixture.input("target") + 1;
  return s;
}

// Ours scores items 1..N in columns 1..N; the code scores its items in
// columns 0..N-1 and its padding row in column N.
torch::Tensor officialItemScores(const torch::Tensor& scores) { return scores.slice(1, 0, kItems); }

}  // namespace

TEST_CASE("the official DreamRec's weights open with every weight of ours filled and the item rows in our order") {
  auto s = setUp();
  CHECK(s.report.keptInitial.empty());
  CHECK(s.report.unusedKeys == (std::vector<std::string>{"s_fc.bias", "s_fc.weight"}));
  CHECK_EQ(s.report.copied.size(), s.model->named_parameters().size() + s.model->named_buffers().size());
  torch::Tensor official;
  for (const auto& [key, tensor] : s.fixture.weights) {
    if (key == "item_embeddings.weight") official = tensor;
  }
  CHECK(official.defined());
  const auto table = s.model->itemEmbeddings();
  CHECK(torch::equal(table.slice(0, 1), official.slice(0, 0, kItems)));
  CHECK(torch::equal(table[0], official[kItems]));
}

TEST_CASE("the reference schedule is the official exp schedule, and ours is not") {
  auto s = setUp();
  const auto& schedule = s.model->schedule();
  CHECK_EQ(schedule.steps(), kSteps);
  auto table = [&](double (diffusion::NoiseSchedule::*value)(int) const, const diffusion::NoiseSchedule& from) {
    std::vector<double> v;
    for (int t = 1; t <= kSteps; ++t) v.push_back((from.*value)(t));
    return torch::tensor(v, torch::kDouble);
  };
  using S = diffusion::NoiseSchedule;
  const std::vector<std::pair<const char*, double (S::*)(int) const>> tables = {
      {"alphas_cumprod", &S::alphaBar},
      {"posterior_mean_coef1", &S::posteriorC1},
      {"posterior_mean_coef2", &S::posteriorC2},
      {"posterior_variance", &S::posteriorVariance}};
  for (const auto& [name, value] : tables) {
    CHECK(test::measuredError(name, table(value, schedule), s.fixture.output(name)) < kTolerance);
  }
  // Our "exp" takes β at the step midpoints: at T = 8 that is far from it.
  const S ours(diffusion::ScheduleKind::Exp, kSteps);
  CHECK(test::relativeError(table(&S::alphaBar, ours), s.fixture.output("alphas_cumprod")) > 1e-2);
}

TEST_CASE("the encoder's condition h matches the official cacu_h") {
  auto s = setUp();
  torch::NoGradGuard noGrad;
  CHECK(test::measuredError("h", s.model->condition(s.batch), s.fixture.output("h")) < kTolerance);
}

TEST_CASE("the denoiser's x0 for given x_t, t and history matches the official forward and forward_uncon") {
  auto s = setUp();
  torch::NoGradGuard noGrad;
  const auto h = s.model->condition(s.batch);
  const auto t = s.fixture.input("t") + 1;
  torch::Tensor conditional, unconditional;
  const auto guided = s.model->guidedDenoise(s.fixture.input("x_t"), h, t, &conditional, &unconditional);
  CHECK(test::measuredError("x0_conditional", conditional, s.fixture.output("x0_conditional")) < kTolerance);
  CHECK(test::measuredError("x0_unconditional", unconditional, s.fixture.output("x0_unconditional")) < kTolerance);
  CHECK(test::measuredError("x0_guided", guided, s.fixture.output("x0_guided")) < kTolerance);
}

TEST_CASE("one reverse step with given noise matches the official p_sample") {
  auto s = setUp();
  torch::NoGradGuard noGrad;
  const auto& x = s.fixture.input("step_x");
  const int t = s.fixture.input("step_n").item<int>() + 1;
  const diffusion::ReverseSampler sampler(s.model->schedule());
  const auto& c = sampler.coefficients()[static_cast<std::size_t>(kSteps - t)];
  CHECK_EQ(c.t, t);
  const auto x0 = s.model->guidedDenoise(x, s.model->condition(s.batch), torch::full({x.size(0)}, t, torch::kLong));
  const auto ours = x0 * c.x0Coef + x * c.xtCoef + s.fixture.input("step_noise") * c.sigma;
  CHECK(test::measuredError("reverse_step", ours, s.fixture.output("reverse_step")) < kTolerance);
}

TEST_CASE("the training loss for a given batch, t, noise and null mask matches the official p_losses") {
  auto s = setUp();
  torch::NoGradGuard noGrad;
  const auto t = s.fixture.input("loss_t") + 1;
  const auto& noise = s.fixture.input("loss_noise");
  const auto& drop = s.fixture.input("loss_drop");
  const auto terms = s.model->lossWith(s.batch, t, noise, drop);
  CHECK(test::measuredError("loss", terms.total, s.fixture.output("loss")) < kTolerance);
  // Its x0 estimate, from the same pieces.
  const auto B = s.batch.size();
  auto h = torch::where(drop.to(torch::kBool).view({B, 1}), s.model->nullVector().expand({B, -1}),
                        s.model->condition(s.batch));
  const auto e0 = s.model->itemEmbeddings().index_select(0, s.batch.target);
  const auto xt = diffusion::qSampleWithNoise(s.model->schedule(), e0, t, noise);
  CHECK(test::measuredError("loss_x0", s.model->denoise(xt, h, t), s.fixture.output("loss_x0")) < kTolerance);
}

TEST_CASE("the whole reverse run with the official draws and its scores match the official predict") {
  auto s = setUp();
  torch::NoGradGuard noGrad;
  const auto& noise = s.fixture.input("sample_noise");  // [T,B,d]: x_T, then one per step but the last
  const auto h = s.model->condition(s.batch);
  const diffusion::ReverseSampler sampler(s.model->schedule());
  auto x = noise[0];
  std::int64_t draw = 1;
  for (const auto& c : sampler.coefficients()) {
    const auto x0 = s.model->guidedDenoise(x, h, torch::full({x.size(0)}, c.t, torch::kLong));
    auto next = x0 * c.x0Coef + x * c.xtCoef;
    if (c.sigma > 0.0) next = next + noise[draw++] * c.sigma;
    x = next;
  }
  CHECK_EQ(draw, kSteps);
  CHECK(test::measuredError("sample_x0 (recorded draws)", x, s.fixture.output("sample_x0")) < kTolerance);
  const auto scores = torch::matmul(x, s.model->itemEmbeddings().t());
  CHECK(test::measuredError("scores (recorded draws)", scores.slice(1, 1),
                            officialItemScores(s.fixture.output("scores"))) < kTolerance);
  // The code's padding column is our row 0's score (which ours sets to -inf).
  CHECK(test::measuredError("padding column (recorded draws)", scores.select(1, 0),
                            s.fixture.output("scores").select(1, kItems)) < kTolerance);
}

TEST_CASE("reverse() and score() seeded as the official run draw its noise and give its scores") {
  auto s = setUp();
  const auto seed = s.fixture.input("sample_seed").item<std::int64_t>();
  const auto& noise = s.fixture.input("sample_noise");
  // LibTorch's CPU generator is PyTorch's (mt19937, the same normal
  // sampler); where a build draws other numbers the comparison is moot.
  auto generator = diffusion::makeGenerator(static_cast<std::uint64_t>(seed));
  if (test::relativeError(torch::randn(noise[0].sizes(), generator), noise[0]) > 1e-6) {
    SKIP("this LibTorch's CPU generator does not draw PyTorch 1.13's numbers for the same seed");
  }
  models::ReverseOptions options;
  options.seed = static_cast<std::uint64_t>(seed);
  const auto x = s.model->reverse(s.batch, options, nullptr);
  CHECK(test::measuredError("sample_x0 (seeded reverse())", x, s.fixture.output("sample_x0")) < kTolerance);
  const auto scores = s.model->score(s.batch, options);
  CHECK(test::measuredError("scores (seeded score())", scores.slice(1, 1),
                            officialItemScores(s.fixture.output("scores"))) < kTolerance);
}

TEST_CASE("without the reference settings, or with one weight nudged, the same inputs compute something else") {
  auto s = setUp();
  torch::NoGradGuard noGrad;
  const auto t = s.fixture.input("t") + 1;
  // Each switch alone back at its default.
  for (const auto& [key, value] : std::vector<std::pair<std::string, std::string>>{
           {"time_features", "standard"}, {"schedule", "exp"}, {"loss_reduction", "sum"}}) {
    auto config = s.model->config();
    config[key] = value;
    auto model = models::createModel("dreamrec", config, {kItems, kLength}, 1);
    train::importOfficialWeights(s.fixture.stateDictPath, officialDreamRec(), s.fixture.weights, *model,
                                 officialRows());
    model->eval();
    auto other = std::dynamic_pointer_cast<models::DreamRec>(model);
    const double x0 = test::relativeError(other->denoise(s.fixture.input("x_t"), s.fixture.output("h"), t),
                                          s.fixture.output("x0_conditional"));
    const auto terms = other->lossWith(s.batch, s.fixture.input("loss_t") + 1, s.fixture.input("loss_noise"),
                                       s.fixture.input("loss_drop"));
    const double loss = test::relativeError(terms.total, s.fixture.output("loss"));
    CHECK(std::max(x0, loss) > 10 * kTolerance);
  }
  // The pre-LN encoder has other weights altogether: the import refuses it.
  auto config = s.model->config();
  config["encoder"] = "pre-ln";
  auto plain = models::createModel("dreamrec", config, {kItems, kLength}, 1);
  CHECK_THROWS_WITH(train::CheckpointError,
                    train::importOfficialWeights(s.fixture.stateDictPath, officialDreamRec(), s.fixture.weights, *plain,
                                                 officialRows()),
                    "reference_block");
  // A perturbation of one weight by 1e-3 shows in h: the tolerance is tight.
  {
    auto p = s.model->named_parameters()["reference_block.ffn_in.weight"];
    p[0][0][0] += 1e-3;
  }
  CHECK(test::relativeError(s.model->condition(s.batch), s.fixture.output("h")) > kTolerance);
}
