// The experiments of Ger & Barak 2026 (experiments/overlaps/, `learndyn overlaps ...`) at tiny
// sizes. Each test states a property the paper claims or the theory proves and can fail; the
// bounds are justified in proofs/overlaps_experiments.md (E1-E12).
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <numeric>
#include <limits>
#include <string>
#include <vector>

#include <learndyn/common/argument_error.hpp>
#include <learndyn/experiments/overlaps/aba.hpp>
#include <learndyn/experiments/overlaps/audit.hpp>
#include <learndyn/experiments/overlaps/equivalent.hpp>
#include <learndyn/experiments/overlaps/filter.hpp>
#include <learndyn/experiments/overlaps/memory.hpp>
#include <learndyn/experiments/overlaps/statistics.hpp>
#include <learndyn/experiments/overlaps/networks.hpp>
#include <learndyn/common/random.hpp>
#include <learndyn/experiments/overlaps/nscaling.hpp>
#include <learndyn/experiments/overlaps/tasks.hpp>
#include <learndyn/reference/overlaps/tasks.hpp>
#include <learndyn/experiments/overlaps/support.hpp>
#include <learndyn/experiments/table.hpp>
#include "support/generators.hpp"

namespace {
namespace ex = learndyn::experiments::overlaps;
using learndyn::ArgumentError;

double max_of(const std::vector<double>& v) { return *std::max_element(v.begin(), v.end()); }

// The column's largest rise from one row to the next, relative to the value before it.
double largest_relative_rise(const std::vector<double>& v) {
  double worst = 0;
  for (std::size_t i = 1; i < v.size(); ++i) worst = std::max(worst, (v[i] - v[i - 1]) / v[i - 1]);
  return worst;
}

std::string parameter_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const ArgumentError& e) {
    return e.parameter();
  }
  return "(no error)";
}

// ---- filter (Figs 1, 5, 12) ------------------------------------------------------------

ex::FilterSettings tiny_filter(int rank) {
  ex::FilterSettings s = ex::filter_defaults(rank);
  s.neurons = 16;
  s.dt = 0.1;
  s.steps = 40;
  s.lr = 1e-2;
  s.epochs = 100;
  s.record_every = 10;
  return s;
}

// (E1) The linear theory is exact at every N (O16): the network's SGD at rate N lr and the
// exact map from the same initial Gram matrix differ only by rounding, accumulated over the
// epochs: E (T + N) u max|Sigma| per epoch-chain, here < 1e-11 max(1, max|Sigma|).
RC_GTEST_PROP(OverlapsFilter, NetworkEqualsExactMapToRounding, ()) {
  ex::FilterSettings s = tiny_filter(*rc::gen::inRange(1, 3));
  s.neurons = *rc::gen::inRange(4, 41);
  s.lr = *learndyn::testing::log_uniform(-10, -6);  // 1e-3 .. 1.6e-2
  s.seed = *rc::gen::inRange(0, 1000000);
  const ex::FilterResult r = ex::run_filter(s);
  double scale = 1;
  for (const auto& name : r.overlap_names) scale = std::max(scale, max_of(r.trajectory.column(name)));
  RC_ASSERT(r.summary.get("max_gap_exact_map") <= 1e-11 * scale);
  // The network's and the map's losses agree likewise (relative to the initial loss).
  const auto ln = r.trajectory.column("loss_network"), le = r.trajectory.column("loss_exact_map");
  for (std::size_t i = 0; i < ln.size(); ++i) RC_ASSERT(std::fabs(ln[i] - le[i]) <= 1e-11 * ln.front());
}

// (E2, O30) Under a small step every overlap-space descent lowers the loss epoch by epoch:
// the exact map, Euler on the flow, and the direct baseline (plain GD on sigma).
TEST(OverlapsFilter, TheoryLossIsNonIncreasingUnderSmallLr) {
  for (int rank : {1, 2}) {
    ex::FilterSettings s = tiny_filter(rank);
    s.lr = 2e-3;
    s.epochs = 300;
    s.record_every = 1;
    const ex::FilterResult r = ex::run_filter(s);
    for (const char* column : {"loss_exact_map", "loss_euler", "loss_direct", "loss_network"}) {
      const auto loss = r.trajectory.column(column);
      EXPECT_LE(largest_relative_rise(loss), 1e-13) << column << ", rank " << rank;
      EXPECT_LT(loss.back(), 0.99 * loss.front()) << column << " did not learn, rank " << rank;
    }
  }
}

// (E3, O22) The direct baseline moves only the visible overlaps: every invisible overlap keeps
// its initial value bit for bit (G has exact zeros there); the Gram-preconditioned theory moves
// them (O21), and so the two theories' trajectories separate.
TEST(OverlapsFilter, DirectBaselineFreezesInvisibleOverlaps) {
  const ex::FilterResult r = ex::run_filter(tiny_filter(1));
  const learndyn::experiments::Table& t = r.trajectory;
  double moved = 0;
  for (std::size_t i = 0; i < r.overlap_names.size(); ++i) {
    const auto direct = t.column("direct_" + r.overlap_names[i]);
    const auto euler = t.column("euler_" + r.overlap_names[i]);
    if (r.visible[i]) continue;
    for (double x : direct) EXPECT_EQ(x, direct.front()) << r.overlap_names[i];
    moved = std::max(moved, std::fabs(euler.back() - euler.front()));
  }
  EXPECT_GT(moved, 1e-3);
  EXPECT_GT(r.summary.get("gap_direct_final"), 1e-3);
}

TEST(OverlapsFilter, RankTwoHasTheTwentyOneOverlapsOfFig12) {
  const ex::FilterResult r = ex::run_filter(tiny_filter(2));
  ASSERT_EQ(r.overlap_names.size(), 21u);
  EXPECT_EQ(std::count(r.visible.begin(), r.visible.end(), true), 9);
  EXPECT_EQ(r.overlap_names.front(), "zm");
  EXPECT_EQ(r.overlap_names.back(), "zz");
  EXPECT_LE(r.summary.get("max_gap_exact_map"), 1e-11);
}

