// Ground truth for the delayed-activation task in the analytical limit (proofs/ghost.md §2-3,
// G8-G20): optimum and point of no return as solutions of t*(eps) = T and T + T_r, the loss
// (G11) as the measure of the set where H(t - t*) differs from the target, its gradient (G14)
// and slope at the optimum (G15) against 100-digit difference quotients, the critical rate
// (G16)-(G18) from its defining property, and the exponent (G19)/(G20) against a 100-digit
// central difference of log eta_c in log T.
//
// Inputs are doubles from integer grids (tests/support/generators.hpp), converted exactly to
// 50 and 100 digits. Tolerances are in units u of the 50-digit unit roundoff.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <iomanip>
#include <iostream>
#include <limits>
#include <string>
#include <vector>

#include <boost/math/constants/constants.hpp>

#include <learndyn/common/argument_error.hpp>
#include <learndyn/common/error_measures.hpp>
#include <learndyn/common/scalar.hpp>
#include <learndyn/reference/ghost/canonical_model.hpp>
#include <learndyn/reference/ghost/delayed_activation.hpp>
#include "support/generators.hpp"
#include "support/ghost_reference.hpp"
#include "support/unit_roundoff.hpp"

namespace {

using learndyn::real;
using learndyn::real_hi;
namespace ref = learndyn::reference::ghost;
using learndyn::testing::log_uniform;
using learndyn::testing::uniform;
using ref::DelayScaling;
using ref::DelayTask;
using ref::Normalisation;

using learndyn::testing::convert_task;
using learndyn::testing::digits;
using learndyn::testing::multiprecision::u;

DelayTask<real> random_task() {
  // T, T_r in [2^-20, 2^40): T_r/T spans 1e-18..1e18, which stresses the subtraction
  // eps* - eps_nr in (G16) (relative condition ~ T/(2 T_r) when T_r << T).
  return {real(*log_uniform(-20, 40)), real(*log_uniform(-20, 40))};
}

double error_in_u(const real& approx, const real& exact) {
  return static_cast<double>(learndyn::relative_error(approx, exact) / u);
}

// The same, for a 50-digit result against a 100-digit truth.
double error_in_u(const real& approx, const real_hi& exact) {
  return static_cast<double>(
      learndyn::relative_error(learndyn::convert<real_hi>(approx), exact) /
      learndyn::convert<real_hi>(u));
}

// (G11) rebuilt from its definition rather than its case split: in the limit y = H(t - t*),
// the loss is the length of {t in [0, T + T_r] : H(t - t*) != y*(t)} =
// |[t*, T]| (on too early) + |[T, min(t*, T + T_r)]| (still off in the response).
template <class Real>
Real loss_as_measure(const Real& t_star, const DelayTask<Real>& task) {
  using std::max;
  using std::min;
  const Real early = max(Real(0), Real(task.delay - t_star));
  const Real late = max(Real(0), Real(min(t_star, Real(task.delay + task.response)) - task.delay));
  return early + late;
}

const Normalisation kNormalisations[] = {Normalisation::none, Normalisation::delay,
                                         Normalisation::total};
const DelayScaling kScalings[] = {DelayScaling::proportional, DelayScaling::fixed_response};

}  // namespace

// ---------------------------------------------------------------------------------------
// eps* (G12) and eps_nr (G13): t*(eps*) = T and t*(eps_nr) = T + T_r.
// ---------------------------------------------------------------------------------------
RC_GTEST_PROP(GhostDelayedActivation, OptimumAndPointOfNoReturnSolveEscapeTimeEquations, ()) {
  const DelayTask<real> task = random_task();
  const real eps_star = ref::optimal_scale(task);
  const real eps_nr = ref::point_of_no_return(task);
  RC_LOG() << std::setprecision(17) << "T=" << task.delay << " Tr=" << task.response << "\n";
  // t* = pi/(2 sqrt eps) (G3, checked against the ODE in test_canonical_model.cpp) has
  // condition 1/2 in eps: a few u on each side.
  RC_ASSERT(error_in_u(ref::escape_time(eps_star), task.delay) <= 4);
  RC_ASSERT(error_in_u(ref::escape_time(eps_nr), real(task.delay + task.response)) <= 4);
  RC_ASSERT(eps_nr < eps_star);
  RC_ASSERT(eps_nr > 0);
  // Certified: 50 and 100 digits agree to >= 48 digits.
  const DelayTask<real_hi> task_hi = convert_task<real_hi>(task);
  RC_ASSERT(digits(eps_star, ref::optimal_scale(task_hi)) >= 48);
  RC_ASSERT(digits(eps_nr, ref::point_of_no_return(task_hi)) >= 48);
}

