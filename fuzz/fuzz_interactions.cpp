// readInteractions on any bytes, as a RecBole .inter file or a ratings CSV
// (the name decides part of the layout): a DataError is the only failure.
#include "core/data/data_error.h"
#include "core/data/interaction_reader.h"
#include "fuzz/fuzz_input_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace recdiff;
  if (size == 0) return 0;
  const std::string path = fuzz::writeInput(data[0] % 2 ? "log.inter" : "ratings.csv", data + 1, size - 1);
  data::ReadOptions options;
  options.strict = data[0] % 4 >= 2;
  try {
    data::ReadReport report;
    data::readInteractions(path, &report, options);
  } catch (const data::DataError&) {
  }
  return 0;
}
