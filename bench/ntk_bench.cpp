// The matrix-free NTK (proofs/ntk.md N17, N12', N29) on the trace-estimation benchmark of the
// companion paper (Hazelden, arXiv 2511.10796; proofs/ntk.md N38.6): GRU B = 50, T = 15, H = 64,
// n_in = 10 (48,000 states, 14,592 parameters).
// - a block of 32 NTK_S matvecs, 1 and 2 threads, with its FLOP rate against the measured
//   Eigen GEMM rate of the same kernel build, the per-step dense-Jacobian method (kpflow's:
//   B T n^2 stored) and the reference (double) beside it;
// - the same block's fraction of Eigen's GEMM rate measured interleaved with the GEMMs
//   (BM_NtkBlockVsGemm), and the float32 path beside the float64 one (BM_NtkBlockFloat32;
//   kpflow beside both: bench/kpflow_side_by_side.py);
// - scaling in B, T and n;
// - the effective rank by Hutch++ and Hutchinson at fixed matvec budgets, with the achieved
//   error against the exact value of the "direct" method (one matvec per state dimension);
// - the dense NTK matvec against the matrix-free one at a size where the dense matrix fits.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include <Eigen/Core>

#include "bench_support.hpp"
#include <learndyn/common/random.hpp>
#include <learndyn/fast/ntk/estimators.hpp>
#include <learndyn/fast/ntk/kernels.hpp>
#include <learndyn/fast/ntk/operators.hpp>
#include <learndyn/fast/ntk/parameters.hpp>
#include <learndyn/reference/ntk/model.hpp>
#include <learndyn/reference/ntk/operators.hpp>

