// The folder a command writes its files into, as one transaction: the files
// are written into a staging folder inside it and moved into place together
// at commit(), so that a failure part-way (a full disk, Ctrl+C, a bug) leaves
// neither a half-written file nor a mix of new and old files, and a folder
// this command created is removed again (issue 44, case 5). Files already
// there are replaced only with --force.
#pragma once

#include <string>
#include <vector>

namespace recdiff::cli {

class OutputFolder {
 public:
  // Creates `folder` when needed; throws std::runtime_error when it cannot be
  // created or when one of `files` exists there and `force` is false.
  OutputFolder(std::string folder, std::vector<std::string> files, bool force);
  // Without commit(): the staging folder goes, and `folder` too when this
  // created it and it is empty.
  ~OutputFolder();
  OutputFolder(const OutputFolder&) = delete;
  OutputFolder& operator=(const OutputFolder&) = delete;

  // Where to write the file `name` (one of `files`) now; and the folder to
  // hand to writers that write several of them by name.
  std::string stagedPath(const std::string& name) const;
  const std::string& stagingFolder() const { return staging_; }
  // Where `name` will be after commit().
  std::string finalPath(const std::string& name) const;

  // Moves every file that was written into place (rename: atomic each).
  void commit();

 private:
  std::string folder_;
  std::vector<std::string> files_;
  std::string staging_;
  bool createdFolder_ = false;
  bool committed_ = false;
};

}  // namespace recdiff::cli
