// The parallel layer (common/parallel.hpp, proofs/common.md C16): every item visited once, the
// size-only chunks, reductions bit-identical for thread counts 1..9 and above the cores,
// exceptions of workers reaching the caller, the thread count resolution and
// LEARNDYN_NUM_THREADS, and Progress advanced from workers.
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <learndyn/common/argument_error.hpp>
#include <learndyn/common/parallel.hpp>
#include <learndyn/common/progress.hpp>

namespace {

using learndyn::Chunking;
using learndyn::parallel_for;
using learndyn::parallel_reduce;

// Thread counts 1..9, and twice the cores plus one (above the cores).
std::vector<unsigned> thread_counts() {
  std::vector<unsigned> counts;
  for (unsigned t = 1; t <= 9; ++t) counts.push_back(t);
  counts.push_back(2 * learndyn::available_cores() + 1);
  counts.push_back(0);  // every available core
  return counts;
}

// A sum whose bits depend on the order of its terms (terms of very different magnitudes).
double ordered_sum(unsigned threads, std::size_t n, std::size_t chunk) {
  return parallel_reduce(
      Chunking(n, chunk), threads, 0.0,
      [](std::size_t lo, std::size_t hi) {
        double s = 0;
        for (std::size_t i = lo; i < hi; ++i) s += std::sin(static_cast<double>(i)) * std::pow(10.0, static_cast<double>(i % 17) - 8);
        return s;
      },
      [](double a, double b) { return a + b; });
}

TEST(Parallel, ChunkingDependsOnTheSizesOnly) {
  const Chunking c(10, 4);
  EXPECT_EQ(c.count(), 3u);
  EXPECT_EQ(c.range(0), (std::pair<std::size_t, std::size_t>{0, 4}));
  EXPECT_EQ(c.range(2), (std::pair<std::size_t, std::size_t>{8, 10}));
  EXPECT_EQ(Chunking(0, 4).count(), 0u);
  EXPECT_EQ(Chunking(5, 0).chunk, 1u);  // a zero chunk is one item
}

RC_GTEST_PROP(Parallel, EveryItemIsVisitedOnceInItsChunk, ()) {
  const std::size_t n = *rc::gen::inRange<std::size_t>(0, 3000);
  const std::size_t chunk = *rc::gen::inRange<std::size_t>(1, 300);
  const unsigned threads = *rc::gen::inRange(0u, 12u);
  const Chunking chunking(n, chunk);
  std::vector<std::atomic<int>> visits(n);
  std::vector<std::atomic<int>> calls(chunking.count());
  parallel_for(chunking, threads, [&](std::size_t lo, std::size_t hi) {
    RC_ASSERT(lo % chunk == 0);  // the boundaries of Chunking, never merged or split
    RC_ASSERT(hi == std::min(n, lo + chunk));
    ++calls[lo / chunk];
    for (std::size_t i = lo; i < hi; ++i) ++visits[i];
  });
  for (const auto& v : visits) RC_ASSERT(v.load() == 1);
  for (const auto& c : calls) RC_ASSERT(c.load() == 1);
}

TEST(Parallel, ReductionBytesDoNotDependOnTheThreadCount) {
  for (std::size_t chunk : {1u, 7u, 64u, 1000u}) {
    const double one = ordered_sum(1, 5000, chunk);
    for (unsigned threads : thread_counts()) {
      const double many = ordered_sum(threads, 5000, chunk);
      EXPECT_EQ(std::memcmp(&one, &many, sizeof one), 0) << "threads " << threads << ", chunk " << chunk;
    }
  }
  // The chunk size, unlike the thread count, may change the bits: the test's sum is order
  // sensitive, so the comparison above could fail.
  EXPECT_NE(ordered_sum(1, 5000, 1), ordered_sum(1, 5000, 1000));
}

TEST(Parallel, ReductionCombinesInChunkOrder) {
  for (unsigned threads : thread_counts()) {
    const std::string joined = parallel_reduce(
        Chunking(26, 3), threads, std::string(),
        [](std::size_t lo, std::size_t hi) {
          std::string s;
          for (std::size_t i = lo; i < hi; ++i) s += static_cast<char>('a' + i);
          return s;
        },
        [](std::string a, std::string b) { return a + b; });
    EXPECT_EQ(joined, "abcdefghijklmnopqrstuvwxyz") << "threads " << threads;
  }
}

TEST(Parallel, AnExceptionOfAWorkerReachesTheCaller) {
  for (unsigned threads : thread_counts()) {
    std::atomic<int> ran{0};
    try {
      parallel_for(Chunking(64, 1), threads, [&](std::size_t lo, std::size_t) {
        ++ran;
        if (lo == 37) throw learndyn::ArgumentError("x", "37", "not 37");
      });
      ADD_FAILURE() << "no exception, threads " << threads;
    } catch (const learndyn::ArgumentError& e) {
      EXPECT_EQ(e.parameter(), "x");
    }
    EXPECT_GE(ran.load(), 1);
    // The layer is usable afterwards.
    std::atomic<int> after{0};
    parallel_for(Chunking(64, 1), threads, [&](std::size_t, std::size_t) { ++after; });
    EXPECT_EQ(after.load(), 64);
  }
}

TEST(Parallel, NestedLoopsComplete) {
  std::vector<double> sums(8);
  parallel_for(Chunking(8, 1), 4, [&](std::size_t lo, std::size_t) {
    sums[lo] = ordered_sum(3, 2000, 10);  // a threaded loop inside a threaded loop
  });
  for (double s : sums) EXPECT_EQ(s, ordered_sum(1, 2000, 10));
}

TEST(Parallel, WorkersAreTheRequestCappedByTheChunks) {
  EXPECT_EQ(learndyn::resolve_threads(0), learndyn::available_cores());
  EXPECT_EQ(learndyn::resolve_threads(7), 7u);
  EXPECT_EQ(learndyn::parallel_workers(3, 8), 3u);
  EXPECT_EQ(learndyn::parallel_workers(100, 8), 8u);  // above the cores: N means N
  EXPECT_EQ(learndyn::parallel_workers(0, 8), 1u);
  EXPECT_EQ(learndyn::parallel_workers(100, 0), std::min(100u, learndyn::available_cores()));
}

// parallel_for_worker: every chunk runs once, with a worker index below the worker count, and
// no two chunks hold the same index at the same time (each index guards its slot with a flag
// that a second holder would find set), for counts below, at and above the cores.
TEST(Parallel, WorkerIndicesAreBelowTheWorkerCountAndNeverShared) {
  for (unsigned threads : {1u, 2u, 3u, 8u}) {
    const Chunking chunking(37, 2);
    const unsigned workers = learndyn::parallel_workers(chunking.count(), threads);
    std::vector<std::atomic<int>> busy(workers), runs(chunking.count());
    std::atomic<int> bad_index{0}, shared{0};
    learndyn::parallel_for_worker(chunking, threads, [&](std::size_t lo, std::size_t, unsigned worker) {
      if (worker >= workers) {
        ++bad_index;
        return;
      }
      if (busy[worker].exchange(1) != 0) ++shared;
      volatile double spin = 0;
      for (int k = 0; k < 20000; ++k) spin = spin + 1;  // long enough for the others to overlap
      busy[worker].store(0);
      ++runs[lo / chunking.chunk];
    });
    EXPECT_EQ(bad_index.load(), 0) << "threads " << threads;
    EXPECT_EQ(shared.load(), 0) << "threads " << threads;
    for (std::size_t c = 0; c < chunking.count(); ++c) EXPECT_EQ(runs[c].load(), 1) << "chunk " << c;
  }
}

// WorkerStart runs nothing and changes no result: while it may still be starting the pool (0, 1,
// 2 and 8 workers, two at once, a loop right after), the reduction has the bytes of one thread
// and every worker index is held by one chunk at a time.
TEST(Parallel, StartingTheWorkersEarlyChangesNoResult) {
  const double serial = ordered_sum(1, 5000, 7);
  for (unsigned threads : {0u, 1u, 2u, 8u}) {
    const learndyn::WorkerStart first(threads), second(threads);
    EXPECT_EQ(ordered_sum(threads, 5000, 7), serial) << "threads " << threads;
    const Chunking chunking(16, 1);
    std::vector<std::atomic<int>> busy(learndyn::parallel_workers(chunking.count(), threads));
    std::atomic<int> shared{0};
    learndyn::parallel_for_worker(chunking, threads, [&](std::size_t, std::size_t, unsigned worker) {
      if (worker >= busy.size() || busy[worker].exchange(1) != 0) ++shared;
      volatile double spin = 0;
      for (int k = 0; k < 20000; ++k) spin = spin + 1;
      if (worker < busy.size()) busy[worker].store(0);
    });
    EXPECT_EQ(shared.load(), 0) << "threads " << threads;
  }
}

// Sets LEARNDYN_NUM_THREADS for one scope.
class EnvironmentThreads {
 public:
  explicit EnvironmentThreads(const char* value) {
    if (const char* old = std::getenv("LEARNDYN_NUM_THREADS")) old_ = old;
    if (value) setenv("LEARNDYN_NUM_THREADS", value, 1);
    else unsetenv("LEARNDYN_NUM_THREADS");
  }
  ~EnvironmentThreads() {
    if (old_) setenv("LEARNDYN_NUM_THREADS", old_->c_str(), 1);
    else unsetenv("LEARNDYN_NUM_THREADS");
  }

