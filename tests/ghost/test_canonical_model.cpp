// Ground truth for the canonical model dx/dt = eps + x^2, x(0) = 0 (proofs/ghost.md §1,
// G1-G7): the closed forms of the reference against an independent high-order Taylor-series
// integration of the ODE itself, at 50 digits, and the 50-digit reference against the
// 100-digit one.
//
// The Taylor integrator knows only the ODE (G1) and the variational equation
// xi' = 1 + 2 x xi, xi(0) = 0, whose solution is dx/deps; it never evaluates tan, tanh or atan.
// Tolerances are in units of u = 2^-(digits of real) times the condition number of the
// quantity (derived where it is used), like Boost.Math's tests.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <iostream>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include <boost/math/constants/constants.hpp>

#include <learndyn/common/argument_error.hpp>
#include <learndyn/common/error_measures.hpp>
#include <learndyn/common/scalar.hpp>
#include <learndyn/reference/ghost/canonical_model.hpp>

namespace {

using learndyn::real;
using learndyn::real_hi;
namespace ref = learndyn::reference::ghost;

template <class Real>
Real unit_roundoff() {
  return std::numeric_limits<Real>::epsilon();
}

// An exactly representable dyadic m * 2^e.
template <class Real>
Real dyadic(long m, int e) {
  using std::ldexp;
  return ldexp(Real(m), e);
}

// ---------------------------------------------------------------------------------------
// Taylor-series integration of (G1) together with the variational equation.
//
// At a point (t0, x0, xi0) the Taylor coefficients of x(t0 + h) = sum x_n h^n follow from
// x' = eps + x^2 by matching powers of h:
//   x_{n+1} = (eps [n == 0] + sum_{k=0}^{n} x_k x_{n-k}) / (n + 1),
// and those of xi from xi' = 1 + 2 x xi:
//   xi_{n+1} = ([n == 0] + 2 sum_{k=0}^{n} x_k xi_{n-k}) / (n + 1).
// Step size (Jorba & Zou, Exp. Math. 14 (2005)): the largest h for which each of the last
// ten retained terms |c_n| h^n (n = N-9..N) is below tol times the natural scale of the
// solution; with N = 70 and tol = 1e-62 the ratio h / (radius of convergence) is about
// tol^(1/N) ~ 0.13, so the omitted tail is ~ tol * 0.15 relative. An extra cap
// h <= 1 / (2 (|x0| + s)), s = sqrt|eps|, keeps h within half the radius even where the
// coefficients are small only because of a tiny prefactor (the relaxed eps < 0 state). The
// radius is >= 1/(|x0| + s) (this only sizes steps; a wrong guess could only make the
// comparison fail): for eps > 0 the nearest pole is t* with s (t* - t0) = atan(s/x0) >=
// s/(x0 + s); for eps < 0 the singularities are at |t| >= pi/(2s), beyond 1/(|x0| + s).
// ---------------------------------------------------------------------------------------
constexpr int kTaylorOrder = 70;

template <class Real>
struct TaylorPoint {
  Real t;
  Real x;
  Real xi;  // dx/deps along the trajectory
};

template <class Real>
struct TaylorSeries {
  std::vector<Real> x;
  std::vector<Real> xi;
};

template <class Real>
TaylorSeries<Real> taylor_coefficients(const Real& eps, const TaylorPoint<Real>& p) {
  TaylorSeries<Real> c{std::vector<Real>(kTaylorOrder + 1), std::vector<Real>(kTaylorOrder + 1)};
  c.x[0] = p.x;
  c.xi[0] = p.xi;
  for (int n = 0; n < kTaylorOrder; ++n) {
    Real sx = n == 0 ? eps : Real(0);
    Real sxi = n == 0 ? Real(1) : Real(0);
    // sum_{k=0}^{n} x_k x_{n-k}, using its symmetry.
    for (int k = 0; 2 * k < n; ++k) sx += 2 * c.x[k] * c.x[n - k];
    if (n % 2 == 0) sx += c.x[n / 2] * c.x[n / 2];
    Real conv = 0;
    for (int k = 0; k <= n; ++k) conv += c.x[k] * c.xi[n - k];
    sxi += 2 * conv;
    c.x[n + 1] = sx / (n + 1);
    c.xi[n + 1] = sxi / (n + 1);
  }
  return c;
}

template <class Real>
Real horner(const std::vector<Real>& c, const Real& h) {
  Real sum = 0;
  for (auto it = c.rbegin(); it != c.rend(); ++it) sum = sum * h + *it;
  return sum;
}

// The largest step allowed by the tail criterion above, at most `cap`.
template <class Real>
Real taylor_step(const std::vector<Real>& c, const Real& scale, const Real& cap) {
  using std::abs;
  using std::pow;
  const Real tol = pow(Real(10), -62);
  Real h = cap;
  for (int n = kTaylorOrder - 9; n <= kTaylorOrder; ++n) {
    if (c[n] == 0) continue;
    const Real hn = pow(tol * scale / abs(c[n]), Real(1) / n);
    if (hn < h) h = hn;
  }
  return h;
}

template <class Real>
Real taylor_step(const Real& eps, const TaylorPoint<Real>& p, const TaylorSeries<Real>& c) {
  using std::abs;
  using std::sqrt;
  const Real s = sqrt(abs(eps));
  const Real x_scale = std::max(abs(p.x), s);
  // Beyond this cap the Riccati solution may have a complex singularity (see above).
  const Real cap = x_scale > 0 ? Real(1 / (2 * (abs(p.x) + s))) : std::numeric_limits<Real>::max();
  const Real h_x = taylor_step(c.x, x_scale, cap);
  // xi grows like t and like x^2 near the pole; its natural scale over one step:
  const Real xi_scale = std::max(abs(p.xi), std::min(h_x, Real(1)));
  return taylor_step(c.xi, xi_scale, h_x);
}

// x and xi at t_end > 0 (t_end finite and below the blow-up time).
template <class Real>
TaylorPoint<Real> taylor_integrate(const Real& eps, const Real& t_end, int* steps = nullptr) {
  TaylorPoint<Real> p{Real(0), Real(0), Real(0)};
  int n = 0;
  while (p.t < t_end) {
    const TaylorSeries<Real> c = taylor_coefficients(eps, p);
    Real h = taylor_step(eps, p, c);
    const bool last = !(p.t + h < t_end);
    if (last) h = t_end - p.t;
    p.x = horner(c.x, h);
    p.xi = horner(c.xi, h);
    p.t = last ? t_end : Real(p.t + h);
    ++n;
    if (n > 100000) break;  // would mean the step control failed; the comparison then fails
  }
  if (steps) *steps = n;
  return p;
}

// Escape time from the Taylor series alone, without knowing t*: step forward (the step
// shrinks geometrically as the pole approaches) until the radius of convergence, read off
// the coefficients, is below 1e-6 of the elapsed time; then the pole is at
// t_j + R with R = lim x_{n-1}/x_n (a simple pole x ~ 1/(t* - t) dominates the coefficients,
// the next singularity being at distance ~t*; the ratio is exact up to (R/t*)^n ~ 1e-400).
template <class Real>
Real taylor_blow_up_time(const Real& eps) {
  TaylorPoint<Real> p{Real(0), Real(0), Real(0)};
  for (int n = 0; n < 100000; ++n) {
    const TaylorSeries<Real> c = taylor_coefficients(eps, p);
    const Real radius = c.x[kTaylorOrder - 1] / c.x[kTaylorOrder];
    if (p.t > 0 && radius > 0 && radius < p.t * 1e-6) return p.t + radius;
    const Real h = taylor_step(eps, p, c);
    p.x = horner(c.x, h);
    p.xi = horner(c.xi, h);
    p.t += h;
  }
  return std::numeric_limits<Real>::quiet_NaN();
}

// Relative error in units of the working precision's unit roundoff.
template <class Real>
double error_in_u(const Real& approx, const Real& exact) {
  return static_cast<double>(learndyn::relative_error(approx, exact) / unit_roundoff<Real>());
}

template <class Real>
Real half_pi() {
  return boost::math::constants::half_pi<Real>();
}

// The condition number of x(t) with respect to t (and to the rounding of t* inside the
// closed form): t x'(t)/x(t). For eps > 0 this is t s (tan + cot)(s t) <= 1 + 2 t/(t* - t)
// since cot(s t) <= 1/(s t) and tan(s t) = cot(s (t* - t)) <= 1/(s (t* - t)); for eps < 0 it
// is 2 s t / sinh(2 s t) <= 1 (x = -s tanh(s t), x' = -s^2 sech^2(s t)).
template <class Real>
double condition_in_t(const Real& eps, const Real& t) {
  using std::sqrt;
  if (!(eps > 0)) return 1.0;
  const Real t_star = half_pi<Real>() / sqrt(eps);
  return static_cast<double>(1 + 2 * t / (t_star - t));
}

}  // namespace

