// The file format of checkpoints and resume states: tensors and a JSON
// header, nothing executable. It is the safetensors layout, so Python users
// can read a checkpoint with `safetensors.torch.load_file` (or twenty lines
// of plain Python):
//
//   8 bytes      N, the header's length, unsigned little-endian
//   N bytes      a JSON object: for each tensor {"dtype": "F32", "shape":
//                [..], "data_offsets": [begin, end]} (offsets into the data
//                that follows), and "__metadata__", an object of strings
//   the rest     the tensors' raw little-endian bytes, back to back
//
// Our additions live in "__metadata__": "format" (which kind of file),
// "format_version", the kind's own description as JSON text, and
// "checksum": "crc32:xxxxxxxx", the CRC-32 of the header without the
// checksum (serialised compactly with sorted keys, as nlohmann::json::dump()
// writes it) followed by the data. Every load verifies it, so a damaged copy
// is refused rather than giving other numbers.
//
// Why not LibTorch's own archives: they are TorchScript zip files whose
// code/ entries LibTorch compiles and runs on load; a shared checkpoint
// could run anything (issue 44).
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include <torch/types.h>

#include "core/train/checkpoint_error.h"

namespace recdiff::train {

using NamedTensors = std::vector<std::pair<std::string, torch::Tensor>>;

struct TensorFile {
  std::map<std::string, std::string> metadata;  // without "checksum"
  NamedTensors tensors;                         // in file order; on the CPU
};

// Writes `tensors` (any device; stored from the CPU) and `metadata` through
// data::writeFileAtomically. Throws CheckpointError naming `path`.
void writeTensorFile(const std::string& path, const std::map<std::string, std::string>& metadata,
                     const NamedTensors& tensors);

// Reads a file written by writeTensorFile() (or any safetensors file with
// its dtypes). Throws CheckpointError naming `path` and the problem: missing,
// not a regular file, truncated, a malformed header, offsets or shapes that
// do not fit, a checksum mismatch. With `tensors` false only the header is
// read (cheap, for listings): the checksum is then not verified and the
// result has no tensors.
TensorFile readTensorFile(const std::string& path, bool tensors = true);

// Whether `path` starts like a zip file: a checkpoint or resume state written
// before the format above (see legacy_checkpoint.h).
bool isZipArchive(const std::string& path);

// Reads metadata[key], throwing CheckpointError naming `path` when absent.
const std::string& requireMetadata(const std::string& path, const TensorFile& file, const std::string& key);

}  // namespace recdiff::train
