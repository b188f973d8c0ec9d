// Ctrl+C during a long command (train, compare): while an InterruptGuard
// lives, SIGINT only raises a flag — all a signal handler may safely do —
// which the command's batch callback turns into a cancel request, so the
// trainer stops after the current batch and nothing written is lost. The
// previous handler comes back when the guard goes.
#pragma once

#include <csignal>

namespace recdiff::cli {

class InterruptGuard {
 public:
  InterruptGuard();
  ~InterruptGuard();
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;

  // True once Ctrl+C was pressed while a guard lived.
  static bool requested();

 private:
  void (*previous_)(int);
};

}  // namespace recdiff::cli