// ---------------------------------------------------------------------------------------
// The Taylor integrator itself, on cases whose answer needs no closed form.
// ---------------------------------------------------------------------------------------
TEST(GhostCanonicalModel, TaylorIntegratorSelfChecks) {
  // eps = 0: x stays 0 (x_n = 0 for all n) and xi' = 1 gives xi = t exactly.
  const TaylorPoint<real> zero = taylor_integrate(real(0), real(7) / 3);
  EXPECT_EQ(zero.x, 0);
  EXPECT_EQ(zero.xi, real(7) / 3);
  // The ODE is autonomous: continuing the run that stopped at t = 1 up to t = 2 (a
  // different sequence of steps) gives the direct run's x(2) and xi(2).
  const real eps = real(3) / 7;
  const TaylorPoint<real> direct = taylor_integrate(eps, real(2));
  TaylorPoint<real> q = taylor_integrate(eps, real(1));
  while (q.t < 2) {
    const TaylorSeries<real> c = taylor_coefficients(eps, q);
    real h = taylor_step(eps, q, c);
    if (!(q.t + h < 2)) h = 2 - q.t;
    q.x = horner(c.x, h);
    q.xi = horner(c.xi, h);
    q.t += h;
  }
  EXPECT_LE(error_in_u(q.x, direct.x), 64);
  EXPECT_LE(error_in_u(q.xi, direct.xi), 64);
}

