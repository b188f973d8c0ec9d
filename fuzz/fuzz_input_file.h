// The fuzz targets hand their input to the program's readers as a file, as a
// user's data or checkpoint reaches them: one scratch file per process,
// rewritten for every input.
#pragma once

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

namespace recdiff::fuzz {

// A folder of this process's own under the system's temporary folder,
// removed when the process exits.
inline const std::string& scratchFolder() {
  struct Folder {
    std::string path;
    Folder() {
      path = (std::filesystem::temp_directory_path() / ("recdiff-fuzz-" + std::to_string(::getpid()))).string();
      std::filesystem::create_directories(path);
    }
    ~Folder() {
      std::error_code ec;
      std::filesystem::remove_all(path, ec);
    }
  };
  static const Folder folder;
  return folder.path;
}

// Writes `size` bytes to `name` in the scratch folder; returns its path.
inline std::string writeInput(const std::string& name, const std::uint8_t* data, std::size_t size) {
  const std::string path = scratchFolder() + "/" + name;
  std::ofstream(path, std::ios::binary | std::ios::trunc)
      .write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  return path;
}

}  // namespace recdiff::fuzz
