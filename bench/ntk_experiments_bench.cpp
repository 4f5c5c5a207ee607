// The NTK experiments' training step (proofs/ntk_experiments.md X1) at the Memory-Pro default
// size (GRU n = 32, n_in = 3, B = 32, T = 45; 3,552 parameters): the gradient
// G^T P* dL/dh (linearisation + backward sweep + one GEMM per site) against one forward pass,
// the unit of the naive alternative (central differences: 2 x 3,552 forward passes, the counter
// `central_difference_forward_passes`). No timing assertions.
#include <benchmark/benchmark.h>

#include <cmath>
#include <vector>

#include <learndyn/common/random.hpp>
#include <learndyn/experiments/ntk/gradient.hpp>
#include <learndyn/experiments/ntk/memory_pro.hpp>

namespace {
namespace fn = learndyn::fast::ntk;
namespace ex = learndyn::experiments::ntk;

struct Setup {
  fn::Model model = ex::xavier_model(fn::ModelKind::gru, 32, 3, 1.0, 1.0, 0);
  ex::MemoryProBatch batch;
  std::vector<double> dl_dh;
  Setup() {
    std::vector<double> angles(32);
    for (int b = 0; b < 32; ++b) angles[b] = 0.2 * b;
    batch = ex::memory_pro_batch({15, 15, 15, 0.14}, angles, 0.14, 1);
    learndyn::Rng rng(2);
    dl_dh.resize(static_cast<std::size_t>(32) * 45 * 32);
    for (double& x : dl_dh) x = rng.normal();
  }
};

void BM_ForwardPass(benchmark::State& state) {
  const Setup s;
  for (auto _ : state) benchmark::DoNotOptimize(fn::forward(s.model, s.batch.inputs));
  state.counters["parameters"] = static_cast<double>(s.model.theta.size());
}
BENCHMARK(BM_ForwardPass)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_ParameterGradient(benchmark::State& state) {
  const Setup s;
  const unsigned threads = static_cast<unsigned>(state.range(0));
  for (auto _ : state) {
    const fn::Ntk ntk(s.model, s.batch.inputs, {threads});
    benchmark::DoNotOptimize(ex::parameter_gradient(ntk, s.model, s.dl_dh));
  }
  state.counters["central_difference_forward_passes"] = 2.0 * static_cast<double>(s.model.theta.size());
}
BENCHMARK(BM_ParameterGradient)->ArgNames({"threads"})->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
