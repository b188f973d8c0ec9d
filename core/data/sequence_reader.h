// sequences.txt: one user a line, `user item item ...`, oldest first,
// separated by spaces (or tabs). Item ids are interned in order of first
// appearance.
#pragma once

#include <string>

#include "core/data/read_report.h"
#include "core/data/user_sequences.h"

namespace recdiff::data {

// Reads a sequences file. Lines with a user but no items, a repeated user,
// or an over-long id are rejected and counted in `report` (or throw when
// options.strict); an empty or unusable file throws DataError.
UserSequences readSequences(const std::string& path, ReadReport* report = nullptr, const ReadOptions& options = {});

}  // namespace recdiff::data
