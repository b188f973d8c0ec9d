// Tests of core/diffusion: noise schedules, forward noise, generators.
// The samplers are tested in test_diffusion_sampler_torch.cpp, the trace in
// test_diffusion_trace_torch.cpp. Every case runs on --device.
#include <torch/torch.h>

#include <cmath>

#include "core/diffusion/forward_noise.h"
#include "core/diffusion/generator.h"
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

// Mean and (population) variance of a CPU double copy.
double meanOf(const torch::Tensor& x) { return x.to(torch::kCPU, torch::kDouble).mean().item<double>(); }
double varOf(const torch::Tensor& x) {
  return x.to(torch::kCPU, torch::kDouble).var(/*unbiased=*/false).item<double>();
}

constexpr double kPi = 3.14159265358979323846;

}  // namespace

TEST_CASE("schedule names round-trip and unknown names are reported") {
  for (ScheduleKind kind : allScheduleKinds()) {
    CHECK(parseScheduleKind(scheduleKindName(kind)) == kind);
  }
  CHECK_EQ(scheduleKindName(ScheduleKind::TruncatedLinear), std::string("truncated-linear"));
  CHECK_THROWS_WITH(std::invalid_argument, parseScheduleKind("quadratic"), "truncated-linear");
  CHECK(parseNoiseKind("geodesic") == NoiseKind::Geodesic);
  CHECK_THROWS_WITH(std::invalid_argument, parseNoiseKind("pink"), "offset");
}

TEST_CASE("linear schedule: beta from 1e-4 to 0.02 scaled to T, alphaBar is the product") {
  for (int T : {1000, 100}) {
    const NoiseSchedule s(ScheduleKind::Linear, T);
    const double scale = 1000.0 / T;
    CHECK_EQ(s.steps(), T);
    CHECK_NEAR(s.beta(1), scale * 1e-4, 1e-15);
    CHECK_NEAR(s.beta(T), scale * 0.02, 1e-15);
    CHECK_NEAR(s.beta(T / 2 + 1) - s.beta(T / 2), (scale * 0.02 - scale * 1e-4) / (T - 1), 1e-12);
    CHECK_EQ(s.alphaBar(0), 1.0);
    CHECK_EQ(s.beta(0), 0.0);
    double product = 1.0;
    for (int t = 1; t <= T; ++t) {
      product *= 1.0 - s.beta(t);
      CHECK_NEAR(s.alphaBar(t), product, 1e-14);
      CHECK_NEAR(s.alpha(t), 1.0 - s.beta(t), 1e-15);
    }
  }
}

TEST_CASE("linear schedules too short to be valid say which T works") {
  CHECK_THROWS_WITH(std::invalid_argument, NoiseSchedule(ScheduleKind::Linear, 10), "T >= 20");
  CHECK_THROWS_WITH(std::invalid_argument, NoiseSchedule(ScheduleKind::Cosine, 0), "at least 1");
  CHECK_THROWS_WITH(std::invalid_argument, NoiseSchedule::fromBetas({0.1, 1.5}), "beta_2");
  CHECK_THROWS_WITH(std::out_of_range, NoiseSchedule(ScheduleKind::Cosine, 8).alphaBar(9), "outside 0..8");
}

TEST_CASE("truncated-linear T<21 ends at scale*0.001+0.01, as DiffuRec's reference code does") {
  // T = 16: scale 62.5; the usual end 62.5*0.02+0.01 = 1.26 exceeds 1.
  const NoiseSchedule s(ScheduleKind::TruncatedLinear, 16);
  CHECK_NEAR(s.beta(1), 62.5 * 1e-4 + 0.01, 1e-12);
  CHECK_NEAR(s.beta(16), 62.5 * 0.001 + 0.01, 1e-12);
  // T = 21 keeps the usual end: 1000/21*0.02+0.01 < 1.
  CHECK_NEAR(NoiseSchedule(ScheduleKind::TruncatedLinear, 21).beta(21), 1000.0 / 21 * 0.02 + 0.01, 1e-12);
}

