// `recdiff --bash-completion`: a bash completion script for recdiff, written
// from the command table and the argument declarations (as --help and the
// man page are): command and subcommand names, each command's options, the
// registered model names after --model, and file names elsewhere. The build
// runs it to make the installed script (app/CMakeLists.txt).
#pragma once

#include <ostream>

namespace recdiff::cli {

void writeBashCompletion(std::ostream& out);

}  // namespace recdiff::cli
