// readPublishedSplit on any bytes: the input, cut at its first two NUL
// bytes, becomes train.tsv, val.tsv and test.tsv. A DataError is the only
// acceptable failure.
#include <algorithm>

#include "core/data/data_error.h"
#include "core/data/split_reader.h"
#include "fuzz/fuzz_input_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace recdiff;
  const std::uint8_t* end = data + size;
  const std::uint8_t* cut1 = std::find(data, end, 0);
  const std::uint8_t* cut2 = cut1 == end ? end : std::find(cut1 + 1, end, 0);
  fuzz::writeInput("train.tsv", data, static_cast<std::size_t>(cut1 - data));
  fuzz::writeInput("val.tsv", cut1 == end ? end : cut1 + 1,
                   cut1 == end ? 0 : static_cast<std::size_t>(cut2 - cut1 - 1));
  fuzz::writeInput("test.tsv", cut2 == end ? end : cut2 + 1,
                   cut2 == end ? 0 : static_cast<std::size_t>(end - cut2 - 1));
  try {
    std::vector<data::ReadReport> reports;
    data::readPublishedSplit(fuzz::scratchFolder(), &reports);
  } catch (const data::DataError&) {
  }
  return 0;
}
