// Tasks (proofs/overlaps.md §10): the filter task's time axis (O25), the closed-form loss
// (O26a) against the recursion, its continuous limit (O27) and zero-loss manifold (O28); the
// flip-flop generator (O29) against the code's rules, checked trial by trial.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cmath>

#include <learndyn/common/argument_error.hpp>
#include <learndyn/common/scalar.hpp>
#include <learndyn/reference/overlaps/learning.hpp>
#include <learndyn/reference/overlaps/tasks.hpp>
#include "reference_support.hpp"
#include "support/generators.hpp"

namespace {
using learndyn::real;
namespace ro = learndyn::reference::overlaps;
namespace to = learndyn::testing::overlaps;
using learndyn::testing::uniform;

// A rank-1 overlap matrix with the given visible block and identity elsewhere (the loss of the
// linear model reads only V: O12).
ro::Matrix<real> with_visible(const ro::RankOneVisible<real>& v) {
  ro::Matrix<real> s = ro::Matrix<real>::Identity(4, 4);
  s(0, 2) = s(2, 0) = v.zm;
  s(0, 3) = s(3, 0) = v.zu;
  s(1, 2) = s(2, 1) = v.vm;
  s(1, 3) = s(3, 1) = v.vu;
  return s;
}

TEST(OverlapsTasks, FilterTimeAxisIsTheCodesLinspace) {
  // linspace(0, T, T) * dt: t_0 = 0, t_{T-1} = T dt, equal spacing dt T/(T-1).
  const ro::Vector<real> t = ro::filter_time_axis(real("0.05"), 400);
  EXPECT_EQ(t(0), 0);
  EXPECT_LT(abs(t(399) - 20), real("1e-45"));
  EXPECT_LT(abs(t(1) - real("0.05") * 400 / 399), real("1e-48"));
  const ro::Task<real> task = ro::filter_task<real>({real("0.3"), real(2)}, real("0.05"), 400);
  EXPECT_EQ(task.input(0, 0), 20);  // 1 / dt
  EXPECT_EQ(task.input.sum(), 20);
  EXPECT_EQ(task.weight(0, 7), real("0.05"));
  using std::cos;
  using std::exp;
  EXPECT_LT(abs(task.target(0, 9) - exp(-real("0.3") * t(9)) * cos(2 * t(9))), real("1e-48"));
  EXPECT_EQ(ro::filter_time_axis(real("0.1"), 1)(0), 0);
}

RC_GTEST_PROP(OverlapsTasks, ClosedFormLossEqualsTheRecursion, ()) {
  // (O26a) against (O11) on random visible overlaps, dt, T. Both are exact; the closed form
  // cancels between terms of size up to (A1^2 + A2^2 + a^2) T dt (times mu^2T when the mode
  // grows), so the bound is relative to that: 1e-46 at 50 digits (measured <= 2e-49).
  const real dt = real(*uniform(0.01, 1.0));
  const int steps = *rc::gen::inRange(1, 300);
  const ro::RankOneVisible<real> v{real(*uniform(-2, 2)), real(*uniform(-2, 2)), real(*uniform(-2, 2)),
                                   real(*uniform(0.02, 1.2))};
  const ro::FilterTarget<real> target{real(*uniform(0.05, 1.0)), real(0), real(*uniform(0.5, 2))};
  const real closed = ro::filter_loss_closed_form(v, target, dt, steps);
  const real recursion = ro::overlap_loss(ro::linear_model(1, dt), with_visible(v), ro::filter_task(target, dt, steps));
  const real a2 = v.zu * v.vm / v.vu, a1 = v.zm - a2;
  using std::pow;
  const real mu = abs(1 - dt * (1 - v.vu));
  const real size = (a1 * a1 + a2 * a2 + target.amplitude * target.amplitude) * steps * dt *
                    (mu > 1 ? real(pow(mu, 2 * steps)) : real(1));
  RC_ASSERT(abs(closed - recursion) <= real("1e-46") * size);
}

TEST(OverlapsTasks, DiscreteLossTendsToTheContinuousLimitLinearlyInDt) {
  // (O27): the error of the discrete loss is O(dt) at a horizon T dt = 200 where the tails
  // (e^{-2 min(1, lambda, c) 200} < 1e-30) are negligible: halving dt halves it (ratio 2 within
  // 5%: the next term is O(dt^2)).
  const ro::RankOneVisible<real> v{real("0.7"), real("0.9"), real("-0.4"), real("0.6")};
  const ro::FilterTarget<real> target{real("0.2")};
  const real limit = ro::filter_loss_continuous(v, target);
  real previous = 0;
  for (int i = 0; i < 3; ++i) {
    const real dt = real("0.02") / (1 << i);
    const real error = abs(ro::filter_loss_closed_form(v, target, dt, static_cast<int>(200 / dt)) - limit);
    if (i > 0) {
      EXPECT_GT(previous / error, real("1.9"));
      EXPECT_LT(previous / error, real("2.1"));
    }
    previous = error;
  }
}

TEST(OverlapsTasks, ZeroLossManifold) {
  // (O28): zm = a*, vu = 1 - (1 - q)/dt, zu vm = a* vu gives L = 0, along the whole symmetry
  // orbit (alpha zu, vm / alpha); 0.8005 to four digits (O28) at dt = 0.05, T = 400, c* = 0.2.
  const real dt("0.05");
  const ro::FilterTarget<real> target{real("0.2")};
  const real vu = ro::filter_zero_loss_vu(target, dt, 400);
  EXPECT_LT(abs(vu - real("0.8005")), real("1e-4"));
  const ro::Task<real> task = ro::filter_task(target, dt, 400);
  for (const real& alpha : {real("0.3"), real(1), real(7)}) {
    const ro::RankOneVisible<real> v{real(1), alpha, vu / alpha, vu};
    EXPECT_LT(ro::overlap_loss(ro::linear_model(1, dt), with_visible(v), task), real("1e-90"));
    EXPECT_LT(abs(ro::filter_loss_closed_form(v, target, dt, 400)), real("1e-44"));
  }
  // Off the manifold the loss is positive.
  const ro::RankOneVisible<real> off{real(1), real(1), vu, vu + real("0.01")};
  EXPECT_GT(ro::overlap_loss(ro::linear_model(1, dt), with_visible(off), task), real("1e-6"));
}

TEST(OverlapsTasks, FlipFlopFollowsTheCodesRules) {
  // (O29), trial by trial: pulses of 20 steps, the first at step 20; the target holds the sign
  // from the onset; the mask is 0 before the first delay end and from one step before each
  // pulse to 80 steps after it ends, 1 elsewhere; waits of 160..400 steps between pulses.
  const ro::FlipFlopSettings<double> settings;
  const ro::FlipFlop<double> ff = ro::flip_flop_task(settings, 123);
  ASSERT_EQ(ff.task.input.rows(), 10);
  ASSERT_EQ(ff.task.input.cols(), 800);
  EXPECT_NEAR(ff.task.weight.sum(), 1.0, 1e-12);
  int pulses = 0;
  for (int b = 0; b < 10; ++b) {
    double level = 0;
    int delay_end = 0, masked_until = -1;
    for (int k = 0; k < 800; ++k) {
      const double x = ff.task.input(b, k);
      const bool onset = x != 0 && (k == 0 || ff.task.input(b, k - 1) == 0);
      if (onset) {
        ++pulses;
        EXPECT_EQ(std::fabs(x), 1.0);
        if (delay_end == 0) {
          EXPECT_EQ(k, 20);
        } else {
          EXPECT_GE(k - delay_end, 159);
          EXPECT_LE(k - delay_end, 400);
        }
        for (int j = k; j < std::min(k + 20, 800); ++j) EXPECT_EQ(ff.task.input(b, j), x);
        level = 0.5 * x;
        masked_until = std::min(k + 20 + 80, 800);
        delay_end = masked_until;
      }
      EXPECT_EQ(ff.task.target(b, k), level);
      const bool next_is_onset = k + 1 < 800 && ff.task.input(b, k) == 0 && ff.task.input(b, k + 1) != 0;
      const bool masked = delay_end == 0 || k < masked_until || next_is_onset;
      EXPECT_EQ(ff.mask(b, k), masked ? 0.0 : 1.0) << b << " " << k;
      EXPECT_EQ(ff.task.weight(b, k), ff.mask(b, k) / ff.mask.sum());
    }
  }
  EXPECT_GE(pulses, 10 * 2);  // 20 s: at least two pulses per trial (0.5 s, then <= 12.5 s)
  // Deterministic per seed, different across seeds.
  EXPECT_EQ(ro::flip_flop_task(settings, 123).task.input, ff.task.input);
  EXPECT_NE(ro::flip_flop_task(settings, 124).task.input, ff.task.input);
}

TEST(OverlapsTasks, BadInputsThrow) {
  EXPECT_THROW(ro::filter_task<double>({0.2}, 0.0, 10), learndyn::ArgumentError);
  EXPECT_THROW(ro::filter_task<double>({0.2}, 0.1, 0), learndyn::ArgumentError);
  EXPECT_THROW(ro::filter_loss_closed_form<double>({1, 1, 1, 0}, {0.2}, 0.1, 10), learndyn::ArgumentError);
  EXPECT_THROW(ro::filter_loss_continuous<double>({1, 1, 1, 1.5}, {0.2}), learndyn::ArgumentError);
  ro::FlipFlopSettings<double> s;
  s.dt = 0;
  EXPECT_THROW(ro::flip_flop_task(s, 1), learndyn::ArgumentError);
  s = {};
  s.stimulus_duration = 0.01;
  EXPECT_THROW(ro::flip_flop_task(s, 1), learndyn::ArgumentError);
}

}  // namespace
