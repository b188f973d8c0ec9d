// The folder a command writes its files into: created when missing, and
// files already there are replaced only with --force.
#pragma once

#include <string>
#include <vector>

namespace recdiff::cli {

// Creates `folder` when needed; throws std::runtime_error when it cannot be
// created or when one of `files` exists there and `force` is false.
void prepareOutputFolder(const std::string& folder, const std::vector<std::string>& files, bool force);

}  // namespace recdiff::cli
