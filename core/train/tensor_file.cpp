#include "core/train/tensor_file.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <set>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "core/data/atomic_file.h"
#include "core/data/crc32.h"

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
              "tensor files store little-endian bytes; a big-endian build would need byte swaps");

namespace recdiff::train {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const char* kMetadataKey = "__metadata__";
const char* kChecksumKey = "checksum";
// Far above any real header (a checkpoint's item tokens are in it), far
// below what would exhaust memory on a crafted length.
constexpr std::uint64_t kMaxHeaderBytes = 512ULL << 20;

struct DtypeName {
  const char* name;
  torch::ScalarType type;
};
constexpr DtypeName kDtypes[] = {{"F64", torch::kDouble},    {"F32", torch::kFloat}, {"F16", torch::kHalf},
                                 {"BF16", torch::kBFloat16}, {"I64", torch::kLong},  {"I32", torch::kInt},
                                 {"I16", torch::kShort},     {"I8", torch::kChar},   {"U8", torch::kByte},
                                 {"BOOL", torch::kBool}};

const char* dtypeName(const std::string& path, const std::string& tensor, torch::ScalarType type) {
  for (const auto& d : kDtypes) {
    if (d.type == type) return d.name;
  }
  throw CheckpointError(path + ": cannot store tensor '" + tensor + "' of type " + std::string(c10::toString(type)));
}

std::string checksumText(std::uint32_t crc) {
  char text[16];
  std::snprintf(text, sizeof text, "crc32:%08x", crc);
  return text;
}

// The checksum covers the header without its checksum, serialised by
// nlohmann::json::dump() (compact, keys sorted), then the data.
std::uint32_t headerChecksum(json header) {
  header[kMetadataKey].erase(kChecksumKey);
  const std::string canonical = header.dump();
  return data::crc32(canonical.data(), canonical.size());
}

struct Entry {
  std::string name;
  torch::ScalarType type;
  std::vector<std::int64_t> shape;
  std::uint64_t begin = 0, end = 0;
};

}  // namespace

void writeTensorFile(const std::string& path, const std::map<std::string, std::string>& metadata,
                     const NamedTensors& tensors) {
  json header = json::object();
  json meta = json::object();
  for (const auto& [key, value] : metadata) meta[key] = value;
  header[kMetadataKey] = meta;
  std::vector<torch::Tensor> cpu;
  cpu.reserve(tensors.size());
  std::uint64_t offset = 0;
  for (const auto& [name, tensor] : tensors) {
    if (name.empty() || name == kMetadataKey || header.contains(name)) {
      throw CheckpointError(path + ": tensor name '" + name + "' is empty, reserved or repeated");
    }
    cpu.push_back(tensor.detach().to(torch::kCPU).contiguous());
    const auto bytes = static_cast<std::uint64_t>(cpu.back().numel()) * cpu.back().element_size();
    header[name] = {{"dtype", dtypeName(path, name, cpu.back().scalar_type())},
                    {"shape", cpu.back().sizes().vec()},
                    {"data_offsets", {offset, offset + bytes}}};
    offset += bytes;
  }
  std::uint32_t crc = headerChecksum(header);
  for (const auto& t : cpu) crc = data::crc32(t.data_ptr(), t.numel() * t.element_size(), crc);
  header[kMetadataKey][kChecksumKey] = checksumText(crc);
  std::error_code ec;
  if (const fs::path parent = fs::path(path).parent_path(); !parent.empty()) fs::create_directories(parent, ec);
  std::string text = header.dump();
  text.append((8 - text.size() % 8) % 8, ' ');  // the data starts 8-byte aligned
  try {
    data::writeFileAtomically(path, [&](std::ostream& out) {
      unsigned char length[8];
      for (int i = 0; i < 8; ++i) length[i] = static_cast<unsigned char>(text.size() >> (8 * i));
      out.write(reinterpret_cast<const char*>(length), 8);
      out.write(text.data(), static_cast<std::streamsize>(text.size()));
      for (const auto& t : cpu) {
        out.write(static_cast<const char*>(t.data_ptr()), static_cast<std::streamsize>(t.numel() * t.element_size()));
      }
    });
  } catch (const std::exception& e) {
    throw CheckpointError(e.what());
  }
}