TEST_CASE("truncated-linear T=32: beta 0.013125 -> 0.635 and alphaBar_T about 1e-6") {
  const NoiseSchedule s(ScheduleKind::TruncatedLinear, 32);
  CHECK_NEAR(s.beta(1), 0.013125, 1e-12);
  CHECK_NEAR(s.beta(32), 0.635, 1e-12);
  CHECK_NEAR(s.beta(2) - s.beta(1), (0.635 - 0.013125) / 31.0, 1e-12);
  // ∏(1-β_t) evaluated independently: 9.9013e-7.
  CHECK_NEAR(s.alphaBar(32), 9.901298766552511e-07, 1e-12);
}

TEST_CASE("cosine schedule follows Nichol-Dhariwal where unclipped, betas clipped to [1e-4, 0.999]") {
  const int T = 200;
  const NoiseSchedule s(ScheduleKind::Cosine, T);
  auto f = [](double u) {
    const double c = std::cos((u + 0.008) / 1.008 * kPi / 2.0);
    return c * c;
  };
  bool clipped = false;
  for (int t = 1; t <= T; ++t) {
    CHECK(s.beta(t) >= 1e-4 - 1e-15);
    CHECK(s.beta(t) <= 0.999 + 1e-15);
    const double raw = 1.0 - f(static_cast<double>(t) / T) / f(static_cast<double>(t - 1) / T);
    if (raw < 1e-4 || raw > 0.999) {
      clipped = true;
      continue;
    }
    CHECK_NEAR(s.beta(t), raw, 1e-12);
  }
  CHECK(clipped);  // the last step hits the 0.999 clip
  CHECK_NEAR(s.beta(T), 0.999, 1e-12);
  // Up to the first clip ᾱ_t = f(t/T)/f(0) exactly.
  for (int t : {1, 50, 100, 150}) {
    CHECK_NEAR(s.alphaBar(t), f(static_cast<double>(t) / T) / f(0.0), 1e-10);
  }
}

TEST_CASE("sqrt schedule: alphaBar(t) = 1 - sqrt(t/T + 1e-4) relative to t = 0") {
  const int T = 100;
  const NoiseSchedule s(ScheduleKind::Sqrt, T);
  auto ab = [](double u) { return 1.0 - std::sqrt(u + 0.0001); };
  for (int t = 1; t < T; ++t) {
    CHECK_NEAR(s.alphaBar(t), ab(static_cast<double>(t) / T) / ab(0.0), 1e-10);
  }
  CHECK_NEAR(s.beta(T), 0.999, 1e-12);  // ᾱ(1) < 0: clipped
}

TEST_CASE("exp schedule: DreamRec's VP discretisation has a closed-form alphaBar") {
  const int T = 50;
  const NoiseSchedule s(ScheduleKind::Exp, T);
  const double bmin = 0.1, bmax = 10.0;
  for (int t = 1; t <= T; ++t) {
    const double beta = 1.0 - std::exp(-bmin / T - (bmax - bmin) * (2.0 * t - 1.0) / (2.0 * T * T));
    CHECK_NEAR(s.beta(t), beta, 1e-14);
    // Σ_{s<=t}(2s-1) = t², so ᾱ_t = exp(-β_min·t/T - (β_max-β_min)·t²/(2T²)).
    const double closed = std::exp(-bmin * t / T - (bmax - bmin) * t * t / (2.0 * T * T));
    CHECK_NEAR(s.alphaBar(t), closed, 1e-12);
  }
}

TEST_CASE("every schedule: alphaBar starts at 1 and decreases strictly") {
  for (ScheduleKind kind : allScheduleKinds()) {
    for (int T : {32, 50, 1000}) {
      const NoiseSchedule s(kind, T);
      CHECK_EQ(s.alphaBar(0), 1.0);
      for (int t = 1; t <= T; ++t) {
        CHECK(s.alphaBar(t) < s.alphaBar(t - 1));
        CHECK(s.alphaBar(t) >= 0.0);
      }
      CHECK(s.alphaBar(T) < 0.05);  // every named schedule ends near pure noise
      CHECK_EQ(s.alphaBarValues().size(), static_cast<std::size_t>(T + 1));
      CHECK_EQ(s.alphaBars().size(0), T + 1);
      CHECK(s.alphaBars().scalar_type() == torch::kDouble);
    }
  }
}

