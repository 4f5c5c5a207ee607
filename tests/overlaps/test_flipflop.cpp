// `overlaps flipflop` (Figs 4a-c, 8) at small sizes: each test states a property the paper
// claims or the theory proves and can fail; the bounds are justified in
// proofs/overlaps_experiments.md (E41-E43) and proofs/overlaps.md (O56-O60).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <learndyn/common/argument_error.hpp>
#include <learndyn/common/random.hpp>
#include <learndyn/experiments/overlaps/flipflop.hpp>

namespace {
namespace ex = learndyn::experiments::overlaps;
using learndyn::ArgumentError;

// A short flip-flop run: trials of 5 s at dt 0.05 (T = 100), 2 per batch, random start.
ex::FlipFlopRunSettings small(int neurons, long epochs, std::uint64_t seed) {
  ex::FlipFlopRunSettings s;
  s.neurons = neurons;
  s.epochs = epochs;
  s.record_every = 1;
  s.task.dt = 0.05;
  s.task.t_max = 5;
  s.task.batch = 2;
  s.init = ex::FlipFlopInit::random;
  s.trace_t_max = 10;
  s.null_samples = 200;
  s.seed = seed;
  s.threads = 1;
  return s;
}

// (E41) At small flow time (lr E = 0.5) the 10-D theory follows the N-dimensional network: the
// overlaps within 1e-3 at N = 250 and 4000 (measured at most 1.1e-4), and the loss gap is the mean
// field's sampling fluctuation: its geometric mean over 4 seeds falls by more than 2 from N = 250
// to N = 4000 (predicted 4 = 16^(1/2); measured 6.5).
TEST(OverlapsFlipFlop, TheoryFollowsTheNetworkAtSmallFlowTimeAndTheLossGapFallsWithN) {
  double log_small = 0, log_large = 0;
  for (std::uint64_t seed = 0; seed < 4; ++seed) {
    const ex::FlipFlopResult a = ex::run_flipflop(small(250, 10, seed));
    const ex::FlipFlopResult b = ex::run_flipflop(small(4000, 10, seed));
    log_small += std::log(a.summary.get("max_loss_gap_theory_relative"));
    log_large += std::log(b.summary.get("max_loss_gap_theory_relative"));
    EXPECT_LT(a.summary.get("gap_theory_max"), 1e-3) << "seed " << seed;
    EXPECT_LT(b.summary.get("gap_theory_max"), 1e-3) << "seed " << seed;
  }
  EXPECT_GT(std::exp((log_small - log_large) / 4), 2.0);
}

// (O57) Before training the theory starts from the network's own Gram matrix (O45), so the
// effective RNN's trace at the theory's Sigma is the one at the network's, bit for bit; and the
// effective RNN follows the network itself to the mean field's O(N^-1/2): the RMS gap over the
// trial falls by more than 2 from N = 250 to N = 4000 (4 predicted).
TEST(OverlapsFlipFlop, EffectiveRnnAtTheStartIsTheNetworksMeanField) {
  const ex::FlipFlopResult a = ex::run_flipflop(small(250, 0, 3));
  const ex::FlipFlopResult b = ex::run_flipflop(small(4000, 0, 3));
  for (const ex::FlipFlopResult* r : {&a, &b}) {
    const auto th = r->traces.column("y_effective_theory"), own = r->traces.column("y_effective_network");
    ASSERT_EQ(th.size(), 200u);
    for (std::size_t k = 0; k < th.size(); ++k) ASSERT_EQ(th[k], own[k]) << "step " << k;
  }
  EXPECT_GT(a.summary.get("trace_rms_network_vs_own_sigma") / b.summary.get("trace_rms_network_vs_own_sigma"), 2.0);
}

// (O58) The direct baseline's step is -lr (G - diag G / 2) with G_AA = 0 exactly: sigma_zz,
// sigma_zv, sigma_vv never move under it, bit for bit; under the Gram-matrix metric they do.
TEST(OverlapsFlipFlop, DirectBaselineNeverMovesTheInvisibleOverlaps) {
  const ex::FlipFlopResult r = ex::run_flipflop(small(200, 20, 1));
  for (const std::string name : {"zv", "vv", "zz"}) {
    const auto d = r.trajectory.column("direct_" + name), t = r.trajectory.column("theory_" + name);
    for (double x : d) ASSERT_EQ(x, d.front()) << name;
    EXPECT_NE(t.back(), t.front()) << name;
  }
  // A visible one moves under both.
  const auto d = r.trajectory.column("direct_vm");
  EXPECT_NE(d.back(), d.front());
}

// (O59) The Q-Q correlation: exactly 1 for the normal quantiles themselves and for any increasing
// affine image of them; a uniform sample of 600 lies far below the Gaussian null's 1% quantile,
// which itself lies in (0.99, 1) at n = 600.
TEST(OverlapsFlipFlop, QqCorrelationSeparatesGaussianFromUniformSamples) {
  std::vector<double> q = ex::normal_order_quantiles(600);
  EXPECT_NEAR(ex::qq_correlation(q), 1.0, 1e-14);
  for (double& x : q) x = 3 * x - 2;
  std::reverse(q.begin(), q.end());  // order does not matter: the sample is sorted
  EXPECT_NEAR(ex::qq_correlation(q), 1.0, 1e-14);
  learndyn::Rng rng(7);
  std::vector<double> uniform(600);
  for (double& x : uniform) x = rng.uniform();
  const double null01 = ex::qq_null_quantile(600, 400, 0.01, 11);
  EXPECT_GT(null01, 0.99);
  EXPECT_LT(null01, 1.0);
  EXPECT_LT(ex::qq_correlation(uniform), null01 - 0.005);
}

// (O60) Each histogram is a density (sum density x width = 1) and so is its Gaussian reference
// to within the tails it leaves out; the Q-Q table holds each vector's entries in order.
TEST(OverlapsFlipFlop, HistogramsAreDensitiesAndQqColumnsAreSorted) {
  const ex::FlipFlopResult r = ex::run_flipflop(small(300, 3, 2));
  const auto x = r.histogram.column("x");
  const double width = x[1] - x[0];
  for (const std::string v : {"m", "u", "v", "z"}) {
    double total = 0;
    for (double d : r.histogram.column(v)) total += d * width;
    EXPECT_NEAR(total, 1.0, 1e-12) << v;
    const auto sorted = r.qq.column(v);
    EXPECT_TRUE(std::is_sorted(sorted.begin(), sorted.end())) << v;
  }
}

// Adam has no overlap theory (O61): the theory columns are absent (NaN), the network learns.
TEST(OverlapsFlipFlop, AdamRunCarriesNoTheory) {
  ex::FlipFlopRunSettings s = small(100, 5, 0);
  s.optimizer = ex::FlipFlopOptimizer::adam;
  s.lr = 5e-3;
  const ex::FlipFlopResult r = ex::run_flipflop(s);
  EXPECT_TRUE(std::isnan(r.summary.get("loss_theory_final")));
  EXPECT_TRUE(std::isnan(r.traces.column("y_effective_theory").front()));
  EXPECT_TRUE(std::isfinite(r.summary.get("loss_network_final")));
}

// The same seed gives the same numbers whatever the thread count (N above one chunk of 16384).
TEST(OverlapsFlipFlop, DeterministicAndIndependentOfThreads) {
  ex::FlipFlopRunSettings s = small(20000, 2, 5);
  s.task.t_max = 1;
  s.task.batch = 1;
  s.trace_t_max = 1;
  const ex::FlipFlopResult a = ex::run_flipflop(s);
  s.threads = 2;
  const ex::FlipFlopResult b = ex::run_flipflop(s);
  EXPECT_EQ(a.trajectory.rows, b.trajectory.rows);
  EXPECT_EQ(a.traces.rows, b.traces.rows);
  EXPECT_EQ(a.qq.rows, b.qq.rows);
}

TEST(OverlapsFlipFlop, RejectsBadSettingsNamingTheParameter) {
  const auto parameter_of = [](const ex::FlipFlopRunSettings& s) {
    try {
      ex::run_flipflop(s);
    } catch (const ArgumentError& e) {
      return e.parameter();
    }
    return std::string("(accepted)");
  };
  ex::FlipFlopRunSettings s = small(100, 1, 0);
  s.neurons = 4;
  EXPECT_EQ(parameter_of(s), "N");
  s = small(100, 1, 0);
  s.lr = -1;
  EXPECT_EQ(parameter_of(s), "lr");
  s = small(100, 1, 0);
  s.bins = 1;
  EXPECT_EQ(parameter_of(s), "bins");
  s = small(100, 1, 0);
  s.trace_t_max = 0.05;
  EXPECT_EQ(parameter_of(s), "trace-t-max");
}

}  // namespace
