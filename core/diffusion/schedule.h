// Noise schedules of the diffusion process: β_t for t = 1..T and everything
// derived from it (α_t, ᾱ_t, the DDPM posterior coefficients).
//
// Index convention, used by every file in core/diffusion: t runs 1..T and
// every per-step table has T+1 entries indexed by t; entry 0 is "t = 0", the
// clean data (β_0 = 0, α_0 = 1, ᾱ_0 = 1). A timestep tensor can therefore
// index a table directly, and t = 0 (ADRec's clean history positions) needs
// no special case.
//
// Values are computed and kept in double precision on the host: the
// schedules' ᾱ_T reach 1e-6 and below, where float round-off in the
// cumulative product would be visible. Float tables on a device are derived
// from the doubles once per (device, dtype) and cached, so the training loop
// gathers coefficients without a host-to-device copy per batch.
#pragma once

#include <torch/types.h>

#include <memory>
#include <string>
#include <vector>

namespace recdiff::diffusion {

enum class ScheduleKind { Linear, Cosine, Sqrt, TruncatedLinear, Exp };

// "linear", "cosine", "sqrt", "truncated-linear", "exp".
std::string scheduleKindName(ScheduleKind kind);
// Inverse of scheduleKindName; throws std::invalid_argument naming the
// accepted names.
ScheduleKind parseScheduleKind(const std::string& name);
std::vector<ScheduleKind> allScheduleKinds();

// The per-step tables of a schedule as tensors of one device and dtype, each
// of shape [T+1] and indexed by t (see the index convention above).
struct ScheduleTables {
  torch::Tensor betas;                  // β_t, β_0 = 0
  torch::Tensor alphas;                 // α_t = 1 - β_t
  torch::Tensor alphaBars;              // ᾱ_t, ᾱ_0 = 1
  torch::Tensor sqrtAlphaBars;          // √ᾱ_t
  torch::Tensor sqrtOneMinusAlphaBars;  // √(1-ᾱ_t)
  torch::Tensor posteriorC1;            // c1(t), see NoiseSchedule
  torch::Tensor posteriorC2;            // c2(t)
  torch::Tensor posteriorVariance;      // β̃_t
};

class NoiseSchedule {
 public:
  // Builds one of the named schedules with T >= 1 steps. Throws
  // std::invalid_argument when T < 1 or when the schedule is not a valid
  // diffusion at this T (the linear schedules reach β >= 1 for small T; the
  // message says which T works).
  NoiseSchedule(ScheduleKind kind, int T);

  // A schedule from explicit β_1..β_T, each in (0, 1] (for experiments and
  // tests). kind() of such a schedule reports Linear; use isCustom().
  static NoiseSchedule fromBetas(const std::vector<double>& betas);

  ScheduleKind kind() const;
  bool isCustom() const;
  int steps() const;  // T

  // Host values in double precision, t in 0..T (throws std::out_of_range
  // otherwise).
  double beta(int t) const;
  double alpha(int t) const;
  double alphaBar(int t) const;
  // DDPM posterior q(x_{t-1} | x_t, x0) = N(c1(t)·x0 + c2(t)·x_t, β̃_t):
  //   c1(t) = √ᾱ_{t-1}·β_t / (1-ᾱ_t)
  //   c2(t) = √α_t·(1-ᾱ_{t-1}) / (1-ᾱ_t)
  //   β̃_t  = β_t·(1-ᾱ_{t-1}) / (1-ᾱ_t)
  // At t = 0 (no step to take) they are c1 = 1, c2 = 0, β̃ = 0.
  double posteriorC1(int t) const;
  double posteriorC2(int t) const;
  double posteriorVariance(int t) const;

  // The whole host tables, T+1 entries each.
  const std::vector<double>& betaValues() const;
  const std::vector<double>& alphaBarValues() const;

  // Double-precision CPU tensors [T+1] (the internal precision).
  torch::Tensor betas() const;
  torch::Tensor alphas() const;
  torch::Tensor alphaBars() const;

  // All tables on `device` in `dtype` (float by default). The first call per
  // (device, dtype) converts and caches; later calls return the cached
  // tensors (thread-safe; copies of a schedule share the cache). Treat the
  // returned tensors as read-only: they are shared.
  ScheduleTables tables(const torch::Device& device, torch::ScalarType dtype = torch::kFloat) const;

 private:
  struct Data;
  NoiseSchedule(ScheduleKind kind, bool custom, std::vector<double> betas);
  std::shared_ptr<const Data> data_;
};

}  // namespace recdiff::diffusion