TEST_CASE("posterior coefficients match the direct formulas and keep the marginals") {
  for (ScheduleKind kind : allScheduleKinds()) {
    const int T = 40;
    const NoiseSchedule s(kind, T);
    CHECK_NEAR(s.posteriorC1(1), 1.0, 1e-12);
    CHECK_NEAR(s.posteriorC2(1), 0.0, 1e-15);
    CHECK_NEAR(s.posteriorVariance(1), 0.0, 1e-15);
    for (int t = 1; t <= T; ++t) {
      const double b = s.beta(t), ab = s.alphaBar(t), abp = s.alphaBar(t - 1);
      CHECK_NEAR(s.posteriorC1(t), std::sqrt(abp) * b / (1 - ab), 1e-12);
      CHECK_NEAR(s.posteriorC2(t), std::sqrt(1 - b) * (1 - abp) / (1 - ab), 1e-12);
      CHECK_NEAR(s.posteriorVariance(t), b * (1 - abp) / (1 - ab), 1e-12);
      // x_t ~ q(x_t|x0) followed by the posterior gives q(x_{t-1}|x0):
      // mean c1 + c2·√ᾱ_t = √ᾱ_{t-1}, variance c2²(1-ᾱ_t) + β̃_t = 1-ᾱ_{t-1}.
      CHECK_NEAR(s.posteriorC1(t) + s.posteriorC2(t) * std::sqrt(ab), std::sqrt(abp), 1e-12);
      CHECK_NEAR(s.posteriorC2(t) * s.posteriorC2(t) * (1 - ab) + s.posteriorVariance(t), 1 - abp, 1e-12);
    }
  }
}

TEST_CASE("device tables are float views of the doubles and cached") {
  const torch::Device dev = device();
  const NoiseSchedule s(ScheduleKind::Cosine, 64);
  const ScheduleTables a = s.tables(dev);
  CHECK(a.alphaBars.device().type() == dev.type());
  CHECK(a.alphaBars.scalar_type() == torch::kFloat);
  CHECK_EQ(a.betas.size(0), 65);
  const torch::Tensor ab = a.alphaBars.cpu().to(torch::kDouble);
  const torch::Tensor c1 = a.posteriorC1.cpu().to(torch::kDouble);
  const torch::Tensor sq = a.sqrtOneMinusAlphaBars.cpu().to(torch::kDouble);
  for (int t = 0; t <= 64; ++t) {
    CHECK_NEAR(ab[t].item<double>(), s.alphaBar(t), 1e-7);
    CHECK_NEAR(c1[t].item<double>(), s.posteriorC1(t), 1e-6);
    CHECK_NEAR(sq[t].item<double>(), std::sqrt(1 - s.alphaBar(t)), 1e-7);
  }
  const NoiseSchedule copy = s;  // copies share the cache
  CHECK(copy.tables(dev).alphaBars.data_ptr() == a.alphaBars.data_ptr());
  CHECK(s.tables(dev, torch::kDouble).alphaBars.scalar_type() == torch::kDouble);
}

TEST_CASE("Gaussian forward marginal: mean sqrt(ab)*x0, variance 1-ab (200k draws)") {
  const torch::Device dev = device();
  const NoiseSchedule s(ScheduleKind::Linear, 100);
  const int64_t n = 200000;
  const int t = 37;
  const torch::Tensor x0 = torch::tensor({0.7f, -1.3f}, floatOn(dev)).repeat({n, 1});
  const torch::Tensor ts = torch::full({n}, t, torch::TensorOptions().dtype(torch::kLong).device(dev));
  const ForwardSample out = qSample(s, x0, ts, {}, makeGenerator(11, dev));
  const double ab = s.alphaBar(t);
  const double var = 1.0 - ab;
  const double seMean = std::sqrt(var / n), seVar = var * std::sqrt(2.0 / n);
  for (int64_t j = 0; j < 2; ++j) {
    const torch::Tensor col = out.xt.select(1, j);
    const double x0j = j == 0 ? 0.7 : -1.3;
    CHECK_NEAR(meanOf(col), std::sqrt(ab) * x0j, 5 * seMean);
    CHECK_NEAR(varOf(col), var, 5 * seVar);
  }
  // The returned noise reproduces x_t.
  const torch::Tensor again = qSampleWithNoise(s, x0, ts, out.noise);
  CHECK((again - out.xt).abs().max().item<double>() < 1e-6);
  CHECK(out.x0.data_ptr() == x0.data_ptr());
}

