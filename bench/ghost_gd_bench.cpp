// Batched GD on the analytical loss (paper Fig. 2D scale: many runs x many epochs), one and
// two threads, with the reference at double and a naive scalar loop timed beside it.
#include <benchmark/benchmark.h>

#include <cmath>
#include <vector>

#include "bench_support.hpp"
#include <learndyn/common/scalar.hpp>
#include <learndyn/fast/ghost/gradient_descent.hpp>
#include <learndyn/reference/ghost/gradient_descent.hpp>

namespace {
namespace fg = learndyn::fast::ghost;
namespace rg = learndyn::reference::ghost;
using learndyn::real;

constexpr long kEpochs = 10000;

fg::GradientDescentBatch fig2d_batch(std::size_t runs) {
  // Fig. 2D: T = T_r = 100, rates in logspace(-11, -8), eps0 = 10 eps*.
  fg::GradientDescentBatch batch{{100, 100}, 1.0, {}, {}};
  for (std::size_t j = 0; j < runs; ++j) {
    batch.rates.push_back(std::pow(10.0, -11.0 + 3.0 * static_cast<double>(j) / static_cast<double>(runs)));
    batch.eps0.push_back(10 * fg::optimal_scale(batch.task) * (1 + 1e-3 * static_cast<double>(j % 17)));
  }
  return batch;
}

double naive_run(const fg::GradientDescentBatch& b, std::size_t j) {
  const double star = M_PI * M_PI / (4 * b.task.delay * b.task.delay);
  const double total = b.task.delay + b.task.response;
  const double nr = M_PI * M_PI / (4 * total * total);
  double e = b.eps0[j];
  for (long k = 0; k < kEpochs; ++k) {
    const double g = e < nr ? 0.0 : (e > star ? 1.0 : -1.0) * M_PI / (4 * std::pow(e, 1.5));
    e -= b.rates[j] * g;
  }
  return e;
}

void BM_GhostFastGradientDescent(benchmark::State& state) {
  const std::size_t runs = static_cast<std::size_t>(state.range(0));
  const unsigned threads = static_cast<unsigned>(state.range(1));
  const fg::GradientDescentBatch batch = fig2d_batch(runs);
  learndyn::bench::LoopTimer timer;
  for (auto _ : state) {
    fg::GradientDescentResult r = fg::run_gradient_descent(batch, kEpochs, 0, threads);
    benchmark::DoNotOptimize(r.eps.data());
  }
  const double fast_per_step = timer.seconds() / (static_cast<double>(state.iterations()) * runs * kEpochs);
  state.SetItemsProcessed(state.iterations() * static_cast<long>(runs) * kEpochs);
  const std::size_t sample = 8;
  const double naive = learndyn::bench::seconds_per_call([&] {
    for (std::size_t j = 0; j < sample; ++j) benchmark::DoNotOptimize(naive_run(batch, j * (runs / sample)));
  }) / (sample * kEpochs);
  const double ref_double = learndyn::bench::seconds_per_call([&] {
    for (std::size_t j = 0; j < sample; ++j) {
      const std::size_t at = j * (runs / sample);
      benchmark::DoNotOptimize(rg::run_gradient_descent(
          rg::GradientDescent<double>{{100, 100}, rg::Normalisation::none, batch.rates[at]}, batch.eps0[at], kEpochs));
    }
  }) / (sample * kEpochs);
  state.counters["speedup_vs_naive"] = naive / fast_per_step;
  state.counters["speedup_vs_reference_double"] = ref_double / fast_per_step;
}
BENCHMARK(BM_GhostFastGradientDescent)
    ->ArgNames({"runs", "threads"})
    ->Args({1000, 1})
    ->Args({1000, 2})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

void BM_GhostNumericalCriticalRate(benchmark::State& state) {
  const fg::DelayTask task{100, 100};
  const std::vector<double> starts = rg::critical_rate_starts(rg::DelayTask<double>{100, 100}, 10, 40, 0);
  for (auto _ : state) benchmark::DoNotOptimize(fg::numerical_critical_rate(task, 1.0, starts, 10000, 1e-6));
}
BENCHMARK(BM_GhostNumericalCriticalRate)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