// ---------------------------------------------------------------------------------------
// x(t; eps), (G2), (G4), (G5), and dx/deps (G7) against the Taylor integration.
// ---------------------------------------------------------------------------------------
namespace {

// A sample point: eps and where t lies, as exact decimals. For eps > 0, `where` is
// d = 1 - t/t* (so t = t* - t* d, placing t at relative distance d before the pole, t* from
// (G3) used only to place the sample); for eps < 0 it is s t; for eps = 0 it is t.
struct Sample {
  const char* eps;
  const char* where;
};

template <class Real>
Real sample_time(const Sample& c) {
  using std::sqrt;
  const Real eps(c.eps);
  const Real where(c.where);
  if (eps > 0) {
    const Real t_star = half_pi<Real>() / sqrt(eps);
    return t_star - t_star * where;
  }
  if (eps < 0) return where / sqrt(-eps);
  return where;
}

// Digits on which `a` agrees with `b` (for the measured-agreement lines in the test log).
template <class Real>
int digits(const Real& a, const Real& b) {
  return learndyn::agreeing_digits(a, b, learndyn::decimal_digits<Real>);
}

void check_state_against_taylor(const real& eps, const real& t, double tolerance_u) {
  const TaylorPoint<real> taylor = taylor_integrate(eps, t);
  const real x = ref::state(eps, t);
  const real xi = ref::state_sensitivity(eps, t);
  const double kappa = condition_in_t(eps, t);
  if (eps == 0) {
    EXPECT_EQ(x, 0);
    EXPECT_EQ(xi, t);  // (G7) middle case; the Taylor run gives t exactly too
    EXPECT_EQ(taylor.xi, t);
    return;
  }
  // The 100-digit reference at the same (exactly converted) inputs: what certification sees.
  const real_hi x_hi = ref::state(learndyn::convert<real_hi>(eps), learndyn::convert<real_hi>(t));
  const real_hi xi_hi =
      ref::state_sensitivity(learndyn::convert<real_hi>(eps), learndyn::convert<real_hi>(t));
  const auto certified = [](const real& a, const real_hi& b) {
    return learndyn::agreeing_digits(learndyn::convert<real_hi>(a), b, 50);
  };
  std::cout << "[ measured ] eps=" << std::setprecision(6) << eps << " t=" << t
            << " cond=" << kappa << ": x " << digits(x, taylor.x) << " digits vs Taylor ("
            << error_in_u(x, taylor.x) << " u), dx/deps " << digits(xi, taylor.xi) << " digits ("
            << error_in_u(xi, taylor.xi) << " u); certified " << certified(x, x_hi) << ", "
            << certified(xi, xi_hi) << " digits\n";
  // 50 vs 100 digits: within the same conditioning allowance (>= 45 digits where cond <= 10).
  EXPECT_LE(learndyn::relative_error(learndyn::convert<real_hi>(x), x_hi) /
                learndyn::convert<real_hi>(unit_roundoff<real>()),
            tolerance_u * kappa);
  EXPECT_LE(learndyn::relative_error(learndyn::convert<real_hi>(xi), xi_hi) /
                learndyn::convert<real_hi>(unit_roundoff<real>()),
            tolerance_u * 2 * kappa);
  if (kappa <= 10) {
    EXPECT_GE(certified(x, x_hi), 45);
    EXPECT_GE(certified(xi, xi_hi), 45);
  }
  EXPECT_LE(error_in_u(x, taylor.x), tolerance_u * kappa)
      << "eps=" << eps << " t=" << t << " x=" << x << " taylor=" << taylor.x;
  // dx/deps ~ t x^2 / (2 eps) near the pole: its condition number in t is about twice x's.
  EXPECT_LE(error_in_u(xi, taylor.xi), tolerance_u * 2 * kappa)
      << "eps=" << eps << " t=" << t << " dx/deps=" << xi << " taylor=" << taylor.xi;
}

}  // namespace

