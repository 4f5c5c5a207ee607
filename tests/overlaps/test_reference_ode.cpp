// common/ode.hpp (proofs/overlaps.md §12, O40-O43): the Fehlberg 7(8) tableau is consistent,
// each stepper has its order (error ratio on halving the step), and the adaptive integrators
// meet their tolerance on problems with known solutions, at double, 50 and 100 digits.
#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

#include <learndyn/common/argument_error.hpp>
#include <learndyn/common/ode.hpp>
#include <learndyn/common/scalar.hpp>

namespace {
using learndyn::real;
using learndyn::real_hi;
namespace ode = learndyn::ode;
template <class Real>
using State = ode::OdeState<Real>;

// Logistic equation y' = y (1 - y) + a nonautonomous forcing-free check: exact solution
// y(t) = 1 / (1 + (1/y0 - 1) e^-t).
template <class Real>
State<Real> logistic(const Real&, const State<Real>& y) {
  State<Real> d(1);
  d(0) = y(0) * (1 - y(0));
  return d;
}
template <class Real>
Real logistic_exact(const Real& y0, const Real& t) {
  using std::exp;
  return 1 / (1 + (1 / y0 - 1) * exp(-t));
}

// y1' = y2, y2' = -y1 - t y1 ... kept autonomous and linear: the harmonic oscillator with a
// damping, y'' + 2 b y' + y = 0, exact solution in closed form.
template <class Real>
State<Real> damped(const Real&, const State<Real>& y) {
  State<Real> d(2);
  d(0) = y(1);
  d(1) = -y(0) - Real(1) / 5 * y(1);  // b = 1/10
  return d;
}
template <class Real>
Real damped_exact(const Real& t) {  // y(0) = 1, y'(0) = 0
  using std::cos;
  using std::exp;
  using std::sin;
  using std::sqrt;
  const Real b = Real(1) / 10, w = sqrt(1 - b * b);
  return exp(-b * t) * (cos(w * t) + b / w * sin(w * t));
}

// Global error at t = 1 of `steps` fixed Fehlberg order-8 steps on the logistic equation.
real fehlberg_fixed_error(long steps) {
  State<real> y(1);
  y(0) = real("0.1");
  const real h = real(1) / steps;
  for (long i = 0; i < steps; ++i) y = ode::fehlberg78_step(logistic<real>, real(h * i), y, h).y;
  return abs(y(0) - logistic_exact(real("0.1"), real(1)));
}

real fixed_error(ode::FixedMethod method, long steps) {
  State<real> y(1);
  y(0) = real("0.1");
  y = ode::integrate_fixed(method, logistic<real>, y, real(0), real(1), steps);
  return abs(y(0) - logistic_exact(real("0.1"), real(1)));
}

TEST(OdeIntegrators, FehlbergTableauIsConsistent) {
  // Row sums of a equal c, the order-8 weights sum to 1 and the error weights to 0: the
  // rational tableau reproduces these exactly at 50 digits.
  const auto& tab = ode::detail::fehlberg_tableau<real>();
  real weights = 0;
  for (int i = 0; i < 13; ++i) {
    real row = 0;
    for (int j = 0; j < i; ++j) row += tab.a[i][j];
    EXPECT_LT(abs(row - tab.c[i]), real("1e-48")) << i;
    weights += tab.b8[i];
  }
  EXPECT_LT(abs(weights - 1), real("1e-48"));
}

TEST(OdeIntegrators, FehlbergIsOfOrderEight) {
  // Halving the step divides the global error by 2^8 = 256 (asymptotically); the first
  // correction is O(h), so at 16 -> 32 steps the ratio is within 25% of 256.
  const real e1 = fehlberg_fixed_error(16), e2 = fehlberg_fixed_error(32);
  const real ratio = e1 / e2;
  EXPECT_GT(ratio, 192);
  EXPECT_LT(ratio, 320);
  EXPECT_GT(e2, real("1e-40"));  // well above the 50-digit rounding: the ratio is truncation
}

// Global error at t = 1 of `steps` fixed extrapolation steps with k columns (order 2k).
real extrapolation_fixed_error(int k, long steps) {
  State<real> y(1);
  y(0) = real("0.1");
  const real h = real(1) / steps;
  for (long i = 0; i < steps; ++i) {
    const real t = h * i;
    y = ode::extrapolation_step(logistic<real>, t, y, logistic<real>(t, y), h, k).y;
  }
  return abs(y(0) - logistic_exact(real("0.1"), real(1)));
}

TEST(OdeIntegrators, ExtrapolationHasOrderTwoK) {
  // (O43): k columns of Aitken-Neville on Gragg's rule give order 2k: halving the step divides
  // the error by 2^(2k) asymptotically (64 for k = 3, 256 for k = 4; within 25%).
  const real r3 = extrapolation_fixed_error(3, 16) / extrapolation_fixed_error(3, 32);
  EXPECT_GT(r3, 48);
  EXPECT_LT(r3, 80);
  const real r4 = extrapolation_fixed_error(4, 16) / extrapolation_fixed_error(4, 32);
  EXPECT_GT(r4, 192);
  EXPECT_LT(r4, 320);
}

TEST(OdeIntegrators, ExtrapolationMeetsFiftyAndHundredDigitTolerances) {
  // At 1e-40 (50 digits) and 1e-80 (100 digits): global error within 1000 tol on the
  // contracting logistic and the damped oscillator, in few steps (order 24 and 48).
  const ode::Tolerance<real> tol{real("1e-40"), real("1e-40")};
  ode::AdaptiveStats stats;
  State<real> osc(2);
  osc << real(1), real(0);
  osc = ode::integrate_extrapolation(damped<real>, osc, real(0), real(20), tol, &stats);
  EXPECT_LT(abs(osc(0) - damped_exact(real(20))), real("1e-37"));
  EXPECT_LT(stats.accepted, 200);
  const ode::Tolerance<real_hi> tol_hi{real_hi("1e-80"), real_hi("1e-80")};
  State<real_hi> y(1);
  y(0) = real_hi("0.1");
  y = ode::integrate_extrapolation(logistic<real_hi>, y, real_hi(0), real_hi(10), tol_hi, &stats);
  EXPECT_LT(abs(y(0) - logistic_exact(real_hi("0.1"), real_hi(10))), real_hi("1e-77"));
  EXPECT_LT(stats.accepted, 200);
}

TEST(OdeIntegrators, EulerAndRk4HaveTheirOrders) {
  const real euler = fixed_error(ode::FixedMethod::euler, 400) / fixed_error(ode::FixedMethod::euler, 800);
  EXPECT_GT(euler, real("1.9"));
  EXPECT_LT(euler, real("2.1"));
  const real rk4 = fixed_error(ode::FixedMethod::rk4, 40) / fixed_error(ode::FixedMethod::rk4, 80);
  EXPECT_GT(rk4, 15);
  EXPECT_LT(rk4, 17);
}

TEST(OdeIntegrators, AdaptiveMeetsItsToleranceAtFiftyDigits) {
  // Local errors <= tol (relative to |y|, y = O(1)) summed over the steps: the global error
  // stays within a few hundred tol on these contracting/neutral problems.
  const ode::Tolerance<real> tol{real("1e-30"), real("1e-30")};
  ode::AdaptiveStats stats;
  State<real> y(1);
  y(0) = real("0.1");
  y = ode::integrate_adaptive(logistic<real>, y, real(0), real(10), tol, &stats);
  EXPECT_LT(abs(y(0) - logistic_exact(real("0.1"), real(10))), real("1e-27"));
  EXPECT_GT(stats.accepted, 10);

  State<real> osc(2);
  osc << real(1), real(0);
  osc = ode::integrate_adaptive(damped<real>, osc, real(0), real(20), tol, &stats);
  EXPECT_LT(abs(osc(0) - damped_exact(real(20))), real("1e-27"));
}

TEST(OdeIntegrators, AdaptiveDefaultToleranceAtDouble) {
  State<double> y(2);
  y << 1.0, 0.0;
  ode::AdaptiveStats stats;
  y = ode::integrate_adaptive(damped<double>, y, 0.0, 20.0, ode::default_tolerance<double>(), &stats);
  EXPECT_LT(std::fabs(y(0) - damped_exact(20.0)), 1e-9);
  EXPECT_LT(stats.accepted, 1000);  // order 8 at 4e-11: tens of steps, not thousands
}

TEST(OdeIntegrators, AdaptiveLandsOnTheEndpointAndIsDeterministic) {
  const ode::Tolerance<double> tol{1e-12, 1e-12};
  State<double> y(1);
  y(0) = 0.25;
  const State<double> a = ode::integrate_adaptive(logistic<double>, y, 0.0, 3.0, tol);
  const State<double> b = ode::integrate_adaptive(logistic<double>, y, 0.0, 3.0, tol);
  EXPECT_EQ(a(0), b(0));
  EXPECT_EQ(ode::integrate_adaptive(logistic<double>, y, 1.0, 1.0, tol)(0), 0.25);
}

TEST(OdeIntegrators, BadInputsAndBlowUpThrow) {
  State<double> y(1);
  y(0) = 1.0;
  EXPECT_THROW(ode::integrate_adaptive(logistic<double>, y, 1.0, 0.0, ode::default_tolerance<double>()),
               learndyn::ArgumentError);
  EXPECT_THROW(ode::integrate_adaptive(logistic<double>, y, 0.0, 1.0, ode::Tolerance<double>{0.0, 0.0}),
               learndyn::ArgumentError);
  EXPECT_THROW(ode::integrate_fixed(ode::FixedMethod::rk4, logistic<double>, y, 0.0, 1.0, 0),
               learndyn::ArgumentError);
  // y' = y^2, y(0) = 1 blows up at t = 1: the step size underflows before t = 2.
  const auto square = [](double, const State<double>& s) { return State<double>(s.cwiseProduct(s)); };
  EXPECT_THROW(ode::integrate_adaptive(square, y, 0.0, 2.0, ode::Tolerance<double>{1e-10, 1e-10}),
               std::runtime_error);
  EXPECT_THROW(ode::integrate_extrapolation(square, y, 0.0, 2.0, ode::Tolerance<double>{1e-10, 1e-10}),
               std::runtime_error);
  EXPECT_THROW(ode::integrate_extrapolation(logistic<double>, y, 1.0, 0.0, ode::default_tolerance<double>()),
               learndyn::ArgumentError);
}

}  // namespace