// (E4) The reference's gradient flow starts at the network's exact Gram matrix (O45); at double
// (Fehlberg, tolerance 4e-11) and at 50 digits (extrapolation) it is the same flow, so the two
// agree to the double run's accumulated tolerance; columns are NaN after reference_epochs.
TEST(OverlapsFilter, ReferenceFlowAtDoubleAnd50DigitsAgree) {
  ex::FilterSettings s = tiny_filter(1);
  s.epochs = 20;
  s.record_every = 5;
  s.reference_epochs = 10;
  s.reference = ex::ReferenceCheck::double_precision;
  const ex::FilterResult d = ex::run_filter(s);
  s.reference = ex::ReferenceCheck::digits50;
  const ex::FilterResult q = ex::run_filter(s);
  const auto ld = d.trajectory.column("loss_reference"), lq = q.trajectory.column("loss_reference");
  const auto epochs = d.trajectory.column("epoch");
  // The flow starts at the exact Gram matrix (O45); the network's Gram matrix is its blocked
  // double sums, within (N + 1) u max_a sigma_aa of it (16 neurons, sigma_aa = 1: 1.9e-15).
  EXPECT_LE(d.trajectory.at(0, "gap_reference"), 17 * 0x1p-53 * 1.000001);
  EXPECT_NEAR(ld[0], d.trajectory.at(0, "loss_network"), 1e-15 * ld[0]);
  for (std::size_t i = 0; i < epochs.size(); ++i) {
    if (epochs[i] <= 10) {
      EXPECT_NEAR(ld[i], lq[i], 1e-9 * lq[0]) << "epoch " << epochs[i];
    } else {
      EXPECT_TRUE(std::isnan(ld[i]) && std::isnan(lq[i])) << "epoch " << epochs[i];
    }
  }
  // The flow and the discrete SGD differ at O(lr) over the run, but by much less than they move.
  EXPECT_LT(d.summary.get("max_gap_reference"), 0.1 * std::fabs(d.trajectory.at(0, "loss_network")));
}

TEST(OverlapsFilter, DeterministicForASeedAndIndependentOfThreads) {
  ex::FilterSettings s = tiny_filter(1);
  s.neurons = 300;
  s.epochs = 20;
  s.threads = 1;
  const ex::FilterResult a = ex::run_filter(s);
  s.threads = 2;
  const ex::FilterResult b = ex::run_filter(s);
  EXPECT_EQ(a.trajectory.rows, b.trajectory.rows);
  s.seed = 1;
  const ex::FilterResult c = ex::run_filter(s);
  EXPECT_NE(a.trajectory.rows, c.trajectory.rows);
}

TEST(OverlapsFilter, RejectsBadSettingsNamingTheParameter) {
  const auto bad = [](auto change) {
    ex::FilterSettings s = tiny_filter(1);
    change(s);
    return parameter_of([&] { ex::run_filter(s); });
  };
  EXPECT_EQ(bad([](ex::FilterSettings& s) { s.neurons = 0; }), "N");
  EXPECT_EQ(bad([](ex::FilterSettings& s) { s.lr = 0; }), "lr");
  EXPECT_EQ(bad([](ex::FilterSettings& s) { s.lr = std::numeric_limits<double>::infinity(); }), "lr");
  EXPECT_EQ(bad([](ex::FilterSettings& s) { s.dt = 1.5; }), "dt");
  EXPECT_EQ(bad([](ex::FilterSettings& s) { s.steps = 0; }), "T");
  EXPECT_EQ(bad([](ex::FilterSettings& s) { s.rank = 0; }), "rank");
  EXPECT_EQ(bad([](ex::FilterSettings& s) { s.epochs = -1; }), "epochs");
  EXPECT_EQ(bad([](ex::FilterSettings& s) { s.record_every = 0; }), "record-every");
  EXPECT_EQ(bad([](ex::FilterSettings& s) {
              s.reference = ex::ReferenceCheck::double_precision;
              s.reference_epochs = 1000;
            }),
            "reference-epochs");
}

// (E25) The rounding control: at the default rate the permuted twin stays within the rounding
// level of the network (E1's accumulation bound, 10 (E+1)(T+N) u max(1, max|Sigma|): the twin
// computes the same mathematics, only its N-sums in another order), and the verdict is not
// rounding: the linear theory's gap is itself at the rounding level, erf's is closure.
TEST(OverlapsFilter, RoundingControlIsAtTheRoundingLevelAtTheDefaultRate) {
  namespace ro = learndyn::reference::overlaps;
  for (const ro::Activation phi : {ro::Activation::linear, ro::Activation::erf}) {
    ex::FilterSettings s = tiny_filter(1);
    s.lr = ex::filter_defaults(1).lr;  // 5e-3
    s.activation = phi;
    if (phi == ro::Activation::erf) s.readout = ro::Readout::before_update;
    const ex::FilterResult r = ex::run_filter(s);
    const std::string what = phi == ro::Activation::linear ? "linear" : "erf";
    const double level = r.summary.get("rounding_level");
    EXPECT_LE(level, 1e-10) << what;  // 10 * 101 * 56 * 2^-53 * max(1, |Sigma|): ~6e-12 |Sigma|
    EXPECT_LE(r.summary.get("max_gap_rounding"), level) << what;
    EXPECT_LE(max_of(r.trajectory.column("gap_rounding")), level) << what;
    EXPECT_EQ(r.theory_gap, phi == ro::Activation::linear ? ex::kTheoryGapRoundingLevel : ex::kTheoryGapClosure) << what;
  }
}

// (E25) At a chaotic rate (measured: linear, N = 16, lr 0.12, 300 epochs; the exact-map gap
// 0.22, the control's 0.28, the rounding level 3e-11) the twin separates from the network as far
// as the exact map does: the verdict is rounding.
TEST(OverlapsFilter, RoundingControlNamesChaoticSgd) {
  ex::FilterSettings s = tiny_filter(1);
  s.lr = 0.12;
  s.epochs = 300;
  const ex::FilterResult r = ex::run_filter(s);
  EXPECT_GT(r.summary.get("max_gap_exact_map"), 1e-3);
  EXPECT_GT(r.summary.get("max_gap_rounding"), 1e-3);
  EXPECT_EQ(r.theory_gap, ex::kTheoryGapRounding);
}