TEST(GhostDelayedActivation, PointOfNoReturnIsQuarterOptimumWhenResponseEqualsDelay) {
  // (G13): T_r = T gives (T + T_r)^2 = 4 T^2.
  for (const int t : {1, 7, 100, 12345}) {
    const DelayTask<real> task{real(t), real(t)};
    EXPECT_LE(error_in_u(ref::point_of_no_return(task), real(ref::optimal_scale(task) / 4)), 2);
  }
}

// ---------------------------------------------------------------------------------------
// The analytical loss (G11).
// ---------------------------------------------------------------------------------------
RC_GTEST_PROP(GhostDelayedActivation, AnalyticLossIsMeasureOfMisclassifiedTime, ()) {
  const DelayTask<real> task = random_task();
  const real eps_star = ref::optimal_scale(task);
  // eps / eps* log-uniform over [2^-12, 2^12), both signs, and exactly 0.
  const int kind = *rc::gen::inRange(0, 5);
  real eps = eps_star * real(*log_uniform(-12, 12));
  if (kind == 0) eps = -eps;
  if (kind == 1) eps = 0;
  RC_LOG() << std::setprecision(17) << "T=" << task.delay << " Tr=" << task.response
           << " eps/eps*=" << static_cast<double>(eps / eps_star) << "\n";
  const real loss = ref::analytic_loss(eps, task);
  const real measure = loss_as_measure(ref::escape_time(eps), task);
  // Both are one rounded subtraction of the same operands, or T_r exactly.
  RC_ASSERT(loss == measure);
  RC_ASSERT(loss >= 0);
  RC_ASSERT(loss <= std::max(task.delay, task.response));
  if (!(eps > 0)) RC_ASSERT(loss == task.response);  // (G4)/(G5): t* = inf
  // Certified against 100 digits. The loss is a difference T - t* or t* - T: its relative
  // condition is t*/L (t* carries the rounding), so the digits are counted in absolute
  // terms against max(T, t*) when L is small.
  const DelayTask<real_hi> task_hi = convert_task<real_hi>(task);
  const real_hi loss_hi = ref::analytic_loss(learndyn::convert<real_hi>(eps), task_hi);
  const real_hi scale = std::max(learndyn::convert<real_hi>(task.delay + task.response), loss_hi);
  RC_ASSERT(abs(learndyn::convert<real_hi>(loss) - loss_hi) <=
            8 * learndyn::convert<real_hi>(u) * scale);
}

TEST(GhostDelayedActivation, AnalyticLossIsContinuousAtTheKinks) {
  // At eps* both neighbouring branches are 0; at eps_nr both are T_r. Approaching with
  // relative offsets delta the loss moves by |dL/deps| eps delta <= T delta (G14 at eps*:
  // pi/(4 eps*^{3/2}) eps* = T/2; at eps_nr: (T + T_r)/2), so the jump is 0.
  const DelayTask<real> task{real(100), real(37)};
  const real eps_star = ref::optimal_scale(task);
  const real eps_nr = ref::point_of_no_return(task);
  const real total = task.delay + task.response;
  EXPECT_LE(abs(ref::analytic_loss(eps_star, task)), 4 * u * task.delay);
  EXPECT_LE(abs(ref::analytic_loss(eps_nr, task) - task.response), 4 * u * total);
  for (const char* d : {"1e-10", "1e-20", "1e-40"}) {
    const real delta(d);
    for (const real& side : {real(1), real(-1)}) {
      const real above = eps_star * (1 + side * delta);
      EXPECT_LE(ref::analytic_loss(above, task), task.delay * delta + 4 * u * task.delay) << d;
      const real near_nr = eps_nr * (1 + side * delta);
      EXPECT_LE(abs(ref::analytic_loss(near_nr, task) - task.response),
                total * delta + 4 * u * total)
          << d;
    }
  }
  // Below eps_nr the loss is exactly T_r (the flat no-learning zone).
  EXPECT_EQ(ref::analytic_loss(real(eps_nr * (1 - real("1e-30"))), task), task.response);
  EXPECT_EQ(ref::analytic_loss(real(eps_nr / 2), task), task.response);
}

