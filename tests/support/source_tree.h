// Files of the source tree that tests read (committed fixtures), found from
// the executable's compile-time source directory. Defined in check_main.cpp.
#pragma once

#include <string>

namespace recdiff::test {

// The absolute path of `relative` (e.g. "tests/parity/fixtures/adrec.pth").
std::string sourceTreePath(const std::string& relative);

}  // namespace recdiff::test