// Without the control the filter's outputs are the old ones bit for bit: every column but the
// last, gap_rounding, and every summary value but max_gap_rounding and rounding_level.
TEST(OverlapsFilter, RoundingControlOffLeavesTheOtherOutputsBitForBit) {
  ex::FilterSettings s = tiny_filter(2);
  s.reference = ex::ReferenceCheck::double_precision;
  s.reference_epochs = 10;
  const ex::FilterResult on = ex::run_filter(s);
  s.rounding_control = false;
  const ex::FilterResult off = ex::run_filter(s);
  ASSERT_EQ(on.trajectory.columns.back(), "gap_rounding");
  std::vector<std::string> columns = on.trajectory.columns;
  columns.pop_back();
  EXPECT_EQ(off.trajectory.columns, columns);
  ASSERT_EQ(on.trajectory.rows.size(), off.trajectory.rows.size());
  for (std::size_t i = 0; i < on.trajectory.rows.size(); ++i) {
    std::vector<double> row = on.trajectory.rows[i];
    row.pop_back();
    const std::vector<double>& old = off.trajectory.rows[i];
    ASSERT_EQ(row.size(), old.size());
    for (std::size_t c = 0; c < row.size(); ++c)  // NaN (the reference after its epochs) equals NaN
      EXPECT_TRUE(row[c] == old[c] || (std::isnan(row[c]) && std::isnan(old[c]))) << columns[c] << ", row " << i;
  }
  std::vector<std::pair<std::string, double>> kept;
  for (const auto& entry : on.summary.values)
    if (entry.first != "max_gap_rounding" && entry.first != "rounding_level") kept.push_back(entry);
  EXPECT_EQ(kept, off.summary.values);
  EXPECT_TRUE(off.theory_gap.empty());
  EXPECT_EQ(on.final.z, off.final.z);
  // The theory alone (sigma0) has no network and so no control.
  s.rounding_control = true;
  s.sigma0 = on.sigma0;
  const ex::FilterResult alone = ex::run_filter(s);
  EXPECT_EQ(std::count(alone.trajectory.columns.begin(), alone.trajectory.columns.end(), "gap_rounding"), 0);
  EXPECT_TRUE(alone.theory_gap.empty());
}

// ---- nscaling (Fig 4) -------------------------------------------------------------------

ex::NScalingSettings tiny_nscaling() {
  ex::NScalingSettings s;
  s.neurons = {16, 64, 256, 1024, 4096};
  s.seeds = 8;
  s.epochs = 10;
  s.record_every = 5;
  s.task.t_max = 5;
  s.task.dt = 0.05;
  s.task.batch = 4;
  s.init = ex::NScalingInit::random;
  return s;
}

// (E5) Early in training, with the loadings still Gaussian, the mean-field theory's error is a
// sampling fluctuation, O(N^-1/2) (proofs/overlaps.md §8; later the closure's error takes over,
// E30): the fitted exponent over N = 16..4096 (8 seeds each) lies within -1/2 +- 0.3 (about 4
// standard errors; measured -0.43..-0.61 over ten base seeds), and is certainly negative. The
// linear control's theory is exact (O16): its mismatch is rounding, < 1e-12.
TEST(OverlapsNScaling, MismatchFallsLikeInverseSqrtNAndLinearIsExact) {
  const ex::NScalingResult r = ex::run_nscaling(tiny_nscaling());
  EXPECT_LT(r.fit.slope, -0.2);
  EXPECT_GT(r.fit.slope, -0.8);
  EXPECT_LT(r.summary.get("linear_mismatch_max"), 1e-12);
  ASSERT_EQ(r.runs.rows.size(), 40u);
  ASSERT_EQ(r.by_n.rows.size(), 5u);
  // The geometric means fall from the smallest to the largest N by more than 4 (64^(1/2) = 8).
  EXPECT_GT(r.by_n.rows.front()[1] / r.by_n.rows.back()[1], 4.0);
  for (double m : r.runs.column("mismatch")) EXPECT_GT(m, 0.0);
}

// (E30) The distance of each network to the largest one on the same batches is finite N alone:
// it falls with N (fitted exponent within -1/2 +- 0.3, E5's design and bound; the largest
// network's own fluctuation flattens it slightly), positive below the largest N, and absent (NaN)
// for the largest N itself.
TEST(OverlapsNScaling, DistanceToTheLargestNetworkFallsLikeInverseSqrtN) {
  const ex::NScalingResult r = ex::run_nscaling(tiny_nscaling());
  const std::size_t n = r.trajectory.index("N"), epoch = r.trajectory.index("epoch"),
                    to_largest = r.trajectory.index("mismatch_to_largest");
  for (const auto& row : r.trajectory.rows) {
    if (row[n] == 4096) {
      EXPECT_TRUE(std::isnan(row[to_largest]));
    } else if (row[epoch] > 0) {
      EXPECT_GT(row[to_largest], 0.0);
    }
  }
  const double slope = r.summary.get("slope_to_largest");
  EXPECT_LT(slope, -0.2);
  EXPECT_GT(slope, -0.8);
}

// (E30) loading_shape: 0 for Gaussian rows within 5 sampling spreads sqrt(8/(p(p+2)N)); for
// independent uniform coordinates E w^4 = 9/5, so Mardia's excess is (p 9/5 + p(p-1))/(p(p+2)) - 1
// = -0.2 at p = 4 and each marginal's excess is -1.2; invariant under C -> C A (A invertible).
TEST(OverlapsStatistics, LoadingShapeIsZeroForGaussianRowsAndMeasuresUniformOnes) {
  const int rows = 100000, p = 4;
  learndyn::Rng rng(7);
  Eigen::MatrixXd gauss(rows, p), uniform(rows, p);
  for (int i = 0; i < rows; ++i)
    for (int j = 0; j < p; ++j) {
      gauss(i, j) = rng.normal();
      uniform(i, j) = std::sqrt(3.0) * (2 * rng.uniform() - 1);
    }
  const double spread = std::sqrt(8.0 / (p * (p + 2) * static_cast<double>(rows)));
  EXPECT_LT(std::abs(ex::loading_shape(gauss).mardia), 5 * spread);
  const ex::LoadingShape u = ex::loading_shape(uniform);
  EXPECT_NEAR(u.mardia, -0.2, 0.02);
  EXPECT_NEAR(u.marginal_max, 1.2, 0.05);
  Eigen::MatrixXd A(p, p);
  A << 1, 0.3, 0, 0.2, 0, 2, 0.1, 0, 0.5, 0, 1, 0, 0, 0, 0.4, 3;
  EXPECT_NEAR(ex::loading_shape(uniform * A).mardia, u.mardia, 1e-12);
  EXPECT_THROW(ex::loading_shape(Eigen::MatrixXd::Zero(10, p)), std::invalid_argument);
}

