// readSyntheticTruth (truth.json of a synthetic dataset) on any bytes: a
// DataError is the only acceptable failure.
#include "core/data/data_error.h"
#include "core/data/synthetic_truth.h"
#include "fuzz/fuzz_input_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace recdiff;
  const std::string path = fuzz::writeInput("truth.json", data, size);
  try {
    data::readSyntheticTruth(path);
  } catch (const data::DataError&) {
  }
  return 0;
}
