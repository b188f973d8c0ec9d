// The one way the core writes a file, so that a crash, a cancel or a full
// disk never leaves a half-written file and never harms the old one:
// the content goes to `path.part` in the same folder, which is flushed to
// the disk (fsync) and only then renamed over `path`; the folder is synced
// too, so the rename itself survives a power cut. Checkpoints, resume
// states, dataset exports, synthetic data and reports all come through
// here; the Qt side uses QSaveFile, which does the same.
#pragma once

#include <functional>
#include <ostream>
#include <string>

namespace recdiff::data {

// Calls `write` with a stream to `path.part`, then puts it in place as
// above. Throws DataError naming `path` and the reason (the folder is
// missing, the disk is full, the rename failed, ...); `path.part` is removed
// then and `path`, if it existed, is untouched. Exceptions thrown by `write`
// propagate, also after removing the temporary.
void writeFileAtomically(const std::string& path, const std::function<void(std::ostream&)>& write);

}  // namespace recdiff::data
