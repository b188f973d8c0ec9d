// Checkpoints written before format version 2 were LibTorch archives: zip
// files whose code/ entries LibTorch compiles and runs when it opens them,
// so a shared file could run anything (issue 44). Ours only ever held class
// declarations there (parameter and attribute lists, never a function). This
// reader opens such a file only after checking that every code entry is
// nothing but those declarations: an archive carrying a function (a
// `__setstate__`, say), an import or any statement is refused before
// LibTorch reads a byte of it. loadCheckpoint() goes through here for old
// files; `recdiff checkpoint upgrade` rewrites them in the new format.
//
// Resume states of that era are not converted: they are transient, and the
// optimiser inside them was a second archive of its own.
#pragma once

#include <optional>
#include <string>

#include "core/train/tensor_file.h"

namespace recdiff::train {

struct LegacyCheckpoint {
  std::string metaJson;  // the checkpoint's description (format version 1)
  NamedTensors weights;  // parameters and buffers by name, on the CPU
};

// Throws CheckpointError naming `path`: not an archive, code in it (naming
// the entry and line), no RecDiff Studio metadata, unreadable tensors.
LegacyCheckpoint readLegacyCheckpoint(const std::string& path);

// The first line of a code entry of the archive that is not a plain
// declaration, as "code/__torch__.py:7: def __setstate__(self, state):";
// nothing when the archive's code only declares. Throws CheckpointError when
// `path` is not a readable archive.
std::optional<std::string> firstExecutableLine(const std::string& path);

}  // namespace recdiff::train
