// A one-line progress bar on a terminal stream, redrawn in place with '\r':
// "[#####.....] 120/241 total 2.4581 l_g1 2.3061 … ETA 12s". Redraws are
// throttled so a fast loop is not slowed by terminal output. When the
// stream is not a terminal (a log file, CI) only the finished line of each
// run is written, without carriage returns.
#pragma once

#include <chrono>
#include <map>
#include <ostream>
#include <string>

namespace recdiff::cli {

class ProgressLine {
 public:
  explicit ProgressLine(std::ostream& out);
  void update(const std::string& label, long done, long total, const std::map<std::string, double>& values,
              double etaSeconds);
  // Ends the line (the next output starts on a fresh line).
  void finish();

 private:
  std::ostream& out_;
  std::chrono::steady_clock::time_point last_{};
  bool open_ = false;
  bool terminal_ = false;
};

std::string formatSeconds(double seconds);

}  // namespace recdiff::cli