TEST(GhostDelayedActivation, AnalyticLossFromEscapeTimeOnEachBranch) {
  // One value per branch, from t* directly (no case analysis): T = 10, T_r = 5.
  const DelayTask<real> task{real(10), real(5)};
  using boost::math::constants::pi;
  // eps = pi^2/64 -> t* = 4 < T: L = T - t* = 6.
  EXPECT_LE(error_in_u(ref::analytic_loss(real(pi<real>() * pi<real>() / 64), task), real(6)), 8);
  // eps = pi^2/576 -> t* = 12 in [T, T + T_r]: L = t* - T = 2.
  EXPECT_LE(error_in_u(ref::analytic_loss(real(pi<real>() * pi<real>() / 576), task), real(2)), 32);
  // eps = pi^2/1600 -> t* = 20 > T + T_r: L = T_r = 5.
  EXPECT_EQ(ref::analytic_loss(real(pi<real>() * pi<real>() / 1600), task), real(5));
  // eps = +inf: t* = 0, escaped at once: L = T. eps = -inf: never escapes: L = T_r.
  EXPECT_EQ(ref::analytic_loss(std::numeric_limits<real>::infinity(), task), real(10));
  EXPECT_EQ(ref::analytic_loss(-std::numeric_limits<real>::infinity(), task), real(5));
}

// ---------------------------------------------------------------------------------------
// The gradient (G14) against a 100-digit central difference, away from the kinks.
// ---------------------------------------------------------------------------------------
// L is T - t* or t* - T there, with t* = pi/(2 sqrt eps): each eps-derivative brings a factor
// ~1/eps, so with h = 1e-30 eps the central difference errs by ~(h/eps)^2 = 1e-60 relative
// (truncation) plus ~1e-100 T / (1e-30 |L'| eps) <= 1e-69 (rounding): exact to 50 digits.
RC_GTEST_PROP(GhostDelayedActivation, GradientMatchesHundredDigitCentralDifference, ()) {
  const DelayTask<real> task = random_task();
  const real eps_star = ref::optimal_scale(task);
  const real eps_nr = ref::point_of_no_return(task);
  // A point at relative distance >= 1e-3 from both kinks, on a branch chosen at random.
  const int branch = *rc::gen::inRange(0, 3);
  const real f(*uniform(1e-3, 1 - 1e-3));
  real eps;
  if (branch == 0) eps = eps_star * (1 + real(*log_uniform(-10, 10)));  // above eps*
  if (branch == 1) eps = eps_nr + (eps_star - eps_nr) * f;               // middle branch
  if (branch == 2) eps = eps_nr * f;                                     // no-learning zone
  RC_LOG() << std::setprecision(17) << "T=" << task.delay << " Tr=" << task.response
           << " branch=" << branch << " eps/eps*=" << static_cast<double>(eps / eps_star) << "\n";
  const DelayTask<real_hi> task_hi = convert_task<real_hi>(task);
  const real_hi eps_hi = learndyn::convert<real_hi>(eps);
  const real_hi h = eps_hi * real_hi("1e-30");
  const real_hi difference = (ref::analytic_loss(real_hi(eps_hi + h), task_hi) -
                              ref::analytic_loss(real_hi(eps_hi - h), task_hi)) /
                             (2 * h);
  const real gradient = ref::analytic_gradient(eps, task);
  if (branch == 2) {
    RC_ASSERT(gradient == 0);
    RC_ASSERT(difference == 0);
  } else {
    RC_ASSERT(error_in_u(gradient, difference) <= 8);
    RC_ASSERT((gradient > 0) == (branch == 0));
  }
  // Certified: 50 vs 100 digits of (G14).
  RC_ASSERT(digits(gradient, ref::analytic_gradient(eps_hi, task_hi)) >= 48);
}

