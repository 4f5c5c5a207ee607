// The fast analytical loss + gradient (G11, G14) over 10^6 eps values, with the reference
// (at double and at 50 digits) and a naive scalar loop timed beside it.
#include <benchmark/benchmark.h>

#include <cmath>
#include <vector>

#include "bench_support.hpp"
#include <learndyn/common/scalar.hpp>
#include <learndyn/fast/ghost/analytic.hpp>
#include <learndyn/reference/ghost/delayed_activation.hpp>

namespace {
namespace fg = learndyn::fast::ghost;
namespace rg = learndyn::reference::ghost;
using learndyn::real;

std::vector<double> eps_grid(std::size_t n, const fg::DelayTask& task) {
  std::vector<double> eps(n);
  const double star = fg::optimal_scale(task);
  for (std::size_t i = 0; i < n; ++i) eps[i] = star * (-1.0 + 12.0 * static_cast<double>(i) / static_cast<double>(n));
  return eps;
}

// The straightforward scalar loop a user would write first.
void naive_loss_and_gradient(const fg::DelayTask& task, const std::vector<double>& eps,
                             std::vector<double>& loss, std::vector<double>& grad) {
  const double star = M_PI * M_PI / (4 * task.delay * task.delay);
  const double nr = M_PI * M_PI / (4 * (task.delay + task.response) * (task.delay + task.response));
  for (std::size_t i = 0; i < eps.size(); ++i) {
    const double e = eps[i];
    const double t = e > 0 ? M_PI / (2 * std::sqrt(e)) : INFINITY;
    loss[i] = t < task.delay ? task.delay - t : (t <= task.delay + task.response ? t - task.delay : task.response);
    grad[i] = e < nr ? 0.0 : (e > star ? 1.0 : -1.0) * M_PI / (4 * std::pow(e, 1.5));
  }
}

void BM_GhostFastAnalytic(benchmark::State& state) {
  const fg::DelayTask task{100, 100};
  const std::size_t n = static_cast<std::size_t>(state.range(0));
  const std::vector<double> eps = eps_grid(n, task);
  std::vector<double> loss(n), grad(n);
  learndyn::bench::LoopTimer timer;
  for (auto _ : state) {
    fg::analytic_loss_and_gradient(task, eps.data(), n, loss.data(), grad.data());
    benchmark::DoNotOptimize(loss.data());
    benchmark::DoNotOptimize(grad.data());
    benchmark::ClobberMemory();
  }
  const double fast_per_item = timer.seconds() / (static_cast<double>(state.iterations()) * n);
  state.SetItemsProcessed(state.iterations() * static_cast<long>(n));
  // Comparison methods, timed in-process on the same grid (the 50-digit one on a sample).
  const double naive = learndyn::bench::seconds_per_call([&] {
    naive_loss_and_gradient(task, eps, loss, grad);
    benchmark::DoNotOptimize(loss.data());
  }) / n;
  const rg::DelayTask<double> rtask{100, 100};
  const double ref_double = learndyn::bench::seconds_per_call([&] {
    for (std::size_t i = 0; i < n; ++i) {
      loss[i] = rg::analytic_loss(eps[i], rtask);
      grad[i] = rg::analytic_gradient(eps[i], rtask);
    }
    benchmark::DoNotOptimize(loss.data());
  }) / n;
  const rg::DelayTask<real> rtask50{real(100), real(100)};
  const std::size_t sample = 256;
  const double ref_real = learndyn::bench::seconds_per_call([&] {
    for (std::size_t i = 0; i < sample; ++i) {
      benchmark::DoNotOptimize(rg::analytic_loss(real(eps[i * (n / sample)]), rtask50));
      benchmark::DoNotOptimize(rg::analytic_gradient(real(eps[i * (n / sample)]), rtask50));
    }
  }) / sample;
  state.counters["speedup_vs_naive"] = naive / fast_per_item;
  state.counters["speedup_vs_reference_double"] = ref_double / fast_per_item;
  state.counters["speedup_vs_reference_50digits"] = ref_real / fast_per_item;
}
BENCHMARK(BM_GhostFastAnalytic)->Arg(1 << 20)->Unit(benchmark::kMillisecond);

}  // namespace
