// Shared by the benchmarks: time a comparison method (reference, naive loop) in-process so
// that each fast-path benchmark can report its speedup as a counter, side by side.
#pragma once

#include <chrono>

#include <benchmark/benchmark.h>

namespace learndyn::bench {

// Seconds per call of `f`, repeating it for at least `min_seconds`.
template <class F>
double seconds_per_call(F&& f, double min_seconds = 0.05) {
  using clock = std::chrono::steady_clock;
  long calls = 0;
  const auto start = clock::now();
  double elapsed = 0;
  do {
    f();
    ++calls;
    elapsed = std::chrono::duration<double>(clock::now() - start).count();
  } while (elapsed < min_seconds);
  return elapsed / static_cast<double>(calls);
}

// Wall time of a benchmark's timed loop, for the in-process ratio counters.
class LoopTimer {
 public:
  LoopTimer() : start_(std::chrono::steady_clock::now()) {}
  double seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }

 private:
  std::chrono::steady_clock::time_point start_;
};

}  // namespace learndyn::bench
