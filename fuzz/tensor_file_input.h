// Inputs for the checkpoint and resume-state targets. Half of them are taken
// as they are (the format's own checks must refuse them); the other half are
// read as a JSON header, a NUL, then the data, and written as a tensor file
// with a correct checksum, so that the fuzzer also reaches what lies behind
// the checksum: the description, the model it names, the tensors' shapes.
#pragma once

#include <algorithm>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "core/data/crc32.h"
#include "fuzz/fuzz_input_file.h"

namespace recdiff::fuzz {

inline std::string writeTensorFileInput(const std::string& name, const std::uint8_t* data, std::size_t size) {
  if (size == 0 || data[0] % 2 == 0) return writeInput(name, data, size);
  const std::uint8_t* end = data + size;
  const std::uint8_t* cut = std::find(data + 1, end, 0);
  std::string header(data + 1, cut);
  const std::string payload(cut == end ? end : cut + 1, end);
  nlohmann::json j = nlohmann::json::parse(header, nullptr, false);
  if (j.is_object() && (!j.contains("__metadata__") || j["__metadata__"].is_object())) {
    if (!j.contains("__metadata__")) j["__metadata__"] = nlohmann::json::object();
    j["__metadata__"].erase("checksum");
    const std::string canonical = j.dump();
    std::uint32_t crc = data::crc32(canonical.data(), canonical.size());
    crc = data::crc32(payload.data(), payload.size(), crc);
    char text[16];
    std::snprintf(text, sizeof text, "crc32:%08x", crc);
    j["__metadata__"]["checksum"] = text;
    header = j.dump();
  }
  std::string file(8, '\0');
  for (int i = 0; i < 8; ++i) file[i] = static_cast<char>((header.size() >> (8 * i)) & 0xFF);
  file += header;
  file += payload;
  return writeInput(name, reinterpret_cast<const std::uint8_t*>(file.data()), file.size());
}

}  // namespace recdiff::fuzz
