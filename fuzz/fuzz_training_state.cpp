// loadTrainingState on any bytes, the description alone and with the
// tensors: a CheckpointError is the only acceptable failure.
#include "core/train/training_state.h"
#include "fuzz/tensor_file_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace recdiff;
  const std::string path = fuzz::writeTensorFileInput("model.ckpt.resume", data, size);
  for (bool tensors : {false, true}) {
    try {
      train::loadTrainingState(path, tensors);
    } catch (const train::CheckpointError&) {
    }
  }
  return 0;
}