 private:
  std::optional<std::string> old_;
};

TEST(Parallel, EnvironmentVariableSetsTheDefault) {
  {
    EnvironmentThreads env(nullptr);
    EXPECT_EQ(learndyn::threads_from_environment(), 0u);
  }
  {
    EnvironmentThreads env("");
    EXPECT_EQ(learndyn::threads_from_environment(), 0u);
  }
  {
    EnvironmentThreads env("3");
    EXPECT_EQ(learndyn::threads_from_environment(), 3u);
  }
  {
    EnvironmentThreads env("256");
    EXPECT_EQ(learndyn::threads_from_environment(), 256u);
  }
  for (const char* bad : {"-1", "257", "two", "1.5", "3x"}) {
    EnvironmentThreads env(bad);
    try {
      learndyn::threads_from_environment();
      ADD_FAILURE() << "accepted LEARNDYN_NUM_THREADS=" << bad;
    } catch (const learndyn::ArgumentError& e) {
      EXPECT_EQ(e.parameter(), "LEARNDYN_NUM_THREADS");
      EXPECT_NE(std::string(e.what()).find("<= 256"), std::string::npos) << e.what();
    }
  }
}

TEST(Parallel, ProgressAdvancesFromWorkers) {
  std::ostringstream sink;
  learndyn::set_progress_stream(&sink);
  {
    learndyn::Progress progress("test", "item", 400);
    parallel_for(Chunking(400, 1), 8, [&](std::size_t, std::size_t) { progress.advance(); });
  }
  learndyn::set_progress_stream(nullptr);
  EXPECT_EQ(sink.str(), "");  // a short run prints nothing, and nothing crashed or raced
}

}  // namespace
