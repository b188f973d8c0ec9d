// Versions of the libraries the core was built with, for --version, the
// About box and benchmark reports.
#pragma once

#include <string>

namespace recdiff {

struct BuildInfo {
  std::string recdiffVersion;
  std::string torchVersion;
  bool cudaAvailable = false;  // at run time
  int cudaDevices = 0;
  std::string blas;  // e.g. "OpenBLAS 0.3.21 (pthread)" when known
  int intraOpThreads = 1;
};

BuildInfo buildInfo();

// Sets LibTorch's intra-op and OpenBLAS's thread counts; n <= 0 means all cores.
// LibTorch starts at 1 thread here, so every entry point calls this.
void setIntraOpThreads(int n);

}  // namespace recdiff
