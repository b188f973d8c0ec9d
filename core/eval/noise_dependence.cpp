#include "core/eval/noise_dependence.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>
#include <stdexcept>

namespace recdiff::eval {

namespace {

// "three noise seeds": numbers a teacher reads aloud.
std::string countWord(int n) {
  static const char* const words[] = {"no",  "one",   "two",   "three", "four", "five",
                                      "six", "seven", "eight", "nine",  "ten"};
  return n >= 0 && n <= 10 ? words[n] : std::to_string(n);
}

std::string format(const char* pattern, double a, double b = 0.0, double c = 0.0) {
  char text[160];
  std::snprintf(text, sizeof text, pattern, a, b, c);
  return text;
}

// "100 %" only when all, "0 %" only when none: 99.8 % reads "99.8 %",
// 99.97 % "over 99.9 %".
std::string percent(double share) {
  if (share < 1.0 && share > 0.999) return "over 99.9 %";
  if (share > 0.0 && share < 0.001) return "under 0.1 %";
  std::string text = format("%.0f", 100.0 * share);
  if ((text == "100" && share < 1.0) || (text == "0" && share > 0.0)) text = format("%.1f", 100.0 * share);
  return text + " %";
}

// The q-quantile of sorted values, linearly interpolated.
double quantile(const std::vector<float>& sorted, double q) {
  const double position = q * static_cast<double>(sorted.size() - 1);
  const auto below = static_cast<std::size_t>(std::floor(position));
  const std::size_t above = std::min(below + 1, sorted.size() - 1);
  const double w = position - static_cast<double>(below);
  return (1.0 - w) * sorted[below] + w * sorted[above];
}

std::string verdictClause(NoiseDependence verdict) {
  switch (verdict) {
    case NoiseDependence::None:
      return "The output does not depend on the noise";
    case NoiseDependence::Weak:
      return "The output depends a little on the noise";
    case NoiseDependence::Strong:
      return "The output depends on the noise";
    case NoiseDependence::Unknown:
      return "Whether the output depends on the noise needs two or more seeds";
    case NoiseDependence::NotDiffusion:
      break;
  }
  return "";
}

std::string agreementClause(const TopKAgreement& a) {
  const std::string seeds = countWord(a.runs) + " noise seeds";
  const std::string topK = "top-" + std::to_string(a.k);
  if (a.users == 1) {
    if (a.identicalShare == 1.0) return seeds + " give the same " + topK + " for this user";
    return seeds + " share " + percent(a.meanOverlap) + " of their " + topK + " for this user";
  }
  return seeds + " give the same " + topK + " for " + percent(a.identicalShare) + " of users (on average they share " +
         percent(a.meanOverlap) + " of it)";
}

std::string hitRateClause(const NoiseEvidence& e) {
  const double gap = e.hitRateNoiseFree - e.hitRate;
  const double sd = std::isfinite(e.hitRateStd) ? e.hitRateStd : 0.0;
  const bool same = std::fabs(gap) <= std::max(kSameHitRateSigmas * sd, kSameHitRateFloor);
  const std::string hr = "HR@" + std::to_string(e.cutoff);
  return "the noise-free run scores " +
         std::string(same      ? "the same "
                     : gap > 0 ? "a higher "
                               : "a lower ") +
         hr +
         format(" (%.2f %% vs %.2f ± %.2f %% with noise)", 100.0 * e.hitRateNoiseFree, 100.0 * e.hitRate, 100.0 * sd);
}

std::string sensitivitySentence(double s, NoiseDependence verdict) {
  const std::string value = format("(mean sensitivity %.2f; 1 = in proportion)", s);
  if (s < kInertSensitivity) {
    const bool noiseStillMatters = verdict == NoiseDependence::Weak || verdict == NoiseDependence::Strong;
    return "Its denoiser ignores x_t " + value +
           (noiseStillMatters ? ": the differences come from other randomness (the denoiser's own draws or "
                                "noise added after the last estimate)."
                              : ": the diffusion input is inert.");
  }
  const bool weak = s < kFollowsSensitivity;
  std::string out = std::string(weak ? "Its denoiser responds weakly to x_t " : "Its denoiser follows x_t ") + value;
  if (verdict == NoiseDependence::None) out += ", but the steps wash the noise out before the end";
  return out + ".";
}

}  // namespace

TopKAgreement topKAgreement(const std::vector<std::vector<std::int64_t>>& topK, int k) {
  if (k < 1) throw std::invalid_argument("top-k agreement: k must be >= 1");
  TopKAgreement out;
  out.k = k;
  out.runs = static_cast<int>(topK.size());
  if (topK.empty()) return out;
  const std::size_t cells = topK.front().size();
  for (const auto& run : topK) {
    if (run.size() != cells || cells % static_cast<std::size_t>(k) != 0) {
      throw std::invalid_argument("top-k agreement: every run must list " + std::to_string(k) +
                                  " items for each of the same users");
    }
  }
  out.users = static_cast<std::int64_t>(cells / static_cast<std::size_t>(k));
  if (topK.size() < 2 || out.users == 0) return out;
  double overlapSum = 0.0;
  std::int64_t pairs = 0, identical = 0;
  for (std::int64_t u = 0; u < out.users; ++u) {
    std::vector<std::set<std::int64_t>> sets;
    for (const auto& run : topK) sets.emplace_back(run.begin() + u * k, run.begin() + (u + 1) * k);
    bool same = true;
    for (std::size_t a = 0; a < sets.size(); ++a) {
      same = same && sets[a] == sets[0];
      for (std::size_t b = a + 1; b < sets.size(); ++b) {
        const auto common =
            std::count_if(sets[a].begin(), sets[a].end(), [&](std::int64_t id) { return sets[b].count(id) > 0; });
        overlapSum += static_cast<double>(common) / k;
        ++pairs;
      }
    }
    identical += same ? 1 : 0;
  }
  out.meanOverlap = overlapSum / static_cast<double>(pairs);
  out.identicalShare = static_cast<double>(identical) / static_cast<double>(out.users);
  return out;
}

std::vector<StepSensitivity> summariseSensitivity(const std::map<int, std::vector<float>>& valuesByT) {
  std::vector<StepSensitivity> out;
  for (auto it = valuesByT.rbegin(); it != valuesByT.rend(); ++it) {
    std::vector<float> finite;
    for (float v : it->second) {
      if (std::isfinite(v)) finite.push_back(v);
    }
    StepSensitivity s;
    s.t = it->first;
    s.users = static_cast<std::int64_t>(finite.size());
    if (!finite.empty()) {
      std::sort(finite.begin(), finite.end());
      double sum = 0.0;
      for (float v : finite) sum += v;
      s.mean = sum / static_cast<double>(finite.size());
      s.q1 = quantile(finite, 0.25);
      s.median = quantile(finite, 0.5);
      s.q3 = quantile(finite, 0.75);
    }
    out.push_back(s);
  }
  return out;
}

double meanSensitivity(const std::vector<StepSensitivity>& steps) {
  double sum = 0.0;
  int n = 0;
  for (const auto& s : steps) {
    if (!std::isfinite(s.mean)) continue;
    sum += s.mean;
    ++n;
  }
  return n > 0 ? sum / n : std::numeric_limits<double>::quiet_NaN();
}

std::string noiseDependenceName(NoiseDependence verdict) {
  switch (verdict) {
    case NoiseDependence::NotDiffusion:
      return "not a diffusion model";
    case NoiseDependence::Unknown:
      return "unknown";
    case NoiseDependence::None:
      return "none";
    case NoiseDependence::Weak:
      return "weak";
    case NoiseDependence::Strong:
      return "strong";
  }
  return "unknown";
}

NoiseDependence classifyNoiseDependence(const NoiseEvidence& e) {
  if (!e.diffusion) return NoiseDependence::NotDiffusion;
  const double overlap = e.agreement.meanOverlap;
  if (!std::isfinite(overlap)) {
    return std::isfinite(e.sensitivity) && e.sensitivity < kInertSensitivity ? NoiseDependence::None
                                                                             : NoiseDependence::Unknown;
  }
  if (overlap >= kNoNoiseDependenceOverlap) return NoiseDependence::None;
  if (overlap >= kWeakNoiseDependenceOverlap) return NoiseDependence::Weak;
  return NoiseDependence::Strong;
}

std::string describeNoiseDependence(const NoiseEvidence& e) {
  const NoiseDependence verdict = classifyNoiseDependence(e);
  if (verdict == NoiseDependence::NotDiffusion) {
    return "This is not a diffusion model: it has no noise for its output to depend on.";
  }
  std::vector<std::string> reasons;
  if (e.agreement.runs >= 2 && std::isfinite(e.agreement.meanOverlap)) reasons.push_back(agreementClause(e.agreement));
  if (std::isfinite(e.hitRateNoiseFree) && std::isfinite(e.hitRate)) reasons.push_back(hitRateClause(e));
  std::string out = verdictClause(verdict);
  for (std::size_t i = 0; i < reasons.size(); ++i) out += (i == 0 ? ": " : ", and ") + reasons[i];
  out += ".";
  if (std::isfinite(e.sensitivity)) out += " " + sensitivitySentence(e.sensitivity, verdict);
  return out;
}

}  // namespace recdiff::eval
