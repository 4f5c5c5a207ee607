// The measurement behind the choice of oneTBB over OpenMP (proofs/common.md C16): `steps`
// parallel loops over `chunks` one-item chunks, each item `reps` dependent multiply-adds
// (reps 20: about 3 us a loop on one thread; reps 2000: about 150 us), on `threads` threads.
// Not part of the CMake build (it needs -fopenmp); bench/parallel_runtimes/run.sh builds and
// runs it:
//   g++ -O2 -DUSE_TBB loop.cpp -o loop_tbb -ltbb;  g++ -O2 -fopenmp loop.cpp -o loop_omp
//   ./loop_tbb STEPS CHUNKS REPS THREADS          prints the wall seconds
#include <chrono>
#include <cstdio>
#include <cstdlib>
#ifdef USE_TBB
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>
#endif

static double sink[4096];
static void item(int j, int reps) {
  double x = sink[j];
  for (int i = 0; i < reps; ++i) x = x * 0.999999 + 1e-9;
  sink[j] = x;
}

int main(int argc, char** argv) {
  if (argc != 5) return 2;
  const int steps = atoi(argv[1]), chunks = atoi(argv[2]), reps = atoi(argv[3]), threads = atoi(argv[4]);
  const auto start = std::chrono::steady_clock::now();
#ifdef USE_TBB
  tbb::task_arena arena(threads);
  arena.execute([&] {
    for (int s = 0; s < steps; ++s)
      tbb::parallel_for(
          tbb::blocked_range<int>(0, chunks, 1),
          [&](const tbb::blocked_range<int>& r) {
            for (int j = r.begin(); j < r.end(); ++j) item(j, reps);
          },
          tbb::simple_partitioner());
  });
#else
  for (int s = 0; s < steps; ++s) {
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
    for (int j = 0; j < chunks; ++j) item(j, reps);
  }
#endif
  std::printf("%.3f s\n", std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
}