TEST(GhostCanonicalModel, StateAndSensitivityMatchTaylorIntegration) {
  // Close to t* (d down to 1e-10) the closed form (G2) is evaluated through the cot form
  // s / tan(s (t* - t)); both it and the Taylor run lose log10(1 + 2t/(t* - t)) digits to the
  // conditioning of x(t) in t, which the tolerance (64 u times that) accounts for.
  const std::vector<Sample> cases = {
      {"1", "0.75"},       {"1", "0.5"},        {"1", "0.1"},       {"1", "1e-3"},
      {"1", "1e-6"},       {"1", "1e-10"},      {"0.0002467", "0.5"}, {"0.0002467", "1e-8"},
      {"37.5", "0.25"},    {"1e-12", "0.7"},    {"0", "1"},         {"0", "123"},
      {"-1", "0.5"},       {"-1", "3"},         {"-1", "25"},       {"-0.0001", "2"},
      {"-250", "10"},
  };
  for (const Sample& c : cases) {
    SCOPED_TRACE(std::string("eps=") + c.eps + " where=" + c.where);
    check_state_against_taylor(real(c.eps), sample_time<real>(c), 64);
  }
}

// Random eps of either sign over 2^-20..2^8 and t over most of the existence interval.
RC_GTEST_PROP(GhostCanonicalModel, StateAndSensitivityMatchTaylorProperty, ()) {
  using std::sqrt;
  const int sign = *rc::gen::element(-1, 1);
  const long mantissa = *rc::gen::inRange<long>(1L << 20, 1L << 21);
  const int exponent = *rc::gen::inRange(-40, -12);
  const real eps = sign * dyadic<real>(mantissa, exponent);  // |eps| in [2^-20, 2^9)
  const long frac = *rc::gen::inRange<long>(1, 1L << 20);   // in (0, 1)
  real t;
  if (eps > 0) {
    t = half_pi<real>() / sqrt(eps) * dyadic<real>(frac, -20);  // t in (0, t*)
  } else {
    t = dyadic<real>(frac, -20) * 12 / sqrt(-eps);  // s t in (0, 12)
  }
  const TaylorPoint<real> taylor = taylor_integrate(eps, t);
  const double kappa = condition_in_t(eps, t);
  RC_LOG() << std::setprecision(60) << "eps=" << eps << " t=" << t << "\n";
  RC_ASSERT(error_in_u(ref::state(eps, t), taylor.x) <= 64 * kappa);
  RC_ASSERT(error_in_u(ref::state_sensitivity(eps, t), taylor.xi) <= 128 * kappa);
}

