#include "core/data/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "core/data/data_error.h"

namespace recdiff::data {

namespace {

namespace fs = std::filesystem;

// fsync() of a file or folder; the errno on failure, 0 on success. Folders
// that cannot be synced (some file systems refuse with EINVAL) do not count
// as a failure: the data itself is already on the disk.
int syncToDisk(const std::string& path, bool folder) {
  const int fd = ::open(path.c_str(), folder ? (O_RDONLY | O_DIRECTORY) : O_RDONLY);
  if (fd < 0) return folder ? 0 : errno;
  int error = 0;
  if (::fsync(fd) != 0 && !(folder && (errno == EINVAL || errno == EROFS))) error = errno;
  ::close(fd);
  return error;
}

std::string reason(int error, const char* fallback) { return error != 0 ? std::strerror(error) : fallback; }

}  // namespace

void writeFileAtomically(const std::string& path, const std::function<void(std::ostream&)>& write) {
  const std::string temporary = path + ".part";
  const fs::path parent = fs::path(path).parent_path();
  std::error_code ec;
  if (!parent.empty() && !fs::is_directory(parent, ec)) {
    throw DataError(path, 0, "cannot write: the folder " + parent.string() + " does not exist");
  }
  if (fs::is_directory(path, ec)) throw DataError(path, 0, "cannot write: it is a folder");
  auto fail = [&](const std::string& what) {
    fs::remove(temporary, ec);
    throw DataError(path, 0, what + "; nothing was changed");
  };
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out) {
      const int error = errno;
      throw DataError(path, 0, "cannot write " + temporary + ": " + reason(error, "cannot create it"));
    }
    try {
      write(out);
    } catch (...) {
      out.close();
      fs::remove(temporary, ec);
      throw;
    }
    errno = 0;
    out.flush();
    if (!out) fail("writing failed: " + reason(errno, "the disk may be full"));
    errno = 0;
    out.close();
    if (out.fail()) fail("writing failed: " + reason(errno, "the disk may be full"));
  }
  if (const int error = syncToDisk(temporary, false)) fail("writing failed: " + reason(error, ""));
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    const int error = errno;
    fail("cannot replace the file: " + reason(error, ""));
  }
  syncToDisk(parent.empty() ? "." : parent.string(), true);
}

}  // namespace recdiff::data
