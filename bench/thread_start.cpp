// How long after its creation a new thread first runs (docs/ntk.md, "Cold start, fifth round"):
// the wait a process's first parallel loop has for its workers. Each round creates a
// std::thread that only records the time, then joins it; prints every round and the median.
// Not a test (no timing assertions anywhere).
//
//   build/bench/thread_start [--rounds 8]
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

namespace {
double now() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }
}  // namespace

int main(int argc, char** argv) {
  int rounds = 8;
  if (argc == 3 && std::string(argv[1]) == "--rounds") rounds = std::atoi(argv[2]);
  if (argc != 1 && argc != 3) {
    std::fprintf(stderr, "usage: thread_start [--rounds N]\n");
    return 2;
  }
  if (rounds < 1 || rounds > 100000) {
    std::fprintf(stderr, "thread_start: --rounds: 1 <= N <= 100000\n");
    return 2;
  }
  std::vector<double> ms;
  for (int r = 0; r < rounds; ++r) {
    std::atomic<double> started{0};
    const double created = now();
    std::thread t([&started] { started = now(); });
    t.join();
    ms.push_back((started.load() - created) * 1e3);
    std::printf("round %d: the thread first ran %.3f ms after its creation\n", r, ms.back());
  }
  std::sort(ms.begin(), ms.end());
  std::printf("median %.3f ms, range %.3f - %.3f ms\n", ms[ms.size() / 2], ms.front(), ms.back());
  return 0;
}