// (G4)/(G5): for eps <= 0 the state stays in [-s, 0] and is monotone; the Taylor run and the
// closed form agree far out (s t = 40, where tanh(s t) = 1 - 2e^-80 is distinguishable from 1).
TEST(GhostCanonicalModel, NonPositiveEpsDecaysToStableFixedPoint) {
  using std::sqrt;
  const real eps = -real(9) / 4;  // s = 3/2
  const real s = sqrt(-eps);
  real previous = 0;
  for (int k = 1; k <= 8; ++k) {
    const real t = real(5 * k) / s;
    const real x = ref::state(eps, t);
    EXPECT_LT(x, previous);
    EXPECT_GT(x, -s);
    previous = x;
  }
  const real t = real(40) / s;
  EXPECT_LE(error_in_u(ref::state(eps, t), taylor_integrate(eps, t).x), 64);
  // -s - x = s (1 - tanh(st)) = 2 s e^{-2st}/(1 + e^{-2st}) at s t = 40: the Taylor run
  // resolves it (relative to s, 1e-35 > 1e-50).
  const real gap_ref = -s - ref::state(eps, t);
  const real gap_taylor = -s - taylor_integrate(eps, t).x;
  EXPECT_LT(learndyn::relative_error(gap_ref, gap_taylor), real(1e-12));
}

// ---------------------------------------------------------------------------------------
// t* (G3) against where the Taylor solution blows up; t* = inf for eps <= 0 (G4, G5).
// ---------------------------------------------------------------------------------------
TEST(GhostCanonicalModel, EscapeTimeIsWhereTaylorSolutionBlowsUp) {
  for (const char* text : {"1", "0.25", "2.5e-4", "1e-9", "1e6", "3.14159"}) {
    const real eps(text);
    const real blow_up = taylor_blow_up_time(eps);
    // The Taylor estimate accumulates one rounding per step (~100 steps) in t.
    std::cout << "[ measured ] eps=" << text << ": t* agrees with the Taylor blow-up to "
              << digits(ref::escape_time(eps), blow_up) << " digits ("
              << error_in_u(ref::escape_time(eps), blow_up) << " u)\n";
    EXPECT_LE(error_in_u(ref::escape_time(eps), blow_up), 64) << "eps=" << text;
    // Just before t*, x is finite and huge; at and after it the reference reports +inf.
    const real t_star = ref::escape_time(eps);
    EXPECT_TRUE(isfinite(ref::state(eps, real(t_star * (1 - real(1) / 1000000)))));
    EXPECT_TRUE(isinf(ref::state(eps, t_star)));
    EXPECT_TRUE(isinf(ref::state(eps, real(t_star * 2))));
    EXPECT_TRUE(isinf(ref::state_sensitivity(eps, t_star)));
  }
  for (const real& eps : {real(0), real(-1), real(-1) / 1000000}) {
    EXPECT_TRUE(isinf(ref::escape_time(eps)));
    EXPECT_GT(ref::escape_time(eps), 0);
    // The Taylor run does not blow up: at t = 50 it is finite, in [-s, 0].
    const TaylorPoint<real> p = taylor_integrate(eps, real(50));
    EXPECT_TRUE(isfinite(p.x));
    EXPECT_LE(p.x, 0);
    EXPECT_GE(p.x, -sqrt(-eps));
  }
}