TEST(OverlapsNScaling, DeterministicAndIndependentOfThreads) {
  ex::NScalingSettings s = tiny_nscaling();
  s.neurons = {32, 64};
  s.seeds = 2;
  s.threads = 1;
  const ex::NScalingResult a = ex::run_nscaling(s);
  for (unsigned threads : {2u, 3u, 8u}) {
    s.threads = threads;
    const ex::NScalingResult b = ex::run_nscaling(s);
    EXPECT_EQ(a.runs.rows, b.runs.rows) << "threads " << threads;
    // Bit for bit, NaN included (the largest N has no distance to itself: NaN != NaN).
    ASSERT_EQ(a.trajectory.rows.size(), b.trajectory.rows.size());
    for (std::size_t i = 0; i < a.trajectory.rows.size(); ++i)
      EXPECT_EQ(0, std::memcmp(a.trajectory.rows[i].data(), b.trajectory.rows[i].data(),
                               a.trajectory.rows[i].size() * sizeof(double)))
          << "threads " << threads << ", row " << i;
  }
}

// The balanced initialisation of Figs 4 and 8: sigma_zu ~ sigma_vm and sigma_mu ~ sigma_zv
// within 1e-3, same signs, unit norms.
TEST(OverlapsNScaling, BalancedInitialisationMeetsItsConditions) {
  for (std::uint64_t seed : {0u, 1u, 2u}) {
    const auto net = ex::balanced_network(300, seed);
    const double n = 300;
    const double zu = net.z.dot(net.U.col(0)) / n, vm = net.V.col(0).dot(net.m) / n;
    const double mu = net.m.dot(net.U.col(0)) / n, zv = net.z.dot(net.V.col(0)) / n;
    EXPECT_LT(std::fabs(zu - vm), 1e-3);
    EXPECT_LT(std::fabs(mu - zv), 1e-3);
    EXPECT_GT(zu * vm, 0);
    EXPECT_GT(mu * zv, 0);
    EXPECT_NEAR(net.m.squaredNorm(), n, 1e-9 * n);
  }
}

// The fast flip-flop generator draws exactly the reference's batch for the same seed (O29).
TEST(OverlapsTasks, FlipFlopMatchesTheReferenceGenerator) {
  ex::FlipFlopSettings s;
  s.batch = 7;
  s.dt = 0.05;
  for (std::uint64_t seed : {3u, 17u}) {
    learndyn::Rng rng(seed);
    Eigen::MatrixXd mask;
    const auto fast = ex::flip_flop(s, rng, &mask);
    const auto ref = learndyn::reference::overlaps::flip_flop_task<double>(s, seed);
    EXPECT_EQ(fast.input, ref.task.input);
    EXPECT_EQ(fast.target, ref.task.target);
    EXPECT_EQ(fast.weight, ref.task.weight);
    EXPECT_EQ(mask, ref.mask);
  }
}

TEST(OverlapsNScaling, RejectsBadSettingsNamingTheParameter) {
  const auto bad = [](auto change) {
    ex::NScalingSettings s = tiny_nscaling();
    change(s);
    return parameter_of([&] { ex::run_nscaling(s); });
  };
  EXPECT_EQ(bad([](ex::NScalingSettings& s) { s.neurons = {100}; }), "N");
  EXPECT_EQ(bad([](ex::NScalingSettings& s) { s.neurons = {1, 100}; }), "N");
  EXPECT_EQ(bad([](ex::NScalingSettings& s) { s.neurons = {100, 100}; }), "N");
  EXPECT_EQ(bad([](ex::NScalingSettings& s) { s.seeds = 0; }), "seeds");
  EXPECT_EQ(bad([](ex::NScalingSettings& s) { s.epochs = 0; }), "epochs");
  EXPECT_EQ(bad([](ex::NScalingSettings& s) { s.lr = -1; }), "lr");
  EXPECT_EQ(bad([](ex::NScalingSettings& s) { s.task.batch = 0; }), "batch");
}

// ---- A-B-A (Figs 3, 6, 7) ---------------------------------------------------------------

ex::AbaSettings tiny_aba(ex::AbaOptimizer optimizer, const std::string& phases) {
  ex::AbaSettings s = ex::aba_defaults(optimizer);
  s.neurons = 20;
  s.steps = 40;
  s.dt = 0.1;
  s.lr = 1e-2;
  s.phases = ex::parse_phases(phases, s.decay_a, s.decay_b, 0.1, 2);
  return s;
}

// (E6) SGD commutes with rotations and the linear theory is exact (O16), also under label
// noise and at the doubled rate: the probe pair and the theory agree with the network to
// rounding (< 1e-10 over 900 epochs; measured <= 3e-13).
TEST(OverlapsAba, SgdKeepsTheClosureAndTheTheoryExactThroughEveryPhase) {
  const ex::AbaResult r = ex::run_aba(tiny_aba(ex::AbaOptimizer::sgd, "A:300,B:100,A:100,B:100,A+noise:300"));
  ASSERT_EQ(r.phases.rows.size(), 5u);
  for (std::size_t k = 0; k < 5; ++k) {
    EXPECT_LT(r.phases.at(k, "closure_gap_max"), 1e-10) << "phase " << k;
    EXPECT_LT(r.phases.at(k, "theory_gap_max"), 1e-10) << "phase " << k;
  }
  EXPECT_EQ(r.phases.at(4, "lr"), 2e-2);  // the noise phase runs at twice the rate
}

