// readPyTorchStateDict on any pickle: the input is data.pkl of a torch.save
// archive whose storages data/0 and data/1 hold 64 bytes each (written with
// LibTorch's own archive writer, so the zip layer is valid and the fuzzer
// works on the pickle machine). A CheckpointError is the only acceptable
// failure; nothing may be called but the allowed reconstructions.
#include <caffe2/serialize/inline_container.h>

#include "core/train/pytorch_state_dict.h"
#include "fuzz/fuzz_input_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace recdiff;
  const std::string path = fuzz::writeInput("state_dict.pth", data, 0);
  {
    caffe2::serialize::PyTorchStreamWriter writer(path);
    writer.writeRecord("data.pkl", data, size);
    const std::string storage(64, '\x01');
    writer.writeRecord("data/0", storage.data(), storage.size());
    writer.writeRecord("data/1", storage.data(), storage.size());
    writer.writeRecord("byteorder", "little", 6);
    writer.writeEndOfFile();
  }
  try {
    train::readPyTorchStateDict(path);
  } catch (const train::CheckpointError&) {
  }
  return 0;
}