TEST(GhostDelayedActivation, GradientConventionAtTheKinks) {
  // Both ends of [eps_nr, eps*] take the middle branch -pi/(4 eps^{3/2}) (proofs §3).
  using boost::math::constants::pi;
  using std::sqrt;
  const DelayTask<real> task{real(100), real(100)};
  for (const real& eps : {ref::optimal_scale(task), ref::point_of_no_return(task)}) {
    const real middle = -pi<real>() / (4 * eps * sqrt(eps));
    EXPECT_LE(error_in_u(ref::analytic_gradient(eps, task), middle), 4);
  }
  EXPECT_EQ(ref::analytic_gradient(real(0), task), 0);
  EXPECT_EQ(ref::analytic_gradient(real(-1), task), 0);
}

// ---------------------------------------------------------------------------------------
// The slope at the optimum (G15) against the one-sided limit of (G14) and the one-sided
// difference quotient of the loss itself.
// ---------------------------------------------------------------------------------------
RC_GTEST_PROP(GhostDelayedActivation, SlopeAtOptimumIsOneSidedLimit, ()) {
  const DelayTask<real> task = random_task();
  const real eps_star = ref::optimal_scale(task);
  const real g_star = ref::slope_at_optimum(task);
  RC_LOG() << std::setprecision(17) << "T=" << task.delay << " Tr=" << task.response << "\n";
  // (G14) just above eps*: pi/(4 eps^{3/2}) at eps = eps*(1 + delta) is g* (1 + delta)^{-3/2},
  // within 1.5 delta of g*.
  for (const char* d : {"1e-5", "1e-15", "1e-45"}) {
    const real delta(d);
    const real g = ref::analytic_gradient(real(eps_star * (1 + delta)), task);
    RC_ASSERT(abs(g - g_star) <= g_star * (real(3) / 2 * delta + 8 * u));
    RC_ASSERT(g < g_star);
  }
  // (L(eps* + h) - L(eps*)) / h at 100 digits with h = 1e-40 eps*: L(eps*) = 0 up to
  // rounding (~1e-100 T), L is T - t* above eps*, so the quotient is g* + O(h g*/eps*).
  const DelayTask<real_hi> task_hi = convert_task<real_hi>(task);
  const real_hi star_hi = ref::optimal_scale(task_hi);
  const real_hi h = star_hi * real_hi("1e-40");
  const real_hi quotient =
      (ref::analytic_loss(real_hi(star_hi + h), task_hi) - ref::analytic_loss(star_hi, task_hi)) / h;
  RC_ASSERT(digits(g_star, quotient) >= 39);
  RC_ASSERT(error_in_u(g_star, quotient) <= 1e11);  // O(1e-40) relative, u ~ 1e-51
  RC_ASSERT(digits(g_star, ref::slope_at_optimum(task_hi)) >= 48);
}

// ---------------------------------------------------------------------------------------
// The critical learning rate (G16)-(G18).
// ---------------------------------------------------------------------------------------
TEST(GhostDelayedActivation, CriticalRateAtPaperSettings) {
  // (G18), derived here from (G16) at T = T_r = 100, c = 1:
  //   eps* = pi^2/(4 T^2), eps_nr = pi^2/(16 T^2)  =>  eps* - eps_nr = 3 pi^2/(16 T^2);
  //   g* = 2 T^3/pi^2                               =>  eta_c = 3 pi^4/(32 T^5).
  // pi^4 = 97.409091034002437236440332688705111249727585672685...; times 3/32:
  // 9.1321022844377284909162811895661...; over T^5 = 1e10: 9.1321022844...e-10.
  using boost::math::constants::pi;
  const DelayTask<real> task{real(100), real(100)};
  const real p4 = pi<real>() * pi<real>() * pi<real>() * pi<real>();
  const real expected = 3 * p4 / (32 * pow(real(100), 5));
  const real eta_c = ref::critical_rate(task, Normalisation::none);
  EXPECT_LE(error_in_u(eta_c, expected), 16);
  std::cout << "[ measured ] eta_c(T = Tr = 100) = " << std::setprecision(50) << eta_c
            << " (" << digits(eta_c, learndyn::convert<real_hi>(expected)) << " digits vs 3 pi^4/(32 T^5))\n";
  // 9.132e-10 at T = T_r = 100 (G18, and the digits printed above).
  EXPECT_NEAR(static_cast<double>(eta_c), 9.1321022844e-10, 1e-19);
  // Normalised by T and by T + T_r (G17): 100 and 200 times larger.
  EXPECT_LE(error_in_u(ref::critical_rate(task, Normalisation::delay), real(100 * expected)), 16);
  EXPECT_LE(error_in_u(ref::critical_rate(task, Normalisation::total), real(200 * expected)), 16);
}

