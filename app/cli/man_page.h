// `recdiff --man-page`: the manual page recdiff(1) in roff, written from the
// command table and each command's argument declarations, the same ones
// --help prints, so that the page cannot drift from the program. The build
// runs it to make the installed man page (app/CMakeLists.txt).
#pragma once

#include <ostream>
#include <string>

namespace recdiff::cli {

void writeManPage(std::ostream& out, const std::string& version);

}  // namespace recdiff::cli
