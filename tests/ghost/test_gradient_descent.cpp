// Gradient descent on the analytical loss: the theorem of proofs/ghost.md §3.1 (what eta_c
// separates), the paper's Fig. 2B protocol, and the numerical critical rate (G28).
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cmath>
#include <iomanip>
#include <vector>

#include <boost/math/tools/roots.hpp>

#include <learndyn/common/argument_error.hpp>
#include <learndyn/common/scalar.hpp>
#include <learndyn/reference/ghost/gradient_descent.hpp>
#include "support/generators.hpp"

namespace {
using learndyn::real;
namespace rg = learndyn::reference::ghost;
using learndyn::testing::log_uniform;
using learndyn::testing::uniform;

rg::DelayTask<real> random_task_1_to_1024() {
  return {real(*log_uniform(0, 10)), real(*log_uniform(0, 10))};  // T, T_r in [1, 1024)
}

// eps_1(eta) of the theorem (b): the start above eps* whose one step lands on eps_nr, by
// bisection on phi(eps) - eps_nr, increasing on (eps*, inf).
real capture_edge(const rg::DelayTask<real>& task, const real& rate) {
  const real star = rg::optimal_scale(task), nr = rg::point_of_no_return(task);
  const auto phi_minus_nr = [&](const real& e) { return e - rate * rg::analytic_gradient(e, task) - nr; };
  real lo = star * (1 + real("1e-40")), hi = star * 2;
  while (phi_minus_nr(hi) < 0) hi *= 2;
  boost::math::tools::eps_tolerance<real> tol(160);
  std::uintmax_t iterations = 200;
  const auto r = boost::math::tools::toms748_solve(phi_minus_nr, lo, hi, tol, iterations);
  return (r.first + r.second) / 2;
}

RC_GTEST_PROP(GhostGradientDescent, NoStartGetsStuckAtOrBelowTheCriticalRate, ()) {
  // Theorem (a): eta <= eta_c keeps every iterate >= eps_nr, from any start > eps_nr.
  const rg::DelayTask<real> task = random_task_1_to_1024();
  const real rate = rg::critical_rate(task, rg::Normalisation::none) * real(*uniform(0.5, 1.0));
  RC_LOG() << std::setprecision(17) << "T=" << task.delay << " Tr=" << task.response;
  const std::vector<real> starts = rg::critical_rate_starts(task, 8, 12, *rc::gen::inRange(0, 1000));
  RC_ASSERT(!rg::any_run_gets_stuck(rg::GradientDescent<real>{task, rg::Normalisation::none, rate}, starts, 200));
}

TEST(GhostGradientDescent, AtExactlyTheCriticalRateNoStartGetsStuck) {
  const rg::DelayTask<real> task{real(100), real(100)};
  const real rate = rg::critical_rate(task, rg::Normalisation::none);
  const std::vector<real> starts = rg::critical_rate_starts(task, 4, 40, 1);
  EXPECT_FALSE(rg::any_run_gets_stuck(rg::GradientDescent<real>{task, rg::Normalisation::none, rate}, starts, 500));
}

RC_GTEST_PROP(GhostGradientDescent, AboveTheCriticalRateTheCaptureIntervalGetsStuckAtOnce, ()) {
  // Theorem (b): eta > eta_c sends every start in (eps*, eps_1) below eps_nr in one step,
  // and no start above eps_1.
  const rg::DelayTask<real> task = random_task_1_to_1024();
  const real rate = rg::critical_rate(task, rg::Normalisation::none) * (1 + real(*log_uniform(-20, 0)));
  const real star = rg::optimal_scale(task);
  const real edge = capture_edge(task, rate);
  RC_ASSERT(edge > star);
  const rg::GradientDescent<real> gd{task, rg::Normalisation::none, rate};
  RC_ASSERT(rg::run_gradient_descent(gd, real((star + edge) / 2), 1).stuck_epoch == 1);
  RC_ASSERT(rg::run_gradient_descent(gd, real(edge + (edge - star)), 1).stuck_epoch == -1);
}

TEST(GhostGradientDescent, NormalisedLossIsTheRawLossAtARescaledRate) {
  // (G17): GD on L/T at rate T eta is GD on L at rate eta (monotone phase: no amplification).
  const rg::DelayTask<real> task{real(37), real(11)};
  const real eta = rg::critical_rate(task, rg::Normalisation::none) / 10;
  const real eps0 = 10 * rg::optimal_scale(task);
  const auto raw = rg::run_gradient_descent(rg::GradientDescent<real>{task, rg::Normalisation::none, eta}, eps0, 30);
  const auto per_t = rg::run_gradient_descent(
      rg::GradientDescent<real>{task, rg::Normalisation::delay, real(eta * task.delay)}, eps0, 30);
  for (int k = 0; k <= 30; ++k) EXPECT_LT(abs(raw.eps[k] / per_t.eps[k] - 1), real("1e-45")) << k;
  EXPECT_LT(abs(per_t.loss[5] * task.delay / raw.loss[5] - 1), real("1e-45"));
}

TEST(GhostGradientDescent, PaperFigure2B) {
  // T = T_r = 100, eps0 = 10 eps*, 3000 epochs (proofs/ghost.md G34): 1e-10 learns abruptly and
  // oscillates near the optimum; 1e-9 (> eta_c = 9.13e-10) ends in the no-learning zone.
  const rg::DelayTask<real> task{real(100), real(100)};
  const real eps0 = 10 * rg::optimal_scale(task);
  const auto learn = rg::run_gradient_descent(
      rg::GradientDescent<real>{task, rg::Normalisation::delay, real("1e-10") * 100}, eps0, 3000);
  EXPECT_EQ(learn.stuck_epoch, -1);
  long drop = -1;  // first epoch with L/T < 0.5
  for (std::size_t k = 0; k < learn.loss.size(); ++k)
    if (learn.loss[k] < real("0.5")) {
      drop = static_cast<long>(k);
      break;
    }
  EXPECT_GT(drop, 1000);
  EXPECT_LT(drop, 2000);
  real worst_late = 0;
  for (std::size_t k = 2500; k < learn.loss.size(); ++k) worst_late = std::max(worst_late, learn.loss[k]);
  EXPECT_LT(worst_late, real("0.05"));
  const auto stuck = rg::run_gradient_descent(
      rg::GradientDescent<real>{task, rg::Normalisation::delay, real("1e-9") * 100}, eps0, 3000);
  EXPECT_GT(stuck.stuck_epoch, 0);
  EXPECT_EQ(stuck.loss.back(), real(1));
}

TEST(GhostGradientDescent, NotEveryStartGetsStuckAboveEtaC) {
  // proofs/ghost.md §8.2: the paper's "eventually stuck for any eta > eta_c" fails for this
  // start; 50-digit arithmetic, so it is not a rounding artefact.
  const rg::DelayTask<real> task{real(7), real(3)};
  const real rate = rg::critical_rate(task, rg::Normalisation::none) * real("1.1");
  const auto run = rg::run_gradient_descent(rg::GradientDescent<real>{task, rg::Normalisation::none, rate},
                                            real(10 * rg::optimal_scale(task)), 100000);
  EXPECT_EQ(run.stuck_epoch, -1);
}

TEST(GhostGradientDescent, NumericalCriticalRateBracketsTheFormula) {
  // (G28) with the reference at double (the fast path's bisection is tested at scale in
  // test_fast_gradient_descent.cpp).
  for (const auto& [t, tr] : std::vector<std::pair<double, double>>{{100, 100}, {7, 3}, {3, 400}}) {
    const rg::DelayTask<double> task{t, tr};
    const double tol = 1e-6;
    const learndyn::Bracket b = rg::numerical_critical_rate(
        task, rg::Normalisation::none, rg::critical_rate_starts(task, 4, 40, 7), 2000, tol);
    const double formula = static_cast<double>(
        rg::critical_rate(rg::DelayTask<real>{real(t), real(tr)}, rg::Normalisation::none));
    EXPECT_LE(b.lower, formula * (1 + tol)) << t << " " << tr;
    EXPECT_GE(b.upper, formula * (1 - tol)) << t << " " << tr;
    EXPECT_LE(b.upper / b.lower - 1, tol);
  }
}

TEST(GhostGradientDescent, BadInputsThrow) {
  const rg::DelayTask<real> task{real(10), real(10)};
  EXPECT_THROW(rg::run_gradient_descent(rg::GradientDescent<real>{task, rg::Normalisation::none, real(0)}, real(1), 3),
               learndyn::ArgumentError);
  EXPECT_THROW(rg::run_gradient_descent(rg::GradientDescent<real>{task, rg::Normalisation::none, real(1)}, real(1), -1),
               learndyn::ArgumentError);
}

}  // namespace
