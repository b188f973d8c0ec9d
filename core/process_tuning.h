// Process-wide settings that must be in place before LibTorch and OpenBLAS
// do any work. Every executable calls tuneProcess() first thing in main().
#pragma once

#include <string>

namespace recdiff {

// 1. OpenBLAS 0.3.21 (Debian bookworm) does not recognise recent Xeons and
//    falls back to its generic "Prescott" SSE3 kernels, 2.5–3x slower than
//    its AVX-512 ones on our GEMMs. The core type is read once, when the
//    library loads, so when the fallback is detected and the CPU has AVX-512
//    (or AVX2) this sets OPENBLAS_CORETYPE and re-executes the program.
// 2. libgomp's idle threads spin by default and steal the cores OpenBLAS's
//    own threads need (2 + 2 threads on 2 cores ran 2.4x slower than 1 + 1);
//    OMP_WAIT_POLICY=PASSIVE, also read at load time, rides on the same
//    re-execution. OpenBLAS's own idle threads spin too (2^28 cycles, then
//    sched_yield, by default): OPENBLAS_THREAD_TIMEOUT=4 lets them sleep at
//    once, so they no longer take the second core from LibTorch's threads
//    (perf: 22 % of ADRec's samples were that worker yielding; 2 threads
//    went from 1.25x to 1.41x one thread).
// 3. glibc returns every large freed block to the kernel, so each training
//    step page-faults its big activations in again (30 % system time on
//    ADRec); mallopt keeps freed memory in the heap for reuse.
// A variable the user has already set is respected. RECDIFF_NO_REEXEC=1
// disables the re-execution. Returns only if no re-execution happened.
void tuneProcess(char** argv);

// The OpenBLAS core in use ("SkylakeX", "Prescott", ...), or "" if the BLAS
// is not OpenBLAS.
std::string blasCoreName();

// Sets OpenBLAS's own thread count when the BLAS is OpenBLAS (no-op
// otherwise): LibTorch's set_num_threads does not reach it.
void setBlasThreads(int n);

}  // namespace recdiff