namespace {
namespace fn = learndyn::fast::ntk;
namespace rn = learndyn::reference::ntk;

constexpr int kBatch = 50, kSteps = 15, kHidden = 64, kInputs = 10, kBlock = 32;

struct Problem {
  fn::Model model;
  fn::Inputs inputs;
};

Problem gru(int batch, int steps, int hidden) {
  const fn::Shape shape{fn::ModelKind::gru, hidden, kInputs, true};
  return {fn::random_model(shape, 1.0, 1.0, 2026), fn::random_inputs(shape, batch, steps, 1123)};
}

std::vector<double> probes(std::ptrdiff_t dim, int m) { return fn::rademacher(dim, m, 7); }

// FLOPs of one NTK_S block (N17, N12'): two sweeps of T-1 GEMMs (B m x n) (n x k n), and per
// site two GEMMs (BT x d)(d x m n).
double block_flops(const fn::Ntk& ntk, int m) {
  const fn::Linearization& lin = ntk.linearization();
  const double rows = double(lin.batch) * m, n = lin.hidden, k = lin.terms;
  double flops = 2 * (lin.steps - 1) * 2 * rows * n * k * n;
  for (const fn::Site& s : lin.sites) flops += 2 * 2.0 * lin.batch * lin.steps * s.d * m * n;
  return flops;
}

// The machine's double GEMM rate, the yardstick of the block's rate: Eigen's GEMM of the
// dispatched kernel build on square 1024 x 1024 matrices, on `threads` threads, each thread
// multiplying its own matrices (the aggregate rate of independent GEMMs: what two chunks could
// reach at best).
double square_gemm_rate(unsigned threads) {
  static std::map<unsigned, double> rates;
  if (rates.count(threads)) return rates[threads];
  const int n = 1024;
  const auto& k = fn::detail::kernels();
  std::vector<std::vector<double>> a(threads, std::vector<double>(std::size_t(n) * n, 0.5)),
      c(threads, std::vector<double>(std::size_t(n) * n));
  const auto run = [&](unsigned t) { k.multiply(a[t].data(), n, n, a[t].data(), n, c[t].data()); };
  const double s = learndyn::bench::seconds_per_call(
      [&] {
        std::vector<std::thread> team;
        for (unsigned t = 1; t < threads; ++t) team.emplace_back(run, t);
        run(0);
        for (std::thread& th : team) th.join();
        benchmark::DoNotOptimize(c[0].data());
      },
      0.5);
  return rates[threads] = threads * 2.0 * n * n * n / s;
}

// The Eigen GEMM rate of the dispatched kernel build at the sweep's shape, one thread.
double gemm_rate() {
  static const double rate = [] {
    const int rows = (kBatch / 2) * kBlock, inner = kHidden, cols = 3 * kHidden;
    std::vector<double> a(std::size_t(rows) * inner, 0.5), b(std::size_t(inner) * cols, 0.25),
        c(std::size_t(rows) * cols);
    const auto& k = fn::detail::kernels();
    const double s = learndyn::bench::seconds_per_call(
        [&] {
          k.multiply(a.data(), rows, inner, b.data(), cols, c.data());
          benchmark::DoNotOptimize(c.data());
        },
        0.3);
    return 2.0 * rows * inner * cols / s;
  }();
  return rate;
}

// kpflow's organisation: the per-step Jacobians stored dense (B T n^2 doubles) and the sweeps
// done as one (n x n)(n x m) product per (b, t); K as in the fast path.
class DenseJacobianNtk {
 public:
  explicit DenseJacobianNtk(const fn::Ntk& ntk) : ntk_(ntk) {
    const fn::Linearization& l = ntk.linearization();
    const int n = l.hidden;
    const std::size_t block = std::size_t(l.batch) * l.steps * n;
    jac_.resize(std::size_t(l.batch) * l.steps);
    for (int t = 0; t < l.steps; ++t)
      for (int b = 0; b < l.batch; ++b) {
        const std::size_t f = (std::size_t(t) * l.batch + b) * n;
        Eigen::MatrixXd j = Eigen::MatrixXd::Zero(n, n);
        for (int term = 0; term < l.terms; ++term) {
          const Eigen::Map<const Eigen::Matrix<double, -1, -1, Eigen::RowMajor>> w(
              l.w_stack.data() + std::size_t(term) * n * n, n, n);
          const Eigen::Map<const Eigen::VectorXd> left(l.left.data() + term * block + f, n);
          const Eigen::Map<const Eigen::VectorXd> right(l.right.data() + f, n);
          j += left.asDiagonal() * w * right.asDiagonal();
        }
        j.diagonal() += Eigen::Map<const Eigen::VectorXd>(l.c.data() + f, n);
        jac_[std::size_t(b) * l.steps + t] = j;
      }
  }
  void apply_ntk(const double* in, double* out, int m) {
    const fn::Linearization& l = ntk_.linearization();
    const int n = l.hidden;
    const std::ptrdiff_t dim = ntk_.dimension();
    tmp_.resize(std::size_t(dim) * m);
    tmp2_.resize(tmp_.size());
    sweep(in, tmp_.data(), m, false);
    ntk_.apply_k(tmp_.data(), tmp2_.data(), m);
    sweep(tmp2_.data(), out, m, true);
    (void)n;
  }