TEST_CASE("offset noise: one shift per vector shared by all channels") {
  const torch::Device dev = device();
  const NoiseSchedule s(ScheduleKind::TruncatedLinear, 32);
  const int64_t n = 200000;
  const double strength = 0.5;
  const torch::Tensor x0 = torch::zeros({n, 3}, floatOn(dev));
  const torch::Tensor ts = torch::full({n}, 32, torch::TensorOptions().dtype(torch::kLong).device(dev));
  NoiseOptions options;
  options.kind = NoiseKind::Offset;
  options.offsetStrength = strength;
  const ForwardSample out = qSample(s, x0, ts, options, makeGenerator(5, dev));
  const torch::Tensor e = out.noise.to(torch::kCPU, torch::kDouble);
  // ε = n + s·c: variance 1 + s² per channel, covariance s² across channels.
  const double var = 1.0 + strength * strength, cov = strength * strength;
  const double se = var * std::sqrt(2.0 / n);
  CHECK_NEAR(varOf(e.select(1, 0)), var, 5 * se);
  CHECK_NEAR(varOf(e.select(1, 2)), var, 5 * se);
  const double c01 = (e.select(1, 0) * e.select(1, 1)).mean().item<double>();
  CHECK_NEAR(c01, cov, 5 * var / std::sqrt(static_cast<double>(n)));
  CHECK((qSampleWithNoise(s, x0, ts, out.noise) - out.xt).abs().max().item<double>() < 1e-6);
  // Default strength is DiffuRecSys's 0.1.
  CHECK_NEAR(NoiseOptions().offsetStrength, 0.1, 0.0);
}

TEST_CASE("per-token timesteps: t = 0 positions stay exactly clean") {
  const torch::Device dev = device();
  const NoiseSchedule s(ScheduleKind::TruncatedLinear, 32);
  const torch::Tensor x0 = torch::randn({4, 5, 8}, makeGenerator(1, torch::kCPU)).to(dev);
  const torch::Tensor ts =
      torch::tensor({{0, 0, 3, 7, 32}, {0, 1, 1, 1, 1}, {5, 0, 0, 0, 20}, {0, 0, 0, 0, 0}}, torch::kLong).to(dev);
  for (NoiseKind kind : {NoiseKind::Gaussian, NoiseKind::Offset}) {
    NoiseOptions options;
    options.kind = kind;
    const ForwardSample out = qSample(s, x0, ts, options, makeGenerator(2, dev));
    const torch::Tensor clean = (ts == 0).unsqueeze(-1).expand_as(x0);
    CHECK(torch::equal(out.xt.masked_select(clean), x0.masked_select(clean)));
    CHECK((out.xt - x0).abs().sum(-1).masked_select(ts > 0).min().item<double>() > 0.0);
    // Each token got its own coefficients.
    const ScheduleTables tab = s.tables(dev);
    const torch::Tensor expect = tab.sqrtAlphaBars.index({ts}).unsqueeze(-1) * x0 +
                                 tab.sqrtOneMinusAlphaBars.index({ts}).unsqueeze(-1) * out.noise;
    CHECK((expect - out.xt).abs().max().item<double>() < 1e-6);
  }
  // Per-sample t [B] broadcast over positions.
  const torch::Tensor perSample = torch::tensor({0, 4, 9, 32}, torch::kLong).to(dev);
  const ForwardSample out = qSample(s, x0, perSample, {}, makeGenerator(3, dev));
  CHECK(torch::equal(out.xt[0], x0[0]));
  const double c = std::sqrt(s.alphaBar(9)), d = std::sqrt(1 - s.alphaBar(9));
  CHECK(((c * x0[2] + d * out.noise[2]) - out.xt[2]).abs().max().item<double>() < 1e-6);
}

