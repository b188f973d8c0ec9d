// The error every reader and preprocessing step throws for input a user must
// fix. Its message names the file, the line (when there is one) and the
// problem, e.g. "ratings.csv:17: expected 3 columns, found 2".
#pragma once

#include <stdexcept>
#include <string>

namespace recdiff::data {

class DataError : public std::runtime_error {
 public:
  // line == 0 means the problem concerns the whole file.
  DataError(const std::string& file, std::size_t line, const std::string& problem)
      : std::runtime_error(format(file, line, problem)), file_(file), line_(line), problem_(problem) {}

  const std::string& file() const { return file_; }
  std::size_t line() const { return line_; }
  const std::string& problem() const { return problem_; }

 private:
  static std::string format(const std::string& file, std::size_t line, const std::string& problem) {
    return line == 0 ? file + ": " + problem : file + ":" + std::to_string(line) + ": " + problem;
  }
  std::string file_;
  std::size_t line_;
  std::string problem_;
};

}  // namespace recdiff::data