// (E7, O31, O37) K is conserved by the flow; SGD changes it by O(lr^2 |G|^2) per epoch, which
// vanishes once the task is learnt (G -> 0) but not under label noise (G stays O(noise)):
// after convergence on A, 300 more epochs of A move K by less than 1e-3 of what 300 epochs of
// A+noise move it (measured ratio <= 5e-6 over five seeds).
TEST(OverlapsAba, ChargeFrozenAfterConvergenceButDriftsUnderLabelNoise) {
  const ex::AbaResult r = ex::run_aba(tiny_aba(ex::AbaOptimizer::sgd, "A:1500,A:300,A+noise:300"));
  const double converged = r.phases.at(1, "K_drift_max"), noisy = r.phases.at(2, "K_drift_max");
  EXPECT_GT(noisy, 1e-3);
  EXPECT_LT(converged, 1e-3 * noisy);
  // The trajectory's three K entries likewise stand still in phase 1.
  const learndyn::experiments::Table& t = r.trajectory;
  for (const auto& c : t.columns) {
    if (c.rfind("K_", 0) != 0) continue;
    std::vector<double> phase1;
    for (std::size_t i = 0; i < t.rows.size(); ++i)
      if (t.at(i, "phase") == 1) phase1.push_back(t.at(i, c));
    EXPECT_LT(max_of(phase1) - *std::min_element(phase1.begin(), phase1.end()), 1e-3 * noisy) << c;
  }
}

// (E8) Adam is not rotation-equivariant: the probe pair (same Gram matrix, fresh optimiser
// states) separates by O(0.1) within each phase (measured 0.07-0.33), so no overlap-space
// dynamics can describe it; SGD's pair stays at rounding.
TEST(OverlapsAba, AdamBreaksTheClosure) {
  ex::AbaSettings s = tiny_aba(ex::AbaOptimizer::adam, "A:300,B:300");
  const ex::AbaResult adam = ex::run_aba(s);
  for (std::size_t k = 0; k < 2; ++k) EXPECT_GT(adam.phases.at(k, "closure_gap_max"), 1e-3) << "phase " << k;
  EXPECT_TRUE(std::isnan(adam.phases.at(0, "theory_gap_max")));
  EXPECT_LT(adam.phases.at(1, "loss_end"), 1e-3);  // it does learn
}

// Adam's first step from zero moments is lr g / (|g| + eps) per entry (bias corrections
// 1 - b1 and 1 - b2 cancel the moments' (1 - b) factors); the second, with g constant, is the same.
TEST(OverlapsAba, AdamStepMatchesItsClosedForm) {
  const auto net0 = learndyn::fast::overlaps::random_network(5, 1, 7);
  auto grad = learndyn::fast::overlaps::random_network(5, 1, 8);
  grad.z *= 1e-3;
  ex::AdamSettings settings;
  settings.lr = 0.01;
  ex::Adam adam(net0, settings);
  auto net = net0;
  adam.step(net, grad);
  for (int i = 0; i < 5; ++i) {
    const double g = grad.z(i);
    EXPECT_NEAR(net.z(i), net0.z(i) - 0.01 * g / (std::fabs(g) + 1e-8), 1e-15);
    const double gu = grad.U(i, 0);
    EXPECT_NEAR(net.U(i, 0), net0.U(i, 0) - 0.01 * gu / (std::fabs(gu) + 1e-8), 1e-15);
  }
  const auto net1 = net;
  adam.step(net, grad);
  for (int i = 0; i < 5; ++i) {
    const double g = grad.m(i);
    EXPECT_NEAR(net.m(i), net1.m(i) - 0.01 * g / (std::fabs(g) + 1e-8), 1e-14);
  }
}

TEST(OverlapsAba, RotationKeepsTheGramMatrix) {
  const auto net = learndyn::fast::overlaps::random_network(50, 2, 3);
  const auto q = ex::rotated(net, 11);
  EXPECT_LT(ex::max_abs_difference(learndyn::fast::overlaps::gram(net), learndyn::fast::overlaps::gram(q)), 1e-14);
  EXPECT_GT((q.z - net.z).cwiseAbs().maxCoeff(), 0.1);  // the vectors themselves moved
}

TEST(OverlapsAba, RejectsBadPhasesNamingTheParameter) {
  EXPECT_EQ(parameter_of([] { ex::parse_phases("A:10,C:5", 0.2, 0.4, 0.1, 2); }), "phases");
  EXPECT_EQ(parameter_of([] { ex::parse_phases("A10", 0.2, 0.4, 0.1, 2); }), "phases");
  EXPECT_EQ(parameter_of([] { ex::parse_phases("A:-3", 0.2, 0.4, 0.1, 2); }), "phases");
  EXPECT_EQ(parameter_of([] { ex::parse_phases("", 0.2, 0.4, 0.1, 2); }), "phases");
  ex::AbaSettings s = tiny_aba(ex::AbaOptimizer::sgd, "A:3");
  s.neurons = 3;
  EXPECT_EQ(parameter_of([&] { ex::run_aba(s); }), "N");
  s = tiny_aba(ex::AbaOptimizer::adam, "A:3");
  s.adam.beta2 = 1;
  EXPECT_EQ(parameter_of([&] { ex::run_aba(s); }), "beta2");
}

// ---- equivalent networks (Fig 2) ---------------------------------------------------------

ex::EquivalentSettings tiny_equivalent() {
  ex::EquivalentSettings s;
  s.neurons = 40;
  s.steps = 60;
  s.dt = 0.1;
  s.lr = 1e-2;
  s.epochs = 200;
  s.record_every = 10;
  return s;
}

