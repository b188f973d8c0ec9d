#include "app/cli/output_folder.h"

#include <filesystem>
#include <stdexcept>

namespace recdiff::cli {

void prepareOutputFolder(const std::string& folder, const std::vector<std::string>& files, bool force) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::exists(folder, ec) && !fs::is_directory(folder, ec)) {
    throw std::runtime_error(folder + ": exists and is not a folder");
  }
  fs::create_directories(folder, ec);
  if (!fs::is_directory(folder, ec)) {
    throw std::runtime_error(folder + ": cannot create the folder" +
                             (ec ? " (" + ec.message() + ")" : std::string()));
  }
  if (force) return;
  for (const std::string& f : files) {
    if (fs::exists(fs::path(folder) / f, ec)) {
      throw std::runtime_error((fs::path(folder) / f).string() +
                               " already exists; pass --force to replace it");
    }
  }
}

}  // namespace recdiff::cli
