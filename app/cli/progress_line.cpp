#include "app/cli/progress_line.h"

#include <unistd.h>

#include <cstdio>
#include <iostream>

namespace recdiff::cli {

std::string formatSeconds(double seconds) {
  char text[32];
  if (seconds < 60) {
    std::snprintf(text, sizeof text, "%.0fs", seconds);
  } else if (seconds < 3600) {
    std::snprintf(text, sizeof text, "%dm%02ds", static_cast<int>(seconds) / 60, static_cast<int>(seconds) % 60);
  } else {
    std::snprintf(text, sizeof text, "%dh%02dm", static_cast<int>(seconds) / 3600,
                  (static_cast<int>(seconds) % 3600) / 60);
  }
  return text;
}

ProgressLine::ProgressLine(std::ostream& out)
    : out_(out), terminal_((&out == &std::cerr && isatty(2)) || (&out == &std::cout && isatty(1))) {}

void ProgressLine::update(const std::string& label, long done, long total, const std::map<std::string, double>& values,
                          double etaSeconds) {
  if (!terminal_ && done < total) return;
  const auto now = std::chrono::steady_clock::now();
  if (done < total && open_ && now - last_ < std::chrono::milliseconds(200)) return;
  last_ = now;
  constexpr int width = 20;
  const int filled = total > 0 ? static_cast<int>(width * done / total) : 0;
  std::string line = (terminal_ ? "\r" : "") + label + " [" + std::string(filled, '#') +
                     std::string(width - filled, '.') + "] " + std::to_string(done) + "/" + std::to_string(total);
  char number[32];
  for (const auto& [name, value] : values) {
    std::snprintf(number, sizeof number, " %s %.4f", name.c_str(), value);
    line += number;
  }
  if (terminal_) {
    line += " ETA " + formatSeconds(etaSeconds) + "   ";
    out_ << line << std::flush;
    open_ = true;
  } else {
    out_ << line << '\n' << std::flush;
  }
}

void ProgressLine::finish() {
  if (open_) out_ << '\n' << std::flush;
  open_ = false;
}

}  // namespace recdiff::cli
