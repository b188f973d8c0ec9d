// Writing a file so that it is never left half-written: the content goes to
// `path.tmp`, which is renamed over `path` only when everything was written.
#pragma once

#include <functional>
#include <ostream>
#include <string>

namespace recdiff::data {

// Calls `write` with a stream to the temporary file, then renames it to
// `path`. Throws DataError naming `path` when the folder is missing, the
// disk is full or the rename fails; the temporary is removed then.
// Exceptions thrown by `write` propagate, also after removing the temporary.
void writeFileAtomically(const std::string& path, const std::function<void(std::ostream&)>& write);

}  // namespace recdiff::data
