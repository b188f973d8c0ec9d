// Tests of the reverse samplers (core/diffusion/sampler.h). Every case runs
// on --device.
//
// The statistical cases use an affine "denoiser" x̂0 = a·x_t + m: every step
// is then affine in x_t plus Gaussian noise, so the law of the final sample
// is Gaussian with a mean and variance computed exactly from the step
// coefficients, and the samplers can be checked against it.
#include <torch/torch.h>

#include <cmath>

#include "core/diffusion/forward_noise.h"
#include "core/diffusion/generator.h"
#include "core/diffusion/sampler.h"
#include "core/diffusion/schedule.h"
#include "tests/support/check.h"

using namespace recdiff::diffusion;

namespace {

torch::Device device() {
  if (recdiff::test::testDevice() == "cuda") {
    if (!torch::cuda::is_available()) SKIP("CUDA is not available in this LibTorch build");
    return torch::Device(torch::kCUDA);
  }
  return torch::Device(torch::kCPU);
}

torch::TensorOptions floatOn(const torch::Device& d) { return torch::TensorOptions().dtype(torch::kFloat).device(d); }

SamplerConfig config(SamplerKind kind, int steps = 0, double eta = 0.0) {
  SamplerConfig c;
  c.kind = kind;
  c.steps = steps;
  c.eta = eta;
  return c;
}

// Exact mean (per unit of m) and variance of the final sample for the
// denoiser x̂0 = a·x_t + m, starting from x_T ~ N(0, 1) per channel.
struct AffineLaw {
  double meanPerM = 0.0;  // E[x0] = meanPerM·m
  double variance = 1.0;
};
AffineLaw affineLaw(const ReverseSampler& sampler, double a) {
  AffineLaw law;
  for (const StepCoefficients& c : sampler.coefficients()) {
    const double gain = c.x0Coef * a + c.xtCoef;
    law.meanPerM = gain * law.meanPerM + c.x0Coef;
    law.variance = gain * gain * law.variance + c.sigma * c.sigma;
  }
  return law;
}

struct Moments {
  double mean0, mean1, var0, var1;
};
Moments moments(const torch::Tensor& x) {
  const torch::Tensor c = x.to(torch::kCPU, torch::kDouble);
  return {c.select(1, 0).mean().item<double>(), c.select(1, 1).mean().item<double>(),
          c.select(1, 0).var(false).item<double>(), c.select(1, 1).var(false).item<double>()};
}

}  // namespace

