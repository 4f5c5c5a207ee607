// Shared by the benchmarks: time a comparison method (reference, naive loop) in-process so
// that each fast-path benchmark can report its speedup as a counter, side by side.
#pragma once

#include <algorithm>
#include <chrono>
#include <vector>

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

// Wall times, per iteration of a benchmark's loop, of two methods run one after the other in
// each iteration (so that a machine shared with other work loads both alike), and the ratio
// first / second of each iteration.
struct SideBySide {
  std::vector<double> first, second, ratio;
};

// Runs `first` and `second` once each untimed (a warm-up: the first touch of their scratch
// memory), then `first` then `second` in every iteration of `state`'s loop; what each writes
// to memory counts as used (ClobberMemory), so neither call is optimised away.
template <class First, class Second>
SideBySide time_side_by_side(benchmark::State& state, First&& first, Second&& second) {
  first();
  second();
  SideBySide t;
  for (auto _ : state) {
    LoopTimer a;
    first();
    benchmark::ClobberMemory();
    t.first.push_back(a.seconds());
    LoopTimer b;
    second();
    benchmark::ClobberMemory();
    t.second.push_back(b.seconds());
    t.ratio.push_back(t.first.back() / t.second.back());
  }
  return t;
}

// The median of v (the upper middle element for an even count).
inline double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace learndyn::bench
