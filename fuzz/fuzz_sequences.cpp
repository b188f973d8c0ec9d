// readSequences on any bytes: a DataError is the only acceptable failure.
#include "core/data/data_error.h"
#include "core/data/sequence_reader.h"
#include "fuzz/fuzz_input_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace recdiff;
  const std::string path = fuzz::writeInput("sequences.txt", data, size);
  for (bool strict : {false, true}) {
    data::ReadReport report;
    data::ReadOptions options;
    options.strict = strict;
    try {
      data::readSequences(path, &report, options);
    } catch (const data::DataError&) {
    }
  }
  return 0;
}