TEST_CASE("skip-step timesteps are evenly spaced and end at T") {
  CHECK(skipTimesteps(10, 10) == std::vector<int>({1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));
  CHECK(skipTimesteps(10, 3) == std::vector<int>({3, 7, 10}));
  CHECK(skipTimesteps(32, 1) == std::vector<int>({32}));
  const std::vector<int> half = skipTimesteps(1000, 500);
  CHECK_EQ(half.size(), std::size_t{500});
  CHECK_EQ(half.front(), 2);
  CHECK_EQ(half.back(), 1000);
  for (int T : {7, 32, 50, 999}) {
    for (int S = 1; S <= T; S += 3) {
      const std::vector<int> taus = skipTimesteps(T, S);
      CHECK_EQ(static_cast<int>(taus.size()), S);
      CHECK_EQ(taus.back(), T);
      CHECK(taus.front() >= 1);
      for (std::size_t i = 1; i < taus.size(); ++i) CHECK(taus[i] > taus[i - 1]);
    }
  }
  CHECK_THROWS_WITH(std::invalid_argument, skipTimesteps(10, 11), "1..10");
  CHECK_THROWS_WITH(std::invalid_argument, skipTimesteps(10, 0), "1..10");
  CHECK(parseSamplerKind("ddim") == SamplerKind::DDIM);
  CHECK_EQ(samplerKindName(SamplerKind::DDPM), std::string("ddpm"));
  CHECK_THROWS_WITH(std::invalid_argument, parseSamplerKind("euler"), "ddpm, ddim");
}

TEST_CASE("sampler configs are validated") {
  const NoiseSchedule s(ScheduleKind::TruncatedLinear, 32);
  CHECK_THROWS_WITH(std::invalid_argument, ReverseSampler(s, config(SamplerKind::DDIM, 33)), "1..32");
  CHECK_THROWS_WITH(std::invalid_argument, ReverseSampler(s, config(SamplerKind::DDIM, 8, -1.0)), "eta");
  const ReverseSampler all(s, config(SamplerKind::DDPM));
  CHECK_EQ(all.timesteps().size(), std::size_t{32});
  CHECK_EQ(all.coefficients().size(), std::size_t{32});
  CHECK_EQ(all.coefficients().front().t, 32);
  CHECK_EQ(all.coefficients().back().tPrev, 0);
}

TEST_CASE("DDPM coefficients are the schedule's posterior; the last step returns x0_hat") {
  const NoiseSchedule s(ScheduleKind::Cosine, 50);
  const ReverseSampler sampler(s, config(SamplerKind::DDPM));
  for (const StepCoefficients& c : sampler.coefficients()) {
    CHECK_EQ(c.tPrev, c.t - 1);
    CHECK_NEAR(c.x0Coef, s.posteriorC1(c.t), 1e-15);
    CHECK_NEAR(c.xtCoef, s.posteriorC2(c.t), 1e-15);
    CHECK_NEAR(c.sigma, std::sqrt(s.posteriorVariance(c.t)), 1e-15);
  }
  const StepCoefficients& last = sampler.coefficients().back();
  CHECK_NEAR(last.x0Coef, 1.0, 1e-12);
  CHECK_NEAR(last.xtCoef, 0.0, 1e-15);
  CHECK_EQ(last.sigma, 0.0);
}

TEST_CASE("DDIM with eta = 1 has DDPM's coefficients, also on a respaced chain") {
  const NoiseSchedule s(ScheduleKind::Linear, 100);
  for (int steps : {100, 20, 7}) {
    const ReverseSampler ddpm(s, config(SamplerKind::DDPM, steps));
    const ReverseSampler ddim(s, config(SamplerKind::DDIM, steps, 1.0));
    CHECK_EQ(ddpm.coefficients().size(), ddim.coefficients().size());
    for (std::size_t i = 0; i < ddpm.coefficients().size(); ++i) {
      const StepCoefficients& p = ddpm.coefficients()[i];
      const StepCoefficients& q = ddim.coefficients()[i];
      CHECK_EQ(p.t, q.t);
      CHECK_NEAR(p.x0Coef, q.x0Coef, 1e-9);
      CHECK_NEAR(p.xtCoef, q.xtCoef, 1e-9);
      CHECK_NEAR(p.sigma, q.sigma, 1e-9);
    }
  }
  // η = 0: no noise anywhere; the step keeps ε̂ (A + B·√ᾱ_t = √ᾱ_prev).
  const ReverseSampler ddim0(s, config(SamplerKind::DDIM, 10, 0.0));
  for (const StepCoefficients& c : ddim0.coefficients()) {
    CHECK_EQ(c.sigma, 0.0);
    CHECK_NEAR(c.x0Coef + c.xtCoef * std::sqrt(s.alphaBar(c.t)), std::sqrt(s.alphaBar(c.tPrev)), 1e-12);
  }
}

TEST_CASE("DDPM and DDIM(eta=1, S=T) sample the same distribution (100k draws)") {
  const torch::Device dev = device();
  const NoiseSchedule s(ScheduleKind::TruncatedLinear, 32);
  const double a = 0.9;
  const torch::Tensor m = torch::tensor({0.5f, -0.25f}, floatOn(dev));
  const Denoiser affine = [&](const torch::Tensor& xt, const torch::Tensor&) { return a * xt + m; };
  const int64_t n = 100000;
  std::vector<Moments> results;
  for (const SamplerConfig& cfg : {config(SamplerKind::DDPM), config(SamplerKind::DDIM, 32, 1.0),
                                   config(SamplerKind::DDPM, 8), config(SamplerKind::DDIM, 8, 1.0)}) {
    const ReverseSampler sampler(s, cfg);
    SampleRequest request;
    request.shape = {n, 2};
    request.options = floatOn(dev);
    request.generator = makeGenerator(cfg.kind == SamplerKind::DDPM ? 1 : 2, dev);
    const torch::Tensor x0 = sampler.sample(affine, request);
    CHECK_EQ(x0.size(0), n);
    const Moments got = moments(x0);
    const AffineLaw law = affineLaw(sampler, a);
    const double seMean = std::sqrt(law.variance / n), seVar = law.variance * std::sqrt(2.0 / n);
    CHECK_NEAR(got.mean0, law.meanPerM * 0.5, 5 * seMean);
    CHECK_NEAR(got.mean1, law.meanPerM * -0.25, 5 * seMean);
    CHECK_NEAR(got.var0, law.variance, 5 * seVar);
    CHECK_NEAR(got.var1, law.variance, 5 * seVar);
    results.push_back(got);
  }
  // And directly against each other (different seeds).
  for (std::size_t pair : {0u, 2u}) {
    const Moments& p = results[pair];
    const Moments& q = results[pair + 1];
    const double v = 0.5 * (p.var0 + q.var0);
    CHECK_NEAR(p.mean0, q.mean0, 5 * std::sqrt(2 * v / n));
    CHECK_NEAR(p.var0, q.var0, 5 * v * std::sqrt(4.0 / n));
  }
  // The denoiser makes the variance shrink but not vanish: the check has teeth.
  const AffineLaw law = affineLaw(ReverseSampler(s, config(SamplerKind::DDPM)), a);
  CHECK(law.variance > 0.05);
  CHECK(std::fabs(law.meanPerM) > 0.5);
}

TEST_CASE("DDIM eta = 0 is deterministic and keeps the implied noise along the path") {
  const torch::Device dev = device();
  const NoiseSchedule s(ScheduleKind::Linear, 100);
  const torch::Tensor target = torch::tensor({{0.3f, -0.7f, 1.1f}}, floatOn(dev));
  const Denoiser oracle = [&](const torch::Tensor& xt, const torch::Tensor&) { return target.expand_as(xt).clone(); };
  const ReverseSampler sampler(s, config(SamplerKind::DDIM, 10, 0.0));
  const torch::Tensor xT = torch::randn({4, 3}, makeGenerator(5, torch::kCPU)).to(dev);
  TraceRecorder recorder(torch::randn({5, 3}).to(dev));
  SampleRequest request;
  request.xT = xT;
  request.generator = makeGenerator(1, dev);
  request.recorder = &recorder;
  const torch::Tensor a = sampler.sample(oracle, request);
  request.generator = makeGenerator(2, dev);
  request.recorder = nullptr;
  const torch::Tensor b = sampler.sample(oracle, request);
  CHECK(torch::equal(a, b));
  CHECK((a - target).abs().max().item<double>() < 1e-5);
  // ε̂ = (x_τ - √ᾱ_τ·x0)/√(1-ᾱ_τ) is the same at every visited τ.
  const torch::Tensor epsT = (xT.cpu() - std::sqrt(s.alphaBar(100)) * target.cpu()) / std::sqrt(1 - s.alphaBar(100));
  const Trace& trace = recorder.trace();
  CHECK_EQ(trace.steps.size(), std::size_t{11});
  for (std::size_t i = 0; i + 1 < trace.steps.size(); ++i) {
    const int t = trace.steps[i].t;
    const torch::Tensor eps =
        (trace.steps[i].xt - std::sqrt(s.alphaBar(t)) * target.cpu()) / std::sqrt(1 - s.alphaBar(t));
    CHECK((eps - epsT).abs().max().item<double>() < 1e-4);
  }
}

TEST_CASE("the denoiser sees t = tau_S..tau_1 as int64 [B] on the sampling device") {
  const torch::Device dev = device();
  const NoiseSchedule s(ScheduleKind::Linear, 100);
  std::vector<int64_t> seen;
  const Denoiser record = [&](const torch::Tensor& xt, const torch::Tensor& t) {
    CHECK(t.scalar_type() == torch::kLong);
    CHECK(t.device().type() == dev.type());
    CHECK_EQ(t.dim(), 1);
    CHECK_EQ(t.size(0), xt.size(0));
    CHECK_EQ(t.min().item<int64_t>(), t.max().item<int64_t>());
    seen.push_back(t[0].item<int64_t>());
    return xt * 0.5;
  };
  const ReverseSampler sampler(s, config(SamplerKind::DDIM, 4));
  SampleRequest request;
  request.shape = {3, 5};
  request.options = floatOn(dev);
  sampler.sample(record, request);
  CHECK(seen == std::vector<int64_t>({100, 75, 50, 25}));
}

TEST_CASE("renormalised reverse stays on the unit sphere") {
  const torch::Device dev = device();
  const NoiseSchedule s(ScheduleKind::Linear, 20);
  const torch::Tensor m = torch::tensor({1.0f, 2.0f, -1.0f, 0.5f}, floatOn(dev));
  const Denoiser onSphere = [&](const torch::Tensor& xt, const torch::Tensor&) {
    return projectToSphere(0.5 * xt + m);
  };
  for (const SamplerConfig& base : {config(SamplerKind::DDPM), config(SamplerKind::DDIM, 5, 0.5)}) {
    SamplerConfig cfg = base;
    cfg.renormalise = true;
    const ReverseSampler sampler(s, cfg);
    TraceRecorder recorder(torch::randn({6, 4}).to(dev));
    SampleRequest request;
    request.xT = 5.0 * torch::randn({16, 4}, floatOn(dev));  // deliberately off the sphere
    request.generator = makeGenerator(3, dev);
    request.recorder = &recorder;
    const torch::Tensor x0 = sampler.sample(onSphere, request);
    CHECK((x0.norm(2, {1}) - 1).abs().max().item<double>() < 1e-5);
    for (const TraceStep& step : recorder.trace().steps) {
      for (float n : step.normXt) CHECK_NEAR(n, 1.0, 1e-5);
    }
  }
}

TEST_CASE("same seed gives the same samples, a different seed different ones; x_T is not modified") {
  const torch::Device dev = device();
  const NoiseSchedule s(ScheduleKind::TruncatedLinear, 32);
  const Denoiser denoise = [](const torch::Tensor& xt, const torch::Tensor&) { return 0.7 * xt; };
  for (const SamplerConfig& cfg : {config(SamplerKind::DDPM), config(SamplerKind::DDIM, 8, 0.5)}) {
    const ReverseSampler sampler(s, cfg);
    auto run = [&](uint64_t seed) {
      SampleRequest request;
      request.shape = {8, 6};
      request.options = floatOn(dev);
      request.generator = makeGenerator(seed, dev);
      return sampler.sample(denoise, request);
    };
    CHECK(torch::equal(run(10), run(10)));
    CHECK(!torch::equal(run(10), run(11)));
    SampleRequest given;
    given.xT = torch::randn({8, 6}, floatOn(dev));
    const torch::Tensor before = given.xT.clone();
    given.generator = makeGenerator(1, dev);
    sampler.sample(denoise, given);
    CHECK(torch::equal(given.xT, before));
  }
}

TEST_CASE("a compensator replaces the last step") {
  const torch::Device dev = device();
  const NoiseSchedule s(ScheduleKind::Linear, 20);
  int denoiserCalls = 0, compensatorCalls = 0;
  std::vector<int64_t> ts;
  const Denoiser denoise = [&](const torch::Tensor& xt, const torch::Tensor& t) {
    ++denoiserCalls;
    ts.push_back(t[0].item<int64_t>());
    return 0.5 * xt;
  };
  const ReverseSampler sampler(s, config(SamplerKind::DDIM, 5));
  TraceRecorder recorder(torch::randn({4, 3}).to(dev));
  SampleRequest request;
  request.shape = {2, 3};
  request.options = floatOn(dev);
  request.generator = makeGenerator(1, dev);
  request.recorder = &recorder;
  request.compensator = [&](const torch::Tensor& x) {
    ++compensatorCalls;
    return torch::full_like(x, 7.0);
  };
  const torch::Tensor x0 = sampler.sample(denoise, request);
  CHECK_EQ(denoiserCalls, 4);
  CHECK_EQ(compensatorCalls, 1);
  CHECK(ts == std::vector<int64_t>({20, 16, 12, 8}));
  CHECK(torch::equal(x0, torch::full_like(x0, 7.0)));
  const Trace& trace = recorder.trace();
  CHECK_EQ(trace.steps.size(), std::size_t{6});
  CHECK_EQ(trace.steps[4].t, 4);
  CHECK(torch::equal(trace.steps[4].x0Hat, torch::full({2, 3}, 7.0f)));
  CHECK_EQ(trace.steps[5].t, 0);
}

TEST_CASE("noise on the last step only when asked") {
  const torch::Device dev = device();
  const NoiseSchedule s(ScheduleKind::Linear, 50);
  const torch::Tensor m = torch::tensor({0.25f, -0.5f}, floatOn(dev));
  const Denoiser constant = [&](const torch::Tensor& xt, const torch::Tensor&) { return m.expand_as(xt).clone(); };
  for (SamplerKind kind : {SamplerKind::DDPM, SamplerKind::DDIM}) {
    SamplerConfig cfg = config(kind, 10, 1.0);
    SampleRequest request;
    request.shape = {64, 2};
    request.options = floatOn(dev);
    request.generator = makeGenerator(4, dev);
    const torch::Tensor quiet = ReverseSampler(s, cfg).sample(constant, request);
    CHECK(torch::equal(quiet, m.expand_as(quiet)));
    cfg.noiseOnLastStep = true;
    const ReverseSampler noisy(s, cfg);
    CHECK(noisy.coefficients().back().sigma > 0.0);
    CHECK_NEAR(noisy.coefficients().back().sigma, noisy.coefficients()[8].sigma, 0.0);
    request.generator = makeGenerator(4, dev);
    CHECK(!torch::equal(noisy.sample(constant, request), quiet));
  }
}

TEST_CASE("models report per-step extras only while a trace is recorded") {
  const torch::Device dev = device();
  const NoiseSchedule s(ScheduleKind::Linear, 20);
  int withExtras = 0, withoutExtras = 0;
  const InspectingDenoiser inspecting = [&](const torch::Tensor& xt, const torch::Tensor& t, StepExtras* extras) {
    if (extras != nullptr) {
      ++withExtras;
      extras->put("ai2m_attention", torch::full({xt.size(0), 1, 4}, 0.25f, xt.options()));
    } else {
      ++withoutExtras;
    }
    return 0.5 * xt;
  };
  const ReverseSampler sampler(s, config(SamplerKind::DDPM, 5));
  SampleRequest request;
  request.shape = {3, 4};
  request.options = floatOn(dev);
  request.generator = makeGenerator(1, dev);
  // Trace off: no recorder, nothing handed to the model, nothing recorded.
  TraceRecorder unused(torch::randn({5, 4}).to(dev));
  sampler.sample(inspecting, request);
  CHECK_EQ(withoutExtras, 5);
  CHECK_EQ(withExtras, 0);
  CHECK(unused.trace().steps.empty());
  // Trace on.
  TraceRecorder recorder(torch::randn({5, 4}).to(dev));
  request.recorder = &recorder;
  sampler.sample(inspecting, request);
  CHECK_EQ(withExtras, 5);
  const Trace trace = recorder.takeTrace();
  CHECK_EQ(trace.steps.size(), std::size_t{6});
  for (std::size_t i = 0; i < 5; ++i) {
    CHECK_EQ(trace.steps[i].extras.count("ai2m_attention"), std::size_t{1});
    const torch::Tensor w = trace.steps[i].extras.at("ai2m_attention");
    CHECK(w.device().is_cpu());
    CHECK_EQ(w.size(2), 4);
  }
  CHECK(trace.steps.back().extras.empty());
  CHECK(recorder.trace().steps.empty());  // takeTrace moved it out
}

TEST_CASE("sampling runs without autograd and rejects a malformed denoiser") {
  const torch::Device dev = device();
  const NoiseSchedule s(ScheduleKind::Linear, 20);
  const torch::Tensor w = torch::full({4}, 0.5f, floatOn(dev)).requires_grad_(true);
  const Denoiser parametric = [&](const torch::Tensor& xt, const torch::Tensor&) { return xt * w; };
  const ReverseSampler sampler(s, config(SamplerKind::DDPM));
  SampleRequest request;
  request.shape = {2, 4};
  request.options = floatOn(dev);
  const torch::Tensor x0 = sampler.sample(parametric, request);
  CHECK(!x0.requires_grad());
  const Denoiser wrong = [](const torch::Tensor& xt, const torch::Tensor&) { return xt.narrow(1, 0, 2); };
  CHECK_THROWS_WITH(std::invalid_argument, sampler.sample(wrong, request), "denoiser returned");
  SampleRequest empty;
  CHECK_THROWS_WITH(std::invalid_argument, sampler.sample(parametric, empty), "shape");
}

TEST_CASE("plain lambdas of either arity pick the right overload") {
  const torch::Device dev = device();
  const ReverseSampler sampler(NoiseSchedule::fromBetas({0.1, 0.2, 0.3}), config(SamplerKind::DDIM));
  CHECK(sampler.schedule().isCustom());
  SampleRequest request;
  request.shape = {2, 3};
  request.options = floatOn(dev);
  request.generator = makeGenerator(1, dev);
  const torch::Tensor a =
      sampler.sample([](const torch::Tensor& xt, const torch::Tensor&) { return 0.5 * xt; }, request);
  request.generator = makeGenerator(1, dev);
  const torch::Tensor b =
      sampler.sample([](const torch::Tensor& xt, const torch::Tensor&, StepExtras*) { return 0.5 * xt; }, request);
  CHECK(torch::equal(a, b));
  CHECK_EQ(a.size(1), 3);
}
