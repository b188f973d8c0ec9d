#include "app/cli/interrupt_guard.h"

namespace recdiff::cli {

namespace {

volatile std::sig_atomic_t interrupted = 0;
extern "C" void onInterrupt(int) { interrupted = 1; }

}  // namespace

InterruptGuard::InterruptGuard() : previous_(std::signal(SIGINT, onInterrupt)) {}

InterruptGuard::~InterruptGuard() { std::signal(SIGINT, previous_); }

bool InterruptGuard::requested() { return interrupted != 0; }

}  // namespace recdiff::cli