TEST_CASE("forward noise rejects mismatched shapes and out-of-range timesteps") {
  const NoiseSchedule s(ScheduleKind::Linear, 50);
  const torch::Tensor x0 = torch::zeros({4, 8});
  CHECK_THROWS_WITH(std::invalid_argument, qSample(s, x0, torch::zeros({3}, torch::kLong)), "do not match");
  CHECK_THROWS_WITH(std::invalid_argument, qSample(s, x0, torch::zeros({4, 8}, torch::kLong)), "do not match");
  CHECK_THROWS_WITH(std::invalid_argument, qSample(s, x0, torch::full({4}, 51, torch::kLong)), "0..50");
  CHECK_THROWS_WITH(std::invalid_argument, qSample(s, x0, torch::zeros({4})), "integer");
  CHECK_THROWS_WITH(std::invalid_argument, qSample(s, torch::zeros({8}), torch::zeros({1}, torch::kLong)), "[B,d]");
}

TEST_CASE("geodesic noise stays on the unit sphere and its angle grows with t") {
  const torch::Device dev = device();
  const NoiseSchedule s(ScheduleKind::Linear, 100);
  const int64_t n = 20000, d = 16;
  const torch::Tensor x0 = (3.0 * torch::randn({n, d}, makeGenerator(4, torch::kCPU))).to(dev);
  NoiseOptions options;
  options.kind = NoiseKind::Geodesic;
  double previousAngle = -1.0;
  for (int t : {0, 1, 3, 8, 15}) {
    const torch::Tensor ts = torch::full({n}, t, torch::TensorOptions().dtype(torch::kLong).device(dev));
    const ForwardSample out = qSample(s, x0, ts, options, makeGenerator(100 + t, dev));
    CHECK(!torch::isnan(out.xt).any().item<bool>());
    CHECK_NEAR(out.xt.norm(2, {1}).sub(1).abs().max().item<double>(), 0.0, 1e-5);
    CHECK_NEAR(out.x0.norm(2, {1}).sub(1).abs().max().item<double>(), 0.0, 1e-5);
    // The noise is tangent to x0.
    CHECK((out.noise * out.x0).sum(1).abs().max().item<double>() < 1e-4);
    const torch::Tensor cosines = (out.xt * out.x0).sum(1).clamp(-1, 1).to(torch::kDouble);
    const torch::Tensor angle = torch::acos(cosines);
    // The angle walked is ‖v‖ = √(1-ᾱ_t)·‖ε_tan‖ while ‖v‖ < π.
    const torch::Tensor vNorm = std::sqrt(1 - s.alphaBar(t)) * out.noise.norm(2, {1}).to(torch::kDouble);
    const torch::Tensor inside = vNorm < 3.0;
    CHECK(inside.sum().item<int64_t>() > n / 2);
    CHECK(((angle - vNorm).abs().masked_select(inside)).max().item<double>() < 2e-3);
    const double meanAngle = angle.mean().item<double>();
    CHECK(meanAngle > previousAngle);
    previousAngle = meanAngle;
    if (t == 0) CHECK(meanAngle < 1e-3);
  }
  // qSampleWithNoise reproduces it from the returned tangent noise.
  const torch::Tensor ts = torch::full({n}, 8, torch::TensorOptions().dtype(torch::kLong).device(dev));
  const ForwardSample out = qSample(s, x0, ts, options, makeGenerator(9, dev));
  CHECK((qSampleWithNoise(s, x0, ts, out.noise, NoiseKind::Geodesic) - out.xt).abs().max().item<double>() < 1e-5);
}