// ---------------------------------------------------------------------------------------
// Threshold / level crossing (G6).
// ---------------------------------------------------------------------------------------
TEST(GhostCanonicalModel, ThresholdCrossingReachesThreshold) {
  using std::atan;
  using std::sqrt;
  struct Case {
    const char* eps;
    const char* x_th;
  };
  for (const Case c : {Case{"1", "10"}, Case{"0.0002467", "10"}, Case{"2.5", "0.001"},
                       Case{"1e-6", "1000"}, Case{"40", "3"}}) {
    const real eps(c.eps);
    const real x_th(c.x_th);
    const real t_th = ref::threshold_time(eps, x_th);
    // The Taylor run to t_th lands on x_th. Condition of x(t) in t there:
    // t_th x'(t_th)/x_th = t_th (eps + x_th^2) / x_th.
    const double kappa = static_cast<double>(t_th * (eps + x_th * x_th) / x_th);
    EXPECT_LE(error_in_u(taylor_integrate(eps, t_th).x, x_th), 64 * (1 + kappa))
        << "eps=" << c.eps << " x_th=" << c.x_th;
    // ... and so does the closed form (G2) (here to ~48 digits: kappa is modest).
    EXPECT_LE(error_in_u(ref::state(eps, t_th), x_th), 16 * (1 + kappa));
    // Second form of (G6): t* - atan(s/x_th)/s (a different evaluation path).
    const real s = sqrt(eps);
    const real t_th_2 = ref::escape_time(eps) - atan(s / x_th) / s;
    EXPECT_LE(error_in_u(t_th, t_th_2), 16 * (1 + ref::escape_time(eps) / t_th));
    EXPECT_LT(t_th, ref::escape_time(eps));
  }
  // Never crossed for eps <= 0 (x <= 0 < x_th).
  for (const real& eps : {real(0), real(-1), real(-1) / 100}) {
    EXPECT_TRUE(isinf(ref::threshold_time(eps, real(10))));
  }
}

TEST(GhostCanonicalModel, LevelCrossingOnEveryBranch) {
  using std::sqrt;
  // eps > 0: x increases from 0 through every positive level, never negative ones.
  {
    const real eps = real(1) / 9;
    const std::optional<real> t = ref::level_crossing_time(eps, real(5));
    ASSERT_TRUE(t.has_value());
    EXPECT_LE(error_in_u(taylor_integrate(eps, *t).x, real(5)), 1000);
    EXPECT_FALSE(ref::level_crossing_time(eps, real(-1) / 1000).has_value());
  }
  // eps < 0: x decreases from 0 to -s, crossing exactly the levels in (-s, 0).
  {
    const real eps = -real(4);  // s = 2
    const real level = -real(19) / 10;
    const std::optional<real> t = ref::level_crossing_time(eps, level);
    ASSERT_TRUE(t.has_value());
    EXPECT_LE(error_in_u(taylor_integrate(eps, *t).x, level), 1000);
    EXPECT_FALSE(ref::level_crossing_time(eps, real(-2)).has_value());
    EXPECT_FALSE(ref::level_crossing_time(eps, real(-3)).has_value());
    EXPECT_FALSE(ref::level_crossing_time(eps, real(1)).has_value());
  }
  // eps = 0: x stays 0.
  EXPECT_FALSE(ref::level_crossing_time(real(0), real(1)).has_value());
  EXPECT_FALSE(ref::level_crossing_time(real(0), real(-1)).has_value());
  // Level 0 is where every trajectory starts.
  for (const real& eps : {real(1), real(0), real(-1)}) {
    const std::optional<real> t = ref::level_crossing_time(eps, real(0));
    ASSERT_TRUE(t.has_value());
    EXPECT_EQ(*t, 0);
  }
}

