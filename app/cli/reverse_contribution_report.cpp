#include "app/cli/reverse_contribution_report.h"

#include <cmath>
#include <cstdio>

#include "app/cli/model_options.h"

namespace recdiff::cli {

namespace {

// JSON has no NaN: a value that was not measured is null.
nlohmann::json number(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(); }

nlohmann::ordered_json agreementToJson(const eval::TopKAgreement& a) {
  return {{"k", a.k},
          {"runs", a.runs},
          {"users", a.users},
          {"mean_overlap", number(a.meanOverlap)},
          {"identical_share", number(a.identicalShare)}};
}

}  // namespace

void declareReverseContributionOptions(ArgParser& parser) {
  parser.section("Reverse process (diffusion models: does the output depend on the noise?)")
      .option("noise-seeds", "N", "reverse runs with different noise whose top-20s are compared", "3")
      .option("reverse-users", "N", "test users of the reverse-process analysis (0 = all)", "1000")
      .option("probe-users", "N", "of those, users whose every step is probed for its sensitivity to x_t (0 = all)",
              "256")
      .option("probe-step", "R", "size of the probe's step, relative to |x_t|", "0.01")
      .flag("no-reverse", "skip the reverse-process analysis");
  declareReverseOptions(parser);
}

eval::ReverseContributionOptions reverseContributionOptionsFromArgs(const ParsedArgs& args) {
  eval::ReverseContributionOptions o;
  o.noiseSeeds = static_cast<int>(args.getInt("noise-seeds", 2, 100));
  o.maxSamples = args.getInt("reverse-users", 0, 100000000);
  o.sensitivityUsers = args.getInt("probe-users", 0, 100000000);
  o.probeStep = args.getDouble("probe-step", 1e-6, 1.0);
  return o;
}

nlohmann::ordered_json reverseContributionToJson(const eval::ReverseContribution& r) {
  nlohmann::ordered_json j;
  j["diffusion"] = r.diffusion;
  j["verdict"] = eval::noiseDependenceName(r.verdict);
  j["sentence"] = r.sentence;
  if (!r.diffusion) return j;
  j["users"] = r.users;
  j["seeds"] = r.seeds;
  j["top_k_agreement"] = agreementToJson(r.agreement);
  j["overlap_with_noise_free"] = r.overlapWithNoiseFree;
  nlohmann::json perSeed = nlohmann::json::array();
  for (const auto& m : r.perSeed) perSeed.push_back(metricsToJson(m));
  j["metrics_per_seed"] = perSeed;
  j["metrics_mean"] = metricsToJson(r.spread.mean);
  j["metrics_std"] = metricsToJson(r.spread.std);
  j["metrics_noise_free"] = metricsToJson(r.noiseFree);
  nlohmann::ordered_json steps = nlohmann::ordered_json::array();
  for (const auto& s : r.sensitivity) {
    steps.push_back({{"t", s.t},
                     {"mean", number(s.mean)},
                     {"q1", number(s.q1)},
                     {"median", number(s.median)},
                     {"q3", number(s.q3)},
                     {"users", s.users}});
  }
  j["sensitivity"] = {{"definition",
                       "elasticity of x0_hat with respect to x_t: (|dx0_hat|/|x0_hat|) / (|dx_t|/|x_t|); "
                       "0 = x0_hat ignores x_t, 1 = proportional"},
                      {"users", r.sensitivityUsers},
                      {"mean_over_steps", number(r.meanSensitivity)},
                      {"steps", steps}};
  return j;
}

void printReverseContribution(std::ostream& out, const eval::ReverseContribution& r) {
  out << "reverse process (does the output depend on the noise?):\n";
  if (!r.diffusion) {
    out << "  " << r.sentence << "\n";
    return;
  }
  const int k = r.topK;
  char line[512];
  std::snprintf(line, sizeof line,
                "  %lld test users, %zu noise seeds: the top-%d overlaps by %.1f %% on average, identical for %.1f %% "
                "of users; %.1f %% overlap with the noise-free run\n"
                "  HR@%d %.2f ± %.2f %%, NDCG@%d %.2f ± %.2f %% with noise; noise-free (x_T = 0, no step noise): "
                "HR@%d %.2f %%, NDCG@%d %.2f %%\n",
                static_cast<long long>(r.users), r.seeds.size(), k, 100 * r.agreement.meanOverlap,
                100 * r.agreement.identicalShare, 100 * r.overlapWithNoiseFree, r.evidence.cutoff,
                100 * r.evidence.hitRate, 100 * r.evidence.hitRateStd, r.evidence.cutoff,
                100 * r.spread.mean.ndcg.at(r.evidence.cutoff), 100 * r.spread.std.ndcg.at(r.evidence.cutoff),
                r.evidence.cutoff, 100 * r.evidence.hitRateNoiseFree, r.evidence.cutoff,
                100 * r.noiseFree.ndcg.at(r.evidence.cutoff));
  out << line;
  std::snprintf(line, sizeof line,
                "  sensitivity of x̂0 to x_t (elasticity: 0 ignores x_t, 1 proportional) over %lld users, mean %.3f; "
                "per step, mean [quartiles]:\n   ",
                static_cast<long long>(r.sensitivityUsers), r.meanSensitivity);
  out << line;
  const std::size_t n = r.sensitivity.size();
  const std::size_t shown = std::min<std::size_t>(n, 12);
  for (std::size_t i = 0; i < shown; ++i) {
    const auto& s = r.sensitivity[shown <= 1 ? 0 : i * (n - 1) / (shown - 1)];
    std::snprintf(line, sizeof line, " t=%d %.3f [%.2f %.2f %.2f]", s.t, s.mean, s.q1, s.median, s.q3);
    out << line << (i % 4 == 3 && i + 1 < shown ? "\n   " : "");
  }
  out << "\n  verdict (" << eval::noiseDependenceName(r.verdict) << "): " << r.sentence << "\n";
}

}  // namespace recdiff::cli
