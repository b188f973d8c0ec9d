// loadCheckpoint and readCheckpointMeta on any bytes (tensor files, and zip
// archives through the old-format converter): a CheckpointError is the only
// acceptable failure.
#include "core/train/checkpoint.h"
#include "fuzz/tensor_file_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace recdiff;
  const std::string path = fuzz::writeTensorFileInput("model.ckpt", data, size);
  try {
    train::readCheckpointMeta(path);
  } catch (const train::CheckpointError&) {
  }
  try {
    train::loadCheckpoint(path);
  } catch (const train::CheckpointError&) {
  }
  return 0;
}
