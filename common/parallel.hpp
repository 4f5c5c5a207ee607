// The one parallel layer of learndyn (proofs/common.md C16): every multi-threaded path of fast/
// and experiments/ runs its loop through parallel_for or parallel_reduce here. The reference
// never needs threads.
//
// The work is cut into chunks by its size alone: chunk c is items [c * chunk, min(n, (c + 1) *
// chunk)), whatever the thread count. The thread count only decides how many workers take
// chunks, and a reduction combines its per-chunk partials on the calling thread in chunk order,
// so a result is bit-identical for any thread count, including counts above the machine's cores
// (C16). Underneath is oneTBB (Debian's libtbb-dev): its workers sleep instead of spinning when
// there is no work, a caller takes chunks itself instead of waiting for a descheduled worker,
// nested loops (a sweep whose items run threaded trainers) compose, and an exception of a chunk
// reaches the caller. Its headers stay out of this one: only parallel.cpp includes them.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

namespace learndyn {

// The largest thread count a user may ask for (--threads, LEARNDYN_NUM_THREADS, the Python
// bindings); more than the machine's cores is allowed and gives the same bytes.
inline constexpr unsigned kMaxThreads = 256;

// The cores this process may run on (its CPU affinity mask, at least 1).
unsigned available_cores();

// The worker count of a request: 0 means every available core, any other N means N (also above
// the cores).
unsigned resolve_threads(unsigned requested);

// The thread count LEARNDYN_NUM_THREADS asks for: 0 (every core) when it is unset or empty.
// Throws ArgumentError naming LEARNDYN_NUM_THREADS unless it is an integer in 0..kMaxThreads.
// The CLI and the Python bindings take it as the default of --threads / threads=None.
unsigned threads_from_environment();

// The fixed split of n items into chunks of `chunk` items (the last one shorter): it depends
// on the sizes only, never on the thread count (C16).
struct Chunking {
  std::size_t items = 0, chunk = 1;
  Chunking(std::size_t items_, std::size_t chunk_) : items(items_), chunk(chunk_ == 0 ? 1 : chunk_) {}
  std::size_t count() const { return (items + chunk - 1) / chunk; }
  std::pair<std::size_t, std::size_t> range(std::size_t c) const {
    const std::size_t lo = c * chunk;
    return {lo, lo + chunk < items ? lo + chunk : items};
  }
};

// How many workers a loop of `chunks` chunks runs on: resolve_threads(threads), at most one
// per chunk. The memory estimates count one working set per worker with it.
unsigned parallel_workers(std::size_t chunks, unsigned threads);

// Starts the workers a loop on `threads` workers (0: every core) would use, on a thread of its
// own, and returns at once: a process's first parallel loop otherwise waits for the runtime to
// initialise (~0.55 ms: it loads its allocator, looks for optional libraries) and for the pool's
// threads to be created and to arrive (docs/ntk.md "Cold start, fifth round"; proofs/common.md
// C31). A command makes one before its serial set-up (building the model), so that this happens
// on an idle core meanwhile; a loop that comes before the pool is up runs on the calling thread
// (parallel_for_worker), so a starter thread that the scheduler is slow to run delays nothing.
// Its destructor joins that thread, which has normally long finished, so that nothing of it
// outlives the command. It runs no work: no result depends on it.
class WorkerStart {
 public:
  explicit WorkerStart(unsigned threads);
  WorkerStart(const WorkerStart&) = delete;
  WorkerStart& operator=(const WorkerStart&) = delete;
  ~WorkerStart();

 private:
  std::thread starter_;
};

namespace detail {
// Runs chunk(c) for every c < chunks on `workers` workers (workers >= 2); rethrows the first
// exception of a chunk after the others have stopped.
void run_chunks(std::size_t chunks, unsigned workers, const std::function<void(std::size_t)>& chunk);
}  // namespace detail

namespace detail {
// True while a WorkerStart's thread has not finished starting the pool.
bool pool_starting();

// The slot of the calling thread in the arena running the current loop (run_chunks).
unsigned current_worker();
}  // namespace detail

// Calls body(lo, hi, worker) once for every chunk of `chunking`, on up to `threads` workers (0:
// every core), `worker` being the index of the worker that runs the chunk, in
// [0, parallel_workers(chunking.count(), threads)). Chunks run concurrently and in any order, so
// body must write only what its items own. With one worker (or one chunk) the chunks run in
// order on the calling thread, without the runtime, as worker 0. An exception thrown by body
// propagates to the caller (the first one, if several). Scratch can be one slice per worker
// instead of one per chunk, fewer fresh pages to touch (a cold process pays for each); what a
// chunk computes must then not depend on the slice it gets, and body must not run a parallel
// loop of its own: a worker waiting in it could take another chunk of this loop, on the same
// slice.
template <class Body>
void parallel_for_worker(const Chunking& chunking, unsigned threads, Body&& body) {
  const std::size_t chunks = chunking.count();
  const unsigned workers = parallel_workers(chunks, threads);
  // While a WorkerStart is still starting the pool on its own thread (which the scheduler may not
  // have run yet: on the benchmark VM a new thread first runs 0.2-6 ms after its creation), the
  // calling thread runs the chunks itself rather than wait for it: the same chunks, so the same
  // results (C16).
  if (workers <= 1 || detail::pool_starting()) {
    for (std::size_t c = 0; c < chunks; ++c) {
      const auto [lo, hi] = chunking.range(c);
      body(lo, hi, 0u);
    }
    return;
  }
  detail::run_chunks(chunks, workers, [&](std::size_t c) {
    const auto [lo, hi] = chunking.range(c);
    body(lo, hi, detail::current_worker());
  });
}

// Calls body(lo, hi) once for every chunk of `chunking`, as parallel_for_worker.
template <class Body>
void parallel_for(const Chunking& chunking, unsigned threads, Body&& body) {
  parallel_for_worker(chunking, threads, [&](std::size_t lo, std::size_t hi, unsigned) { body(lo, hi); });
}

// One item a chunk: body(i) for every i < n.
template <class Body>
void parallel_for_each(std::size_t n, unsigned threads, Body&& body) {
  parallel_for(Chunking(n, 1), threads, [&](std::size_t lo, std::size_t hi) {
    for (std::size_t i = lo; i < hi; ++i) body(i);
  });
}

// The deterministic reduction: partial(lo, hi) of every chunk, computed concurrently, then
// combine(accumulator, partial) on the calling thread in chunk order, starting from `init`. The
// same chunks, the same order: the same bytes for any thread count (C16).
template <class T, class Partial, class Combine>
T parallel_reduce(const Chunking& chunking, unsigned threads, T init, Partial&& partial, Combine&& combine) {
  std::vector<std::optional<T>> partials(chunking.count());
  parallel_for(chunking, threads, [&](std::size_t lo, std::size_t hi) { partials[lo / chunking.chunk].emplace(partial(lo, hi)); });
  for (std::optional<T>& p : partials) init = combine(std::move(init), std::move(*p));
  return init;
}

}  // namespace learndyn
