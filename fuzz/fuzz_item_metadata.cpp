// readItemMetadata on any bytes, as items.tsv or MovieLens' u.item (Latin-1
// titles): a DataError is the only acceptable failure.
#include "core/data/data_error.h"
#include "core/data/metadata_reader.h"
#include "fuzz/fuzz_input_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace recdiff;
  if (size == 0) return 0;
  const std::string path = fuzz::writeInput(data[0] % 2 ? "u.item" : "items.tsv", data + 1, size - 1);
  try {
    data::ReadReport report;
    data::readItemMetadata(path, &report);
  } catch (const data::DataError&) {
  }
  return 0;
}
