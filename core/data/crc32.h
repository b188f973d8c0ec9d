// CRC-32 with the polynomial of zlib, PNG and Ethernet, so that a checksum
// the program stores can be checked elsewhere with a stock tool (Python's
// zlib.crc32 gives the same number). It detects every single-byte change and
// every burst of up to 32 flipped bits: what a damaged copy or a truncated
// download produces. It is no defence against a deliberate forgery, which
// the checkpoint format meets another way (it holds no code; see
// core/train/tensor_file.h).
#pragma once

#include <cstddef>
#include <cstdint>

namespace recdiff::data {

// The CRC-32 of `size` bytes at `data`, continuing from `previous` (the
// CRC-32 of the bytes before them; 0 to start).
std::uint32_t crc32(const void* data, std::size_t size, std::uint32_t previous = 0);

}  // namespace recdiff::data
