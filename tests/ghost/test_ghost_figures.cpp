// The ghost paper's figure experiments of experiments/ghost/ (proofs/ghost_rnn.md §15) at tiny
// sizes: Fig. 8C's intervention (R49) shares its runs' first phase across c and leaves the c = inf
// control untouched, its statistics are its runs', it does not depend on the thread count; the
// accuracy (R47) rnn-train and rnn-sweep report is the trainer's.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include <learndyn/experiments/ghost/confidence_ablation.hpp>
#include <learndyn/experiments/ghost/confidence_intervention.hpp>
#include <learndyn/experiments/ghost/critical_rate_ratio.hpp>
#include <learndyn/experiments/ghost/latent_geometry_fig4.hpp>
#include <learndyn/experiments/ghost/learning_rate_fig7.hpp>
#include <learndyn/experiments/ghost/rnn_sweep.hpp>
#include <learndyn/experiments/ghost/rnn_train.hpp>
#include "support/refused_parameter.hpp"

namespace {
namespace fg = learndyn::fast::ghost;
namespace eg = learndyn::experiments::ghost;
constexpr double inf = std::numeric_limits<double>::infinity();

eg::ConfidenceInterventionOptions tiny() {
  eg::ConfidenceInterventionOptions o;
  o.neurons = 8;
  o.trials = 2;
  o.seeds = 3;
  o.epochs_before = 20;
  o.epochs_after = 20;
  o.record_every = 5;
  o.confidences = {0.5, 3, inf};
  o.threads = 1;
  return o;
}

TEST(GhostFig8c, FirstPhaseIsSharedAndTheControlIsThePlainTanhRun) {
  const eg::ConfidenceInterventionOptions o = tiny();
  const eg::ConfidenceInterventionResult r = eg::run_fig8c(o);
  ASSERT_EQ(r.specs.size(), 9u);
  const std::size_t per_c = r.curves.rows.size() / 3;
  ASSERT_EQ(per_c, 9u);  // epochs 0, 5, ..., 35 and the last, 39
  for (std::size_t k = 0; k < per_c; ++k) {
    const double epoch = r.curves.at(k, "epoch");
    for (std::size_t j = 1; j < 3; ++j) {
      EXPECT_EQ(r.curves.at(j * per_c + k, "epoch"), epoch);
      // Before the intervention every c is the same run (same seed, same batches): bit for bit.
      if (epoch < o.epochs_before)
        EXPECT_EQ(r.curves.at(j * per_c + k, "mean_accuracy"), r.curves.at(k, "mean_accuracy")) << epoch;
    }
  }
  // After it, c = 0.5 reads out otherwise than the control (the test can fail).
  EXPECT_NE(r.curves.at(per_c - 1, "mean_loss"), r.curves.at(3 * per_c - 1, "mean_loss"));
  // The control is an uninterrupted tanh run: train_run of the same spec without a change.
  fg::RunSpec s = r.specs[6];
  EXPECT_EQ(s.change_epoch, -1);
  EXPECT_EQ(s.config.readout, fg::RnnReadout::tanh);
  double sum = 0;
  for (int seed = 0; seed < 3; ++seed) sum += fg::train_run(r.specs[6 + seed]).accuracy.back();
  EXPECT_EQ(r.curves.at(3 * per_c - 1, "mean_accuracy"), sum / 3);
}

TEST(GhostFig8c, SummaryIsItsCurvesAndIndependentOfTheThreadCount) {
  eg::ConfidenceInterventionOptions o = tiny();
  const eg::ConfidenceInterventionResult one = eg::run_fig8c(o);
  o.threads = 2;
  const eg::ConfidenceInterventionResult two = eg::run_fig8c(o);
  EXPECT_EQ(one.curves.rows, two.curves.rows);
  EXPECT_EQ(one.summary.rows, two.summary.rows);
  ASSERT_EQ(one.summary.rows.size(), 3u);
  const std::size_t per_c = one.curves.rows.size() / 3;
  for (std::size_t j = 0; j < 3; ++j) {
    EXPECT_EQ(one.summary.at(j, "final_mean_accuracy"), one.curves.at(j * per_c + per_c - 1, "mean_accuracy"));
    EXPECT_EQ(one.summary.at(j, "accuracy_before"), one.curves.at(j * per_c + 3, "mean_accuracy"));  // epoch 15
    double peak = 0;
    for (std::size_t k = 4; k < per_c; ++k) peak = std::max(peak, one.curves.at(j * per_c + k, "mean_accuracy"));
    EXPECT_EQ(one.summary.at(j, "peak_mean_accuracy"), peak);
    const double f = one.summary.at(j, "perfect_fraction");
    EXPECT_TRUE(f >= 0 && f <= 1);
  }
}

TEST(GhostFig8c, DifferentiatedReadoutIsAnotherRun) {
  eg::ConfidenceInterventionOptions o = tiny();
  o.confidences = {1};
  const eg::ConfidenceInterventionResult projected = eg::run_fig8c(o);
  o.readout = fg::ConfidenceReadout::differentiated;
  const eg::ConfidenceInterventionResult differentiated = eg::run_fig8c(o);
  EXPECT_NE(projected.curves.rows.back(), differentiated.curves.rows.back());
}

TEST(GhostFig8c, BadSettingsAreRefusedNamingTheParameter) {
  eg::ConfidenceInterventionOptions o = tiny();
  o.confidences = {0};
  EXPECT_EQ(learndyn::testing::refused_parameter([&] { eg::run_fig8c(o); }), "confidences");
  o = tiny();
  o.seeds = 0;
  EXPECT_EQ(learndyn::testing::refused_parameter([&] { eg::run_fig8c(o); }), "seeds");
  o = tiny();
  o.epochs_after = 0;
  EXPECT_EQ(learndyn::testing::refused_parameter([&] { eg::run_fig8c(o); }), "epochs");
  o = tiny();
  o.lr = -1;
  EXPECT_EQ(learndyn::testing::refused_parameter([&] { eg::run_fig8c(o); }), "lr");
}

eg::ConfidenceAblationOptions tiny_ablation() {
  eg::ConfidenceAblationOptions o;
  o.neurons = 10;
  o.seeds = 8;
  o.epochs = 400;
  o.epochs_after = 10;
  o.betas = 3;
  o.beta_lo = 0.1;
  o.beta_hi = 10;
  o.window = 5;
  o.lr = 0.05;
  o.threads = 1;
  return o;
}

TEST(GhostFig8bAblation, StuckSeedsAreTheScriptsSelectionAndTheLastBetaIsTheUnchangedRun) {
  const eg::ConfidenceAblationOptions o = tiny_ablation();
  const eg::ConfidenceAblationResult r = eg::run_fig8b_ablation(o);
  // (R50): each selected seed learned (accuracy > 1/2 at some epoch) and is stuck at the end
  // (<= 1/2 over the last 50 epochs), from its own train_run.
  for (long seed = 0; seed < o.seeds; ++seed) {
    fg::RunSpec s = fg::default_run(fg::RnnTask::da, 1);
    s.neurons = o.neurons;
    s.lr = o.lr;
    s.epochs = o.epochs;
    s.seed = static_cast<std::uint64_t>(seed);
    const fg::RunResult run = fg::train_run(s);
    double late = 0, ever = 0;
    for (std::size_t k = 0; k < run.accuracy.size(); ++k) {
      ever = std::max(ever, run.accuracy[k]);
      if (run.epochs[k] >= o.epochs - 50) late = std::max(late, run.accuracy[k]);
    }
    const bool stuck = late <= 0.5 && ever > 0.5;
    EXPECT_EQ(std::count(r.stuck_seeds.begin(), r.stuck_seeds.end(), seed) == 1, stuck) << "seed " << seed;
  }
  EXPECT_FALSE(r.stuck_seeds.empty());                             // the selection is exercised
  EXPECT_LT(r.stuck_seeds.size(), static_cast<std::size_t>(o.seeds));  // and selects
  ASSERT_EQ(r.by_beta.rows.size(), 3u);
  EXPECT_EQ(r.by_beta.at(2, "beta"), 10);
  ASSERT_EQ(r.curves.rows.size(), 3u * 15u);  // window 5 + 10 epochs after, per beta
  for (std::size_t k = 0; k < 5; ++k)         // before the change every beta is the same run
    EXPECT_TRUE(r.curves.at(k, "mean_accuracy") == r.curves.at(15 + k, "mean_accuracy") ||
                std::isnan(r.curves.at(k, "mean_accuracy")));
}

TEST(GhostFig8bAblation, IndependentOfTheThreadCountAndRefusesBadSettings) {
  eg::ConfidenceAblationOptions o = tiny_ablation();
  o.seeds = 4;
  o.epochs = 100;
  const eg::ConfidenceAblationResult one = eg::run_fig8b_ablation(o);
  o.threads = 2;
  const eg::ConfidenceAblationResult two = eg::run_fig8b_ablation(o);
  EXPECT_EQ(one.stuck_seeds, two.stuck_seeds);
  EXPECT_EQ(one.by_beta.at(0, "all_final_mean_accuracy"), two.by_beta.at(0, "all_final_mean_accuracy"));
  o.seeds = 0;
  EXPECT_EQ(learndyn::testing::refused_parameter([&] { eg::run_fig8b_ablation(o); }), "seeds");
  o = tiny_ablation();
  o.epochs = 10;
  EXPECT_EQ(learndyn::testing::refused_parameter([&] { eg::run_fig8b_ablation(o); }), "epochs");
  o = tiny_ablation();
  o.beta_lo = 0;
  EXPECT_EQ(learndyn::testing::refused_parameter([&] { eg::run_fig8b_ablation(o); }), "betas");
}

TEST(GhostFig7, TheScriptsRunAndMediansOfTheSweepsCurves) {
  eg::LearningRateSweepOptions o;
  o.neurons = 8;
  o.count = 2;
  o.seeds = 3;
  o.epochs = 12;
  o.curve_every = 4;
  o.threads = 1;
  const fg::RunSpec s = eg::fig7_run(o);
  // (R51): 30/80/50 ms at 5 ms; r0 = 0; no noise; one trial per class; SGD; tanh before the update.
  EXPECT_EQ(fg::steps_of(s), 32);
  EXPECT_EQ(s.initial_sigma, 0);
  EXPECT_EQ(s.noise, 0);
  EXPECT_EQ(fg::trials_of(s), 2);
  EXPECT_EQ(s.optimizer, fg::Optimizer::sgd);
  EXPECT_EQ(s.config.readout, fg::RnnReadout::tanh);
  const eg::SweepResult r = eg::run_fig7(o);
  ASSERT_EQ(r.curves.columns.back(), "gradient_norm");
  const learndyn::experiments::Table m = eg::median_curves(r);
  ASSERT_EQ(m.rows.size(), 2u * 4u);  // epochs 0, 4, 8, 11 per rate
  // The median of three seeds is the middle one, at every (rate, epoch).
  for (std::size_t i = 0; i < m.rows.size(); ++i) {
    std::vector<double> g;
    for (std::size_t k = 0; k < r.curves.rows.size(); ++k)
      if (r.curves.at(k, "lr") == m.at(i, "lr") && r.curves.at(k, "epoch") == m.at(i, "epoch"))
        g.push_back(r.curves.at(k, "gradient_norm"));
    ASSERT_EQ(g.size(), 3u);
    std::sort(g.begin(), g.end());
    EXPECT_EQ(m.at(i, "median_gradient_norm"), g[1]);
  }
  // The sweep's gradient norm is the trainer's.
  fg::RunSpec first = s;
  first.lr = r.specs.front().lr;
  first.record_every = 4;
  EXPECT_EQ(r.curves.at(1, "gradient_norm"), fg::train_run(first).gradient_norm[1]);
}

TEST(GhostFig7, TheDmtsScriptsRunAndItsTimeAveragesAreTheMeansOfEachRunsCurve) {
  eg::LearningRateSweepOptions o;
  o.task = fg::RnnTask::dmts;
  o.neurons = 8;
  o.count = 2;
  o.seeds = 2;
  o.epochs = 10;
  o.curve_every = 3;
  o.threads = 1;
  const fg::RunSpec s = eg::fig7_run(o);
  // (R65): 30/80/30/50 ms at 5 ms, four classes, the sigmoid readout; otherwise R51's.
  EXPECT_EQ(s.task, fg::RnnTask::dmts);
  EXPECT_EQ(fg::steps_of(s), 38);
  EXPECT_EQ(fg::trials_of(s), 4);
  EXPECT_EQ(s.config.readout, fg::RnnReadout::sigmoid);
  EXPECT_EQ(s.initial_sigma, 0);
  EXPECT_EQ(s.noise, 0);
  EXPECT_EQ(s.optimizer, fg::Optimizer::sgd);
  const eg::SweepResult r = eg::run_fig7(o);
  const learndyn::experiments::Table t = eg::time_averages(r);
  ASSERT_EQ(t.rows.size(), 4u);  // 2 rates x 2 seeds
  // (R66): each run's recorded epochs (0, 3, 6, 9 and the last, 9) averaged, and its final loss.
  for (std::size_t i = 0; i < t.rows.size(); ++i) {
    double loss = 0, grad = 0;
    long n = 0;
    for (std::size_t k = 0; k < r.curves.rows.size(); ++k)
      if (r.curves.at(k, "lr") == t.at(i, "lr") && r.curves.at(k, "seed") == t.at(i, "seed")) {
        loss += r.curves.at(k, "loss");
        grad += r.curves.at(k, "gradient_norm");
        ++n;
      }
    ASSERT_GT(n, 0);
    EXPECT_DOUBLE_EQ(t.at(i, "mean_loss"), loss / double(n));
    EXPECT_DOUBLE_EQ(t.at(i, "mean_gradient_norm"), grad / double(n));
    EXPECT_EQ(t.at(i, "final_loss"), r.runs.at(i, "final_loss"));  // both lr-major, then seed
  }
  // DA is not a script of Fig. 7.
  o.task = fg::RnnTask::da;
  EXPECT_EQ(learndyn::testing::refused_parameter([&] { eg::fig7_run(o); }), "task");
}

TEST(GhostFig6aRatio, HalfLearnedRatesInterpolateInLogRateAndTheBootstrapBracketsTheRatio) {
  // (R70) rank one: 4 seeds at 0.01 (all learn), 0.1 (3 of 4: 0.75), 1 (1 of 4: 0.25): the fraction
  // falls through 1/2 half way between 0.1 and 1 in log: sqrt(0.1) = 0.316.
  learndyn::experiments::Table runs;
  runs.columns = {"rank", "lr", "seed", "final_loss", "min_loss", "learned", "final_accuracy"};
  const double one[3][4] = {{1, 1, 1, 1}, {1, 1, 1, 0}, {1, 0, 0, 0}};
  const double one_rates[3] = {0.01, 0.1, 1};
  for (int i = 0; i < 3; ++i)
    for (int k = 0; k < 4; ++k) runs.add_row({1, one_rates[i], double(k), 0, 0, one[i][k], 0});
  EXPECT_NEAR(eg::half_learned_rate(runs, 1), std::sqrt(0.1), 1e-15);
  // Full rank: every seed learns at 10 and fails at 100: the crossing half way, sqrt(1000).
  learndyn::experiments::Table full = runs;
  full.rows.clear();
  for (double lr : {10.0, 100.0})
    for (int k = 0; k < 4; ++k) full.add_row({0, lr, double(k), 0, 0, lr < 50 ? 1.0 : 0.0, 0});
  EXPECT_NEAR(eg::half_learned_rate(full, 0), std::sqrt(1000.0), 1e-12);
  const eg::CriticalRatio r = eg::critical_ratio(runs, full, 500, 7);
  EXPECT_NEAR(r.ratio, 100, 1e-12);
  // The full rank's seeds agree, so the interval is the rank one's: a drawn crossing lies in
  // [0.01, 1] (a draw whose seeds all learn at 1 has none: counted, not in the interval).
  EXPECT_LE(r.lo, r.ratio);
  EXPECT_GE(r.hi, r.ratio);
  EXPECT_GE(r.lo, std::sqrt(1000.0) / 1.0 - 1e-9);
  EXPECT_LE(r.hi, std::sqrt(1000.0) / 0.01 + 1e-9);
  EXPECT_GT(r.undefined, 0);  // two or more of the four draws seed 0 (p(1) >= 1/2): about a quarter
  EXPECT_LT(r.lo, r.hi);
  EXPECT_EQ(r.draws, 500);
  // The same inputs, the same interval; no crossing on the grid: NaN.
  const eg::CriticalRatio again = eg::critical_ratio(runs, full, 500, 7);
  EXPECT_EQ(again.lo, r.lo);
  EXPECT_EQ(again.hi, r.hi);
  EXPECT_TRUE(std::isnan(eg::half_learned_rate(full, 1)));  // no rank-one rows
  for (auto& row : full.rows) row[5] = 1;                    // every rate learned
  EXPECT_TRUE(std::isnan(eg::half_learned_rate(full, 0)));
}

TEST(GhostFig6bGrid, EveryRankFactorisedWithThePopulationReadout) {
  eg::RankGridOptions o;
  o.neurons = 6;
  o.ranks = {1, 6};  // rank N factorised, as the script's K = 100 at N = 100
  o.count = 2;
  o.seeds = 2;
  o.epochs = 5;
  o.threads = 1;
  const eg::SweepResult r = eg::run_fig6b_grid(o);
  ASSERT_EQ(r.specs.size(), 2u * 2u * 2u);
  for (const fg::RunSpec& s : r.specs) {
    EXPECT_EQ(s.config.readout, fg::RnnReadout::sigmoid);  // Eq. 48 at rank one too (R52)
    EXPECT_GE(s.rank, 1);
    EXPECT_EQ(s.init, fg::RnnInit::gaussian);
  }
  EXPECT_EQ(r.specs.back().rank, 6);
  ASSERT_EQ(r.by_rate.rows.size(), 4u);
  EXPECT_EQ(r.by_rate.at(0, "lr"), 1e-3);
  EXPECT_EQ(r.by_rate.at(1, "lr"), 1);
  o.ranks = {0};
  EXPECT_EQ(learndyn::testing::refused_parameter([&] { eg::run_fig6b_grid(o); }), "ranks");
}

TEST(GhostFig4, TheScriptsRankTwoRunAnalysedAtEachEpoch) {
  eg::LatentGeometryOptions o;
  o.neurons = 10;
  o.trials = 2;
  o.epochs = 30;
  o.at = {0, 20};
  const fg::RunSpec s = eg::fig4_run(o);
  // (R54): DCD 2/10/10, rank 2, the lowrank start, r0 = tanh(0.3 z), no noise, SGD 1e-3.
  EXPECT_EQ(s.task, fg::RnnTask::dcd);
  EXPECT_EQ(s.rank, 2);
  EXPECT_EQ(s.init, fg::RnnInit::lowrank);
  EXPECT_EQ(s.initial_sigma, 0.3);
  EXPECT_EQ(s.noise, 0);
  EXPECT_EQ(s.lr, 1e-3);
  EXPECT_EQ(fg::trials_of(s), 4);
  const eg::SlowPointResult r = eg::run_fig4(o);
  ASSERT_EQ(r.counts.size(), 2u);
  EXPECT_EQ(r.counts[1].epoch, 20);
  EXPECT_TRUE(r.latent_search);
  EXPECT_GE(r.counts[0].fixed_points, 1);  // a bounded flow has a zero (R30)
  o.at = {40};
  EXPECT_EQ(learndyn::testing::refused_parameter([&] { eg::run_fig4(o); }), "at");
}

TEST(GhostAccuracy, TrainAndSweepReportTheTrainersAccuracy) {
  fg::RunSpec s = fg::default_run(fg::RnnTask::dcd, 0);
  s.neurons = 8;
  s.epochs = 15;
  s.record_every = 4;
  const eg::TrainResult t = eg::run_rnn_train(s, {});
  const fg::RunResult plain = fg::train_run(s);
  ASSERT_EQ(t.curve.columns.back(), "accuracy");  // added at the end: the older columns keep their places
  ASSERT_EQ(t.curve.rows.size(), plain.accuracy.size());
  for (std::size_t k = 0; k < plain.accuracy.size(); ++k) EXPECT_EQ(t.curve.at(k, "accuracy"), plain.accuracy[k]);
  EXPECT_EQ(t.final_accuracy, plain.final_accuracy);
  eg::SweepSettings o;
  o.ranks.push_back(s);
  o.lo = o.hi = 0.01;
  o.count = 1;
  o.seeds = 2;
  o.threads = 1;
  const eg::SweepResult r = eg::run_rnn_sweep(o);
  EXPECT_EQ(r.runs.columns.back(), "final_accuracy");
  EXPECT_EQ(r.runs.at(0, "final_accuracy"), plain.final_accuracy);  // seed 0 at lr 0.01 is s
  const double mean = (r.runs.at(0, "final_accuracy") + r.runs.at(1, "final_accuracy")) / 2;
  EXPECT_NEAR(r.by_rate.at(0, "mean_final_accuracy"), mean, 1e-15);
}

}  // namespace
