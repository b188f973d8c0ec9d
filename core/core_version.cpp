#include "core/core_version.h"

#include "core/process_tuning.h"

#include <torch/torch.h>
#include <torch/version.h>

#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>

namespace recdiff {

namespace {
// Which BLAS the dynamic linker resolved libblas.so.3 to: the reference BLAS
// is ~20x slower than OpenBLAS for our matmuls, so reports say which one ran.
std::string detectBlas() {
  std::ifstream maps("/proc/self/maps");
  std::string line;
  while (std::getline(maps, line)) {
    if (line.find("openblas") != std::string::npos) {
      const std::string core = blasCoreName();
      return std::string(line.find("pthread") != std::string::npos ? "OpenBLAS (pthread)" : "OpenBLAS") +
             (core.empty() ? "" : ", core " + core);
    }
    if (line.find("libmkl") != std::string::npos) return "MKL";
    if (line.find("libblis") != std::string::npos) return "BLIS";
  }
  return "reference or unknown";
}
}  // namespace

BuildInfo buildInfo() {
  BuildInfo info;
  info.recdiffVersion = RECDIFF_VERSION;
  info.torchVersion = TORCH_VERSION;
  info.cudaAvailable = torch::cuda::is_available();
  info.cudaDevices = info.cudaAvailable ? static_cast<int>(torch::cuda::device_count()) : 0;
  info.blas = detectBlas();
  info.intraOpThreads = torch::get_num_threads();
  return info;
}

void setIntraOpThreads(int n) {
  if (n <= 0) n = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  torch::set_num_threads(n);
  // OpenBLAS otherwise keeps one thread per core besides; a count the user
  // set in OPENBLAS_NUM_THREADS wins.
  if (std::getenv("OPENBLAS_NUM_THREADS") == nullptr) setBlasThreads(n);
}

}  // namespace recdiff
