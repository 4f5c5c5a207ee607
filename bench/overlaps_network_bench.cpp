// The fast full-network SGD epoch (proofs/overlaps_fast.md §3): N = 1e4 and 1e5, T = 400,
// linear and erf, 1 and 2 threads, with its byte count (OF11), the achieved bandwidth, the
// machine's measured bandwidth at the same footprint and thread count (STREAM-like triad and a
// read-only dot product) and the ratio of the time to that bound; the 2-thread speedup; and the
// fast network against the straightforward dense implementation and the reference at small N.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <map>
#include <vector>
#include <tuple>

#include "bench_support.hpp"
#include <learndyn/common/random.hpp>
#include <learndyn/fast/overlaps/bandwidth.hpp>
#include <learndyn/fast/overlaps/dense_network.hpp>
#include <learndyn/fast/overlaps/erf.hpp>
#include <learndyn/fast/overlaps/network.hpp>
#include <learndyn/reference/overlaps/network.hpp>

#include "overlaps_bench_support.hpp"

namespace {
namespace fo = learndyn::fast::overlaps;
namespace ro = learndyn::reference::overlaps;

using namespace learndyn::bench::overlaps;

// Measured once per (footprint, threads): the probes take ~0.5 s.
fo::Bandwidth bandwidth_at(std::size_t bytes, unsigned threads) {
  static std::map<std::pair<std::size_t, unsigned>, fo::Bandwidth> cache;
  const auto key = std::make_pair(bytes, threads);
  const auto it = cache.find(key);
  if (it != cache.end()) return it->second;
  return cache[key] = fo::measure_bandwidth(bytes, threads);
}

// Seconds per value of phi and phi' together (the network's per-neuron transcendental cost).
double erf_and_gauss_seconds() {
  static const double seconds = [] {
    std::vector<double> x(4096), y(4096), g(4096);
    learndyn::Rng rng(3);
    for (double& v : x) v = 2 * rng.normal();  // |c h| of an O(1) state
    return learndyn::bench::seconds_per_call([&] {
      fo::erf_and_gaussian(x.data(), x.size(), y.data(), g.data());
      benchmark::DoNotOptimize(y.data());
      benchmark::DoNotOptimize(g.data());
    }, 0.1) / static_cast<double>(x.size());
  }();
  return seconds;
}

double epoch_seconds(int activation, int neurons, unsigned threads) {
  const fo::Task task = fo::filter_task(kDt, kSteps);
  fo::NetworkTrainer trainer(model_for(activation), fo::random_network(neurons, 1, 1), {threads});
  return learndyn::bench::seconds_per_call([&] { benchmark::DoNotOptimize(trainer.epoch(task, lr_for(activation))); }, 0.3);
}

// Args: activation, N, threads.
void BM_OverlapsNetworkEpoch(benchmark::State& state) {
  const int activation = static_cast<int>(state.range(0));
  const int neurons = static_cast<int>(state.range(1));
  const unsigned threads = static_cast<unsigned>(state.range(2));
  const fo::Model model = model_for(activation);
  const fo::Task task = fo::filter_task(kDt, kSteps);
  fo::NetworkTrainer trainer(model, fo::random_network(neurons, 1, 1), {threads});
  learndyn::bench::LoopTimer timer;
  for (auto _ : state) benchmark::DoNotOptimize(trainer.epoch(task, lr_for(activation)));
  const double seconds = timer.seconds() / static_cast<double>(state.iterations());

  // Roofline (OF11): the bytes the algorithm moves, at the bandwidth this machine reaches on
  // the same footprint (the packed vectors, swept every step) with the same threads.
  const double bytes = fo::epoch_bytes(model, neurons, kSteps);
  const std::size_t footprint = static_cast<std::size_t>(8.0 * 4 * (neurons + 255) / 256 * 256);
  const fo::Bandwidth bw = bandwidth_at(footprint, threads);
  const double best = std::max(bw.read, bw.triad);
  state.counters["epoch_ms"] = seconds * 1e3;
  state.counters["bytes_per_epoch_MB"] = bytes / 1e6;
  state.counters["achieved_GBps"] = bytes / seconds / 1e9;
  state.counters["machine_read_GBps"] = bw.read / 1e9;
  state.counters["machine_triad_GBps"] = bw.triad / 1e9;
  state.counters["bandwidth_bound_ms"] = bytes / best * 1e3;
  state.counters["time_over_bandwidth_bound"] = seconds / (bytes / best);
  // erf: two (phi, phi') evaluations per neuron and step (forward sweep, gradient pass) at the
  // kernel's own measured throughput give a compute floor beside the bandwidth one.
  if (activation == 1) {
    const double padded = (neurons + 255) / 256 * 256.0;
    const double floor = 2 * padded * kSteps * erf_and_gauss_seconds() / threads;
    state.counters["erf_compute_bound_ms"] = floor * 1e3;
    state.counters["time_over_max_bound"] = seconds / std::max(floor, bytes / best);
  }
  if (threads == 2) state.counters["speedup_2_vs_1_thread"] = epoch_seconds(activation, neurons, 1) / seconds;
}
BENCHMARK(BM_OverlapsNetworkEpoch)
    ->ComputeStatistics("min", min_of)
    ->ArgNames({"erf", "N", "threads"})
    ->Args({0, 10000, 1})
    ->Args({0, 10000, 2})
    ->Args({1, 10000, 1})
    ->Args({1, 10000, 2})
    ->Args({0, 100000, 2})
    ->Args({1, 100000, 2})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// The DRAM bandwidth for reference (256 MB footprint, 2 threads): what a network too large
// for the caches would be bound by.
void BM_OverlapsMachineBandwidth(benchmark::State& state) {
  const std::size_t bytes = static_cast<std::size_t>(state.range(0)) << 10;
  const unsigned threads = static_cast<unsigned>(state.range(1));
  fo::Bandwidth bw{};
  for (auto _ : state) bw = fo::measure_bandwidth(bytes, threads, 3, 0.05);
  state.counters["read_GBps"] = bw.read / 1e9;
  state.counters["triad_GBps"] = bw.triad / 1e9;
}
BENCHMARK(BM_OverlapsMachineBandwidth)
    ->ComputeStatistics("min", min_of)
    ->ArgNames({"KiB", "threads"})
    ->Args({320, 1})
    ->Args({320, 2})
    ->Args({3200, 2})
    ->Args({262144, 2})
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

// Fast epoch (1 thread) against the dense implementation (W formed, O(N^2 T)) and the
// reference BPTT at double, at small N (T = 400, filter task).
void BM_OverlapsNetworkVsNaive(benchmark::State& state) {
  const int activation = static_cast<int>(state.range(0));
  const int neurons = static_cast<int>(state.range(1));
  const fo::Model model = model_for(activation);
  const fo::Task task = fo::filter_task(kDt, kSteps);
  const fo::Network net = fo::random_network(neurons, 1, 1);
  fo::NetworkTrainer trainer(model, net, {1});
  learndyn::bench::LoopTimer timer;
  for (auto _ : state) benchmark::DoNotOptimize(trainer.epoch(task, lr_for(activation)));
  const double fast = timer.seconds() / static_cast<double>(state.iterations());
  fo::Network dense = net;
  const double naive = learndyn::bench::seconds_per_call([&] {
    benchmark::DoNotOptimize(fo::dense::sgd_epoch(model, task, lr_for(activation), dense));
  });
  const ro::Model<double> rmodel{1, kDt, activation ? ro::Activation::erf : ro::Activation::linear,
                                 activation ? ro::Readout::before_update : ro::Readout::after_update};
  const ro::Task<double> rtask{task.input, task.target, task.weight};
  const ro::Network<double> rnet{net.z, net.m, net.U, net.V};
  const double reference = learndyn::bench::seconds_per_call([&] {
    benchmark::DoNotOptimize(ro::network_gradient(rmodel, rnet, rtask).loss);
  });
  state.counters["speedup_vs_dense_naive"] = naive / fast;
  state.counters["speedup_vs_reference_double"] = reference / fast;
}
BENCHMARK(BM_OverlapsNetworkVsNaive)
    ->ComputeStatistics("min", min_of)
    ->ArgNames({"erf", "N"})
    ->Args({0, 100})
    ->Args({0, 500})
    ->Args({1, 100})
    ->Args({1, 500})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
