// The fast self-attention NTK (proofs/ntk.md N45-N46) at the paper's Fig. 6/9 size: d_model
// (d_a) 64, MLP 128, T = 50 tokens, d_in 16, B = 4 sequences (D = 385 states per token, 77,000
// in all):
// - a block of 32 NTK_S matvecs, 1 and 2 threads, with its FLOP rate (N46) against the
//   measured Eigen GEMM rate at the attention's T x d_a x T shape, and the reference at double
//   (one vector at a time, Neumann sum I + S + S^2 + S^3) beside it;
// - one temporal rank (the unit of `learndyn ntk attention-rank`: T matvecs and a T x T PR);
// - the float32 path beside the float64 one (BM_AttentionBlockFloat32, proofs/ntk.md N68-N72): the
//   same block timed in both precisions in each iteration, the median of the per-iteration
//   ratios, and the float32 block's error against float64 and against the N72 bound.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "bench_support.hpp"
#include <learndyn/fast/ntk/attention.hpp>
#include <learndyn/fast/ntk/estimators.hpp>
#include <learndyn/fast/ntk/kernels.hpp>
#include <learndyn/reference/ntk/attention.hpp>

namespace {
namespace fn = learndyn::fast::ntk;
namespace rn = learndyn::reference::ntk;

constexpr int kInputs = 16, kAttention = 64, kMlp = 128, kOutputs = 1, kBatch = 4, kSteps = 50, kBlock = 32;

const fn::AttentionShape kShape{kInputs, kAttention, kMlp, kOutputs};

// (N46) FLOPs of one NTK_S matvec: P and P* per (probe, sequence), K per probe.
double matvec_flops() {
  const double T = kSteps, da = kAttention, dh = kMlp, dout = kOutputs, di = kInputs;
  const double layers = kBatch * (16 * T * T * da + 4 * T * da * dh + 4 * T * dh * dout);
  const double core = 4.0 * kBatch * T * (3 * da * di + (da + 1) * dh + (dh + 1) * dout);
  return layers + core;
}

// The Eigen GEMM rate of the dispatched build (AVX2+FMA when the CPU has it: the NTK kernels'
// `multiply`, the same Eigen and flags as the attention kernels) at the attention score shape
// (T x d_a)(d_a x T), one thread.
double gemm_rate() {
  static const double rate = [] {
    std::vector<double> a(std::size_t(kSteps) * kAttention, 0.5), b(std::size_t(kAttention) * kSteps, 0.25),
        c(std::size_t(kSteps) * kSteps);
    const auto& k = fn::detail::kernels();
    const double s = learndyn::bench::seconds_per_call(
        [&] {
          k.multiply(a.data(), kSteps, kAttention, b.data(), kSteps, c.data());
          benchmark::DoNotOptimize(c.data());
        },
        0.3);
    return 2.0 * kSteps * kAttention * kSteps / s;
  }();
  return rate;
}

// A block of 32 NTK_S matvecs. Args: threads.
void BM_AttentionNtkBlock(benchmark::State& state) {
  const unsigned threads = static_cast<unsigned>(state.range(0));
  const fn::AttentionModel model = fn::random_attention(kShape, 2026);
  const fn::AttentionInputs inputs = fn::random_attention_inputs(kShape, kBatch, kSteps, 1123);
  const fn::AttentionNtk ntk(model, inputs, {threads});
  const std::vector<double> q = fn::rademacher(ntk.dimension(), kBlock, 7);
  std::vector<double> out(q.size());
  ntk.apply_ntk(q.data(), out.data(), kBlock);  // warm-up: the scratch blocks are allocated once
  learndyn::bench::LoopTimer timer;
  for (auto _ : state) {
    ntk.apply_ntk(q.data(), out.data(), kBlock);
    benchmark::DoNotOptimize(out.data());
  }
  const double seconds = timer.seconds() / double(state.iterations());
  const double flops = matvec_flops() * kBlock;
  state.counters["block_ms"] = seconds * 1e3;
  state.counters["kernels_avx2"] = std::string(ntk.kernel_name()) == "avx2+fma";
  state.counters["GFLOPs_per_s"] = flops / seconds / 1e9;
  state.counters["eigen_gemm_GFLOPs_per_s_1thread"] = gemm_rate() / 1e9;
  state.counters["fraction_of_gemm_rate"] = flops / seconds / (gemm_rate() * threads);
  if (threads == 2) {
    // Beside it: the reference at double, one vector (its operators take one vector).
    rn::AttentionModel<double> rm{{kInputs, kAttention, kMlp, kOutputs},
                                  Eigen::Map<const Eigen::VectorXd>(model.theta.data(), model.theta.size())};
    const Eigen::MatrixXd x =
        Eigen::Map<const Eigen::Matrix<double, -1, -1, Eigen::RowMajor>>(inputs.x.data(), kBatch * kSteps, kInputs);
    const rn::AttentionNtk<double> ref(rm, x, kBatch, kSteps);
    const Eigen::VectorXd v = Eigen::Map<const Eigen::VectorXd>(q.data(), ntk.dimension());
    const double ref_s = learndyn::bench::seconds_per_call([&] { benchmark::DoNotOptimize(ref.apply_ntk(v)); }, 0.5);
    state.counters["reference_block_ms"] = ref_s * kBlock * 1e3;
    state.counters["speedup_vs_reference"] = ref_s * kBlock / seconds;
  }
}
BENCHMARK(BM_AttentionNtkBlock)->ArgNames({"threads"})->Arg(1)->Arg(2)->MinTime(2.0)->Unit(benchmark::kMillisecond)->UseRealTime();

// A block of 32 NTK_S matvecs in float64 and in float32, side by side in each iteration (so a
// machine shared with other work loads both alike); float64_over_float32 is the median of the
// per-iteration ratios. Args: threads.
void BM_AttentionBlockFloat32(benchmark::State& state) {
  const unsigned threads = static_cast<unsigned>(state.range(0));
  const fn::AttentionModel model = fn::random_attention(kShape, 2026);
  const fn::AttentionInputs inputs = fn::random_attention_inputs(kShape, kBatch, kSteps, 1123);
  const fn::AttentionNtk f64(model, inputs, {threads});
  const fn::AttentionNtk f32(model, inputs, {threads, false, fn::Precision::float32});
  const std::vector<double> q = fn::rademacher(f64.dimension(), kBlock, 7);
  std::vector<double> out64(q.size()), out32(q.size());
  const auto block64 = [&] { f64.apply_ntk(q.data(), out64.data(), kBlock); };
  const auto block32 = [&] { f32.apply_ntk(q.data(), out32.data(), kBlock); };
  const learndyn::bench::SideBySide t = learndyn::bench::time_side_by_side(state, block64, block32);
  using learndyn::bench::median;
  // (N72) the componentwise bound (gamma_D(u32) + gamma_D(u64)) M^ / (1 - gamma_D(u64)).
  const long depth = fn::attention_float32_depth(kShape, kBatch, kSteps);
  const double g64 = fn::gamma_of(depth, fn::kFloat64UnitRoundoff);
  const double scale = (fn::gamma_of(depth, fn::kFloat32UnitRoundoff) + g64) / (1 - g64);
  const std::vector<double> m = fn::absolute_ntk_block(f64, q.data(), kBlock);
  double worst = 0, largest_error = 0, largest = 0;
  for (std::size_t i = 0; i < q.size(); ++i) {
    const double e = std::abs(out32[i] - out64[i]);
    if (e > 0) worst = std::max(worst, e / (scale * m[i]));
    largest_error = std::max(largest_error, e);
    largest = std::max(largest, std::abs(out64[i]));
  }
  state.counters["float64_block_ms"] = median(t.first) * 1e3;
  state.counters["float32_block_ms"] = median(t.second) * 1e3;
  state.counters["float64_over_float32"] = median(t.ratio);
  state.counters["float32_GFLOPs_per_s"] = matvec_flops() * kBlock / median(t.second) / 1e9;
  state.counters["error_over_bound"] = worst;
  state.counters["max_abs_error_over_max_abs"] = largest_error / largest;
  state.counters["depth_D"] = double(depth);
}
BENCHMARK(BM_AttentionBlockFloat32)->ArgNames({"threads"})->Arg(1)->Arg(2)->MinTime(2.0)->Unit(benchmark::kMillisecond)->UseRealTime();

// One temporal rank: the T x T reduction (N22, T = 50 matvecs in one block) and its PR.
void BM_AttentionTemporalRank(benchmark::State& state) {
  const fn::AttentionModel model = fn::random_attention(kShape, 2026);
  const fn::AttentionNtk ntk(model, fn::random_attention_inputs(kShape, kBatch, kSteps, 1123), {2});
  double rank = 0;
  std::vector<double> warm(std::size_t(ntk.dimension()) * kSteps, 1.0), image(warm.size());
  ntk.apply_ntk(warm.data(), image.data(), kSteps);  // warm-up: the scratch blocks are allocated once
  for (auto _ : state) {
    const std::vector<double> red =
        fn::reduced_operator(ntk.ntk_operator(), kBatch, kSteps, kShape.state_size(), {false, true, false});
    rank = fn::small_metrics(red, kSteps).participation_ratio;
    benchmark::DoNotOptimize(rank);
  }
  state.counters["temporal_rank"] = rank;
}
BENCHMARK(BM_AttentionTemporalRank)->MinTime(2.0)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
