// The rules behind "does the output depend on the noise?"
// (core/eval/noise_dependence.h): top-k agreement on hand-made lists, the
// per-step summary, each threshold on both sides, and the sentences.
#include <cmath>
#include <limits>
#include <string>

#include "core/eval/noise_dependence.h"
#include "tests/support/check.h"

using namespace recdiff::eval;

namespace {

const double kNaN = std::numeric_limits<double>::quiet_NaN();

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

NoiseEvidence withOverlap(double overlap, double sensitivity = kNaN) {
  NoiseEvidence e;
  e.agreement.runs = 3;
  e.agreement.users = 100;
  e.agreement.k = 20;
  e.agreement.meanOverlap = overlap;
  e.agreement.identicalShare = overlap == 1.0 ? 1.0 : 0.0;
  e.sensitivity = sensitivity;
  return e;
}

}  // namespace

TEST_CASE("top-k agreement: mean overlap over users and pairs, and the share of identical lists") {
  // Two users, k = 3. User 0: {1,2,3}, {3,2,1}, {1,2,3} — one set (order does
  // not matter). User 1: {1,2,3}, {1,2,4}, {5,6,7}: pair overlaps 2/3, 0, 0.
  const std::vector<std::vector<std::int64_t>> runs = {{1, 2, 3, 1, 2, 3}, {3, 2, 1, 1, 2, 4}, {1, 2, 3, 5, 6, 7}};
  const TopKAgreement a = topKAgreement(runs, 3);
  CHECK_EQ(a.users, std::int64_t{2});
  CHECK_EQ(a.runs, 3);
  CHECK_NEAR(a.meanOverlap, (3.0 + 2.0 / 3.0) / 6.0, 1e-12);
  CHECK_NEAR(a.identicalShare, 0.5, 1e-12);
}

TEST_CASE("top-k agreement: one run leaves it unknown; ragged runs are refused") {
  const TopKAgreement one = topKAgreement({{1, 2}}, 2);
  CHECK_EQ(one.users, std::int64_t{1});
  CHECK(std::isnan(one.meanOverlap));
  CHECK_THROWS_WITH(std::invalid_argument, topKAgreement({{1, 2}, {1, 2, 3, 4}}, 2), "same users");
  CHECK_THROWS_WITH(std::invalid_argument, topKAgreement({{1}}, 0), "k must be");
}

TEST_CASE("per-step sensitivity: mean and quartiles of the finite values, largest t first") {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const auto steps = summariseSensitivity({{1, {0.0f, 1.0f, 2.0f, 3.0f, 4.0f, nan}}, {5, {nan}}, {3, {2.0f}}});
  CHECK_EQ(steps.size(), std::size_t{3});
  CHECK_EQ(steps[0].t, 5);
  CHECK(std::isnan(steps[0].mean));
  CHECK_EQ(steps[0].users, std::int64_t{0});
  CHECK_EQ(steps[1].t, 3);
  CHECK_NEAR(steps[1].median, 2.0, 1e-12);
  CHECK_EQ(steps[2].users, std::int64_t{5});
  CHECK_NEAR(steps[2].mean, 2.0, 1e-12);
  CHECK_NEAR(steps[2].q1, 1.0, 1e-12);
  CHECK_NEAR(steps[2].median, 2.0, 1e-12);
  CHECK_NEAR(steps[2].q3, 3.0, 1e-12);
  CHECK_NEAR(meanSensitivity(steps), 2.0, 1e-12);  // (2 + 2) / 2: the empty step is skipped
  CHECK(std::isnan(meanSensitivity({})));
}

TEST_CASE("verdict thresholds: overlap 0.95 and 0.70, inert sensitivity without seeds") {
  CHECK(classifyNoiseDependence(withOverlap(1.0)) == NoiseDependence::None);
  CHECK(classifyNoiseDependence(withOverlap(kNoNoiseDependenceOverlap)) == NoiseDependence::None);
  CHECK(classifyNoiseDependence(withOverlap(0.949)) == NoiseDependence::Weak);
  CHECK(classifyNoiseDependence(withOverlap(kWeakNoiseDependenceOverlap)) == NoiseDependence::Weak);
  CHECK(classifyNoiseDependence(withOverlap(0.699)) == NoiseDependence::Strong);
  NoiseEvidence oneSeed;
  oneSeed.sensitivity = 0.01;
  CHECK(classifyNoiseDependence(oneSeed) == NoiseDependence::None);
  oneSeed.sensitivity = kInertSensitivity;
  CHECK(classifyNoiseDependence(oneSeed) == NoiseDependence::Unknown);
  NoiseEvidence baseline;
  baseline.diffusion = false;
  CHECK(classifyNoiseDependence(baseline) == NoiseDependence::NotDiffusion);
  CHECK_EQ(noiseDependenceName(NoiseDependence::NotDiffusion), std::string("not a diffusion model"));
}

TEST_CASE("sentences: the inert model, the noise-driven model, one user, a baseline") {
  NoiseEvidence inert = withOverlap(1.0, 0.0);
  inert.hitRate = 0.042;
  inert.hitRateStd = 0.0;
  inert.hitRateNoiseFree = 0.042;
  const std::string a = describeNoiseDependence(inert);
  CHECK(contains(a,
                 "The output does not depend on the noise: three noise seeds give the same top-20 for 100 % of users"));
  CHECK(contains(a, "the noise-free run scores the same HR@20 (4.20 % vs 4.20 ± 0.00 % with noise)"));
  CHECK(contains(a, "the diffusion input is inert"));

  NoiseEvidence noisy = withOverlap(0.10, 1.0);
  noisy.hitRate = 0.02;
  noisy.hitRateStd = 0.001;
  noisy.hitRateNoiseFree = 0.05;  // 3 points above: more than 2 sd and the floor
  const std::string b = describeNoiseDependence(noisy);
  CHECK(contains(b, "The output depends on the noise: three noise seeds give the same top-20 for 0 % of users"));
  CHECK(contains(b, "share 10 %"));
  CHECK(contains(b, "a higher HR@20"));
  CHECK(contains(b, "Its denoiser follows x_t"));

  NoiseEvidence user = withOverlap(0.5, 0.3);
  user.agreement.users = 1;
  user.agreement.runs = 2;
  user.agreement.k = 10;
  const std::string c = describeNoiseDependence(user);
  CHECK(contains(c, "two noise seeds share 50 % of their top-10 for this user"));
  CHECK(contains(c, "responds weakly"));

  NoiseEvidence washed = withOverlap(1.0, 0.8);
  CHECK(contains(describeNoiseDependence(washed), "wash the noise out"));
  NoiseEvidence ownDraws = withOverlap(0.3, 0.0);
  CHECK(contains(describeNoiseDependence(ownDraws), "other randomness"));

  NoiseEvidence baseline;
  baseline.diffusion = false;
  CHECK(contains(describeNoiseDependence(baseline), "not a diffusion model"));

  // "All" and "none" only when exact.
  NoiseEvidence almost = withOverlap(0.9997);
  almost.agreement.identicalShare = 0.998;
  const std::string d = describeNoiseDependence(almost);
  CHECK(contains(d, "the same top-20 for 99.8 % of users (on average they share over 99.9 % of it)"));
}
