// loadDataset on any bytes: format detection, the reader it picks, the
// papers' preprocessing and the leave-one-out split, as `recdiff dataset
// stats FILE` runs them. A DataError is the only acceptable failure.
#include "core/data/data_error.h"
#include "core/data/dataset_loader.h"
#include "fuzz/fuzz_input_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace recdiff;
  data::DatasetSpec spec;
  spec.path = fuzz::writeInput("data.txt", data, size);
  spec.loadItems = false;
  try {
    data::LoadReport report;
    data::loadDataset(spec, &report);
  } catch (const data::DataError&) {
  }
  return 0;
}