// The defining property (G16): one step of size c eta_c g* from eps* lands on eps_nr, with g*
// taken as the one-sided difference quotient of the loss (not from (G15)) and eps*, eps_nr
// as the roots of t* = T and t* = T + T_r. Then the theorem's dichotomy for one GD step just
// above eps*: at (1 - 1e-6) eta_c it stays above eps_nr, at (1 + 1e-6) eta_c it falls below.
RC_GTEST_PROP(GhostDelayedActivation, CriticalRateCarriesOptimumToPointOfNoReturn, ()) {
  const DelayTask<real> task = random_task();
  RC_LOG() << std::setprecision(17) << "T=" << task.delay << " Tr=" << task.response << "\n";
  const DelayTask<real_hi> task_hi = convert_task<real_hi>(task);
  const real_hi star_hi = ref::optimal_scale(task_hi);
  const real_hi h = star_hi * real_hi("1e-45");
  const real_hi g_star_numeric =
      (ref::analytic_loss(real_hi(star_hi + h), task_hi) - ref::analytic_loss(star_hi, task_hi)) / h;
  const real_hi eps_nr_hi = ref::point_of_no_return(task_hi);
  const real raw = ref::critical_rate(task, Normalisation::none);
  for (const Normalisation n : kNormalisations) {
    const real eta_c = ref::critical_rate(task, n);
    const real_hi c = ref::normalisation_factor(task_hi, n);
    const real_hi landing = star_hi - c * learndyn::convert<real_hi>(eta_c) * g_star_numeric;
    // The landing point is a difference eps* - (eps* - eps_nr): relative to eps_nr its error
    // is the O(1e-45) of the quotient and the ~u of eta_c, times eps*/eps_nr = (1 + T_r/T)^2.
    const real_hi amplification = star_hi / eps_nr_hi;
    RC_ASSERT(abs(landing - eps_nr_hi) <=
              eps_nr_hi * amplification * (16 * learndyn::convert<real_hi>(u) + real_hi("1e-40")));
    // (G17): eta_c^(c) = eta_c^raw / c.
    RC_ASSERT(error_in_u(eta_c, real(raw / learndyn::convert<real>(c))) <= 8);
    RC_ASSERT(digits(eta_c, ref::critical_rate(task_hi, n)) >= 47);
    // One GD step on the rescaled loss from just above eps*.
    const real eps_star = ref::optimal_scale(task);
    const real eps_nr = ref::point_of_no_return(task);
    const real start = eps_star * (1 + real("1e-30"));
    const real cf = ref::normalisation_factor(task, n);
    const real g = ref::analytic_gradient(start, task);
    RC_ASSERT(start - cf * eta_c * (1 - real("1e-6")) * g > eps_nr);
    RC_ASSERT(start - cf * eta_c * (1 + real("1e-6")) * g < eps_nr);
  }
}

