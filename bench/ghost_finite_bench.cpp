// The finite-confidence loss (G10) and its eps-derivative: fast path (space form, fixed
// Gauss-Legendre panels, Highway SIMD) beside the reference at double and at 50 digits
// (tanh-sinh in time), on the shapes of paper Fig. 2A: T = Tr = 100, x_th = 10,
// eps on linspace(-eps*, 2 eps*). Names pair up as
//   FiniteFast/LossAndGradient/<beta x 100>   FiniteReference/double/<beta x 100>
//   FiniteFast/Loss/<beta x 100>              FiniteReference/real50/<beta x 100>
// and the fast benchmarks carry "speedup_vs_reference_double", the ratio of the reference's
// CPU time per loss+gradient at double (measured in-process, best of 3 passes over 16 points
// of the same grid) to the fast path's CPU time. Items are losses (one eps each).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <ctime>
#include <vector>

#include <learndyn/common/scalar.hpp>
#include <learndyn/fast/ghost/finite_confidence.hpp>
#include <learndyn/reference/ghost/finite_confidence.hpp>

namespace {

namespace fg = learndyn::fast::ghost;
namespace rg = learndyn::reference::ghost;
using learndyn::real;

constexpr double kT = 100, kTr = 100, kXth = 10;
constexpr double kEpsStar = 2.4674011002723395 / (kT * kT);

std::vector<double> eps_grid(std::size_t n) {
  std::vector<double> eps(n);
  for (std::size_t i = 0; i < n; ++i)
    eps[i] = -kEpsStar + 3 * kEpsStar * (static_cast<double>(i) + 0.5) / static_cast<double>(n);
  return eps;
}

double beta_of(const benchmark::State& state) { return state.range(0) / 100.0; }

// CPU time of this thread (the machines are shared: wall time would count other jobs).
double thread_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

// CPU seconds per loss+gradient of reference<double> on 16 grid points (best of 3).
double reference_double_seconds(double beta) {
  const std::vector<double> eps = eps_grid(16);
  double best = 1e300;
  for (int rep = 0; rep < 3; ++rep) {
    const double start = thread_seconds();
    double sink = 0;
    for (const double e : eps) {
      const auto r = rg::finite_loss_and_gradient<double>(e, {kT, kTr}, {beta, kXth});
      sink += r.loss + r.gradient;
    }
    benchmark::DoNotOptimize(sink);
    best = std::min(best, (thread_seconds() - start) / static_cast<double>(eps.size()));
  }
  return best;
}

void run_fast(benchmark::State& state, bool with_gradient) {
  const double beta = beta_of(state);
  const std::vector<double> eps = eps_grid(1024);
  std::vector<double> loss(eps.size()), grad(eps.size());
  const double start = thread_seconds();
  for (auto _ : state) {
    fg::finite_loss_and_gradient({kT, kTr}, {beta, kXth}, eps.data(), eps.size(), loss.data(),
                                 with_gradient ? grad.data() : nullptr);
    benchmark::DoNotOptimize(loss.data());
    benchmark::DoNotOptimize(grad.data());
    benchmark::ClobberMemory();
  }
  const double seconds = thread_seconds() - start;
  const double items = static_cast<double>(state.iterations()) * static_cast<double>(eps.size());
  state.SetItemsProcessed(static_cast<std::int64_t>(items));
  if (with_gradient) {
    state.counters["speedup_vs_reference_double"] =
        reference_double_seconds(beta) / (seconds / items);
  }
}

void FiniteFast_LossAndGradient(benchmark::State& state) { run_fast(state, true); }
void FiniteFast_Loss(benchmark::State& state) { run_fast(state, false); }

template <class Real>
void run_reference(benchmark::State& state, std::size_t points) {
  const double beta = beta_of(state);
  const std::vector<double> eps = eps_grid(points);
  for (auto _ : state) {
    for (const double e : eps) {
      const auto r = rg::finite_loss_and_gradient<Real>(Real(e), {Real(kT), Real(kTr)},
                                                        {Real(beta), Real(kXth)});
      benchmark::DoNotOptimize(r);
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * points));
}

void FiniteReference_double(benchmark::State& state) { run_reference<double>(state, 16); }
void FiniteReference_real50(benchmark::State& state) { run_reference<real>(state, 2); }

// beta x 100 in {1, 10, 50, 100, 200}: the Fig. 2A confidences 0.01 ... 2.
#define LEARNDYN_BETAS Arg(1)->Arg(10)->Arg(50)->Arg(100)->Arg(200)
BENCHMARK(FiniteFast_LossAndGradient)->Name("FiniteFast/LossAndGradient")->LEARNDYN_BETAS;
BENCHMARK(FiniteFast_Loss)->Name("FiniteFast/Loss")->LEARNDYN_BETAS;
BENCHMARK(FiniteReference_double)->Name("FiniteReference/double")->LEARNDYN_BETAS;
BENCHMARK(FiniteReference_real50)
    ->Name("FiniteReference/real50")
    ->Arg(50)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);
#undef LEARNDYN_BETAS

}  // namespace
