// The team of threads of the fast network's epoch (fast/overlaps/network_trainer.cpp): a
// barrier for the per-step synchronisation, the team itself, and the split of blocks between
// threads. Internal: not installed.
#pragma once

#include <atomic>
#include <chrono>
#include <new>
#include <system_error>
#include <cstddef>
#include <thread>
#include <utility>
#include <vector>

namespace learndyn::fast::overlaps::detail {

// A barrier that spins (the partner is normally a few hundred ns away), for at most 100 us, then
// sleeps on the generation counter (C++20 atomic wait: a futex), so that on a shared machine
// a thread whose partner was descheduled gives its core away. The spin must outlast a
// wake-up (tens to hundreds of us in a VM): were it shorter, a woken thread would find its
// partner asleep at the next step, and the two would take turns sleeping. Sleepers are counted
// so that the common, all-spinning case makes no system call; the seq_cst order of
// (sleepers++, load generation) against (generation++, load sleepers) guarantees that a
// sleeper is either seen and notified or sees the new generation.
class SpinBarrier {
 public:
  explicit SpinBarrier(unsigned parties) : parties_(parties) {}
  void arrive_and_wait() {
    if (parties_ == 1) return;
    const unsigned generation = generation_.load();
    if (arrived_.fetch_add(1) + 1 == parties_) {
      arrived_.store(0);
      generation_.fetch_add(1);
      if (sleepers_.load() > 0) generation_.notify_all();
      return;
    }
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::microseconds(100);
    for (unsigned spins = 1;; ++spins) {
      if (generation_.load(std::memory_order_acquire) != generation) return;
#if defined(__x86_64__) || defined(__i386__)
      __builtin_ia32_pause();
#endif
      if (spins % 256 == 0 && std::chrono::steady_clock::now() > give_up) break;
    }
    sleepers_.fetch_add(1);
    sleeps_.fetch_add(1, std::memory_order_relaxed);
    while (generation_.load() == generation) generation_.wait(generation);
    sleepers_.fetch_sub(1);
  }

  // How often a thread had to sleep: the partner was descheduled (the machine is shared).
  unsigned sleeps() const { return sleeps_.load(std::memory_order_relaxed); }

 private:
  const unsigned parties_;
  std::atomic<unsigned> sleeps_{0};
  std::atomic<unsigned> arrived_{0};
  std::atomic<unsigned> generation_{0};
  std::atomic<unsigned> sleepers_{0};
};


// Runs work(t) for t < n on a team of n threads, t = 0 on the calling thread, where n is
// `wanted` or, when the system cannot start that many threads (std::system_error: a thread or
// address-space limit), as many as did start. prepare(n) runs first, on the calling thread,
// before any work: the caller sizes its barrier and its split of blocks there. The split does
// not change the arithmetic (OF10), so a short-handed team gives the same bytes. Returns n.
template <class Prepare, class Work>
unsigned run_team(unsigned wanted, Prepare&& prepare, Work&& work) {
  std::atomic<unsigned> size{0};  // 0 until the team is known and prepared
  std::vector<std::thread> team;
  try {
    team.reserve(wanted > 0 ? wanted - 1 : 0);
    for (unsigned t = 1; t < wanted; ++t)
      team.emplace_back([&size, &work, t] {
        size.wait(0);
        work(t);
      });
  } catch (const std::system_error&) {
  } catch (const std::bad_alloc&) {
  }
  const unsigned n = static_cast<unsigned>(team.size()) + 1;
  prepare(n);
  size.store(n);
  size.notify_all();
  work(0u);
  for (auto& th : team) th.join();
  return n;
}

// Blocks [lo, hi) of thread t of n: contiguous, whole blocks.
std::pair<std::size_t, std::size_t> blocks_of(std::size_t blocks, unsigned t, unsigned n) {
  return {blocks * t / n, blocks * (t + 1) / n};
}

}  // namespace learndyn::fast::overlaps::detail
