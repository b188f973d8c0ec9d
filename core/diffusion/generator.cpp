#include "core/diffusion/generator.h"

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Context.h>

#include <stdexcept>

namespace recdiff::diffusion {

torch::Generator makeGenerator(std::uint64_t seed, const torch::Device& device) {
  if (device.is_cpu()) return at::detail::createCPUGenerator(seed);
  // Other devices: clone the device's default generator (a new, independent
  // state of the right implementation) and reseed it. This avoids the
  // CUDA-only factory header, which a CPU LibTorch does not ship.
  torch::Generator generator = at::globalContext().defaultGenerator(device).clone();
  {
    std::lock_guard<std::mutex> lock(generator.mutex());
    generator.set_current_seed(seed);
  }
  return generator;
}

void checkGeneratorDevice(const c10::optional<torch::Generator>& generator, const torch::Device& device,
                          const std::string& what) {
  if (!generator.has_value() || !generator->defined()) return;
  if (generator->device().type() != device.type()) {
    throw std::invalid_argument(what + ": the random generator is on " + generator->device().str() +
                                " but the tensors are on " + device.str() +
                                "; make it with makeGenerator(seed, device)");
  }
}

}  // namespace recdiff::diffusion
