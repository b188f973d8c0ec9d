#include "core/process_tuning.h"

#include <dlfcn.h>
#include <malloc.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>

namespace recdiff {
namespace {

template <typename Fn>
Fn openBlasSymbol(const char* name) {
  return reinterpret_cast<Fn>(dlsym(RTLD_DEFAULT, name));
}

// OpenBLAS's fallbacks when it cannot identify the CPU.
bool isGenericCore(const std::string& core) {
  return core == "Prescott" || core == "Core2" || core == "Nehalem" || core == "Unknown";
}

const char* bestCoreForThisCpu() {
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl") &&
      __builtin_cpu_supports("avx512dq")) {
    return "SkylakeX";
  }
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return "Haswell";
  return nullptr;
}

bool setIfUnset(const char* name, const char* value) {
  if (std::getenv(name) != nullptr) return false;
  setenv(name, value, 0);
  return true;
}

}  // namespace

std::string blasCoreName() {
  auto corename = openBlasSymbol<char* (*)()>("openblas_get_corename");
  return corename ? std::string(corename()) : std::string();
}

void setBlasThreads(int n) {
  if (auto set = openBlasSymbol<void (*)(int)>("openblas_set_num_threads")) set(n);
}

void tuneProcess(char** argv) {
  mallopt(M_MMAP_MAX, 0);              // large blocks come from the heap ...
  mallopt(M_TRIM_THRESHOLD, 1 << 30);  // ... and stay there once freed
  const char* noReexec = std::getenv("RECDIFF_NO_REEXEC");
  if (noReexec != nullptr && std::strcmp(noReexec, "0") != 0) return;

  bool changed = setIfUnset("OMP_WAIT_POLICY", "PASSIVE");
  changed = setIfUnset("OPENBLAS_THREAD_TIMEOUT", "4") || changed;
  if (isGenericCore(blasCoreName())) {
    if (const char* core = bestCoreForThisCpu()) changed = setIfUnset("OPENBLAS_CORETYPE", core) || changed;
  }
  if (!changed) return;
  setenv("RECDIFF_NO_REEXEC", "1", 1);  // once is enough, whatever happens next
  execv("/proc/self/exe", argv);
  // execv failed (no /proc?): carry on with the libraries as they loaded.
}

}  // namespace recdiff