// NaN in, NaN out: NaN eps or t is on no branch of (G2)-(G5), so neither +inf (the value past
// the escape time) nor any other branch's value may come out of state, its sensitivity or t*.
TEST(GhostCanonicalModel, NanGivesNan) {
  const real nan = std::numeric_limits<real>::quiet_NaN();
  EXPECT_TRUE(isnan(ref::escape_time(nan)));
  EXPECT_TRUE(isnan(ref::state(nan, real(1))));
  EXPECT_TRUE(isnan(ref::state(real(1), nan)));
  EXPECT_TRUE(isnan(ref::state(real(-1), nan)));
  EXPECT_TRUE(isnan(ref::state_sensitivity(nan, real(1))));
  EXPECT_TRUE(isnan(ref::state_sensitivity(real(1), nan)));
  EXPECT_TRUE(std::isnan(ref::state(std::nan(""), 1.0)));
  EXPECT_TRUE(std::isnan(ref::escape_time(std::nan(""))));
  EXPECT_FALSE(ref::level_crossing_time(nan, real(1)).has_value());
}

TEST(GhostCanonicalModel, ThresholdTimeRejectsNonPositiveThreshold) {
  for (const real& x_th : {real(0), real(-1), std::numeric_limits<real>::quiet_NaN()}) {
    try {
      (void)ref::threshold_time(real(1), x_th);
      ADD_FAILURE() << "no ArgumentError for x_th = " << x_th;
    } catch (const learndyn::ArgumentError& e) {
      EXPECT_EQ(e.parameter(), "xth");
    }
  }
}

// ---------------------------------------------------------------------------------------
// dx/deps (G7) against a central difference of the 100-digit reference.
// ---------------------------------------------------------------------------------------
// With step h, the central difference errs by h^2 |d^3x/deps^3| / 6 (truncation) plus
// u_hi |x| / h (rounding). Each eps-derivative of x near the pole brings a factor
// ~ t / (eps (t* - t)) (differentiate s tan(s t) = s cot(s (t* - t)) with dt*/deps = -t*/(2 eps)),
// so h = 1e-30 |eps| (t* - t)/t* makes the truncation ~1e-60 relative and the rounding
// ~1e-100 * 1e30 * cond ~ 1e-60 relative: the difference is exact to far more than 50 digits.
TEST(GhostCanonicalModel, SensitivityMatchesHundredDigitCentralDifference) {
  using std::abs;
  using std::sqrt;
  for (const Sample& c : std::vector<Sample>{{"1", "0.7"}, {"1", "0.1"}, {"1", "1e-8"},
                                             {"0.0002467", "0.01"}, {"7.5", "0.5"}, {"0", "2"},
                                             {"-1", "0.7"}, {"-3", "9"}, {"-0.0001", "1.5"}}) {
    // t at 50 digits, and the same t exactly at 100 digits.
    const real t = sample_time<real>(c);
    const real_hi t_hi = learndyn::convert<real_hi>(t);
    const real_hi eps_hi(c.eps);
    real_hi h = real_hi("1e-30");
    if (eps_hi > 0) {
      const real_hi t_star = half_pi<real_hi>() / sqrt(eps_hi);
      h *= eps_hi * (t_star - t_hi) / t_star;
    } else if (eps_hi < 0) {
      h *= -eps_hi;
    }
    const real_hi difference =
        (ref::state(real_hi(eps_hi + h), t_hi) - ref::state(real_hi(eps_hi - h), t_hi)) / (2 * h);
    const real sensitivity = ref::state_sensitivity(real(c.eps), t);
    const double kappa = condition_in_t(real(c.eps), t);
    const double err_u = static_cast<double>(
        learndyn::relative_error(learndyn::convert<real_hi>(sensitivity), difference) /
        learndyn::convert<real_hi>(unit_roundoff<real>()));
    std::cout << "[ measured ] eps=" << c.eps << " 1-t/t* or st or t=" << c.where
              << ": (G7) at 50 digits vs 100-digit CD: "
              << learndyn::agreeing_digits(learndyn::convert<real_hi>(sensitivity), difference, 50)
              << " digits (" << std::setprecision(3) << err_u << " u, cond " << kappa << ")\n";
    EXPECT_LE(err_u, 32 * 2 * kappa)
        << "eps=" << c.eps << " t=" << t << " (G7)=" << sensitivity << " CD=" << difference;
    // The 100-digit (G7) itself agrees with the central difference to its error (~1e-60).
    EXPECT_LT(learndyn::relative_error(ref::state_sensitivity(eps_hi, t_hi), difference),
              real_hi("1e-55"))
        << "eps=" << c.eps;
  }
}