TEST_CASE("gradients flow from x_t back to x0") {
  const torch::Device dev = device();
  const NoiseSchedule s(ScheduleKind::Cosine, 20);
  for (NoiseKind kind : {NoiseKind::Gaussian, NoiseKind::Offset, NoiseKind::Geodesic}) {
    torch::Tensor x0 = torch::randn({3, 4}, floatOn(dev)).requires_grad_(true);
    NoiseOptions options;
    options.kind = kind;
    const ForwardSample out =
        qSample(s, x0, torch::full({3}, 5, torch::TensorOptions().dtype(torch::kLong).device(dev)), options,
                makeGenerator(1, dev));
    CHECK(!out.noise.requires_grad());
    out.xt.sum().backward();
    CHECK(x0.grad().defined());
    CHECK(x0.grad().abs().sum().item<double>() > 0.0);
  }
}

TEST_CASE("same seed gives identical draws, a different seed different ones") {
  const torch::Device dev = device();
  const NoiseSchedule s(ScheduleKind::TruncatedLinear, 32);
  const torch::Tensor x0 = torch::ones({64, 8}, floatOn(dev));
  for (NoiseKind kind : {NoiseKind::Gaussian, NoiseKind::Offset, NoiseKind::Geodesic}) {
    NoiseOptions options;
    options.kind = kind;
    const torch::Tensor t1 = sampleTimesteps(64, 32, makeGenerator(7, dev), dev);
    const torch::Tensor t2 = sampleTimesteps(64, 32, makeGenerator(7, dev), dev);
    const torch::Tensor t3 = sampleTimesteps(64, 32, makeGenerator(8, dev), dev);
    CHECK(torch::equal(t1, t2));
    CHECK(!torch::equal(t1, t3));
    const ForwardSample a = qSample(s, x0, t1, options, makeGenerator(42, dev));
    const ForwardSample b = qSample(s, x0, t1, options, makeGenerator(42, dev));
    const ForwardSample c = qSample(s, x0, t1, options, makeGenerator(43, dev));
    CHECK(torch::equal(a.xt, b.xt));
    CHECK(torch::equal(a.noise, b.noise));
    CHECK(!torch::equal(a.xt, c.xt));
  }
  // One generator advances: two draws from it differ.
  torch::Generator g = makeGenerator(42, dev);
  const torch::Tensor first =
      qSample(s, x0, torch::full({64}, 3, torch::TensorOptions().dtype(torch::kLong).device(dev)), {}, g).xt;
  const torch::Tensor second =
      qSample(s, x0, torch::full({64}, 3, torch::TensorOptions().dtype(torch::kLong).device(dev)), {}, g).xt;
  CHECK(!torch::equal(first, second));
}

TEST_CASE("sampleTimesteps is uniform over 1..T") {
  const torch::Device dev = device();
  const int T = 10;
  const int64_t n = 100000;
  const torch::Tensor t = sampleTimesteps(n, T, makeGenerator(3, dev), dev).cpu();
  CHECK(t.scalar_type() == torch::kLong);
  CHECK_EQ(t.min().item<int64_t>(), 1);
  CHECK_EQ(t.max().item<int64_t>(), T);
  const double expected = static_cast<double>(n) / T;
  const double se = std::sqrt(expected);
  for (int k = 1; k <= T; ++k) CHECK_NEAR((t == k).sum().item<int64_t>(), expected, 5 * se);
  CHECK_THROWS_WITH(std::invalid_argument, sampleTimesteps(4, 0), "T must be");
}

TEST_CASE("a generator of the wrong device type is refused with a clear message") {
  const torch::Device dev = device();
  if (!dev.is_cuda()) SKIP("needs a CUDA device to mismatch against");
  const NoiseSchedule s(ScheduleKind::Linear, 50);
  const torch::Tensor x0 = torch::zeros({2, 4}, floatOn(dev));
  CHECK_THROWS_WITH(std::invalid_argument,
                    qSample(s, x0, torch::ones({2}, torch::TensorOptions().dtype(torch::kLong).device(dev)), {},
                            makeGenerator(1, torch::kCPU)),
                    "makeGenerator");
}
