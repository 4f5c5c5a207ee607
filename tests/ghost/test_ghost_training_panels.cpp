// The experiments behind `reproduce ghost/fig2b-d, fig4a, 4c-h` at tiny sizes: GD on the canonical
// loss over a rate grid (proofs/ghost.md G35) runs each rate as its own run would, never gets stuck
// below eta_c (the theorem of §3.1), and summarises by the sample standard error; the rank-two
// run of Fig. 4 records its learning curve (R59) as the trainer sees it and the class means of its
// outputs (R60), for DCD and DMTS (R61).
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include <learndyn/experiments/ghost/canonical_training.hpp>
#include <learndyn/experiments/ghost/latent_geometry_fig4.hpp>
#include <learndyn/fast/ghost/rnn.hpp>
#include <learndyn/reference/ghost/delayed_activation.hpp>
#include <learndyn/reference/ghost/gradient_descent.hpp>

namespace {
namespace fg = learndyn::fast::ghost;
namespace rg = learndyn::reference::ghost;
namespace eg = learndyn::experiments::ghost;

eg::CanonicalTrainingOptions paper_starts_grid(std::vector<double> rates, int runs, long epochs, long every) {
  eg::CanonicalTrainingOptions o;
  o.task = {100, 100};
  o.rates = std::move(rates);
  o.starts = rg::critical_rate_starts<double>(rg::DelayTask<double>{100, 100}, runs, 0, 0);
  o.epochs = epochs;
  o.record_every = every;
  o.threads = 1;
  return o;
}

double critical_rate_100() { return rg::critical_rate<double>(rg::DelayTask<double>{100, 100}, rg::Normalisation::none); }

TEST(CanonicalTraining, EveryRateOfTheGridIsItsOwnRunBitForBit) {
  const std::vector<double> rates = eg::log_spaced_rates(1e-11, 1e-8, 7);
  const eg::CanonicalTrainingResult grid = eg::run_canonical_training(paper_starts_grid(rates, 3, 2000, 100));
  std::size_t row = 0;
  for (double eta : rates) {
    const eg::CanonicalTrainingResult one = eg::run_canonical_training(paper_starts_grid({eta}, 3, 2000, 100));
    for (const auto& r : one.runs.rows) {
      ASSERT_LT(row, grid.runs.rows.size());
      EXPECT_EQ(grid.runs.rows[row++], r);
    }
  }
  EXPECT_EQ(row, grid.runs.rows.size());
  EXPECT_DOUBLE_EQ(rates.front(), 1e-11);
  EXPECT_DOUBLE_EQ(rates.back(), 1e-8);
}

TEST(CanonicalTraining, NoRunBelowTheCriticalRateIsEverStuckAndEveryRunWellAboveIs) {
  const double c = critical_rate_100();
  const eg::CanonicalTrainingResult below = eg::run_canonical_training(paper_starts_grid({0.3 * c, 0.7 * c, 0.99 * c}, 10, 10000, 1000));
  for (long s : below.stuck_epoch) EXPECT_EQ(s, -1);
  for (const auto& row : below.by_rate.rows) EXPECT_EQ(row[4], 0.0);
  const eg::CanonicalTrainingResult above = eg::run_canonical_training(paper_starts_grid({2 * c}, 10, 10000, 1000));
  for (long s : above.stuck_epoch) EXPECT_GE(s, 0);
  EXPECT_EQ(above.by_rate.rows.back()[4], 1.0);
  EXPECT_DOUBLE_EQ(above.by_rate.rows.back()[2], 100.0);  // L = T_r in the no-learning zone
}

TEST(CanonicalTraining, TheSummaryIsTheMeanAndTheSampleStandardError) {
  const eg::CanonicalTrainingResult r = eg::run_canonical_training(paper_starts_grid({2e-10}, 3, 500, 250));
  ASSERT_EQ(r.by_rate.rows.size(), 3u);  // epochs 0, 250, 500
  for (std::size_t k = 0; k < 3; ++k) {
    std::vector<double> losses;
    for (const auto& row : r.runs.rows)
      if (row[2] == r.by_rate.rows[k][1]) losses.push_back(row[4]);
    ASSERT_EQ(losses.size(), 3u);
    const double mean = (losses[0] + losses[1] + losses[2]) / 3;
    double ss = 0;
    for (double x : losses) ss += (x - mean) * (x - mean);
    EXPECT_NEAR(r.by_rate.rows[k][2], mean, 1e-14 * mean);
    EXPECT_NEAR(r.by_rate.rows[k][3], std::sqrt(ss / 2 / 3), 1e-12 * mean);
  }
}

TEST(CanonicalTraining, BadRatesAreRefusedNamingEta) {
  EXPECT_THROW(eg::run_canonical_training(paper_starts_grid({-1e-10}, 1, 10, 1)), std::invalid_argument);
  EXPECT_THROW(eg::run_canonical_training(paper_starts_grid({}, 1, 10, 1)), std::invalid_argument);
}

eg::LatentGeometryOptions tiny_fig4(fg::RnnTask task) {
  eg::LatentGeometryOptions o = task == fg::RnnTask::dmts ? eg::LatentGeometryOptions::dmts_quick() : eg::LatentGeometryOptions::quick();
  o.neurons = 12;
  o.trials = 2;
  o.at = {0, 20};
  o.epochs = 21;
  o.record_every = 5;
  return o;
}

TEST(GhostFig4Training, TheCurveIsTheTrainersAndTheOutputsAreClassMeans) {
  for (fg::RnnTask task : {fg::RnnTask::dcd, fg::RnnTask::dmts}) {
    const eg::LatentGeometryOptions o = tiny_fig4(task);
    const eg::SlowPointResult r = eg::run_fig4(o);
    // Epochs 0, 5, 10, 15 (the loop stops at the last analysed epoch, 20).
    ASSERT_EQ(r.curve.rows.size(), 4u);
    fg::RunSpec s = eg::fig4_run(o);
    s.epochs = 20;
    s.record_every = 5;
    const fg::RunResult run = fg::train_run(s);
    for (std::size_t i = 0; i < 4; ++i) {
      EXPECT_EQ(r.curve.at(i, "epoch"), static_cast<double>(run.epochs[i]));
      EXPECT_EQ(r.curve.at(i, "loss"), run.loss[i]);
      EXPECT_EQ(r.curve.at(i, "gradient_norm"), run.gradient_norm[i]);
    }
    const int classes = task == fg::RnnTask::dmts ? 4 : 2;
    EXPECT_EQ(r.outputs.rows.size(), static_cast<std::size_t>(2 * classes * fg::steps_of(s)));
    for (std::size_t i = 0; i < r.outputs.rows.size(); ++i) {
      const double y = r.outputs.at(i, "output");
      EXPECT_TRUE(std::isfinite(y));
      EXPECT_LE(std::fabs(y), 1.0);  // tanh (DCD) or sigmoid (DMTS) readout
      EXPECT_EQ(r.outputs.at(i, "key"), 10 * r.outputs.at(i, "epoch") + r.outputs.at(i, "class"));
    }
  }
}

TEST(GhostFig4Training, TheDmtsProtocolIsTheScripts) {
  const eg::LatentGeometryOptions o = eg::LatentGeometryOptions::dmts_paper();
  const fg::RunSpec s = eg::fig4_run(o);
  EXPECT_EQ(s.task, fg::RnnTask::dmts);
  EXPECT_EQ(s.rank, 2);
  EXPECT_EQ(s.input_steps, 6);
  EXPECT_EQ(s.delay_steps, 16);
  EXPECT_EQ(s.response_steps, 10);
  EXPECT_EQ(s.optimizer, fg::Optimizer::adam);
  EXPECT_EQ(s.lr, 1e-4);
  EXPECT_EQ(s.noise, 0.01);
  EXPECT_EQ(s.trials_per_class, 500);
  EXPECT_EQ(s.initial_sigma, 0.3);
  EXPECT_EQ(s.init, fg::RnnInit::lowrank);
  EXPECT_EQ(s.config.readout, fg::RnnReadout::sigmoid);
  EXPECT_EQ(o.at, (std::vector<long>{0, 400, 1600, 3000, 19990}));
}

}  // namespace
