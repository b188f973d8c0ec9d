#include "core/diffusion/schedule.h"

#include <cmath>
#include <map>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <tuple>

namespace recdiff::diffusion {

namespace {

constexpr double kPi = 3.14159265358979323846;

// np.linspace(start, end, n): n values, both ends included; one value is
// `start`.
std::vector<double> linspace(double start, double end, int n) {
  std::vector<double> out(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    out[static_cast<std::size_t>(i)] = n == 1 ? start : start + (end - start) * static_cast<double>(i) / (n - 1);
  }
  return out;
}

// β_t = min(1 - ᾱ(t/T)/ᾱ((t-1)/T), maxBeta) for a continuous ᾱ(u) on [0, 1],
// the discretisation improved-DDPM uses for its cosine schedule and
// Diffusion-LM for its sqrt schedule.
template <typename AlphaBarFn>
std::vector<double> betasFromAlphaBar(int T, AlphaBarFn alphaBar, double maxBeta) {
  std::vector<double> betas(static_cast<std::size_t>(T));
  for (int t = 1; t <= T; ++t) {
    const double prev = alphaBar(static_cast<double>(t - 1) / T);
    const double next = alphaBar(static_cast<double>(t) / T);
    betas[static_cast<std::size_t>(t - 1)] = std::min(1.0 - next / prev, maxBeta);
  }
  return betas;
}

std::vector<double> namedBetas(ScheduleKind kind, int T) {
  const double scale = 1000.0 / T;  // the schedules are defined for T = 1000
  switch (kind) {
    case ScheduleKind::Linear:
      // improved-DDPM's get_named_beta_schedule("linear"): 1e-4 → 0.02 at
      // T = 1000, both ends scaled by 1000/T so any T adds the same total noise.
      return linspace(scale * 1e-4, scale * 0.02, T);
    case ScheduleKind::Cosine: {
      // Nichol & Dhariwal: ᾱ(u) = f(u)/f(0), f(u) = cos²((u+s)/(1+s)·π/2),
      // s = 0.008. β is clipped to [1e-4, 0.999] (MODELS.md): the upper clip
      // is the paper's (β → 1 at u = 1 otherwise), the lower one keeps the
      // first steps from being numerically noiseless.
      constexpr double s = 0.008;
      auto f = [](double u) {
        const double c = std::cos((u + s) / (1.0 + s) * kPi / 2.0);
        return c * c;
      };
      const double f0 = f(0.0);
      std::vector<double> betas = betasFromAlphaBar(
          T, [&](double u) { return f(u) / f0; }, 0.999);
      for (double& b : betas) b = std::max(b, 1e-4);
      return betas;
    }
    case ScheduleKind::Sqrt:
      // Diffusion-LM: ᾱ(u) = 1 - √(u + 0.0001), β clipped to <= 0.999 (ᾱ(1) is
      // slightly negative, so the last β would exceed 1 without the clip).
      return betasFromAlphaBar(
          T, [](double u) { return 1.0 - std::sqrt(u + 0.0001); }, 0.999);
    case ScheduleKind::TruncatedLinear: {
      // DiffuRec / ADRec: the scaled linear schedule shifted up by 0.01, so
      // even a short chain (T = 32) ends near pure noise (ᾱ_T ≈ 1e-6). For
      // T < 21 that end would exceed 1; the reference code (DiffuRec's
      // get_named_beta_schedule "trunc_lin") then ends at scale·0.001 + 0.01
      // instead, and so does this (T = 1 still fails the (0, 1] check).
      double end = scale * 0.02 + 0.01;
      if (end > 1.0) end = scale * 0.001 + 0.01;
      return linspace(scale * 1e-4 + 0.01, end, T);
    }
    case ScheduleKind::Exp: {
      // DreamRec: the VP-SDE with β(u) = β_min + (β_max-β_min)·u discretised
      // as β_t = 1 - exp(-∫β(u)du over the step) with the midpoint rule:
      // 1 - exp(-β_min/T - (β_max-β_min)(2t-1)/(2T²)).
      constexpr double betaMin = 0.1, betaMax = 10.0;
      std::vector<double> betas(static_cast<std::size_t>(T));
      const double TT = static_cast<double>(T);
      for (int t = 1; t <= T; ++t) {
        betas[static_cast<std::size_t>(t - 1)] =
            1.0 - std::exp(-betaMin / TT - (betaMax - betaMin) * (2.0 * t - 1.0) / (2.0 * TT * TT));
      }
      return betas;
    }
  }
  throw std::invalid_argument("unknown noise schedule kind");
}

// Index of the first β outside (0, 1], or -1.
int firstInvalidBeta(const std::vector<double>& betas) {
  for (std::size_t i = 0; i < betas.size(); ++i) {
    if (!(betas[i] > 0.0 && betas[i] <= 1.0)) return static_cast<int>(i);
  }
  return -1;
}

torch::Tensor doubleTensor(const std::vector<double>& values) {
  return torch::tensor(values, torch::TensorOptions().dtype(torch::kDouble));
}

}  // namespace

std::string scheduleKindName(ScheduleKind kind) {
  switch (kind) {
    case ScheduleKind::Linear:
      return "linear";
    case ScheduleKind::Cosine:
      return "cosine";
    case ScheduleKind::Sqrt:
      return "sqrt";
    case ScheduleKind::TruncatedLinear:
      return "truncated-linear";
    case ScheduleKind::Exp:
      return "exp";
  }
  return "unknown";
}

std::vector<ScheduleKind> allScheduleKinds() {
  return {ScheduleKind::Linear, ScheduleKind::Cosine, ScheduleKind::Sqrt, ScheduleKind::TruncatedLinear,
          ScheduleKind::Exp};
}

ScheduleKind parseScheduleKind(const std::string& name) {
  std::string known;
  for (ScheduleKind kind : allScheduleKinds()) {
    if (scheduleKindName(kind) == name) return kind;
    known += (known.empty() ? "" : ", ") + scheduleKindName(kind);
  }
  throw std::invalid_argument("unknown noise schedule \"" + name + "\" (expected one of: " + known + ")");
}

// Everything a schedule holds. Immutable after construction except the
// device-table cache, which is guarded by its mutex.
struct NoiseSchedule::Data {
  ScheduleKind kind = ScheduleKind::Linear;
  bool custom = false;
  int T = 0;
  // All indexed by t in 0..T.
  std::vector<double> betas, alphas, alphaBars, c1, c2, posteriorVariance;
  torch::Tensor betasTensor, alphasTensor, alphaBarsTensor;  // double, CPU

