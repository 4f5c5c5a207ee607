// The ghost-paper RNN (fast/ghost/rnn.hpp): one SGD epoch of DA (N = 100, 40 steps, BPTT) for
// the rank-one network (fused SIMD kernel; target <= 20 us) and the full-rank network (Eigen), a
// 200,000-epoch rank-one run, a rank-two DMTS epoch with and without noise, and a Fig. 6A-style sweep (30 rates x 10 seeds) on 1 and 2 threads.
// Beside them: a straightforward scalar implementation of the same epoch (dense W, std::tanh),
// a scalar latent-aware loop (no SIMD), and the reference at double. No timing assertions.
#include <benchmark/benchmark.h>

#include <cmath>
#include <vector>

#include "bench_support.hpp"
#include <learndyn/common/normal_stream.hpp>
#include <learndyn/common/random.hpp>
#include <learndyn/fast/ghost/rnn.hpp>
#include <learndyn/reference/ghost/rnn_bptt.hpp>
#include <learndyn/reference/ghost/rnn_tasks.hpp>

namespace {
namespace fg = learndyn::fast::ghost;
namespace rg = learndyn::reference::ghost;

fg::RunSpec da_spec(int rank) {
  fg::RunSpec s = fg::default_run(fg::RnnTask::da, rank);
  s.neurons = 100;
  s.lr = rank == 1 ? 0.003 : 0.01;
  return s;
}

// The straightforward implementation: dense W = m n^T, scalar loops, std::tanh, stored states.
struct NaiveRankOne {
  int N;
  std::vector<double> m, n, b, W;
  explicit NaiveRankOne(const fg::RnnNet& net) : N(static_cast<int>(net.b.size())) {
    for (int i = 0; i < N; ++i) {
      m.push_back(net.M(i, 0));
      n.push_back(net.Nm(i, 0));
      b.push_back(net.b(i));
    }
  }
  double epoch(double lr) {
    const int T = 40;
    const double a = 0.5;
    W.assign(N * N, 0);
    for (int i = 0; i < N; ++i)
      for (int j = 0; j < N; ++j) W[i * N + j] = m[i] * n[j];
    std::vector<std::vector<double>> r(T + 1, std::vector<double>(N, -0.3)), p(T, std::vector<double>(N));
    std::vector<double> e(T + 1, 0.0);
    double loss = 0;
    for (int k = 0; k < T; ++k) {
      for (int i = 0; i < N; ++i) {
        double h = b[i];
        for (int j = 0; j < N; ++j) h += W[i * N + j] * r[k][j];
        p[k][i] = std::tanh(h);
        r[k + 1][i] = (1 - a) * r[k][i] + a * p[k][i];
      }
      double kappa = 0;
      for (int i = 0; i < N; ++i) kappa += n[i] * r[k + 1][i];
      const double y = 1 / (1 + std::exp(-10 * (kappa - 1)));
      const double res = y - (k >= 20 ? 1.0 : 0.0);
      loss += res * res / 20;
      e[k + 1] = 2 * res / 20 * 10 * y * (1 - y);
    }
    std::vector<double> lambda(N), delta(N), dW(N * N, 0.0), db(N, 0.0), dn(N, 0.0), dm(N, 0.0);
    for (int i = 0; i < N; ++i) lambda[i] = e[T] * n[i], dn[i] = e[T] * r[T][i];
    for (int k = T - 1; k >= 0; --k) {
      for (int i = 0; i < N; ++i) delta[i] = a * (1 - p[k][i] * p[k][i]) * lambda[i];
      for (int i = 0; i < N; ++i)
        for (int j = 0; j < N; ++j) dW[i * N + j] += delta[i] * r[k][j];
      std::vector<double> next(N);
      for (int j = 0; j < N; ++j) {
        double s = (1 - a) * lambda[j] + e[k] * n[j];
        for (int i = 0; i < N; ++i) s += W[i * N + j] * delta[i];
        next[j] = s;
      }
      for (int i = 0; i < N; ++i) db[i] += delta[i];
      for (int i = 0; i < N; ++i) dn[i] += e[k] * r[k][i];
      lambda = next;
    }
    for (int i = 0; i < N; ++i)
      for (int j = 0; j < N; ++j) {
        dm[i] += dW[i * N + j] * n[j];
        dn[j] += dW[i * N + j] * m[i];
      }
    for (int i = 0; i < N; ++i) m[i] -= lr * dm[i], n[i] -= lr * dn[i], b[i] -= lr * db[i];
    return loss;
  }
};

// The same epoch in the latent form (R17-R18) but scalar (std::tanh, no SIMD).
struct ScalarLatent {
  int N;
  std::vector<double> m, n, b, r, p, lambda, delta;
  explicit ScalarLatent(const fg::RnnNet& net) : N(static_cast<int>(net.b.size())) {
    for (int i = 0; i < N; ++i) m.push_back(net.M(i, 0)), n.push_back(net.Nm(i, 0)), b.push_back(net.b(i));
  }
  double epoch(double lr) {
    const int T = 40;
    const double a = 0.5;
    r.assign((T + 1) * N, -0.3);
    p.resize(T * N);
    std::vector<double> kappa(T + 1), c(T + 1, 0.0), dm(N, 0.0), dn(N, 0.0), db(N, 0.0);
    lambda.resize(N);
    kappa[0] = 0;
    for (int i = 0; i < N; ++i) kappa[0] += n[i] * r[i];
    double loss = 0;
    for (int k = 0; k < T; ++k) {
      double s = 0;
      for (int i = 0; i < N; ++i) {
        p[k * N + i] = std::tanh(m[i] * kappa[k] + b[i]);
        r[(k + 1) * N + i] = (1 - a) * r[k * N + i] + a * p[k * N + i];
        s += n[i] * r[(k + 1) * N + i];
      }
      kappa[k + 1] = s;
      const double y = 1 / (1 + std::exp(-10 * (s - 1)));
      const double res = y - (k >= 20 ? 1.0 : 0.0);
      loss += res * res / 20;
      c[k + 1] = 2 * res / 20 * 10 * y * (1 - y);
    }
    for (int i = 0; i < N; ++i) lambda[i] = c[T] * n[i], dn[i] = c[T] * r[T * N + i];
    for (int k = T - 1; k >= 0; --k) {
      double g = 0;
      for (int i = 0; i < N; ++i) {
        const double d = a * (1 - p[k * N + i] * p[k * N + i]) * lambda[i];
        db[i] += d;
        dm[i] += kappa[k] * d;
        g += m[i] * d;
      }
      for (int i = 0; i < N; ++i) {
        dn[i] += (g + c[k]) * r[k * N + i];
        lambda[i] = (1 - a) * lambda[i] + (g + c[k]) * n[i];
      }
    }
    for (int i = 0; i < N; ++i) m[i] -= lr * dm[i], n[i] -= lr * dn[i], b[i] -= lr * db[i];
    return loss;
  }
};

void BM_GhostRnnRankOneDaEpoch(benchmark::State& state) {
  const fg::RunSpec spec = da_spec(1);
  fg::RnnTrainer trainer(spec);
  const fg::RnnNet start = trainer.net();
  learndyn::bench::LoopTimer timer;
  for (auto _ : state) benchmark::DoNotOptimize(trainer.epoch());
  const double fast = timer.seconds() / static_cast<double>(state.iterations());
  NaiveRankOne naive(start);
  ScalarLatent scalar(start);
  const double t_naive = learndyn::bench::seconds_per_call([&] { benchmark::DoNotOptimize(naive.epoch(1e-9)); });
  const double t_scalar = learndyn::bench::seconds_per_call([&] { benchmark::DoNotOptimize(scalar.epoch(1e-9)); });
  rg::RnnParams<double> p = rg::random_params<double>(100, 1, 0, rg::RnnInit::gaussian, spec.seed);
  rg::RnnBatch<double> batch = rg::make_task<double>(rg::RnnTaskKind::da, {0, 20, 20}, rg::LossScale::delay);
  rg::set_constant_initial(batch, 100, -0.3);
  const rg::RnnConfig<double> config;
  const double t_ref = learndyn::bench::seconds_per_call([&] {
    const rg::RnnGradient<double> g = rg::rnn_gradient(config, p, batch);
    p = rg::sgd_update(p, g.gradient, 1e-9);
  });
  state.counters["us_per_epoch"] = fast * 1e6;
  state.counters["target_us"] = 20;
  state.counters["speedup_vs_naive_dense_scalar"] = t_naive / fast;
  state.counters["speedup_vs_scalar_latent"] = t_scalar / fast;
  state.counters["speedup_vs_reference_double"] = t_ref / fast;
}
BENCHMARK(BM_GhostRnnRankOneDaEpoch)->Unit(benchmark::kMicrosecond)->UseRealTime();

void BM_GhostRnnFullRankDaEpoch(benchmark::State& state) {
  fg::RunSpec spec = da_spec(0);
  spec.config.readout = fg::RnnReadout::sigmoid;
  fg::RnnTrainer trainer(spec);
  learndyn::bench::LoopTimer timer;
  for (auto _ : state) benchmark::DoNotOptimize(trainer.epoch());
  const double fast = timer.seconds() / static_cast<double>(state.iterations());
  state.counters["us_per_epoch"] = fast * 1e6;
  // 3 T N^2 multiply-adds (W r, W^T delta, delta r^T): proofs/ghost_rnn.md §12.5.
  state.counters["GFLOP_per_s"] = 2.0 * 3 * 40 * 100 * 100 / fast / 1e9;
}
BENCHMARK(BM_GhostRnnFullRankDaEpoch)->Unit(benchmark::kMicrosecond)->UseRealTime();

// DMTS at rank 2 with the Fig. 4 code's draw (docs: 8 trials per class, B = 32, T = 38): one Adam
// epoch with the task's noise (0.01, N x T x B normals drawn per epoch) and without it, and
// (with noise) the draws by the vectorised stream against the scalar Box-Muller it replaced.
void BM_GhostRnnDmtsRankTwoEpoch(benchmark::State& state) {
  fg::RunSpec spec = fg::default_run(fg::RnnTask::dmts, 2);
  spec.init = fg::RnnInit::lowrank;
  spec.initial_sigma = 0.3;
  spec.trials_per_class = 8;
  spec.optimizer = fg::Optimizer::adam;
  spec.lr = 5e-4;
  spec.noise = state.range(0) ? 0.01 : 0.0;
  fg::RnnTrainer trainer(spec);
  learndyn::bench::LoopTimer timer;
  for (auto _ : state) benchmark::DoNotOptimize(trainer.epoch());
  const double epoch = timer.seconds() / static_cast<double>(state.iterations());
  state.counters["us_per_epoch"] = epoch * 1e6;
  if (spec.noise > 0) {
    // The epoch's N x T x B normals drawn both ways, side by side: the vectorised stream the
    // epoch uses (C18) and the scalar Box-Muller of Rng::normal it replaced (one of each pair
    // discarded). The epoch with the scalar draws is this epoch minus one plus the other.
    const fg::RnnBatch batch = fg::make_batch(spec, 1);
    const std::size_t n = batch.noise.size() * static_cast<std::size_t>(batch.noise[0].size());
    std::vector<double> z(n);
    learndyn::NormalStream stream(7);
    const double vectorised = learndyn::bench::seconds_per_call([&] {
      stream.fill(z.data(), n, spec.noise);
      benchmark::DoNotOptimize(z.data());
    });
    learndyn::Rng rng(7);
    const double scalar = learndyn::bench::seconds_per_call([&] {
      for (double& v : z) v = spec.noise * rng.normal();
      benchmark::DoNotOptimize(z.data());
    });
    state.counters["normals"] = static_cast<double>(n);
    state.counters["draw_us_stream"] = vectorised * 1e6;
    state.counters["draw_us_scalar"] = scalar * 1e6;
    state.counters["draw_speedup"] = scalar / vectorised;
    state.counters["us_per_epoch_scalar_draws"] = (epoch - vectorised + scalar) * 1e6;
    state.counters["epoch_speedup"] = (epoch - vectorised + scalar) / epoch;
  }
}
BENCHMARK(BM_GhostRnnDmtsRankTwoEpoch)->ArgNames({"noise"})->Arg(0)->Arg(1)
    ->Unit(benchmark::kMicrosecond)->UseRealTime();

void BM_GhostRnnRankOne200kEpochRun(benchmark::State& state) {
  fg::RunSpec spec = da_spec(1);
  spec.epochs = 200000;
  spec.record_every = 100;
  for (auto _ : state) benchmark::DoNotOptimize(fg::train_run(spec).final_loss);
  state.counters["epochs"] = 200000;
}
BENCHMARK(BM_GhostRnnRankOne200kEpochRun)->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();

// Fig. 6A-style sweep: 30 rates in logspace(-4, -1) x 10 seeds of the rank-one DA network,
// `epochs` each, on 1 or 2 threads; the counter is the aggregate epoch throughput.
std::vector<fg::RunSpec> sweep(long epochs) {
  std::vector<fg::RunSpec> specs;
  for (int i = 0; i < 30; ++i)
    for (int seed = 0; seed < 10; ++seed) {
      fg::RunSpec s = da_spec(1);
      s.lr = std::pow(10.0, -4.0 + 3.0 * i / 29.0);
      s.seed = static_cast<std::uint64_t>(seed);
      s.epochs = epochs;
      s.record_every = epochs;
      specs.push_back(s);
    }
  return specs;
}

void BM_GhostRnnSweep(benchmark::State& state) {
  const long epochs = 2000;
  const unsigned threads = static_cast<unsigned>(state.range(0));
  const std::vector<fg::RunSpec> specs = sweep(epochs);
  learndyn::bench::LoopTimer timer;
  for (auto _ : state) benchmark::DoNotOptimize(fg::train_runs(specs, threads).size());
  const double seconds = timer.seconds() / static_cast<double>(state.iterations());
  state.counters["epochs_per_s"] = static_cast<double>(specs.size()) * epochs / seconds;
  if (threads == 2) {
    const double one = learndyn::bench::seconds_per_call([&] { fg::train_runs(specs, 1); }, 0.0);
    state.counters["speedup_2_over_1_thread"] = one / seconds;
  }
}
BENCHMARK(BM_GhostRnnSweep)->ArgNames({"threads"})->Arg(1)->Arg(2)->Iterations(1)
    ->Unit(benchmark::kSecond)->UseRealTime();

}  // namespace
