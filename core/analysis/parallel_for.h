// Splits [0, n) into contiguous chunks and runs them on std::threads.
//
// Why not OpenMP or a pool: the base library must stay plain C++17 + pthreads,
// and the projections call this a few thousand times per run at most, where a
// thread start (~20 us) is noise next to the work of each call.
//
// Determinism: the chunk boundaries depend only on n and the thread count, and
// callers write results per index (never reduce across chunks in completion
// order), so the output is identical for any number of threads.
#pragma once

#include <algorithm>
#include <exception>
#include <thread>
#include <vector>

namespace recdiff::analysis {

// 0 means "all hardware threads".
inline int resolveThreadCount(int requested) {
  if (requested > 0) return requested;
  const unsigned hw = std::thread::hardware_concurrency();
  return hw == 0 ? 1 : static_cast<int>(hw);
}

// Calls fn(begin, end) on up to `threads` chunks of [0, n). Chunks smaller
// than `minChunk` are not worth a thread, so small n runs inline.
template <typename Fn>
void parallelFor(long n, int threads, Fn&& fn, long minChunk = 256) {
  if (n <= 0) return;
  const long maxByWork = std::max(1L, n / std::max(1L, minChunk));
  const long workers = std::min<long>(std::max(1, threads), maxByWork);
  if (workers <= 1) {
    fn(0L, n);
    return;
  }
  std::vector<std::thread> pool;
  std::vector<std::exception_ptr> errors(static_cast<std::size_t>(workers));
  pool.reserve(static_cast<std::size_t>(workers - 1));
  auto run = [&](long w) {
    const long begin = n * w / workers;
    const long end = n * (w + 1) / workers;
    try {
      fn(begin, end);
    } catch (...) {
      errors[static_cast<std::size_t>(w)] = std::current_exception();
    }
  };
  for (long w = 1; w < workers; ++w) pool.emplace_back(run, w);
  run(0);
  for (auto& t : pool) t.join();
  for (auto& e : errors)
    if (e) std::rethrow_exception(e);
}

}  // namespace recdiff::analysis
