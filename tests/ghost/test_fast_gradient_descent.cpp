// Fast batched GD (G27) and the numerical critical rate (G28): bit-identical to the
// reference at double, within a running forward-error bound of the 50-digit reference,
// independent of the thread count, and bracketing the formula (G16).
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <vector>

#include <boost/math/constants/constants.hpp>

#include <learndyn/common/argument_error.hpp>
#include <learndyn/common/scalar.hpp>
#include <learndyn/fast/ghost/gradient_descent.hpp>
#include <learndyn/reference/ghost/gradient_descent.hpp>
#include "support/generators.hpp"
#include "support/unit_roundoff.hpp"

namespace {
using learndyn::real;
namespace fg = learndyn::fast::ghost;
namespace rg = learndyn::reference::ghost;
using learndyn::testing::log_uniform;
using learndyn::testing::uniform;

using learndyn::testing::u;  // 2^-53

struct GdCase {
  fg::DelayTask task;
  double rate;
  std::vector<double> eps0;
};

GdCase random_case(int runs) {
  GdCase c;
  c.task = {*log_uniform(0, 10), *log_uniform(0, 10)};
  const double eta_c = static_cast<double>(
      rg::critical_rate(rg::DelayTask<real>{real(c.task.delay), real(c.task.response)}, rg::Normalisation::none));
  c.rate = eta_c * *log_uniform(-4, 2);
  for (int j = 0; j < runs; ++j) c.eps0.push_back(fg::optimal_scale(c.task) * *log_uniform(-2, 5));
  return c;
}

RC_GTEST_PROP(GhostFastGradientDescent, BitIdenticalToTheReferenceAtDouble, ()) {
  // Same operations, same order, no contraction (proofs/ghost.md §6): equal to the last bit,
  // through the oscillating phase too.
  const GdCase c = random_case(*rc::gen::inRange(1, 13));
  RC_LOG() << std::setprecision(17) << "T=" << c.task.delay << " Tr=" << c.task.response << " eta=" << c.rate;
  const long epochs = 1500;
  const fg::GradientDescentResult fast = fg::run_gradient_descent(
      fg::GradientDescentBatch{c.task, 1.0, std::vector<double>(c.eps0.size(), c.rate), c.eps0}, epochs, 1);
  for (std::size_t j = 0; j < c.eps0.size(); ++j) {
    const rg::Trajectory<double> ref = rg::run_gradient_descent(
        rg::GradientDescent<double>{{c.task.delay, c.task.response}, rg::Normalisation::none, c.rate}, c.eps0[j], epochs);
    for (long k = 0; k <= epochs; ++k) RC_ASSERT(fast.eps_history[j * fast.records + k] == ref.eps[k]);
    RC_ASSERT(fast.stuck_epoch[j] == ref.stuck_epoch);
    RC_ASSERT(fast.loss_history[j * fast.records + epochs] == ref.loss[epochs]);
  }
}

RC_GTEST_PROP(GhostFastGradientDescent, WithinARunningErrorBoundOfTheFiftyDigitReference, ()) {
  // Forward error by running error analysis: B_{k+1} = L_k B_k + 8u|step_k| + 2u|eps_{k+1}|,
  // L_k the Lipschitz constant of the step map on [eps_k - B_k, eps_k + B_k] (1 + 3/8 eta pi
  // e^-5/2 on a gradient branch, 1 in the no-learning zone). Compared while that interval
  // stays on one branch; once it straddles eps* or eps_nr the two may legitimately part. The
  // fast path compares with its own rounded eps*, eps_nr (relative error <= 3u, §6), so the
  // kinks are widened by 4u before the straddle test.
  const GdCase c = random_case(1);
  const fg::GradientDescentResult fast = fg::run_gradient_descent(
      fg::GradientDescentBatch{c.task, 1.0, {c.rate}, c.eps0}, 400, 1);
  const rg::DelayTask<real> task{real(c.task.delay), real(c.task.response)};
  const rg::Trajectory<real> ref =
      rg::run_gradient_descent(rg::GradientDescent<real>{task, rg::Normalisation::none, real(c.rate)}, real(c.eps0[0]), 400);
  const real star = rg::optimal_scale(task), nr = rg::point_of_no_return(task);
  const real pi = boost::math::constants::pi<real>();
  real bound = 0;
  int compared = 0;
  for (long k = 0; k < 400; ++k) {
    const real e = ref.eps[k];
    const real lo = e - bound, hi = e + bound;
    const auto straddles = [&](const real& kink) { return lo <= kink * (1 + 4 * u) && kink * (1 - 4 * u) <= hi; };
    if (straddles(star) || straddles(nr) || lo <= 0) break;
    const real lipschitz = lo < nr ? real(1) : 1 + 3 * real(c.rate) * pi / (8 * lo * lo * sqrt(lo));
    const real step = abs(ref.eps[k + 1] - e);
    bound = lipschitz * bound + 8 * u * step + 2 * u * abs(ref.eps[k + 1]);
    RC_ASSERT(abs(real(fast.eps_history[k + 1]) - ref.eps[k + 1]) <= bound);
    ++compared;
  }
  RC_TAG(compared > 10 ? "long comparison" : "short comparison");
}

TEST(GhostFastGradientDescent, ResultsDoNotDependOnTheThreadCount) {
  fg::GradientDescentBatch batch{{50, 20}, 1.0, {}, {}};
  const double eta_c = static_cast<double>(rg::critical_rate(rg::DelayTask<real>{real(50), real(20)}, rg::Normalisation::none));
  for (int j = 0; j < 101; ++j) {  // not a multiple of the lane count: padding is exercised
    batch.rates.push_back(eta_c * (0.2 + 0.02 * j));
    batch.eps0.push_back(fg::optimal_scale(batch.task) * (1.5 + 0.1 * j));
  }
  const auto one = fg::run_gradient_descent(batch, 3000, 7, 1);
  for (unsigned threads : {2u, 3u, 8u}) {
    const auto many = fg::run_gradient_descent(batch, 3000, 7, threads);
    EXPECT_EQ(one.eps, many.eps);
    EXPECT_EQ(one.stuck_epoch, many.stuck_epoch);
    EXPECT_EQ(one.eps_history, many.eps_history);
  }
  EXPECT_EQ(one.records, 3000u / 7 + 2);  // 0, 7, ..., 2996, and 3000
}

RC_GTEST_PROP(GhostFastGradientDescent, NumericalCriticalRateBracketsTheFormula, ()) {
  // (G28): the ensemble contains eps*(1 + 2^-j), j <= 40, so the bisection brackets eta_c
  // within its tolerance, whatever T and T_r.
  const fg::DelayTask task{*log_uniform(0, 12), *log_uniform(-2, 12)};
  const double tol = 1e-6;
  const std::vector<double> starts =
      rg::critical_rate_starts(rg::DelayTask<double>{task.delay, task.response}, 10, 40, 3);
  const learndyn::Bracket b = fg::numerical_critical_rate(task, 1.0, starts, 2000, tol);
  const double formula = static_cast<double>(
      rg::critical_rate(rg::DelayTask<real>{real(task.delay), real(task.response)}, rg::Normalisation::none));
  RC_LOG() << std::setprecision(17) << "T=" << task.delay << " Tr=" << task.response << " [" << b.lower
           << ", " << b.upper << "] formula " << formula;
  RC_ASSERT(b.lower <= formula * (1 + tol));
  RC_ASSERT(b.upper >= formula * (1 - tol));
}

RC_GTEST_PROP(GhostFastGradientDescent, PaperStartsAloneNeverUnderestimate, ()) {
  // Theorem (a): whatever the ensemble, no run gets stuck at or below eta_c, so the bisected
  // rate is never below the formula (it may be above: §8.2).
  const fg::DelayTask task{*log_uniform(0, 10), *log_uniform(0, 10)};
  const std::vector<double> starts = rg::critical_rate_starts(
      rg::DelayTask<double>{task.delay, task.response}, 20, 0, *rc::gen::inRange(0, 100));
  const learndyn::Bracket b = fg::numerical_critical_rate(task, 1.0, starts, 1000, 1e-4);
  const double formula = static_cast<double>(
      rg::critical_rate(rg::DelayTask<real>{real(task.delay), real(task.response)}, rg::Normalisation::none));
  RC_ASSERT(b.upper >= formula * (1 - 1e-4));
}

TEST(GhostFastGradientDescent, BadBatchesThrow) {
  EXPECT_THROW(fg::run_gradient_descent({{10, 10}, 1.0, {1e-3, 2e-3}, {1.0}}, 10, 1), learndyn::ArgumentError);
  EXPECT_THROW(fg::run_gradient_descent({{10, 10}, 1.0, {-1e-3}, {1.0}}, 10, 1), learndyn::ArgumentError);
  EXPECT_THROW(fg::run_gradient_descent({{10, 10}, 1.0, {1e-3}, {std::nan("")}}, 10, 1), learndyn::ArgumentError);
  EXPECT_THROW(fg::run_gradient_descent({{10, 10}, 1.0, {1e-3}, {1.0}}, -1, 1), learndyn::ArgumentError);
}

}  // namespace
