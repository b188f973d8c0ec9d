// Seeded random-number generators on a device.
//
// Every random draw in core/diffusion takes a generator explicitly, so a run
// is reproducible from its seed (same seed + CPU = same numbers). A draw must
// use a generator of the tensor's device type: LibTorch refuses a CPU
// generator for a CUDA tensor. makeGenerator() builds the right one without
// naming CUDA headers, so this file compiles against CPU-only LibTorch too.
#pragma once

#include <torch/types.h>

#include <cstdint>
#include <string>

namespace recdiff::diffusion {

// A fresh generator for `device` seeded with `seed`. Throws c10::Error when
// the device type is not available in this LibTorch build.
torch::Generator makeGenerator(std::uint64_t seed, const torch::Device& device = torch::kCPU);

// Throws std::invalid_argument when `generator` is set and its device type
// differs from `device`'s; `what` names the caller in the message.
void checkGeneratorDevice(const c10::optional<torch::Generator>& generator, const torch::Device& device,
                          const std::string& what);

}  // namespace recdiff::diffusion
