#include "core/data/crc32.h"

#include <array>

namespace recdiff::data {

namespace {

// The reflected polynomial 0xEDB88320, a byte at a time.
std::array<std::uint32_t, 256> makeTable() {
  std::array<std::uint32_t, 256> table{};
  for (std::uint32_t n = 0; n < 256; ++n) {
    std::uint32_t c = n;
    for (int k = 0; k < 8; ++k) c = (c & 1U) ? 0xEDB88320U ^ (c >> 1) : c >> 1;
    table[n] = c;
  }
  return table;
}

}  // namespace

std::uint32_t crc32(const void* data, std::size_t size, std::uint32_t previous) {
  static const std::array<std::uint32_t, 256> table = makeTable();
  const auto* bytes = static_cast<const unsigned char*>(data);
  std::uint32_t c = previous ^ 0xFFFFFFFFU;
  for (std::size_t i = 0; i < size; ++i) c = table[(c ^ bytes[i]) & 0xFFU] ^ (c >> 8);
  return c ^ 0xFFFFFFFFU;
}

}  // namespace recdiff::data
