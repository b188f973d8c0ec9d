// The error every checkpoint and resume-state reader and writer throws. Its
// message names the file and what is wrong with it.
#pragma once

#include <stdexcept>
#include <string>

namespace recdiff::train {

class CheckpointError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The first line of an error message: LibTorch's errors go on with C++ stack
// frames, which mean nothing to the person reading the message.
inline std::string firstLine(const std::string& text) { return text.substr(0, text.find('\n')); }

}  // namespace recdiff::train
