// The ghost-RNN experiments (experiments/ghost/, proofs/ghost_rnn.md) at tiny sizes: training
// with ghost tracking records the trainer's own losses bit for bit, the tracked rank-one flow
// has an odd number of fixed points (R30: the flow points inward at both ends of its box), a
// diverging rate is refused naming lr, the slow-point table agrees with its per-epoch counts,
// and the sweep's statistics and critical rate agree with its runs for any thread count.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include <learndyn/common/argument_error.hpp>
#include <learndyn/experiments/ghost/rnn_sweep.hpp>
#include <learndyn/experiments/ghost/rnn_train.hpp>
#include <learndyn/experiments/ghost/slow_points.hpp>
#include "support/refused_parameter.hpp"

namespace {
namespace fg = learndyn::fast::ghost;
namespace eg = learndyn::experiments::ghost;

fg::RunSpec tiny_da(int rank, long epochs) {
  fg::RunSpec s = fg::default_run(fg::RnnTask::da, rank);
  s.neurons = 8;
  s.epochs = epochs;
  s.lr = 0.05;
  return s;
}

TEST(GhostRnnExperiments, TrainCurveIsTheTrainersLossesBitForBitWithTracking) {
  const fg::RunSpec s = tiny_da(1, 12);
  const eg::TrainResult r = eg::run_rnn_train(s, {0.05, 3});
  const fg::RunResult plain = fg::train_run(s);
  ASSERT_EQ(r.curve.rows.size(), plain.loss.size());
  for (std::size_t k = 0; k < plain.loss.size(); ++k) {
    EXPECT_EQ(r.curve.at(k, "epoch"), static_cast<double>(plain.epochs[k]));
    EXPECT_EQ(r.curve.at(k, "loss"), plain.loss[k]);
    EXPECT_EQ(r.curve.at(k, "gradient_norm"), plain.gradient_norm[k]);
  }
  EXPECT_EQ(r.final_loss, plain.final_loss);
  EXPECT_EQ(r.min_loss, std::min(plain.final_loss, *std::min_element(plain.loss.begin(), plain.loss.end())));
  EXPECT_EQ(r.min_loss, plain.min_loss);
}

TEST(GhostRnnExperiments, MinLossIsTheTrueMinimumNotTheRecordedRowsOne) {
  // A run recorded every 7th epoch: its least loss may fall between the rows, and a sweep's
  // min_loss must still see it (a run that learned and then got stuck must not look as if it
  // never learned).
  fg::RunSpec s = tiny_da(1, 40);
  s.record_every = 7;
  const fg::RunResult sparse = fg::train_run(s);
  s.record_every = 1;
  const fg::RunResult every = fg::train_run(s);
  const double truth = std::min(every.final_loss, *std::min_element(every.loss.begin(), every.loss.end()));
  EXPECT_EQ(sparse.min_loss, truth);
  EXPECT_LT(truth, *std::min_element(sparse.loss.begin(), sparse.loss.end()));  // rows alone miss it
}

TEST(GhostRnnExperiments, TrackedRankOneFlowHasAnOddNumberOfFixedPoints) {
  const eg::TrainResult r = eg::run_rnn_train(tiny_da(1, 12), {0.05, 3});
  int tracked = 0;
  for (std::size_t k = 0; k < r.curve.rows.size(); ++k) {
    const double n = r.curve.at(k, "fixed_points");
    if (static_cast<long>(r.curve.at(k, "epoch")) % 3 != 0) {
      EXPECT_TRUE(std::isnan(n)) << "untracked epoch " << r.curve.at(k, "epoch");
      continue;
    }
    ++tracked;
    EXPECT_EQ(static_cast<long>(n) % 2, 1) << n << " fixed points at epoch " << r.curve.at(k, "epoch");
  }
  EXPECT_EQ(tracked, 4);
  EXPECT_EQ(r.final_state.fixed_points % 2, 1);
}

TEST(GhostRnnExperiments, DivergingRateIsRefusedNamingLr) {
  // Rank 2 with the sigmoid readout at lr = 1e308: the weights overflow within three epochs.
  fg::RunSpec s = tiny_da(2, 3);
  s.neurons = 5;
  s.config.readout = fg::RnnReadout::sigmoid;
  s.lr = 1e308;
  EXPECT_EQ(learndyn::testing::refused_parameter([&] { eg::run_rnn_train(s, {}); }), "lr");
  EXPECT_EQ(learndyn::testing::refused_parameter([&] { eg::run_rnn_slow_points(s, {{0, 2}, 21, 1}); }), "lr");
  eg::SweepSettings o;
  s.epochs = 3;
  o.ranks = {s};
  o.lo = 1e2;
  o.hi = 1e300;
  o.count = 3;
  o.seeds = 1;
  EXPECT_EQ(learndyn::testing::refused_parameter([&] { eg::run_rnn_sweep(o); }), "rates");
  EXPECT_EQ(learndyn::testing::refused_parameter([&] { eg::run_rnn_train(tiny_da(2, 5), {0.05, 1}); }), "track-every");
}

TEST(GhostRnnExperiments, SlowPointRowsAgreeWithTheirCountsAndKinds) {
  for (int rank : {1, 2, 0}) {
    fg::RunSpec s = tiny_da(rank, 0);
    if (rank != 1) s.config.readout = fg::RnnReadout::sigmoid;
    const eg::SlowPointResult r = eg::run_rnn_slow_points(s, {{0, 4}, 41, 3});
    EXPECT_EQ(r.latent_search, rank != 0);
    EXPECT_EQ(r.pictures.size(), rank == 0 ? 0u : 2u);
    ASSERT_EQ(r.counts.size(), 2u);
    const std::vector<std::string>* kinds = r.points.labels(r.points.index("kind"));
    ASSERT_NE(kinds, nullptr);
    for (const eg::EpochCounts& c : r.counts) {
      long fixed = 0, ghosts = 0, slow = 0;
      for (std::size_t k = 0; k < r.points.rows.size(); ++k) {
        if (r.points.at(k, "epoch") != double(c.epoch)) continue;
        const std::string& kind = kinds->at(static_cast<std::size_t>(r.points.at(k, "kind")));
        fixed += kind == "fixed_point";
        ghosts += kind == "ghost";
        slow += kind == "slow_point";
        const double stable = r.points.at(k, "stable");
        EXPECT_EQ(kind == "fixed_point", stable == 0 || stable == 1) << kind << " stable = " << stable;
      }
      EXPECT_EQ(fixed, c.fixed_points) << "rank " << rank << " epoch " << c.epoch;
      EXPECT_EQ(ghosts, c.ghosts);
      EXPECT_EQ(slow, c.slow_points);
      EXPECT_GE(c.fixed_points, 1) << "rank " << rank << ": a contracting flow has a fixed point";
    }
  }
}

TEST(GhostRnnExperiments, SweepStatisticsAndCriticalRateAgreeWithItsRunsForAnyThreadCount) {
  eg::SweepSettings o;
  for (int rank : {1, 0}) {
    fg::RunSpec s = tiny_da(rank, 10);
    if (rank == 0) s.config.readout = fg::RnnReadout::sigmoid;
    o.ranks.push_back(s);
  }
  o.lo = 1e-3;
  o.hi = 1e-1;
  o.count = 3;
  o.seeds = 3;
  o.learned = 0.2;
  o.curve_every = 4;
  o.threads = 1;
  const eg::SweepResult one = eg::run_rnn_sweep(o);
  o.threads = 2;
  const eg::SweepResult two = eg::run_rnn_sweep(o);
  EXPECT_EQ(one.runs.rows, two.runs.rows);
  EXPECT_EQ(one.curves.rows, two.curves.rows);
  for (unsigned threads : {3u, 8u}) {  // 8: more workers than the machine's cores
    o.threads = threads;
    const eg::SweepResult many = eg::run_rnn_sweep(o);
    EXPECT_EQ(one.runs.rows, many.runs.rows) << "threads " << threads;
    EXPECT_EQ(one.curves.rows, many.curves.rows) << "threads " << threads;
  }
  ASSERT_EQ(one.runs.rows.size(), 2u * 3u * 3u);
  ASSERT_EQ(one.by_rate.rows.size(), 2u * 3u);
  EXPECT_EQ(one.curves.rows.size(), one.runs.rows.size() * 4u);  // epochs 0, 4, 8 and the last, 9
  for (std::size_t g = 0; g < one.by_rate.rows.size(); ++g) {
    double learned = 0, sum = 0;
    for (std::size_t k = 3 * g; k < 3 * g + 3; ++k) {
      EXPECT_EQ(one.runs.at(k, "rank"), one.by_rate.at(g, "rank"));
      EXPECT_EQ(one.runs.at(k, "lr"), one.by_rate.at(g, "lr"));
      learned += one.runs.at(k, "learned");
      sum += one.runs.at(k, "final_loss");
    }
    EXPECT_EQ(one.by_rate.at(g, "learned_fraction"), learned / 3);
    EXPECT_NEAR(one.by_rate.at(g, "mean_final_loss"), sum / 3, 1e-15 * sum);
  }
  ASSERT_EQ(one.critical_rate.size(), 2u);
  for (std::size_t r = 0; r < 2; ++r) {
    double expected = std::nan("");
    for (std::size_t g = 3 * r; g < 3 * r + 3; ++g)
      if (one.by_rate.at(g, "learned_fraction") >= 0.5) expected = one.by_rate.at(g, "lr");
    EXPECT_EQ(one.critical_rate[r].first, o.ranks[r].rank);
    EXPECT_TRUE(one.critical_rate[r].second == expected || (std::isnan(expected) && std::isnan(one.critical_rate[r].second)));
  }
  // The mean curve at the first rate: the seeds' mean loss at each recorded epoch.
  ASSERT_EQ(one.mean_curves.rows.size(), 2u * 4u);
  for (std::size_t k = 0; k < 4; ++k) {
    const double mean = (one.curves.at(k, "loss") + one.curves.at(4 + k, "loss") + one.curves.at(8 + k, "loss")) / 3;
    EXPECT_NEAR(one.mean_curves.at(k, "mean_loss"), mean, 1e-15 * mean);
  }
}

TEST(GhostRnnExperiments, SweepSettingsAreRefusedNamingTheParameter) {
  eg::SweepSettings o;
  o.ranks.push_back(tiny_da(1, 2));
  o.seeds = 0;
  EXPECT_EQ(learndyn::testing::refused_parameter([&] { eg::run_rnn_sweep(o); }), "seeds");
  o.seeds = 1;
  o.lo = 1e-320;
  EXPECT_EQ(learndyn::testing::refused_parameter([&] { eg::run_rnn_sweep(o); }), "rates");
  o.lo = 1e-3;
  o.ranks.clear();
  EXPECT_EQ(learndyn::testing::refused_parameter([&] { eg::run_rnn_sweep(o); }), "ranks");
}

}  // namespace