// (E9) theta2 has the requested invisible overlaps and theta1's visible ones (rounding: a few
// dot products of length N, < 1e-13); the two networks compute the same function at the start,
// also with state noise (outputs equal to 1e-13 of their scale), and learn differently: after
// training their outputs and loss curves differ at O(1) (measured 0.4 and 1.0 at the defaults).
TEST(OverlapsEquivalent, SameOutputsAtTheStartDifferentAfterTraining) {
  const ex::EquivalentResult r = ex::run_equivalent(tiny_equivalent());
  const learndyn::experiments::Summary& m = r.summary;
  EXPECT_LT(m.get("visible_difference_start"), 1e-13);
  EXPECT_NEAR(m.get("theta2_uu"), 2.048, 1e-13);
  EXPECT_NEAR(m.get("theta2_mu"), 0.8, 1e-13);
  EXPECT_GT(m.get("invisible_difference_start"), 0.5);
  EXPECT_LT(m.get("output_gap_start"), 1e-13);
  EXPECT_GT(m.get("noisy_output_scale"), 1e-2);
  EXPECT_LT(m.get("noisy_output_gap_start"), 1e-13 * std::max(1.0, m.get("noisy_output_scale")));
  EXPECT_EQ(r.trajectory.at(0, "loss_1"), r.trajectory.at(0, "loss_2"));
  EXPECT_GT(max_of(r.trajectory.column("output_gap")), 0.1);
  EXPECT_GT(m.get("output_gap_end"), 1e-3);
  EXPECT_GT(m.get("max_loss_difference"), 1e-2 * r.trajectory.at(0, "loss_1"));
  EXPECT_GT(m.get("visible_difference_end"), 1e-2);
  // Each network follows its own exact theory (O16): the difference is the metric, not noise.
  EXPECT_LT(m.get("max_theory_gap"), 1e-11);
}

TEST(OverlapsEquivalent, UnreachableTargetsAreArgumentErrors) {
  ex::EquivalentSettings s = tiny_equivalent();
  s.theta2_uu = 1e-4;  // below the norm of u's component in span{v, z}
  EXPECT_EQ(parameter_of([&] { ex::run_equivalent(s); }), "u-norm");
  s = tiny_equivalent();
  s.theta2_mu = 50;  // m.u' beyond |m| |u'|
  EXPECT_EQ(parameter_of([&] { ex::run_equivalent(s); }), "m-dot-u");
  s = tiny_equivalent();
  s.lr = 0;
  EXPECT_EQ(parameter_of([&] { ex::run_equivalent(s); }), "lr");
}

// ---- statistics --------------------------------------------------------------------------

TEST(OverlapsStatistics, LineFitRecoversAnExactLine) {
  const std::vector<double> x{0, 1, 2, 5}, y{1, -0.5, -2, -6.5};  // y = 1 - 1.5 x
  const ex::LineFit f = ex::fit_line(x, y);
  EXPECT_NEAR(f.slope, -1.5, 1e-15);
  EXPECT_NEAR(f.intercept, 1.0, 1e-15);
  EXPECT_LT(f.slope_error, 1e-15);
}

// (E10) The logistic regression returns the minimiser of its objective: the gradient of
// |w|^2/2 + C sum log(1 + exp(-s (w.z + b))) vanishes there (central differences of the
// objective, step 1e-5, truncation ~1e-10 relative), and it separates well-separated classes.
TEST(OverlapsStatistics, LogisticRegressionIsTheRegularisedMinimiser) {
  ex::NormalStream normals(5);
  const int n = 30, p = 3;
  Eigen::MatrixXd X(n, p);
  std::vector<int> labels;
  for (int i = 0; i < n; ++i) {
    labels.push_back(i % 2);
    for (int j = 0; j < p; ++j) X(i, j) = normals.next() + (j == 0 && i % 2 ? 1.5 : 0.0) + 10 * j;
  }
  const ex::LogisticModel m = ex::fit_logistic(X, labels, 1.0);
  Eigen::MatrixXd Z = X;
  for (int j = 0; j < p; ++j) Z.col(j) = (X.col(j).array() - m.mean(j)) / m.scale(j);
  const auto objective = [&](const Eigen::VectorXd& w, double b) {
    double f = 0.5 * w.squaredNorm();
    for (int i = 0; i < n; ++i) f += std::log1p(std::exp(-(labels[i] ? 1 : -1) * (Z.row(i).dot(w) + b)));
    return f;
  };
  const double h = 1e-5;
  for (int j = 0; j <= p; ++j) {
    Eigen::VectorXd wp = m.weights, wm = m.weights;
    double bp = m.intercept, bm = m.intercept;
    if (j < p) {
      wp(j) += h;
      wm(j) -= h;
    } else {
      bp += h;
      bm -= h;
    }
    EXPECT_NEAR((objective(wp, bp) - objective(wm, bm)) / (2 * h), 0.0, 1e-8) << "coordinate " << j;
  }
  EXPECT_GT(m.weights(0), 0.5);  // class 1 has the larger first feature
  int correct = 0;
  for (int i = 0; i < n; ++i) correct += ex::predict(m, X.row(i).transpose()) == labels[i] ? 1 : 0;
  EXPECT_GE(correct, 20);
}

TEST(OverlapsStatistics, DecodingIsAtChanceForIdenticalTwinsAndHighForSeparatedOnes) {
  ex::MemorySettings s = ex::memory_defaults();
  ex::NormalStream normals(9);
  Eigen::MatrixXd a(10, 3), b(10, 3);
  for (int i = 0; i < 10; ++i)
    for (int j = 0; j < 3; ++j) a(i, j) = normals.next();
  // Identical twins with both twins on the same side: every prediction is the same for the
  // pair, so exactly one of the two is right.
  EXPECT_EQ(ex::decode_history(a, a, true, s, 1).mean, 0.5);
  b = a;
  b.col(0).array() += 3.0;  // B shifted by 3 s.d. along one overlap
  EXPECT_GT(ex::decode_history(a, b, false, s, 1).mean, 0.9);
  EXPECT_GT(ex::decode_history(a, b, true, s, 1).mean, 0.9);
}

// ---- A/B -> C (Figs 4d, 9, 10) ----------------------------------------------------------

ex::MemorySettings tiny_memory() {
  ex::MemorySettings s = ex::memory_defaults();
  s.pairs = 10;
  s.dt = 0.1;
  s.batch = 4;
  s.epochs_ab = 400;
  s.epochs_c = 400;
  s.task_a.dt = s.task_b.dt = s.task_c.pulses.dt = s.dt;
  s.task_a.batch = s.task_b.batch = s.task_c.pulses.batch = s.batch;
  s.record_every = 50;
  return s;
}

