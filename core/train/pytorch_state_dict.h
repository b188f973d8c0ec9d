// Reads what `torch.save(obj, path)` writes (the zip archive form, PyTorch
// 1.6 and later) without Python and without running anything from it.
//
// The archive's data.pkl is a pickle: a small program for Python's pickle
// machine, which can call any importable function (`os.system` included).
// This reader runs its own machine over a fixed set of opcodes and resolves
// only the globals a tensor container needs — collections.OrderedDict,
// torch._utils._rebuild_tensor_v2 / _rebuild_parameter and the typed
// storages (torch.FloatStorage, ...). Any other global is refused, naming
// the class and the byte of data.pkl that asked for it; no opcode ever calls
// anything but these reconstructions. Tensor bytes come from the archive's
// data/<key> records, whose sizes are checked against every view of them.
#pragma once

#include <string>

#include "core/train/checkpoint_error.h"
#include "core/train/tensor_file.h"

namespace recdiff::train {

// Every tensor of the saved object, in file order, with dotted names: a
// plain state_dict gives its own keys; nested dicts and lists add their keys
// and indices as prefixes ({"model": {"w": t}} gives "model.w", [t, u] gives
// "0" and "1"). Values that are not tensors (numbers, strings, None) are
// skipped. Tensors are contiguous copies on the CPU with the stored dtype.
//
// Throws CheckpointError naming `path` and the problem: not a zip archive
// (e.g. the pre-1.6 format, which says so), no data.pkl, a pickle opcode or
// global outside the allowed set (its name and byte offset), a truncated
// pickle, a storage record missing or too short for the views on it, a
// big-endian archive.
NamedTensors readPyTorchStateDict(const std::string& path);

// Whether `path` is a torch.save archive (a zip with data.pkl and no
// TorchScript constants or code, which our format-1 checkpoints have).
// Never throws: false for anything unreadable.
bool isPyTorchSaveArchive(const std::string& path);

}  // namespace recdiff::train
