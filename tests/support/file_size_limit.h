// A full disk, simulated: while a FileSizeLimit lives, this process cannot
// write past `bytes` into any file (RLIMIT_FSIZE; write() fails with EFBIG
// where a full disk gives ENOSPC, and SIGXFSZ is ignored so that it fails
// instead of killing the test). Lets the tests check every writer's
// behaviour on a full disk without mounting a small file system.
#pragma once

#include <sys/resource.h>

#include <csignal>

namespace recdiff::test {

class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t bytes) {
    ::getrlimit(RLIMIT_FSIZE, &saved_);
    previousHandler_ = std::signal(SIGXFSZ, SIG_IGN);
    rlimit limited = saved_;
    limited.rlim_cur = bytes;
    ::setrlimit(RLIMIT_FSIZE, &limited);
  }
  ~FileSizeLimit() {
    ::setrlimit(RLIMIT_FSIZE, &saved_);
    std::signal(SIGXFSZ, previousHandler_);
  }
  FileSizeLimit(const FileSizeLimit&) = delete;
  FileSizeLimit& operator=(const FileSizeLimit&) = delete;

 private:
  rlimit saved_{};
  void (*previousHandler_)(int) = SIG_DFL;
};

}  // namespace recdiff::test