// (E11) Twins start identical (decoding at exactly 1/2 with pairs kept together); after A/B
// both groups of overlaps tell the histories apart on the easy (stratified) split (measured
// 0.95-1.0 over three seeds; asserted > 0.75); C pulls the visible overlaps together.
TEST(OverlapsMemory, HistoryIsDecodableAfterABAndVisibleOverlapsConvergeInC) {
  const ex::MemoryResult r = ex::run_memory(tiny_memory());
  const learndyn::experiments::Summary& m = r.summary;
  EXPECT_EQ(m.get("decoding_visible_start"), 0.5);
  EXPECT_EQ(m.get("decoding_invisible_start"), 0.5);
  EXPECT_GT(m.get("decoding_visible_after_ab"), 0.75);
  EXPECT_GT(m.get("decoding_invisible_after_ab"), 0.75);
  EXPECT_LT(m.get("mean_visible_distance_c"), 0.5 * m.get("mean_visible_distance_ab"));
  ASSERT_EQ(r.decoding.rows.size(), 12u);
  ASSERT_EQ(r.pairs.rows.size(), 10u);
}

// (E12, O34, O38) sigma_uu - sigma_vv is conserved by the flow for any phi and exactly (to
// rounding) by the simultaneous Euler step: through both phases, every twin keeps the start's
// value to 1e-11 (about 10^3 steps of O(1) updates, each exact up to a few ulps).
TEST(OverlapsMemory, EulerKeepsUuMinusVvThroughBothPhases) {
  ex::MemorySettings s = tiny_memory();
  s.stepper = learndyn::fast::overlaps::Stepper::euler;
  const ex::MemoryResult r = ex::run_memory(s);
  const learndyn::experiments::Table& t = r.trajectory;
  for (int pair = 0; pair < 10; ++pair) {
    double start = std::numeric_limits<double>::quiet_NaN(), worst = 0;
    for (std::size_t i = 0; i < t.rows.size(); ++i) {
      if (t.at(i, "pair") != pair) continue;
      const double d = t.at(i, "uu") - t.at(i, "vv");
      if (std::isnan(start)) start = d;
      worst = std::max(worst, std::fabs(d - start));
    }
    EXPECT_LT(worst, 1e-11) << "pair " << pair;
  }
}

TEST(OverlapsMemory, DeterministicAndIndependentOfThreads) {
  ex::MemorySettings s = tiny_memory();
  s.epochs_ab = 50;
  s.epochs_c = 50;
  s.threads = 1;
  const ex::MemoryResult a = ex::run_memory(s);
  for (unsigned threads : {2u, 3u, 8u}) {
    s.threads = threads;
    const ex::MemoryResult b = ex::run_memory(s);
    EXPECT_EQ(a.trajectory.rows, b.trajectory.rows) << "threads " << threads;
    EXPECT_EQ(a.decoding.rows, b.decoding.rows) << "threads " << threads;
  }
}

TEST(OverlapsMemory, RejectsBadSettingsNamingTheParameter) {
  const auto bad = [](auto change) {
    ex::MemorySettings s = tiny_memory();
    change(s);
    return parameter_of([&] { ex::run_memory(s); });
  };
  EXPECT_EQ(bad([](ex::MemorySettings& s) { s.pairs = 1; }), "pairs");
  EXPECT_EQ(bad([](ex::MemorySettings& s) { s.train_pairs = 9; }), "train-pairs");
  EXPECT_EQ(bad([](ex::MemorySettings& s) { s.lr_c = 0; }), "lr-c");
  EXPECT_EQ(bad([](ex::MemorySettings& s) { s.batch = 0; }), "batch");
}

// ---- audit (E22-E24) -----------------------------------------------------------------

ex::AuditSettings tiny_audit(int rank, long epochs) {
  ex::AuditSettings a;
  a.run = tiny_filter(rank);
  a.run.epochs = epochs;
  a.run.record_every = 1;
  return a;
}

// (E23) The bound of a float64 run's relative 2-norm distance from the exact run: OF19's
// 8 (N + 4T) u relative per gradient, carried by the near-identity SGD map over E epochs (E20's
// 2 E 8 (N + 4T) u on the largest entry), times sqrt(P) from the largest entry to the 2-norm
// (P = N (2R+2) entries, |theta|_2 >= max |theta|).
double float64_bound(const ex::FilterSettings& s) {
  const double u = 0x1p-53, P = s.neurons * (2.0 * s.rank + 2);
  return std::sqrt(P) * 2 * static_cast<double>(std::max(1L, s.epochs)) * 8 * (s.neurons + 4.0 * s.steps) * u;
}

// (E22) The float64 run is the run `overlaps filter` makes, bit for bit, for every activation
// and readout (the fast network, or the reference at double for tanh), from a seed or vectors.
RC_GTEST_PROP(OverlapsAudit, Float64RunIsTheFiltersRunBitForBit, ()) {
  ex::AuditSettings a = tiny_audit(*rc::gen::inRange(1, 3), *rc::gen::inRange(0, 8));
  a.run.neurons = *rc::gen::inRange(2, 17);
  a.run.seed = *rc::gen::inRange(0, 1000000);
  a.run.record_every = *rc::gen::inRange(1, 4);
  namespace ro = learndyn::reference::overlaps;
  a.run.activation = *rc::gen::element(ro::Activation::linear, ro::Activation::erf, ro::Activation::tanh);
  a.run.readout = *rc::gen::element(ro::Readout::after_update, ro::Readout::before_update);
  const ex::AuditResult audit = ex::run_audit(a);
  const ex::FilterResult filter = ex::run_filter(a.run);
  RC_ASSERT(audit.table.column("epoch") == filter.trajectory.column("epoch"));
  RC_ASSERT(audit.table.column("loss_float64") == filter.trajectory.column("loss_network"));
  RC_ASSERT(audit.runs[2].final_loss == filter.summary.get("loss_network_final"));
  RC_ASSERT(audit.initial.z == filter.initial.z);
}