TensorFile readTensorFile(const std::string& path, bool withTensors) {
  std::error_code ec;
  const auto status = fs::status(path, ec);
  if (!fs::exists(status)) throw CheckpointError(path + ": no such file");
  if (fs::is_directory(status)) throw CheckpointError(path + ": is a folder, not a file");
  if (!fs::is_regular_file(status)) throw CheckpointError(path + ": not a regular file (a pipe or a device?)");
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int error = errno;
    throw CheckpointError(path + ": cannot open it: " + std::strerror(error));
  }
  const std::uint64_t size = fs::file_size(path, ec);
  auto corrupt = [&](const std::string& what) {
    return CheckpointError(path + ": not readable (truncated or corrupt?): " + what);
  };
  if (ec || size < 8) throw corrupt("only " + std::to_string(size) + " bytes");
  unsigned char length[8];
  in.read(reinterpret_cast<char*>(length), 8);
  std::uint64_t headerBytes = 0;
  for (int i = 7; i >= 0; --i) headerBytes = (headerBytes << 8) | length[i];
  if (headerBytes > size - 8 || headerBytes > kMaxHeaderBytes) {
    throw corrupt("the header is said to be " + std::to_string(headerBytes) + " bytes long, the file has " +
                  std::to_string(size - 8) + " after the length field");
  }
  std::string text(headerBytes, '\0');
  in.read(text.data(), static_cast<std::streamsize>(headerBytes));
  if (!in) throw corrupt("the header cannot be read");
  const json header = json::parse(text, nullptr, false);
  if (header.is_discarded() || !header.is_object()) throw corrupt("the header is not a JSON object");

  const std::uint64_t dataBytes = size - 8 - headerBytes;
  TensorFile file;
  std::string storedChecksum;
  std::vector<Entry> entries;
  for (const auto& [key, value] : header.items()) {
    if (key == kMetadataKey) {
      if (!value.is_object()) throw corrupt("__metadata__ is not an object");
      for (const auto& [name, text] : value.items()) {
        if (!text.is_string()) throw corrupt("__metadata__." + name + " is not a string");
        if (name == kChecksumKey) {
          storedChecksum = text.get<std::string>();
        } else {
          file.metadata[name] = text.get<std::string>();
        }
      }
      continue;
    }
    const std::string name = key;  // (C++17 lambdas cannot capture a structured binding)
    auto bad = [&](const std::string& what) { return corrupt("tensor '" + name + "': " + what); };
    if (!value.is_object() || !value.contains("dtype") || !value.contains("shape") || !value.contains("data_offsets")) {
      throw bad("needs dtype, shape and data_offsets");
    }
    Entry e;
    e.name = name;
    const auto& dtype = value.at("dtype");
    const auto* known = dtype.is_string()
                            ? std::find_if(std::begin(kDtypes), std::end(kDtypes),
                                           [&](const DtypeName& d) { return dtype.get<std::string>() == d.name; })
                            : std::end(kDtypes);
    if (known == std::end(kDtypes)) throw bad("unknown dtype " + dtype.dump());
    e.type = known->type;
    // The element count, bounded by the data size at every step so that a
    // crafted shape cannot overflow.
    std::uint64_t bytes = c10::elementSize(e.type);
    const auto& shape = value.at("shape");
    if (!shape.is_array()) throw bad("shape is not a list");
    for (const auto& d : shape) {
      if (!d.is_number_unsigned()) throw bad("shape " + shape.dump() + " is not a list of sizes");
      const auto n = d.get<std::uint64_t>();
      if (n != 0 && bytes > dataBytes / n) throw bad("shape " + shape.dump() + " is larger than the file");
      bytes *= n;
      e.shape.push_back(static_cast<std::int64_t>(n));
    }
    const auto& offsets = value.at("data_offsets");
    if (!offsets.is_array() || offsets.size() != 2 || !offsets[0].is_number_unsigned() ||
        !offsets[1].is_number_unsigned()) {
      throw bad("data_offsets is not a pair of offsets");
    }
    e.begin = offsets[0].get<std::uint64_t>();
    e.end = offsets[1].get<std::uint64_t>();
    if (e.begin > e.end || e.end > dataBytes) throw bad("data_offsets " + offsets.dump() + " lie outside the data");
    if (e.end - e.begin != bytes) {
      throw bad("shape " + shape.dump() + " needs " + std::to_string(bytes) + " bytes, data_offsets give " +
                std::to_string(e.end - e.begin));
    }
    entries.push_back(std::move(e));
  }
  std::sort(entries.begin(), entries.end(),
            [](const Entry& a, const Entry& b) { return a.begin != b.begin ? a.begin < b.begin : a.end < b.end; });
  std::uint64_t expected = 0;
  for (const auto& e : entries) {
    if (e.begin != expected) throw corrupt("tensor '" + e.name + "' overlaps another or leaves a gap before it");
    expected = e.end;
  }
  if (expected != dataBytes) {
    throw corrupt("the tensors take " + std::to_string(expected) + " bytes, the file holds " +
                  std::to_string(dataBytes));
  }
  if (!withTensors) return file;

  if (storedChecksum.empty()) throw CheckpointError(path + ": has no checksum (not written by RecDiff Studio)");
  auto buffer = torch::empty({static_cast<std::int64_t>(dataBytes)}, torch::kByte);
  auto* bytes = buffer.data_ptr<std::uint8_t>();
  in.read(reinterpret_cast<char*>(bytes), static_cast<std::streamsize>(dataBytes));
  if (!in) throw corrupt("the data cannot be read");
  const std::uint32_t crc = data::crc32(bytes, dataBytes, headerChecksum(header));
  if (checksumText(crc) != storedChecksum) {
    throw CheckpointError(path + ": damaged: its checksum does not match (stored " + storedChecksum + ", computed " +
                          checksumText(crc) + "); it is not loaded");
  }
  for (const auto& e : entries) {
    auto t = torch::empty(e.shape, e.type);
    if (e.end > e.begin) std::memcpy(t.data_ptr(), bytes + e.begin, e.end - e.begin);
    file.tensors.emplace_back(e.name, std::move(t));
  }
  return file;
}

bool isZipArchive(const std::string& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return false;  // opening a pipe would wait for a writer
  std::ifstream in(path, std::ios::binary);
  char magic[4] = {};
  in.read(magic, 4);
  return in && std::memcmp(magic, "PK\x03\x04", 4) == 0;
}

const std::string& requireMetadata(const std::string& path, const TensorFile& file, const std::string& key) {
  const auto it = file.metadata.find(key);
  if (it == file.metadata.end()) throw CheckpointError(path + ": its header lacks '" + key + "'");
  return it->second;
}

}  // namespace recdiff::train