// ---------------------------------------------------------------------------------------
// The scaling exponent (G19), (G20) against a 100-digit central difference in log T.
// ---------------------------------------------------------------------------------------
namespace {

// d log eta_c / d log T by central difference at 100 digits, h = 1e-30 in log T: with T_r
// moving as T_r e^{+-h} (proportional) or fixed. log eta_c is analytic in log T with
// derivatives O(1) times the condition (1 + r^2)/(1 - r^2) of T^-2 - (T + T_r)^-2, so the
// truncation is ~1e-60 and the rounding ~1e-100 (1 + r^2)/(1 - r^2) / 1e-30.
real_hi exponent_by_difference(const DelayTask<real_hi>& task, Normalisation n, DelayScaling scaling) {
  using std::exp;
  using std::log;
  const real_hi h("1e-30");
  const auto log_rate = [&](const real_hi& factor) {
    const real_hi response = scaling == DelayScaling::proportional ? real_hi(task.response * factor)
                                                                   : task.response;
    return log(ref::critical_rate(DelayTask<real_hi>{real_hi(task.delay * factor), response}, n));
  };
  return (log_rate(exp(h)) - log_rate(exp(-h))) / (2 * h);
}

}  // namespace

RC_GTEST_PROP(GhostDelayedActivation, ExponentMatchesHundredDigitCentralDifference, ()) {
  const DelayTask<real> task = random_task();
  const DelayTask<real_hi> task_hi = convert_task<real_hi>(task);
  RC_LOG() << std::setprecision(17) << "T=" << task.delay << " Tr=" << task.response << "\n";
  for (const DelayScaling scaling : kScalings) {
    for (const Normalisation n : kNormalisations) {
      const real exponent = ref::critical_rate_exponent(task, n, scaling);
      const real_hi difference = exponent_by_difference(task_hi, n, scaling);
      RC_ASSERT(error_in_u(exponent, difference) <= 16);
      RC_ASSERT(digits(exponent, ref::critical_rate_exponent(task_hi, n, scaling)) >= 48);
    }
  }
}

TEST(GhostDelayedActivation, ExponentValuesAndLargeDelayLimits) {
  // At T = T_r (r = 1/2) the fixed-T_r raw exponent is -3 - 2 (7/4)/(3/2) = -16/3 (§3.2).
  const DelayTask<real> equal{real(50), real(50)};
  EXPECT_LE(error_in_u(ref::critical_rate_exponent(equal, Normalisation::none,
                                                   DelayScaling::fixed_response),
                       real(-16) / 3),
            4);
  EXPECT_LE(error_in_u(ref::critical_rate_exponent(equal, Normalisation::total,
                                                   DelayScaling::fixed_response),
                       real(-16) / 3 + real(1) / 2),
            4);
  // The limits T -> inf (critical_rate_exponent_limit): -5/-6 raw, -4/-5 normalised.
  EXPECT_EQ(ref::critical_rate_exponent_limit(Normalisation::none, DelayScaling::proportional), -5);
  EXPECT_EQ(ref::critical_rate_exponent_limit(Normalisation::delay, DelayScaling::proportional), -4);
  EXPECT_EQ(ref::critical_rate_exponent_limit(Normalisation::total, DelayScaling::proportional), -4);
  EXPECT_EQ(ref::critical_rate_exponent_limit(Normalisation::none, DelayScaling::fixed_response), -6);
  EXPECT_EQ(ref::critical_rate_exponent_limit(Normalisation::delay, DelayScaling::fixed_response), -5);
  EXPECT_EQ(ref::critical_rate_exponent_limit(Normalisation::total, DelayScaling::fixed_response), -5);
  // The exponent tends to the limit. With rho = T_r/T and r = 1/(1 + rho) = 1 - delta,
  // (G20) expands to -6 + 3 delta/2 (raw), -5 + 3 delta/2 (by T), -5 + delta/2 (by T + T_r),
  // so |exponent - limit| <= 2 rho; proportional scaling gives the limit at every T. The
  // 100-digit central difference agrees at T = 1e30 T_r, where the formula and the limit
  // differ by ~1e-30.
  for (const int k : {3, 10, 30}) {
    const real t = pow(real(10), k);
    const DelayTask<real> task{t, real(1)};
    const DelayTask<real_hi> task_hi = convert_task<real_hi>(task);
    for (const DelayScaling scaling : kScalings) {
      for (const Normalisation n : kNormalisations) {
        const real exponent = ref::critical_rate_exponent(task, n, scaling);
        const int limit = ref::critical_rate_exponent_limit(n, scaling);
        EXPECT_LE(abs(exponent - limit), 2 / t) << "T=1e" << k;
        if (scaling == DelayScaling::proportional) {
          EXPECT_EQ(exponent, limit);
        } else {
          EXPECT_GT(exponent, limit);
        }
        const real_hi difference = exponent_by_difference(task_hi, n, scaling);
        EXPECT_LE(abs(difference - limit), 2 / learndyn::convert<real_hi>(t));
      }
    }
  }
}