// (E23) Un-permuting the control restores the network exactly, and the control differs from the
// float64 run by rounding only: within float64_bound, and not zero (another summation order).
TEST(OverlapsAudit, PermutedControlUnpermutesToRoundingNoise) {
  ex::AuditSettings a = tiny_audit(1, 10);
  a.run.neurons = 16;
  a.permutation_seed = 5;
  const ex::AuditResult r = ex::run_audit(a);
  std::vector<int> identity(16);
  std::iota(identity.begin(), identity.end(), 0);
  ASSERT_NE(r.permutation, identity);
  const auto back = ex::unpermute_units(ex::permute_units(r.initial, r.permutation), r.permutation);
  EXPECT_EQ(back.z, r.initial.z);
  EXPECT_EQ(back.m, r.initial.m);
  EXPECT_EQ(back.U, r.initial.U);
  EXPECT_EQ(back.V, r.initial.V);
  const auto floor = r.table.column("parameter_distance_float64_vs_permuted");
  const auto permuted = r.table.column("parameter_distance_float64_permuted");
  EXPECT_EQ(floor.front(), 0);     // the same start, exactly
  EXPECT_EQ(permuted.front(), 0);
  EXPECT_GT(max_of(floor), 0);     // the summation order differs
  EXPECT_LE(max_of(floor), float64_bound(a.run));
  EXPECT_LE(max_of(permuted), float64_bound(a.run));
  EXPECT_EQ(r.noise_floor.max_distance, max_of(floor));
  // Sigma is invariant under the relabelling: the control's overlaps are the float64 run's to rounding.
  EXPECT_LE(max_of(r.table.column("overlap_distance_float64_permuted")), float64_bound(a.run));
}

// (E23) float32 rounds at u = 2^-24 and float64 at 2^-53: at every epoch float32 is farther from
// the 50-digit run, and it starts there (the vectors rounded to float) below 1e-6.
TEST(OverlapsAudit, Float32IsFartherThanFloat64AtEveryEpoch) {
  const ex::AuditResult r = ex::run_audit(tiny_audit(2, 12));
  const auto d32 = r.table.column("parameter_distance_float32"), d64 = r.table.column("parameter_distance_float64");
  for (std::size_t i = 0; i < d32.size(); ++i) EXPECT_GT(d32[i], d64[i]) << i;
  EXPECT_EQ(d64.front(), 0);
  EXPECT_GT(d32.front(), 1e-9);
  EXPECT_LT(d32.front(), 1e-6);
  EXPECT_LE(max_of(d64), float64_bound(tiny_audit(2, 12).run));
  EXPECT_GT(max_of(r.table.column("loss_distance_float32")), max_of(r.table.column("loss_distance_float64")));
  for (const ex::AuditRun& run : r.runs) EXPECT_TRUE(run.outcome_agrees) << run.name;
}

// (E23) The horizon is the first epoch strictly past each threshold; a NaN counts as past both.
TEST(OverlapsAudit, HorizonsOfAConstructedSeries) {
  const learndyn::experiments::Horizons h = learndyn::experiments::horizons_of({0, 1e-7, 1e-6, 2e-6, 5e-3, 1e-2, 0.02, 1e-3});
  EXPECT_EQ(h.horizon_1e6, 3);
  EXPECT_EQ(h.horizon_1e2, 6);
  EXPECT_EQ(h.max_distance, 0.02);
  const learndyn::experiments::Horizons never = learndyn::experiments::horizons_of({0, 1e-9, 1e-6});
  EXPECT_EQ(never.horizon_1e6, -1);
  EXPECT_EQ(never.horizon_1e2, -1);
  const learndyn::experiments::Horizons nan =
      learndyn::experiments::horizons_of({0, std::numeric_limits<double>::quiet_NaN()});
  EXPECT_EQ(nan.horizon_1e6, 1);
  EXPECT_EQ(nan.horizon_1e2, 1);
  EXPECT_TRUE(std::isnan(nan.max_distance));
}

// (E23) The audit's horizons are those of its own distance column (every epoch recorded).
TEST(OverlapsAudit, ReportedHorizonsAreTheTablesAndTheRunIsDeterministic) {
  ex::AuditSettings a = tiny_audit(1, 15);
  a.run.lr = 0.05;
  const ex::AuditResult r = ex::run_audit(a), again = ex::run_audit(a);
  EXPECT_EQ(r.table.rows, again.table.rows);
  const char* names[] = {"float32", "float64", "float64_permuted"};
  for (std::size_t k = 1; k < 4; ++k) {
    const learndyn::experiments::Horizons h =
        learndyn::experiments::horizons_of(r.table.column(std::string("parameter_distance_") + names[k - 1]));
    EXPECT_EQ(r.runs[k].horizon_1e6, h.horizon_1e6) << names[k - 1];
    EXPECT_EQ(r.runs[k].horizon_1e2, h.horizon_1e2) << names[k - 1];
    EXPECT_EQ(r.runs[k].max_parameter_distance, h.max_distance) << names[k - 1];
  }
  a.learned = 1e6;  // every run ends below it
  for (const ex::AuditRun& run : ex::run_audit(a).runs) EXPECT_TRUE(run.learned && run.outcome_agrees) << run.name;
}

TEST(OverlapsAudit, RejectsWhatItCannotAuditNamingTheParameter) {
  const auto bad = [](auto change) {
    ex::AuditSettings a = tiny_audit(1, 3);
    change(a);
    return parameter_of([&] { ex::run_audit(a); });
  };
  EXPECT_EQ(bad([](ex::AuditSettings& a) { a.learned = 0; }), "learned");
  EXPECT_EQ(bad([](ex::AuditSettings& a) { a.run.sigma0 = Eigen::MatrixXd::Identity(4, 4); }), "sigma0");
  EXPECT_EQ(bad([](ex::AuditSettings& a) { a.run.reference = ex::ReferenceCheck::digits50; }), "reference");
  EXPECT_EQ(bad([](ex::AuditSettings& a) { a.run.epochs = 100000000; }), "epochs");
  EXPECT_EQ(bad([](ex::AuditSettings& a) {
              a.run.neurons = 10000000;
              a.run.steps = 400;  // one epoch alone is past the bound
            }),
            "N");
  EXPECT_EQ(bad([](ex::AuditSettings& a) { a.run.lr = 1e3; }), "lr");
  EXPECT_EQ(bad([](ex::AuditSettings& a) { a.run.epochs = 3; }), "(no error)");
}

}  // namespace
