// What the LibTorch model tests share: the device under test and the
// trainer options of their short training runs (one thread, fixed seed, so
// a run repeats exactly).
#pragma once

#include <torch/types.h>

#include "core/train/trainer.h"
#include "tests/support/check.h"

namespace recdiff::test {

inline torch::Device device() { return torch::Device(testDevice()); }

inline train::TrainOptions trainOptions() {
  train::TrainOptions o;
  o.device = testDevice();
  o.threads = 1;
  o.seed = 11;
  return o;
}

}  // namespace recdiff::test