// ---------------------------------------------------------------------------------------
// Invalid tasks: every entry point throws ArgumentError naming the parameter.
// ---------------------------------------------------------------------------------------
namespace {

template <class Real>
std::vector<std::function<void(const DelayTask<Real>&)>> task_entry_points() {
  return {
      [](const DelayTask<Real>& t) { ref::validate(t); },
      [](const DelayTask<Real>& t) { (void)ref::optimal_scale(t); },
      [](const DelayTask<Real>& t) { (void)ref::point_of_no_return(t); },
      [](const DelayTask<Real>& t) { (void)ref::analytic_loss(Real(1), t); },
      [](const DelayTask<Real>& t) { (void)ref::analytic_gradient(Real(1), t); },
      [](const DelayTask<Real>& t) { (void)ref::slope_at_optimum(t); },
      [](const DelayTask<Real>& t) { (void)ref::critical_rate(t, Normalisation::none); },
      [](const DelayTask<Real>& t) { (void)ref::critical_rate(t, Normalisation::total); },
      [](const DelayTask<Real>& t) {
        (void)ref::critical_rate_exponent(t, Normalisation::none, DelayScaling::proportional);
      },
      [](const DelayTask<Real>& t) {
        (void)ref::critical_rate_exponent(t, Normalisation::delay, DelayScaling::fixed_response);
      },
  };
}

template <class Real>
void expect_bad_tasks_throw() {
  const Real nan = std::numeric_limits<Real>::quiet_NaN();
  const Real inf = std::numeric_limits<Real>::infinity();
  struct Bad {
    DelayTask<Real> task;
    const char* parameter;
  };
  const std::vector<Bad> bad = {
      {{Real(0), Real(1)}, "T"},  {{Real(-1), Real(1)}, "T"}, {{nan, Real(1)}, "T"},
      {{inf, Real(1)}, "T"},      {{Real(1), Real(0)}, "Tr"}, {{Real(1), Real(-2)}, "Tr"},
      {{Real(1), nan}, "Tr"},     {{Real(1), inf}, "Tr"},     {{-inf, nan}, "T"},
  };
  const auto entry_points = task_entry_points<Real>();
  for (const Bad& b : bad) {
    for (std::size_t i = 0; i < entry_points.size(); ++i) {
      try {
        entry_points[i](b.task);
        ADD_FAILURE() << "entry point " << i << " accepted T=" << b.task.delay
                      << " Tr=" << b.task.response;
      } catch (const learndyn::ArgumentError& e) {
        EXPECT_EQ(e.parameter(), b.parameter) << "entry point " << i << ": " << e.what();
        EXPECT_NE(std::string(e.what()).find(b.parameter), std::string::npos);
      }
    }
  }
}

}  // namespace

TEST(GhostDelayedActivation, BadTasksThrowNamingTheParameter) {
  expect_bad_tasks_throw<double>();
  expect_bad_tasks_throw<real>();
  expect_bad_tasks_throw<real_hi>();
}

// NaN eps is not an error (the task is valid) but must not be mistaken for a point of a
// branch: loss and gradient are NaN, as in the fast path (fast/ghost/analytic.hpp).
TEST(GhostDelayedActivation, NanEpsGivesNan) {
  const DelayTask<real> task{real(10), real(10)};
  const real nan = std::numeric_limits<real>::quiet_NaN();
  EXPECT_TRUE(isnan(ref::escape_time(nan)));
  EXPECT_TRUE(isnan(ref::analytic_loss(nan, task)));
  EXPECT_TRUE(isnan(ref::analytic_gradient(nan, task)));
  EXPECT_TRUE(std::isnan(ref::analytic_loss(std::nan(""), DelayTask<double>{10, 10})));
}
