#include "app/cli/output_folder.h"

#include <unistd.h>

#include <filesystem>
#include <stdexcept>

namespace recdiff::cli {

namespace fs = std::filesystem;

OutputFolder::OutputFolder(std::string folder, std::vector<std::string> files, bool force)
    : folder_(std::move(folder)), files_(std::move(files)) {
  std::error_code ec;
  if (fs::exists(folder_, ec) && !fs::is_directory(folder_, ec)) {
    throw std::runtime_error(folder_ + ": exists and is not a folder");
  }
  createdFolder_ = !fs::exists(folder_, ec);
  fs::create_directories(folder_, ec);
  if (!fs::is_directory(folder_, ec)) {
    throw std::runtime_error(folder_ + ": cannot create the folder" + (ec ? " (" + ec.message() + ")" : std::string()));
  }
  if (!force) {
    for (const std::string& f : files_) {
      if (fs::exists(fs::path(folder_) / f, ec)) {
        if (createdFolder_) fs::remove(folder_, ec);
        throw std::runtime_error((fs::path(folder_) / f).string() + " already exists; pass --force to replace it");
      }
    }
  }
  staging_ = (fs::path(folder_) / (".recdiff-staging-" + std::to_string(::getpid()))).string();
  fs::remove_all(staging_, ec);
  if (!fs::create_directory(staging_, ec)) {
    if (createdFolder_) fs::remove(folder_, ec);
    throw std::runtime_error(folder_ + ": cannot write into the folder" +
                             (ec ? " (" + ec.message() + ")" : std::string()));
  }
}

OutputFolder::~OutputFolder() {
  std::error_code ec;
  fs::remove_all(staging_, ec);
  if (!committed_ && createdFolder_ && fs::is_empty(folder_, ec)) fs::remove(folder_, ec);
}

std::string OutputFolder::stagedPath(const std::string& name) const { return (fs::path(staging_) / name).string(); }

std::string OutputFolder::finalPath(const std::string& name) const { return (fs::path(folder_) / name).string(); }

void OutputFolder::commit() {
  for (const std::string& f : files_) {
    std::error_code ec;
    if (!fs::exists(stagedPath(f), ec)) continue;
    fs::rename(stagedPath(f), finalPath(f), ec);
    if (ec) throw std::runtime_error(finalPath(f) + ": cannot move the file into place (" + ec.message() + ")");
  }
  committed_ = true;
}

}  // namespace recdiff::cli