  mutable std::mutex cacheMutex;
  mutable std::map<std::tuple<int, int, int>, ScheduleTables> cache;
};

NoiseSchedule::NoiseSchedule(ScheduleKind kind, int T)
    : NoiseSchedule(kind, false, [&] {
        if (T < 1) {
          throw std::invalid_argument("a noise schedule needs at least 1 step, got T = " + std::to_string(T));
        }
        std::vector<double> betas = namedBetas(kind, T);
        const int bad = firstInvalidBeta(betas);
        if (bad >= 0) {
          // Find the smallest T at which this schedule is valid, so the
          // message tells the user what to choose.
          int minimum = T + 1;
          while (minimum < 100000 && firstInvalidBeta(namedBetas(kind, minimum)) >= 0) ++minimum;
          std::ostringstream msg;
          msg << scheduleKindName(kind) << " noise schedule with T = " << T << " has beta_" << bad + 1 << " = "
              << betas[static_cast<std::size_t>(bad)] << " outside (0, 1]; use T >= " << minimum
              << " or another schedule";
          throw std::invalid_argument(msg.str());
        }
        return betas;
      }()) {}

NoiseSchedule NoiseSchedule::fromBetas(const std::vector<double>& betas) {
  if (betas.empty()) throw std::invalid_argument("a noise schedule needs at least 1 beta");
  const int bad = firstInvalidBeta(betas);
  if (bad >= 0) {
    std::ostringstream msg;
    msg << "beta_" << bad + 1 << " = " << betas[static_cast<std::size_t>(bad)] << " is outside (0, 1]";
    throw std::invalid_argument(msg.str());
  }
  return NoiseSchedule(ScheduleKind::Linear, true, betas);
}

NoiseSchedule::NoiseSchedule(ScheduleKind kind, bool custom, std::vector<double> betas) {
  auto data = std::make_shared<Data>();
  data->kind = kind;
  data->custom = custom;
  data->T = static_cast<int>(betas.size());
  const std::size_t n = betas.size() + 1;
  data->betas.assign(n, 0.0);
  data->alphas.assign(n, 1.0);
  data->alphaBars.assign(n, 1.0);
  data->c1.assign(n, 1.0);  // t = 0: "x0 is x0"
  data->c2.assign(n, 0.0);
  data->posteriorVariance.assign(n, 0.0);
  for (std::size_t t = 1; t < n; ++t) {
    const double beta = betas[t - 1];
    data->betas[t] = beta;
    data->alphas[t] = 1.0 - beta;
    data->alphaBars[t] = data->alphaBars[t - 1] * (1.0 - beta);
    const double abPrev = data->alphaBars[t - 1];
    // 1-ᾱ_t >= β_t > 0, so the divisions are safe.
    const double oneMinusAb = 1.0 - data->alphaBars[t];
    data->c1[t] = std::sqrt(abPrev) * beta / oneMinusAb;
    data->c2[t] = std::sqrt(data->alphas[t]) * (1.0 - abPrev) / oneMinusAb;
    data->posteriorVariance[t] = beta * (1.0 - abPrev) / oneMinusAb;
  }
  data->betasTensor = doubleTensor(data->betas);
  data->alphasTensor = doubleTensor(data->alphas);
  data->alphaBarsTensor = doubleTensor(data->alphaBars);
  data_ = std::move(data);
}

ScheduleKind NoiseSchedule::kind() const { return data_->kind; }
bool NoiseSchedule::isCustom() const { return data_->custom; }
int NoiseSchedule::steps() const { return data_->T; }

namespace {
double at(const std::vector<double>& table, int t, const char* what) {
  if (t < 0 || static_cast<std::size_t>(t) >= table.size()) {
    throw std::out_of_range(std::string(what) + ": timestep " + std::to_string(t) + " is outside 0.." +
                            std::to_string(table.size() - 1));
  }
  return table[static_cast<std::size_t>(t)];
}
}  // namespace

double NoiseSchedule::beta(int t) const { return at(data_->betas, t, "beta"); }
double NoiseSchedule::alpha(int t) const { return at(data_->alphas, t, "alpha"); }
double NoiseSchedule::alphaBar(int t) const { return at(data_->alphaBars, t, "alphaBar"); }
double NoiseSchedule::posteriorC1(int t) const { return at(data_->c1, t, "posteriorC1"); }
double NoiseSchedule::posteriorC2(int t) const { return at(data_->c2, t, "posteriorC2"); }
double NoiseSchedule::posteriorVariance(int t) const { return at(data_->posteriorVariance, t, "posteriorVariance"); }

const std::vector<double>& NoiseSchedule::betaValues() const { return data_->betas; }
const std::vector<double>& NoiseSchedule::alphaBarValues() const { return data_->alphaBars; }

torch::Tensor NoiseSchedule::betas() const { return data_->betasTensor; }
torch::Tensor NoiseSchedule::alphas() const { return data_->alphasTensor; }
torch::Tensor NoiseSchedule::alphaBars() const { return data_->alphaBarsTensor; }

ScheduleTables NoiseSchedule::tables(const torch::Device& device, torch::ScalarType dtype) const {
  const auto key = std::make_tuple(static_cast<int>(device.type()),
                                   static_cast<int>(device.has_index() ? device.index() : -1), static_cast<int>(dtype));
  std::lock_guard<std::mutex> lock(data_->cacheMutex);
  auto found = data_->cache.find(key);
  if (found != data_->cache.end()) return found->second;

  auto convert = [&](const torch::Tensor& t) { return t.to(device, dtype); };
  const torch::Tensor ab = data_->alphaBarsTensor;
  ScheduleTables tables;
  tables.betas = convert(data_->betasTensor);
  tables.alphas = convert(data_->alphasTensor);
  tables.alphaBars = convert(ab);
  // Derived in double before the cast, so float tables round only once.
  tables.sqrtAlphaBars = convert(ab.sqrt());
  tables.sqrtOneMinusAlphaBars = convert((1.0 - ab).clamp_min(0.0).sqrt());
  tables.posteriorC1 = convert(doubleTensor(data_->c1));
  tables.posteriorC2 = convert(doubleTensor(data_->c2));
  tables.posteriorVariance = convert(doubleTensor(data_->posteriorVariance));
  data_->cache.emplace(key, tables);
  return tables;
}

}  // namespace recdiff::diffusion