// (G7) is continuous at eps = 0 (both outer forms tend to t): at eps = +-1e-40 the three
// branches agree to O(eps t^2) relative.
TEST(GhostCanonicalModel, SensitivityContinuousAtZero) {
  const real t = real(3);
  const real tiny = real("1e-40");
  for (const real& eps : {tiny, real(-tiny)}) {
    EXPECT_LT(learndyn::relative_error(ref::state_sensitivity(eps, t), t), real("1e-38"));
    // and x itself is ~ eps t (x' = eps + x^2, x(0) = 0).
    EXPECT_LT(learndyn::relative_error(ref::state(eps, t), real(eps * t)), real("1e-38"));
  }
}

// ---------------------------------------------------------------------------------------
// Certified digits: 50-digit vs 100-digit reference, same inputs (exact at both precisions).
// ---------------------------------------------------------------------------------------
// Away from t* (t <= t*/2 here, and eps < 0) every quantity is well conditioned and the two
// precisions must agree to >= 45 digits (the 50-digit result carries a few ulps).
RC_GTEST_PROP(GhostCanonicalModel, FiftyAndHundredDigitsAgree, ()) {
  using std::sqrt;
  const int sign = *rc::gen::element(-1, 1);
  const long mantissa = *rc::gen::inRange<long>(1L << 20, 1L << 21);
  const int exponent = *rc::gen::inRange(-50, 0);
  const real eps = sign * dyadic<real>(mantissa, exponent);
  const long frac = *rc::gen::inRange<long>(1, 1L << 19);  // t/t* or s t / 8 in (0, 1/2)
  const real t = (eps > 0 ? half_pi<real>() / sqrt(eps) : 8 / sqrt(-eps)) * dyadic<real>(frac, -20);
  const real_hi eps_hi = learndyn::convert<real_hi>(eps);
  const real_hi t_hi = learndyn::convert<real_hi>(t);
  const auto digits = [](const real& a, const real_hi& b) {
    return learndyn::agreeing_digits(learndyn::convert<real_hi>(a), b, 50);
  };
  RC_LOG() << std::setprecision(60) << "eps=" << eps << " t=" << t << "\n";
  RC_ASSERT(digits(ref::state(eps, t), ref::state(eps_hi, t_hi)) >= 45);
  RC_ASSERT(digits(ref::state_sensitivity(eps, t), ref::state_sensitivity(eps_hi, t_hi)) >= 45);
  if (eps > 0) {
    RC_ASSERT(digits(ref::escape_time(eps), ref::escape_time(eps_hi)) >= 45);
    const real x_th = dyadic<real>(*rc::gen::inRange(1, 1 << 20), *rc::gen::inRange(-20, 10));
    RC_ASSERT(digits(ref::threshold_time(eps, x_th),
                     ref::threshold_time(eps_hi, learndyn::convert<real_hi>(x_th))) >= 45);
  }
}
