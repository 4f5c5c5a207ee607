// One overlap-ODE epoch (rank 1, T = 400; forward, adjoint, G, exact map; the impulse sweep of
// OF27-OF30 for linear phi, with the T-step recursion beside it) against one
// full-network SGD epoch at N = 500, 1e4, 1e5 (ratio counters), with the reference's map step
// (at double) and the filter task's closed-form epoch beside it; and the vectorised erf
// against a std::erf loop.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "bench_support.hpp"
#include <learndyn/common/random.hpp>
#include <learndyn/fast/overlaps/erf.hpp>
#include <learndyn/fast/overlaps/filter_closed_form.hpp>
#include <learndyn/fast/overlaps/network.hpp>
#include <learndyn/fast/overlaps/overlap_ode.hpp>
#include <learndyn/reference/overlaps/learning.hpp>

#include "overlaps_bench_support.hpp"

namespace {
namespace fo = learndyn::fast::overlaps;
namespace ro = learndyn::reference::overlaps;

using namespace learndyn::bench::overlaps;

// Args: activation (0 linear, 1 erf), N of the network epoch it is compared with.
void BM_OverlapsOdeEpochVsNetworkEpoch(benchmark::State& state) {
  const int activation = static_cast<int>(state.range(0));
  const int neurons = static_cast<int>(state.range(1));
  const fo::Model model = model_for(activation);
  const fo::Task task = fo::filter_task(kDt, kSteps);
  const double lr = lr_for(activation);
  const fo::Network net = fo::random_network(neurons, 1, 1);
  const Eigen::MatrixXd sigma0 = fo::gram(net);
  fo::OverlapSolver solver(model, task);
  Eigen::MatrixXd sigma = sigma0;
  learndyn::bench::LoopTimer timer;
  for (auto _ : state) {
    benchmark::DoNotOptimize(solver.epoch(lr, fo::Stepper::exact_map, sigma));
    benchmark::ClobberMemory();
  }
  const double ode = timer.seconds() / static_cast<double>(state.iterations());
  // The network with the default threads (every core from N = 4096 on) and with one thread
  // (the ratio per core, and robust on a shared machine).
  fo::NetworkTrainer trainer(model, net), single(model, net, {1});
  const double network = learndyn::bench::seconds_per_call([&] {
    benchmark::DoNotOptimize(trainer.epoch(task, lr));
  }, 0.3);
  const double network_1 = learndyn::bench::seconds_per_call([&] {
    benchmark::DoNotOptimize(single.epoch(task, lr));
  }, 0.3);
  // The T-step recursion (OF12-OF13) the solver used for this task before the impulse sweep
  // (OF27-OF30), timed in the same binary.
  fo::OverlapSolver stepwise(model, task, fo::OverlapMethod::recursion);
  Eigen::MatrixXd s_rec = sigma0;
  const double recursion = learndyn::bench::seconds_per_call([&] {
    benchmark::DoNotOptimize(stepwise.epoch(lr, fo::Stepper::exact_map, s_rec));
  });
  state.counters["ode_epoch_us"] = ode * 1e6;
  state.counters["impulse_sweep"] = solver.uses_impulse_sweep() ? 1 : 0;
  state.counters["recursion_epoch_us"] = recursion * 1e6;
  state.counters["network_over_recursion"] = network / recursion;
  state.counters["recursion_over_ode"] = recursion / ode;
  state.counters["network_epoch_ms"] = network * 1e3;
  state.counters["network_over_ode"] = network / ode;
  state.counters["network_1thread_over_ode"] = network_1 / ode;
  // The reference's exact-map step at double (same recursion, templated, allocating).
  const ro::Model<double> rmodel{1, kDt, activation ? ro::Activation::erf : ro::Activation::linear,
                                 activation ? ro::Readout::before_update : ro::Readout::after_update};
  const ro::Task<double> rtask{task.input, task.target, task.weight};
  const double reference = learndyn::bench::seconds_per_call([&] {
    benchmark::DoNotOptimize(ro::discrete_map_step(rmodel, rtask, lr, sigma0).data());
  });
  state.counters["speedup_vs_reference_double"] = reference / ode;
  if (activation == 0) {
    // The closed form of the filter task (OF16-OF17): O(1), independent of T as well.
    const fo::FilterSettings settings{kDt, kSteps, 0.2, 1.0};
    Eigen::MatrixXd s = sigma0;
    const double closed = learndyn::bench::seconds_per_call([&] {
      benchmark::DoNotOptimize(fo::filter_epoch_closed_form(settings, lr, fo::Stepper::exact_map, s));
    });
    state.counters["closed_form_epoch_us"] = closed * 1e6;
    state.counters["network_over_closed_form"] = network / closed;
  }
}
BENCHMARK(BM_OverlapsOdeEpochVsNetworkEpoch)
    ->ComputeStatistics("min", min_of)
    ->ArgNames({"erf", "N"})
    ->Args({0, 500})
    ->Args({0, 10000})
    ->Args({0, 100000})
    ->Args({1, 500})
    ->Args({1, 10000})
    ->Args({1, 100000})
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime();

// One loss-and-gradient evaluation of the linear filter task (rank R, T = 400): arg 0 the
// T-step recursion (OF12-OF13), 1 the impulse sweep (OF27-OF30).
void BM_OverlapsLinearFilterGradient(benchmark::State& state) {
  const int rank = static_cast<int>(state.range(0));
  const auto method = state.range(1) ? fo::OverlapMethod::automatic : fo::OverlapMethod::recursion;
  const fo::Task task = fo::filter_task(kDt, kSteps);
  fo::OverlapSolver solver(fo::linear_model(rank, kDt), task, method);
  const Eigen::MatrixXd sigma = fo::gram(fo::random_network(500, rank, 1));
  Eigen::MatrixXd G;
  for (auto _ : state) benchmark::DoNotOptimize(solver.gradient(sigma, G));
}
BENCHMARK(BM_OverlapsLinearFilterGradient)->ComputeStatistics("min", min_of)
    ->ArgNames({"R", "sweep"})->Args({1, 0})->Args({1, 1})->Args({2, 0})->Args({2, 1})
    ->Unit(benchmark::kMicrosecond);

// The RK4 epoch (four adjoint sweeps) for completeness.
void BM_OverlapsOdeRk4Epoch(benchmark::State& state) {
  const int activation = static_cast<int>(state.range(0));
  const fo::Model model = model_for(activation);
  const fo::Task task = fo::filter_task(kDt, kSteps);
  fo::OverlapSolver solver(model, task);
  Eigen::MatrixXd sigma = fo::gram(fo::random_network(500, 1, 1));
  for (auto _ : state) benchmark::DoNotOptimize(solver.epoch(lr_for(activation), fo::Stepper::rk4, sigma));
}
BENCHMARK(BM_OverlapsOdeRk4Epoch)->ComputeStatistics("min", min_of)
    ->ArgNames({"erf"})->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

// The vectorised erf over 4096 points of [-range, range] against a std::erf loop.
void BM_OverlapsErfKernel(benchmark::State& state) {
  const double range = static_cast<double>(state.range(0));
  const std::size_t n = 4096;
  std::vector<double> x(n), y(n);
  learndyn::Rng rng(5);
  for (double& v : x) v = range * (2 * rng.uniform() - 1);
  learndyn::bench::LoopTimer timer;
  for (auto _ : state) {
    fo::erf(x.data(), n, y.data());
    benchmark::DoNotOptimize(y.data());
    benchmark::ClobberMemory();
  }
  const double fast = timer.seconds() / (static_cast<double>(state.iterations()) * n);
  state.SetItemsProcessed(state.iterations() * static_cast<long>(n));
  const double standard = learndyn::bench::seconds_per_call([&] {
    for (std::size_t i = 0; i < n; ++i) y[i] = std::erf(x[i]);
    benchmark::DoNotOptimize(y.data());
  }) / n;
  std::vector<double> g(n);
  const double with_gauss = learndyn::bench::seconds_per_call([&] {
    fo::erf_and_gaussian(x.data(), n, y.data(), g.data());
    benchmark::DoNotOptimize(y.data());
    benchmark::DoNotOptimize(g.data());
  }) / n;
  state.counters["ns_per_value"] = fast * 1e9;
  state.counters["std_erf_ns_per_value"] = standard * 1e9;
  state.counters["speedup_vs_std_erf"] = standard / fast;
  state.counters["erf_and_gauss_ns_per_value"] = with_gauss * 1e9;
}
BENCHMARK(BM_OverlapsErfKernel)->ComputeStatistics("min", min_of)
    ->ArgNames({"range"})->Arg(1)->Arg(3)->Unit(benchmark::kMicrosecond);

}  // namespace
