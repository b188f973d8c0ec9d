// The forward (noising) process q(x_t | x0) and the training-time timestep
// draw.
//
// Shapes: x0 is [B,d] (one target per sequence) or [B,L,d] (ADRec's
// per-token diffusion). t holds int64 timesteps in 0..T (see schedule.h for
// the index convention) and is either per sample ([B], broadcast over the
// positions and channels) or per token ([B,L] for x0 [B,L,d]). t = 0 leaves
// a position clean: ᾱ_0 = 1, so x_t = x0 exactly — ADRec's padding and
// history positions use that.
//
// Three kinds of noise:
//   Gaussian  x_t = √ᾱ_t·x0 + √(1-ᾱ_t)·ε, ε ~ N(0, I).
//   Offset    (DiffuRecSys, training only) the same with ε = n + s·c, where
//             c is ONE standard-normal draw per vector (per sample for
//             [B,d], per token for [B,L,d]) broadcast over the d channels:
//             a random shift of the mean that the model learns to undo.
//   Geodesic  (DimeRec, ADIGRec) a random walk on the unit sphere:
//             x0 ← x0/‖x0‖; ε ~ N(0, I) projected on the tangent space at x0,
//             ε_tan = ε - (ε·x0)x0; v = √(1-ᾱ_t)·ε_tan;
//             x_t = cos‖v‖·x0 + sin‖v‖·v/‖v‖ (x_t = x0 when ‖v‖ → 0).
//             ‖x_t‖ = 1 and the angle between x_t and x0 is ‖v‖ (mod 2π).
#pragma once

#include <torch/types.h>

#include <cstdint>
#include <string>

#include "core/diffusion/schedule.h"

namespace recdiff::diffusion {

enum class NoiseKind { Gaussian, Offset, Geodesic };

// "gaussian", "offset", "geodesic".
std::string noiseKindName(NoiseKind kind);
// Inverse of noiseKindName; throws std::invalid_argument naming the accepted
// names.
NoiseKind parseNoiseKind(const std::string& name);

struct NoiseOptions {
  NoiseKind kind = NoiseKind::Gaussian;
  double offsetStrength = 0.1;  // s of the offset noise (DiffuRecSys: 0.1)
};

struct ForwardSample {
  torch::Tensor xt;  // x_t, x0's shape
  // The noise used, x0's shape: ε (Gaussian), n + s·c (Offset), or the
  // unscaled tangent noise ε_tan (Geodesic; v = √(1-ᾱ_t)·ε_tan).
  torch::Tensor noise;
  // The x0 that was noised: x0 itself, or x0/‖x0‖ for Geodesic (the target a
  // sphere model should reconstruct).
  torch::Tensor x0;
};

// Draws x_t ~ q(x_t | x0) with the timesteps `t` ([B] or [B,L], int64, on
// x0's device or moved there). Every draw uses `generator` (which must be of
// x0's device type, see makeGenerator) or LibTorch's default one when absent.
// Throws std::invalid_argument for mismatched shapes, a non-integer t, or —
// when t is on the CPU, where checking is free — a timestep outside 0..T.
// Autograd flows from x0 to x_t (the noise does not require grad).
ForwardSample qSample(const NoiseSchedule& schedule, const torch::Tensor& x0, const torch::Tensor& t,
                      const NoiseOptions& options = {}, c10::optional<torch::Generator> generator = c10::nullopt);

// The deterministic part of qSample: x_t from a given noise tensor of x0's
// shape. Gaussian and Offset use `noise` as ε; Geodesic projects `noise` on
// the tangent space first (so qSample's returned ε_tan reproduces its x_t).
torch::Tensor qSampleWithNoise(const NoiseSchedule& schedule, const torch::Tensor& x0, const torch::Tensor& t,
                               const torch::Tensor& noise, NoiseKind kind = NoiseKind::Gaussian);

// Timesteps uniform in 1..T, int64 [batch] on `device`.
torch::Tensor sampleTimesteps(std::int64_t batch, int T, c10::optional<torch::Generator> generator = c10::nullopt,
                              const torch::Device& device = torch::kCPU);

// table[t] reshaped to broadcast against a tensor of `targetDim` dimensions
// whose leading dimensions are t's: [B] → [B,1,…], [B,L] → [B,L,1,…].
// `table` is a [T+1] tensor such as ScheduleTables::sqrtAlphaBars.
torch::Tensor coefficientAt(const torch::Tensor& table, const torch::Tensor& t, std::int64_t targetDim);

// x/‖x‖ along the last dimension; all-zero vectors stay zero.
torch::Tensor projectToSphere(const torch::Tensor& x);

}  // namespace recdiff::diffusion
