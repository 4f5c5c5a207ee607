// The parallel layer on oneTBB (common/parallel.hpp, proofs/common.md C16).
#include <learndyn/common/parallel.hpp>

#include <sched.h>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <system_error>
#include <thread>

#include <tbb/blocked_range.h>
#include <tbb/global_control.h>
#include <tbb/parallel_for.h>
#include <tbb/partitioner.h>
#include <tbb/task_arena.h>

#include <learndyn/common/argument_error.hpp>
#include <learndyn/common/integer.hpp>

namespace learndyn {

unsigned available_cores() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0) return std::max(1, CPU_COUNT(&set));
  return std::max(1u, std::thread::hardware_concurrency());
}

unsigned resolve_threads(unsigned requested) { return requested == 0 ? available_cores() : requested; }

unsigned threads_from_environment() {
  const char* text = std::getenv("LEARNDYN_NUM_THREADS");
  if (text == nullptr || *text == '\0') return 0;
  return static_cast<unsigned>(parse_integer(text, "LEARNDYN_NUM_THREADS", 0, kMaxThreads));
}

unsigned parallel_workers(std::size_t chunks, unsigned threads) {
  return static_cast<unsigned>(std::max<std::size_t>(1, std::min<std::size_t>(resolve_threads(threads), chunks)));
}

namespace detail {
namespace {

// The threads whose address space fits in a quarter of its limit (ulimit -v), the rest left
// to the program: TBB ends the process (std::terminate) when it cannot start a worker, so the
// pool must not ask for more. A thread reserves its stack and, once it allocates, a glibc malloc
// arena (64 MB of address space on 64-bit). Unlimited: no cap.
unsigned address_space_threads() {
  rlimit limit{};
  if (getrlimit(RLIMIT_AS, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return kMaxThreads;
  const std::size_t stack =
      std::max<std::size_t>(1 << 20, tbb::global_control::active_value(tbb::global_control::thread_stack_size));
  const std::size_t malloc_arena = std::size_t(64) << 20;
  return static_cast<unsigned>(std::clamp<rlim_t>(limit.rlim_cur / 4 / (stack + malloc_arena), 1, kMaxThreads));
}

// One arena per worker count, made on first use and kept: an arena's threads are TBB's shared
// pool, so keeping it costs nothing while idle (its workers sleep), and making one per loop
// would cost more than a short loop. TBB caps its pool at the cores unless told otherwise; an
// explicit count above them (--threads 8 on 2 cores) raises the cap, so that N means N workers,
// as far as their stacks fit in the address space. An arena granted fewer workers than it has
// slots runs short-handed, with the same results (C16).
tbb::task_arena& arena_of(unsigned workers) {
  static std::mutex lock;
  static std::map<unsigned, std::unique_ptr<tbb::task_arena>> arenas;
  static std::unique_ptr<tbb::global_control> cap;
  static unsigned cap_value = 0;
  std::lock_guard<std::mutex> guard(lock);
  const unsigned allowed = std::min(workers, address_space_threads());
  if (allowed > std::max(cap_value, available_cores())) {
    cap.reset();  // the most restrictive of the live controls wins: drop the old one first
    cap = std::make_unique<tbb::global_control>(tbb::global_control::max_allowed_parallelism, allowed);
    cap_value = allowed;
  }
  std::unique_ptr<tbb::task_arena>& arena = arenas[allowed];
  if (!arena) arena = std::make_unique<tbb::task_arena>(static_cast<int>(allowed));
  return *arena;
}

}  // namespace

// Inside run_chunks' arena (max_concurrency = the workers it was granted, at most `workers`) a
// thread's slot index is below that count; outside any arena there is one worker, slot 0.
unsigned current_worker() {
  const int slot = tbb::this_task_arena::current_thread_index();
  return slot < 0 ? 0u : static_cast<unsigned>(slot);
}

// WorkerStarts whose thread has not finished starting the pool.
std::atomic<int> pending_starts{0};

bool pool_starting() { return pending_starts.load(std::memory_order_acquire) > 0; }

void run_chunks(std::size_t chunks, unsigned workers, const std::function<void(std::size_t)>& chunk) {
  // simple_partitioner with grain 1: TBB hands out our chunks as they are, never merges or
  // splits them, so the chunk boundaries stay the size-only ones of Chunking. Which worker runs
  // a chunk, and when, is TBB's affair: the results do not depend on it (C16).
  arena_of(workers).execute([&] {
    tbb::parallel_for(
        tbb::blocked_range<std::size_t>(0, chunks, 1),
        [&](const tbb::blocked_range<std::size_t>& r) {
          for (std::size_t c = r.begin(); c < r.end(); ++c) chunk(c);
        },
        tbb::simple_partitioner());
  });
}

}  // namespace detail

// An enqueued task makes the arena ask the pool for its workers without waiting for them; the
// task itself is empty.
WorkerStart::WorkerStart(unsigned threads) {
  const unsigned workers = resolve_threads(threads);
  if (workers < 2) return;
  detail::pending_starts.fetch_add(1, std::memory_order_acq_rel);
  try {
    starter_ = std::thread([workers] {
      try {
        detail::arena_of(workers).enqueue([] {});
      } catch (...) {  // the loops will meet the same failure and report it
      }
      detail::pending_starts.fetch_sub(1, std::memory_order_acq_rel);
    });
  } catch (const std::system_error&) {  // no thread to spare: the first loop starts the pool
    detail::pending_starts.fetch_sub(1, std::memory_order_acq_rel);
  }
}

WorkerStart::~WorkerStart() {
  if (starter_.joinable()) starter_.join();
}

}  // namespace learndyn
