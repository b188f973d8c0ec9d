#include "core/data/atomic_file.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "core/data/data_error.h"

namespace recdiff::data {

void writeFileAtomically(const std::string& path, const std::function<void(std::ostream&)>& write) {
  namespace fs = std::filesystem;
  const std::string temporary = path + ".tmp";
  const fs::path parent = fs::path(path).parent_path();
  std::error_code ec;
  if (!parent.empty() && !fs::is_directory(parent, ec)) {
    throw DataError(path, 0, "cannot write: the folder " + parent.string() + " does not exist");
  }
  if (fs::is_directory(path, ec)) throw DataError(path, 0, "cannot write: it is a folder");
  auto removeTemporary = [&]() { fs::remove(temporary, ec); };
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out) {
      throw DataError(path, 0, std::string("cannot write ") + temporary + ": " + std::strerror(errno));
    }
    try {
      write(out);
    } catch (...) {
      out.close();
      removeTemporary();
      throw;
    }
    out.flush();
    if (!out) {
      out.close();
      removeTemporary();
      throw DataError(path, 0, "writing failed (disk full?)");
    }
    out.close();
    if (out.fail()) {
      removeTemporary();
      throw DataError(path, 0, "closing the file failed (disk full?)");
    }
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    const std::string reason = std::strerror(errno);
    removeTemporary();
    throw DataError(path, 0, "cannot replace the file: " + reason);
  }
}

}  // namespace recdiff::data