 private:
  // r_t = q_t + J_t r_{t-1} (forward) or r_t = q_t + J_{t+1}^T r_{t+1}, per batch row.
  void sweep(const double* in, double* out, int m, bool forward) {
    const fn::Linearization& l = ntk_.linearization();
    const int n = l.hidden, steps = l.steps;
    const std::ptrdiff_t dim = ntk_.dimension();
    using Strided = Eigen::Map<const Eigen::MatrixXd, 0, Eigen::OuterStride<>>;
    using StridedOut = Eigen::Map<Eigen::MatrixXd, 0, Eigen::OuterStride<>>;
    for (int b = 0; b < l.batch; ++b)
      for (int s = 0; s < steps; ++s) {
        const int t = forward ? s : steps - 1 - s;
        const std::ptrdiff_t off = (std::ptrdiff_t(b) * steps + t) * n;
        StridedOut r(out + off, n, m, Eigen::OuterStride<>(dim));
        r = Strided(in + off, n, m, Eigen::OuterStride<>(dim));
        if (forward && t > 0)
          r.noalias() += jac_[std::size_t(b) * steps + t] * Strided(out + off - n, n, m, Eigen::OuterStride<>(dim));
        if (!forward && t + 1 < steps)
          r.noalias() += jac_[std::size_t(b) * steps + t + 1].transpose() *
                         Strided(out + off + n, n, m, Eigen::OuterStride<>(dim));
      }
  }
  const fn::Ntk& ntk_;
  std::vector<Eigen::MatrixXd> jac_;
  std::vector<double> tmp_, tmp2_;
};

// A block of 32 NTK_S matvecs at the benchmark size. Args: threads.
void BM_NtkBlock(benchmark::State& state) {
  const unsigned threads = static_cast<unsigned>(state.range(0));
  const Problem p = gru(kBatch, kSteps, kHidden);
  const fn::Ntk ntk(p.model, p.inputs, {threads});
  const std::vector<double> q = probes(ntk.dimension(), kBlock);
  std::vector<double> out(q.size());
  learndyn::bench::LoopTimer first;  // the first call maps the workspaces (N48): timed apart
  ntk.apply_ntk(q.data(), out.data(), kBlock);
  state.counters["first_call_ms"] = first.seconds() * 1e3;
  learndyn::bench::LoopTimer timer;
  for (auto _ : state) {
    ntk.apply_ntk(q.data(), out.data(), kBlock);
    benchmark::DoNotOptimize(out.data());
  }
  const double seconds = timer.seconds() / double(state.iterations());
  const double flops = block_flops(ntk, kBlock);
  state.counters["block_ms"] = seconds * 1e3;
  state.counters["GFLOPs_per_s"] = flops / seconds / 1e9;
  state.counters["eigen_gemm_GFLOPs_per_s_1thread"] = gemm_rate() / 1e9;
  state.counters["fraction_of_gemm_rate"] = flops / seconds / (gemm_rate() * threads);
  state.counters["block_GFLOP"] = flops / 1e9;
  state.counters["square_gemm_GFLOPs_per_s"] = square_gemm_rate(threads) / 1e9;
  state.counters["fraction_of_square_gemm_rate"] = flops / seconds / square_gemm_rate(threads);
  state.counters["first_over_warm"] = state.counters["first_call_ms"] / (seconds * 1e3);
  const fn::Linearization& l = ntk.linearization();
  double bytes = 8.0 * (l.c.size() + l.left.size() + l.right.size() + l.w_stack.size());
  for (const fn::Site& s : l.sites) bytes += 8.0 * (s.v.size() + s.gain.size());
  state.counters["linearization_MB"] = bytes / 1e6;
  state.counters["dense_jacobians_MB"] = 8.0 * l.batch * l.steps * l.hidden * l.hidden / 1e6;
  if (threads == 2) {
    // Beside it: kpflow's dense per-step Jacobians, and the reference at double (one vector).
    DenseJacobianNtk dense(ntk);
    const double dense_s = learndyn::bench::seconds_per_call([&] { dense.apply_ntk(q.data(), out.data(), kBlock); }, 0.5);
    state.counters["dense_jacobians_block_ms"] = dense_s * 1e3;
    state.counters["speedup_vs_dense_jacobians"] = dense_s / seconds;
    rn::Model<double> rm{{rn::ModelKind::gru, kHidden, kInputs, true}, 1.0,
                         Eigen::Map<const Eigen::VectorXd>(p.model.theta.data(), p.model.theta.size())};
    rn::Inputs<double> ri{kBatch, kSteps,
                          Eigen::Map<const Eigen::Matrix<double, -1, -1, Eigen::RowMajor>>(p.inputs.x.data(), kBatch * kSteps, kInputs),
                          {}};
    const rn::Linearization<double> lin = rn::linearize(rm, ri);
    const Eigen::VectorXd v = Eigen::Map<const Eigen::VectorXd>(q.data(), ntk.dimension());
    const double ref_s = learndyn::bench::seconds_per_call([&] { benchmark::DoNotOptimize(rn::apply_ntk(lin, v)); }, 0.5);
    state.counters["reference_block_ms"] = ref_s * kBlock * 1e3;
    state.counters["speedup_vs_reference"] = ref_s * kBlock / seconds;
  }
}
double min_of(const std::vector<double>& v) { return *std::min_element(v.begin(), v.end()); }

BENCHMARK(BM_NtkBlock)->ComputeStatistics("min", min_of)->ArgNames({"threads"})->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

// The block's fraction of the machine's double GEMM rate, measured interleaved so that both
// see the same load (the machine is shared): each iteration times one block on `threads`
// threads, then `threads` independent Eigen GEMMs (same kernel build) on as many threads: one
// square 1024^3 each, and 40 of the sweep's shape (800 x 64)(64 x 192) each. Fractions per
// iteration (block GFLOP/s over GEMM GFLOP/s); counters: their median, min and max.
// Args: threads.
void BM_NtkBlockVsGemm(benchmark::State& state) {
  const unsigned threads = static_cast<unsigned>(state.range(0));
  const Problem p = gru(kBatch, kSteps, kHidden);
  const fn::Ntk ntk(p.model, p.inputs, {threads});
  const std::vector<double> q = probes(ntk.dimension(), kBlock);
  std::vector<double> out(q.size());
  ntk.apply_ntk(q.data(), out.data(), kBlock);
  const auto& k = fn::detail::kernels();
  const int sq = 1024, rows = (kBatch / 2) * kBlock, inner = kHidden, cols = 3 * kHidden, reps = 40;
  struct Mats {
    std::vector<double> a, c, sa, sb, sc;
  };
  std::vector<Mats> mats(threads);
  for (Mats& m : mats)
    m = {std::vector<double>(std::size_t(sq) * sq, 0.5), std::vector<double>(std::size_t(sq) * sq),
         std::vector<double>(std::size_t(rows) * inner, 0.5), std::vector<double>(std::size_t(inner) * cols, 0.25),
         std::vector<double>(std::size_t(rows) * cols)};
  const auto team = [&](auto&& body) {
    std::vector<std::thread> ts;
    for (unsigned t = 1; t < threads; ++t) ts.emplace_back(body, t);
    body(0u);
    for (std::thread& th : ts) th.join();
  };
  const double flops = block_flops(ntk, kBlock);
  // Process CPU time beside the wall clock: on a shared machine a time slice lost to another
  // process counts in the wall time but not in the CPU time, so the CPU-time fractions measure
  // the work's efficiency alone (threads waiting in the parallel layer's sleep do not count).
  const auto cpu = [] { return double(std::clock()) / CLOCKS_PER_SEC; };
  std::vector<double> vs_square, vs_sweep, block_ms, cpu_vs_square, cpu_vs_sweep;
  for (auto _ : state) {
    double c0 = cpu();
    learndyn::bench::LoopTimer b;
    ntk.apply_ntk(q.data(), out.data(), kBlock);
    benchmark::DoNotOptimize(out.data());
    const double tb = b.seconds(), cb = cpu() - c0;
    c0 = cpu();
    learndyn::bench::LoopTimer g;
    team([&](unsigned t) { k.multiply(mats[t].a.data(), sq, sq, mats[t].a.data(), sq, mats[t].c.data()); });
    const double tg = g.seconds(), cg = cpu() - c0;
    c0 = cpu();
    learndyn::bench::LoopTimer h;
    team([&](unsigned t) {
      for (int r = 0; r < reps; ++r) k.multiply(mats[t].sa.data(), rows, inner, mats[t].sb.data(), cols, mats[t].sc.data());
    });
    const double th = h.seconds(), ch = cpu() - c0;
    const double square_flops = threads * 2.0 * sq * sq * sq, sweep_flops = threads * reps * 2.0 * rows * inner * cols;
    block_ms.push_back(tb * 1e3);
    vs_square.push_back((flops / tb) / (square_flops / tg));
    vs_sweep.push_back((flops / tb) / (sweep_flops / th));
    cpu_vs_square.push_back((flops / cb) / (square_flops / cg));
    cpu_vs_sweep.push_back((flops / cb) / (sweep_flops / ch));
  }
  const auto put = [&](const char* name, std::vector<double> v) {
    std::sort(v.begin(), v.end());
    state.counters[std::string(name) + "_median"] = v[v.size() / 2];
    state.counters[std::string(name) + "_min"] = v.front();
    state.counters[std::string(name) + "_max"] = v.back();
  };
  put("fraction_of_square_gemm", vs_square);
  put("fraction_of_sweep_gemm", vs_sweep);
  put("block_ms", block_ms);
  put("cpu_fraction_of_square_gemm", cpu_vs_square);
  put("cpu_fraction_of_sweep_gemm", cpu_vs_sweep);
  state.counters["block_GFLOP"] = flops / 1e9;
}
BENCHMARK(BM_NtkBlockVsGemm)->ArgNames({"threads"})->Arg(1)->Arg(2)->Iterations(15)->Unit(benchmark::kMillisecond)->UseRealTime();

// The float32 operator path (proofs/ntk.md N52-N58) beside the float64 one, in the same
// process: each iteration applies a float64 block then a float32 block on the same probes, so
// both see the same load; per-path times and their ratio per iteration (median over
// iterations). Also the float32 block's largest error against float64, in units of its
// bound (N57: at most 1). Args: threads.
void BM_NtkBlockFloat32(benchmark::State& state) {
  const unsigned threads = static_cast<unsigned>(state.range(0));
  const Problem p = gru(kBatch, kSteps, kHidden);
  const fn::Ntk f64(p.model, p.inputs, {threads});
  const fn::Ntk f32(p.model, p.inputs, {threads, false, fn::Precision::float32});
  const std::vector<double> q = probes(f64.dimension(), kBlock);
  std::vector<double> out64(q.size()), out32(q.size());
  const auto block64 = [&] { f64.apply_ntk(q.data(), out64.data(), kBlock); };
  const auto block32 = [&] { f32.apply_ntk(q.data(), out32.data(), kBlock); };
  const learndyn::bench::SideBySide t = learndyn::bench::time_side_by_side(state, block64, block32);
  using learndyn::bench::median;
  const std::vector<double> m = fn::absolute_ntk_block(f64, q.data(), kBlock);
  const double gamma = fn::gamma_of(fn::float32_depth(f64.linearization()), fn::kFloat32UnitRoundoff) +
                       fn::gamma_of(fn::float32_depth(f64.linearization()), fn::kFloat64UnitRoundoff);
  double worst = 0, rel = 0, norm = 0;
  for (std::size_t i = 0; i < q.size(); ++i) {
    worst = std::max(worst, std::abs(out32[i] - out64[i]) / (gamma * m[i]));
    rel = std::max(rel, std::abs(out32[i] - out64[i]));
    norm = std::max(norm, std::abs(out64[i]));
  }
  const double flops = block_flops(f64, kBlock);
  state.counters["float64_block_ms"] = median(t.first) * 1e3;
  state.counters["float32_block_ms"] = median(t.second) * 1e3;
  state.counters["float32_min_block_ms"] = *std::min_element(t.second.begin(), t.second.end()) * 1e3;
  state.counters["float64_over_float32"] = median(t.ratio);
  state.counters["float32_GFLOPs_per_s"] = flops / median(t.second) / 1e9;
  state.counters["error_over_bound"] = worst;
  state.counters["max_abs_error_over_max_abs"] = rel / norm;
  state.counters["depth_D"] = double(fn::float32_depth(f64.linearization()));
}
BENCHMARK(BM_NtkBlockFloat32)
    ->ComputeStatistics("min", min_of)
    ->ArgNames({"threads"})
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// Scaling of one 32-matvec block in B, T, n (2 threads); time per (B T) should be flat.
void BM_NtkScaling(benchmark::State& state) {
  const int batch = int(state.range(0)), steps = int(state.range(1)), hidden = int(state.range(2));
  const Problem p = gru(batch, steps, hidden);
  const fn::Ntk ntk(p.model, p.inputs, {2});
  const std::vector<double> q = probes(ntk.dimension(), kBlock);
  std::vector<double> out(q.size());
  ntk.apply_ntk(q.data(), out.data(), kBlock);  // warm-up: first touch of the workspaces (N48)
  learndyn::bench::LoopTimer timer;
  for (auto _ : state) {
    ntk.apply_ntk(q.data(), out.data(), kBlock);
    benchmark::DoNotOptimize(out.data());
  }
  const double seconds = timer.seconds() / double(state.iterations());
  state.counters["block_ms"] = seconds * 1e3;
  state.counters["us_per_BT"] = seconds * 1e6 / (batch * steps);
  state.counters["GFLOPs_per_s"] = block_flops(ntk, kBlock) / seconds / 1e9;
}
BENCHMARK(BM_NtkScaling)
    ->ComputeStatistics("min", min_of)
    ->ArgNames({"B", "T", "n"})
    ->Args({25, 15, 64})
    ->Args({50, 15, 64})
    ->Args({100, 15, 64})
    ->Args({50, 8, 64})
    ->Args({50, 30, 64})
    ->Args({50, 15, 32})
    ->Args({50, 15, 128})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// The exact tr A and tr A^2 by the "direct" method: A e_j for every state dimension, in blocks.
struct Exact {
  double trace, trace_of_square, seconds;
};
const Exact& exact_benchmark_values() {
  static const Exact exact = [] {
    const Problem p = gru(kBatch, kSteps, kHidden);
    const fn::Ntk ntk(p.model, p.inputs, {2});
    const std::ptrdiff_t dim = ntk.dimension();
    const int m = 64;
    std::vector<double> e(std::size_t(dim) * m), out(e.size());
    double tr = 0, tr2 = 0;
    learndyn::bench::LoopTimer timer;
    for (std::ptrdiff_t j0 = 0; j0 < dim; j0 += m) {
      const int cols = int(std::min<std::ptrdiff_t>(m, dim - j0));
      std::fill(e.begin(), e.end(), 0.0);
      for (int c = 0; c < cols; ++c) e[std::size_t(c) * dim + j0 + c] = 1;
      ntk.apply_ntk(e.data(), out.data(), cols);
      for (int c = 0; c < cols; ++c) {
        const double* col = out.data() + std::size_t(c) * dim;
        tr += col[j0 + c];
        for (std::ptrdiff_t x = 0; x < dim; ++x) tr2 += col[x] * col[x];
      }
    }
    return Exact{tr, tr2, timer.seconds()};
  }();
  return exact;
}

// Effective rank (PR of NTK_S) by Hutch++ (Args: sketch, residual) or plain Hutchinson
// (sketch = 0, residual = probes), at the benchmark size, 2 threads: time and reported error.
fn::RankEstimate rank_estimate(const fn::SymmetricOperator& a, int sketch, int residual, std::uint64_t seed) {
  return sketch > 0 ? fn::hutch_plus_plus(a, sketch, residual, seed) : fn::hutchinson(a, residual, seed);
}

void BM_NtkEffectiveRank(benchmark::State& state) {
  const int sketch = int(state.range(0)), residual = int(state.range(1));
  const Problem p = gru(kBatch, kSteps, kHidden);
  const fn::Ntk ntk(p.model, p.inputs, {2});
  const fn::SymmetricOperator a{ntk.dimension(), [&](const double* in, double* out, int m) { ntk.apply_ntk(in, out, m); }};
  fn::RankEstimate r;
  learndyn::bench::LoopTimer timer;
  for (auto _ : state) benchmark::DoNotOptimize(r = rank_estimate(a, sketch, residual, 1));
  state.counters["ms"] = timer.seconds() / double(state.iterations()) * 1e3;
  state.counters["matvecs"] = r.matvecs;
  state.counters["pr_estimate"] = r.participation_ratio.value;
  state.counters["pr_reported_rel_se"] = r.participation_ratio.standard_error / r.participation_ratio.value;
}
BENCHMARK(BM_NtkEffectiveRank)
    ->ComputeStatistics("min", min_of)
    ->ArgNames({"sketch", "residual"})
    ->Args({16, 32})
    ->Args({32, 32})
    ->Args({32, 64})
    ->Args({0, 40})
    ->Args({0, 64})
    ->Args({0, 80})
    ->Args({0, 96})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// Where Hutch++'s time goes (Args: sketch, residual; 2 threads): the time inside the
// operator's block matvecs, timed around each apply, and the rest (the SVQB orthonormalisation,
// the projection of the residual probes, the probes and the inner products), beside the time
// of the same number of matvecs in blocks of 32.
void BM_NtkHutchPlusPlusAccount(benchmark::State& state) {
  const int sketch = int(state.range(0)), residual = int(state.range(1));
  const Problem p = gru(kBatch, kSteps, kHidden);
  const fn::Ntk ntk(p.model, p.inputs, {2});
  double inside = 0;
  int calls = 0;
  const fn::SymmetricOperator a{ntk.dimension(), [&](const double* in, double* out, int m) {
                                  learndyn::bench::LoopTimer t;
                                  ntk.apply_ntk(in, out, m);
                                  inside += t.seconds();
                                  ++calls;
                                }};
  fn::RankEstimate r = fn::hutch_plus_plus(a, sketch, residual, 1);  // warm-up: the pools (N48)
  inside = 0;
  calls = 0;
  learndyn::bench::LoopTimer timer;
  for (auto _ : state) benchmark::DoNotOptimize(r = fn::hutch_plus_plus(a, sketch, residual, 1));
  const double n = double(state.iterations()), total = timer.seconds() / n;
  const std::vector<double> q = probes(ntk.dimension(), kBlock);
  std::vector<double> out(q.size());
  const double block = learndyn::bench::seconds_per_call([&] { ntk.apply_ntk(q.data(), out.data(), kBlock); }, 0.3);
  state.counters["ms"] = total * 1e3;
  state.counters["matvecs"] = r.matvecs;
  state.counters["applies_per_call"] = calls / n;
  state.counters["matvec_ms"] = inside / n * 1e3;
  state.counters["rest_ms"] = (total - inside / n) * 1e3;
  state.counters["same_matvecs_in_32_blocks_ms"] = block * r.matvecs / kBlock * 1e3;
}
BENCHMARK(BM_NtkHutchPlusPlusAccount)
    ->ArgNames({"sketch", "residual"})
    ->Args({32, 32})
    ->Args({16, 32})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// The same estimators' achieved error against the exact PR of the direct method (48,000
// matvecs, timed once): RMS relative error and RMS of error / reported standard error over 10
// seeds. Slow (minutes): run it alone with --benchmark_filter=Accuracy.
void BM_NtkEffectiveRankAccuracy(benchmark::State& state) {
  const int sketch = int(state.range(0)), residual = int(state.range(1));
  const Problem p = gru(kBatch, kSteps, kHidden);
  const fn::Ntk ntk(p.model, p.inputs, {2});
  const fn::SymmetricOperator a{ntk.dimension(), [&](const double* in, double* out, int m) { ntk.apply_ntk(in, out, m); }};
  const Exact& ex = exact_benchmark_values();
  for (auto _ : state) {
  }
  const double pr = ex.trace * ex.trace / ex.trace_of_square;
  double sq = 0, z = 0, tr_sq = 0;
  for (int s = 0; s < 10; ++s) {
    const fn::RankEstimate e = rank_estimate(a, sketch, residual, 100 + s);
    sq += std::pow(e.participation_ratio.value / pr - 1, 2);
    tr_sq += std::pow(e.trace.value / ex.trace - 1, 2);
    z += std::pow((e.participation_ratio.value - pr) / e.participation_ratio.standard_error, 2);
  }
  state.counters["pr_exact"] = pr;
  state.counters["trace_exact"] = ex.trace;
  state.counters["pr_rel_error_rms10"] = std::sqrt(sq / 10);
  state.counters["trace_rel_error_rms10"] = std::sqrt(tr_sq / 10);
  state.counters["pr_error_over_se_rms10"] = std::sqrt(z / 10);
  state.counters["direct_exact_s"] = ex.seconds;
}
BENCHMARK(BM_NtkEffectiveRankAccuracy)
    ->ArgNames({"sketch", "residual"})
    ->Args({16, 32})
    ->Args({32, 32})
    ->Args({32, 64})
    ->Args({0, 64})
    ->Args({0, 80})
    ->Args({0, 96})
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

// The dense NTK (N x N, formed once) against the matrix-free block at a size where it fits
// (GRU B = 4, T = 15, n = 32: N = 1920).
void BM_NtkDenseVsMatrixFree(benchmark::State& state) {
  const Problem p = gru(4, kSteps, 32);
  const fn::Ntk ntk(p.model, p.inputs, {2});
  const std::ptrdiff_t dim = ntk.dimension();
  const std::vector<double> q = probes(dim, kBlock);
  std::vector<double> out(q.size());
  ntk.apply_ntk(q.data(), out.data(), kBlock);  // warm-up: first touch of the workspaces (N48)
  learndyn::bench::LoopTimer timer;
  for (auto _ : state) {
    ntk.apply_ntk(q.data(), out.data(), kBlock);
    benchmark::DoNotOptimize(out.data());
  }
  const double seconds = timer.seconds() / double(state.iterations());
  Eigen::MatrixXd id = Eigen::MatrixXd::Identity(dim, dim), dense(dim, dim);
  const double form = learndyn::bench::seconds_per_call([&] { ntk.apply_ntk(id.data(), dense.data(), int(dim)); }, 0.0);
  const Eigen::Map<const Eigen::MatrixXd> qm(q.data(), dim, kBlock);
  Eigen::MatrixXd r(dim, kBlock);
  const double dense_s = learndyn::bench::seconds_per_call([&] { r.noalias() = dense * qm; benchmark::DoNotOptimize(r.data()); }, 0.3);
  state.counters["matrix_free_block_ms"] = seconds * 1e3;
  state.counters["dense_block_ms"] = dense_s * 1e3;
  state.counters["dense_form_ms"] = form * 1e3;
  state.counters["dense_MB"] = 8.0 * dim * dim / 1e6;
  state.counters["dense_over_matrix_free"] = dense_s / seconds;
}
BENCHMARK(BM_NtkDenseVsMatrixFree)->Unit(benchmark::kMillisecond)->UseRealTime();

// The state Fisher F v = G^T P* P G v (N49) at the benchmark size, 2 threads, beside one NTK_S
// matvec (m = 1) and one G^T (the parameter gradient's last step).
void BM_NtkFisher(benchmark::State& state) {
  const Problem p = gru(kBatch, kSteps, kHidden);
  const fn::Ntk ntk(p.model, p.inputs, {2});
  const std::vector<double> v = probes(fn::parameter_count(p.model.shape), 1);
  const std::vector<double> q = probes(ntk.dimension(), 1);
  std::vector<double> out(q.size());
  benchmark::DoNotOptimize(fn::apply_fisher(ntk, p.model.shape, v));  // warm-up (N48)
  learndyn::bench::LoopTimer timer;
  for (auto _ : state) benchmark::DoNotOptimize(fn::apply_fisher(ntk, p.model.shape, v));
  state.counters["fisher_ms"] = timer.seconds() / double(state.iterations()) * 1e3;
  state.counters["ntk_matvec_ms"] =
      learndyn::bench::seconds_per_call([&] { ntk.apply_ntk(q.data(), out.data(), 1); }, 0.3) * 1e3;
  state.counters["g_adjoint_ms"] =
      learndyn::bench::seconds_per_call([&] { benchmark::DoNotOptimize(fn::apply_g_adjoint(ntk, p.model.shape, q.data())); }, 0.3) * 1e3;
}
BENCHMARK(BM_NtkFisher)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
