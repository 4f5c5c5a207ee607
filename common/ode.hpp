// Explicit ODE integrators for the reference, templated on the scalar (double, real, real_hi):
// an adaptive embedded Runge-Kutta pair of orders 7 and 8 (Fehlberg) with error control, an
// adaptive Gragg-Bulirsch-Stoer extrapolation whose order grows with the requested digits (for
// 50- and 100-digit work), and the fixed-step Euler and classical RK4 steppers
// (proofs/overlaps.md §12, O40-O43).
//
// A right-hand side is any callable f(t, y) -> dy/dt on OdeState<Real> (an Eigen column vector).
// Everything is deterministic: the same inputs give the same steps, bit for bit.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include <learndyn/common/argument_error.hpp>
#include <learndyn/common/eigen_scalar.hpp>

namespace learndyn::ode {

template <class Real>
using OdeState = Eigen::Matrix<Real, Eigen::Dynamic, 1>;

// ---- fixed-step steppers (O42) ----

// One explicit Euler step: y + h f(t, y).
template <class Real, class Rhs>
OdeState<Real> euler_step(Rhs&& f, const Real& t, const OdeState<Real>& y, const Real& h) {
  return y + h * f(t, y);
}

// One classical fourth-order Runge-Kutta step.
template <class Real, class Rhs>
OdeState<Real> rk4_step(Rhs&& f, const Real& t, const OdeState<Real>& y, const Real& h) {
  const Real half = h / 2;
  const OdeState<Real> k1 = f(t, y);
  const OdeState<Real> k2 = f(t + half, OdeState<Real>(y + half * k1));
  const OdeState<Real> k3 = f(t + half, OdeState<Real>(y + half * k2));
  const OdeState<Real> k4 = f(t + h, OdeState<Real>(y + h * k3));
  return y + (h / 6) * (k1 + 2 * k2 + 2 * k3 + k4);
}

enum class FixedMethod { euler, rk4 };

// `steps` equal steps of `method` from (t0, y0) to t1.
template <class Real, class Rhs>
OdeState<Real> integrate_fixed(FixedMethod method, Rhs&& f, OdeState<Real> y, const Real& t0,
                               const Real& t1, long steps) {
  require(steps >= 1, "steps", steps, "steps >= 1");
  const Real h = (t1 - t0) / steps;
  for (long i = 0; i < steps; ++i) {
    const Real t = t0 + h * i;  // not accumulated: no drift of t over many steps
    y = method == FixedMethod::euler ? euler_step(f, t, y, h) : rk4_step(f, t, y, h);
  }
  return y;
}

// ---- adaptive Fehlberg 7(8) (O40, O41) ----

template <class Real>
struct Tolerance {
  Real rtol;
  Real atol;
};

// "Relative to the precision of Real" (O41): eps^(2/3) for both, 3.7e-11 at double, about
// 1e-33 at 50 digits. An order-8 method needs ~tol^(-1/8) steps per unit of time scale.
template <class Real>
Tolerance<Real> default_tolerance() {
  using std::pow;
  const Real t = pow(std::numeric_limits<Real>::epsilon(), Real(2) / 3);
  return {t, t};
}

struct AdaptiveStats {
  long accepted = 0;
  long rejected = 0;
  long evaluations = 0;
};

namespace detail {

// Fehlberg's 7(8) tableau (NASA TR R-287, 1968): rational, hence exact at every precision.
struct Rational {
  long num;
  long den;
};
inline constexpr int fehlberg_stages = 13;
inline constexpr std::array<Rational, 13> fehlberg_c{{{0, 1}, {2, 27}, {1, 9}, {1, 6}, {5, 12},
                                                      {1, 2}, {5, 6}, {1, 6}, {2, 3}, {1, 3},
                                                      {1, 1}, {0, 1}, {1, 1}}};
// Row i holds a_{i,0..i-1}; unused entries are zero.
inline constexpr std::array<std::array<Rational, 12>, 13> fehlberg_a{{
    {},
    {{{2, 27}}},
    {{{1, 36}, {1, 12}}},
    {{{1, 24}, {0, 1}, {1, 8}}},
    {{{5, 12}, {0, 1}, {-25, 16}, {25, 16}}},
    {{{1, 20}, {0, 1}, {0, 1}, {1, 4}, {1, 5}}},
    {{{-25, 108}, {0, 1}, {0, 1}, {125, 108}, {-65, 27}, {125, 54}}},
    {{{31, 300}, {0, 1}, {0, 1}, {0, 1}, {61, 225}, {-2, 9}, {13, 900}}},
    {{{2, 1}, {0, 1}, {0, 1}, {-53, 6}, {704, 45}, {-107, 9}, {67, 90}, {3, 1}}},
    {{{-91, 108}, {0, 1}, {0, 1}, {23, 108}, {-976, 135}, {311, 54}, {-19, 60}, {17, 6},
      {-1, 12}}},
    {{{2383, 4100}, {0, 1}, {0, 1}, {-341, 164}, {4496, 1025}, {-301, 82}, {2133, 4100},
      {45, 82}, {45, 164}, {18, 41}}},
    {{{3, 205}, {0, 1}, {0, 1}, {0, 1}, {0, 1}, {-6, 41}, {-3, 205}, {-3, 41}, {3, 41},
      {6, 41}, {0, 1}}},
    {{{-1777, 4100}, {0, 1}, {0, 1}, {-341, 164}, {4496, 1025}, {-289, 82}, {2193, 4100},
      {51, 82}, {33, 164}, {12, 41}, {0, 1}, {1, 1}}},
}};
// Weights of the order-8 solution; the order-7 one differs by the error weights below.
inline constexpr std::array<Rational, 13> fehlberg_b8{{{0, 1}, {0, 1}, {0, 1}, {0, 1}, {0, 1},
                                                       {34, 105}, {9, 35}, {9, 35}, {9, 280},
                                                       {9, 280}, {0, 1}, {41, 840}, {41, 840}}};
// y8 - y7 = h * 41/840 * (k12 + k13 - k1 - k11).
inline constexpr std::array<int, 4> fehlberg_error_stages{0, 10, 11, 12};
inline constexpr std::array<int, 4> fehlberg_error_signs{-1, -1, 1, 1};

template <class Real>
Real value(const Rational& q) {
  return Real(q.num) / Real(q.den);
}

template <class Real>
struct FehlbergTableau {
  std::array<Real, 13> c;
  std::array<std::array<Real, 12>, 13> a;
  std::array<Real, 13> b8;
  Real error_weight;
  FehlbergTableau() {
    for (int i = 0; i < fehlberg_stages; ++i) {
      c[i] = value<Real>(fehlberg_c[i]);
      b8[i] = value<Real>(fehlberg_b8[i]);
      for (int j = 0; j < 12; ++j)
        a[i][j] = fehlberg_a[i][j].den == 0 ? Real(0) : value<Real>(fehlberg_a[i][j]);
    }
    error_weight = Real(41) / 840;
  }
};

template <class Real>
const FehlbergTableau<Real>& fehlberg_tableau() {
  static const FehlbergTableau<Real> tableau;
  return tableau;
}

// Scaled max norm of `e` with weights atol + rtol max(|y|, |y_new|) (O41).
template <class Real>
Real scaled_error(const OdeState<Real>& e, const OdeState<Real>& y, const OdeState<Real>& y_new,
                  const Tolerance<Real>& tol) {
  using std::abs;
  Real worst = 0;
  for (Eigen::Index i = 0; i < e.size(); ++i) {
    const Real scale = tol.atol + tol.rtol * std::max(abs(y(i)), abs(y_new(i)));
    const Real r = abs(e(i)) / scale;
    if (!(r <= worst)) worst = r;  // NaN propagates as "not <= worst"
  }
  return worst;
}

template <class Real>
void validate_span(const Tolerance<Real>& tol, const Real& t0, const Real& t1) {
  require(is_finite_positive(tol.rtol) || is_finite_positive(tol.atol), "tolerance", tol.rtol,
          "rtol > 0 or atol > 0, finite");
  require(tol.rtol >= 0 && tol.atol >= 0, "tolerance", tol.atol, "rtol, atol >= 0");
  require(t1 >= t0, "t1", t1, "t1 >= t0");
}

}  // namespace detail

template <class Real>
struct EmbeddedStep {
  OdeState<Real> y;      // order-8 solution
  OdeState<Real> error;  // y8 - y7
};

// One Fehlberg 7(8) step from (t, y) with step h (O40).
template <class Real, class Rhs>
EmbeddedStep<Real> fehlberg78_step(Rhs&& f, const Real& t, const OdeState<Real>& y, const Real& h) {
  const auto& tab = detail::fehlberg_tableau<Real>();
  std::array<OdeState<Real>, 13> k;
  for (int i = 0; i < detail::fehlberg_stages; ++i) {
    OdeState<Real> arg = y;
    for (int j = 0; j < i; ++j)
      if (tab.a[i][j] != 0) arg += (h * tab.a[i][j]) * k[j];
    k[i] = f(t + tab.c[i] * h, arg);
  }
  EmbeddedStep<Real> out{y, OdeState<Real>::Zero(y.size())};
  for (int i = 0; i < detail::fehlberg_stages; ++i)
    if (tab.b8[i] != 0) out.y += (h * tab.b8[i]) * k[i];
  for (int s = 0; s < 4; ++s)
    out.error += Real(detail::fehlberg_error_signs[s]) * k[detail::fehlberg_error_stages[s]];
  out.error *= h * tab.error_weight;
  return out;
}

namespace detail {

// Hairer-Norsett-Wanner's starting step (Solving ODEs I, II.4), for a method of order `order`.
template <class Real, class Rhs>
Real initial_step(Rhs&& f, const Real& t0, const OdeState<Real>& y0, const OdeState<Real>& f0,
                  const Real& span, const Tolerance<Real>& tol, int order, AdaptiveStats& stats) {
  using std::abs;
  using std::max;
  using std::min;
  using std::pow;
  const OdeState<Real> zero = OdeState<Real>::Zero(y0.size());
  const Real d0 = scaled_error(y0, y0, y0, tol);
  const Real d1 = scaled_error(f0, y0, y0, tol);
  Real h0 = (d0 < Real(1e-5) || d1 < Real(1e-5)) ? Real(1e-6) : Real(0.01) * d0 / d1;
  h0 = min(h0, span);
  const OdeState<Real> f1 = f(t0 + h0, OdeState<Real>(y0 + h0 * f0));
  ++stats.evaluations;
  const Real d2 = scaled_error(OdeState<Real>(f1 - f0), y0, y0, tol) / h0;
  const Real dmax = max(d1, d2);
  const Real h1 = dmax <= Real(1e-15) ? max(Real(1e-6), h0 * Real(1e-3))
                                      : pow(Real(0.01) / dmax, Real(1) / (order + 1));
  return min(min(100 * h0, h1), span);
}

}  // namespace detail

// Integrates y' = f(t, y) from (t0, y0) to t1 > t0 (or returns y0 when t1 == t0) with the
// adaptive Fehlberg 7(8) pair (O40, O41). Throws std::runtime_error when the step size
// underflows (a singularity, or a NaN in f) or more than `max_steps` steps are needed.
template <class Real, class Rhs>
OdeState<Real> integrate_adaptive(Rhs&& f, OdeState<Real> y, const Real& t0, const Real& t1,
                                  const Tolerance<Real>& tol, AdaptiveStats* stats_out = nullptr,
                                  long max_steps = 10000000) {
  using std::abs;
  using std::max;
  using std::min;
  using std::pow;
  detail::validate_span(tol, t0, t1);
  AdaptiveStats stats;
  if (t1 == t0) return y;
  const Real span = t1 - t0;
  const OdeState<Real> f0 = f(t0, y);
  ++stats.evaluations;
  Real h = detail::initial_step(f, t0, y, f0, span, tol, 8, stats);
  Real t = t0;
  bool just_rejected = false;
  const Real eps = std::numeric_limits<Real>::epsilon();
  while (t < t1) {
    if (stats.accepted + stats.rejected >= max_steps)
      throw std::runtime_error("integrate_adaptive: more than max_steps steps");
    const bool last = t + h >= t1;
    if (last) h = t1 - t;
    const EmbeddedStep<Real> step = fehlberg78_step(f, t, y, h);
    stats.evaluations += detail::fehlberg_stages;
    const Real err = detail::scaled_error(step.error, y, step.y, tol);
    if (err <= 1) {
      t = last ? t1 : t + h;  // land exactly on t1
      y = step.y;
      ++stats.accepted;
      Real factor = err == 0 ? Real(5) : min(Real(5), max(Real(0.2), Real(0.9) * pow(err, Real(-1) / 8)));
      if (just_rejected) factor = min(factor, Real(1));
      h *= factor;
      just_rejected = false;
    } else {
      ++stats.rejected;
      const Real factor = err == err ? max(Real(0.2), Real(0.9) * pow(err, Real(-1) / 8)) : Real(0.2);
      h *= factor;
      just_rejected = true;
      if (h <= 16 * eps * max(abs(t), span))
        throw std::runtime_error("integrate_adaptive: step size underflow");
    }
  }
  if (stats_out) *stats_out = stats;
  return y;
}

// ---- adaptive Gragg-Bulirsch-Stoer extrapolation (O43) ----
//
// For high precision: an order-8 method needs ~tol^(-1/8) steps, so at 50 or 100 digits an
// extrapolation method, whose order 2k grows with the digits asked for, is far cheaper.

// Columns k of the extrapolation tableau for a tolerance: order 2k ~ 0.6 digits, within [6, 40].
template <class Real>
int extrapolation_columns(const Tolerance<Real>& tol) {
  using std::log10;
  const Real smallest = tol.rtol > 0 && (tol.atol == 0 || tol.rtol < tol.atol) ? tol.rtol : tol.atol;
  const double digits = static_cast<double>(-log10(smallest));
  return std::clamp(static_cast<int>(std::ceil(digits * 0.3)), 3, 20);
}

// Gragg's modified midpoint rule with n (even) substeps over [t, t + H], from y with f0 = f(t, y):
// its error has an expansion in even powers of H/n (Gragg 1964), which extrapolation removes.
template <class Real, class Rhs>
OdeState<Real> modified_midpoint(Rhs&& f, const Real& t, const OdeState<Real>& y,
                                 const OdeState<Real>& f0, const Real& H, int n) {
  const Real h = H / n;
  OdeState<Real> previous = y;
  OdeState<Real> current = y + h * f0;
  for (int m = 1; m < n; ++m) {
    OdeState<Real> next = previous + (2 * h) * f(t + h * m, current);
    previous = std::move(current);
    current = std::move(next);
  }
  return current;
}

// One extrapolated step with k columns (substeps n_j = 2j): the order-2k value T_kk and its
// difference from the order-(2k-2) value T_k,k-1 (the error estimate). 1 + k^2 evaluations.
template <class Real, class Rhs>
EmbeddedStep<Real> extrapolation_step(Rhs&& f, const Real& t, const OdeState<Real>& y,
                                      const OdeState<Real>& f0, const Real& H, int k) {
  std::vector<OdeState<Real>> row;  // T_{j,1..j} of the current row j
  for (int j = 1; j <= k; ++j) {
    std::vector<OdeState<Real>> next{modified_midpoint(f, t, y, f0, H, 2 * j)};
    for (int l = 1; l < j; ++l) {
      // Aitken-Neville in H^2: T_{j,l+1} = T_{j,l} + (T_{j,l} - T_{j-1,l}) / ((n_j/n_{j-l})^2 - 1)
      const Real ratio = Real(j) / Real(j - l);
      next.push_back(next[l - 1] + (next[l - 1] - row[l - 1]) / (ratio * ratio - 1));
    }
    row = std::move(next);
  }
  EmbeddedStep<Real> out{row[k - 1], OdeState<Real>::Zero(y.size())};
  if (k >= 2) out.error = row[k - 1] - row[k - 2];
  return out;
}

// Integrates y' = f(t, y) from (t0, y0) to t1 >= t0 by extrapolation with
// extrapolation_columns(tol) columns and the step control of (O41) with exponent 1/(2k - 1).
// Same failure behaviour as integrate_adaptive.
template <class Real, class Rhs>
OdeState<Real> integrate_extrapolation(Rhs&& f, OdeState<Real> y, const Real& t0, const Real& t1,
                                       const Tolerance<Real>& tol, AdaptiveStats* stats_out = nullptr,
                                       long max_steps = 10000000) {
  using std::abs;
  using std::max;
  using std::min;
  using std::pow;
  detail::validate_span(tol, t0, t1);
  AdaptiveStats stats;
  if (t1 == t0) return y;
  const int k = extrapolation_columns(tol);
  const Real span = t1 - t0;
  OdeState<Real> f0 = f(t0, y);
  ++stats.evaluations;
  Real h = detail::initial_step(f, t0, y, f0, span, tol, 2 * k, stats);
  Real t = t0;
  bool just_rejected = false;
  const Real eps = std::numeric_limits<Real>::epsilon();
  const Real exponent = Real(-1) / (2 * k - 1);
  while (t < t1) {
    if (stats.accepted + stats.rejected >= max_steps)
      throw std::runtime_error("integrate_extrapolation: more than max_steps steps");
    const bool last = t + h >= t1;
    if (last) h = t1 - t;
    const EmbeddedStep<Real> step = extrapolation_step(f, t, y, f0, h, k);
    stats.evaluations += static_cast<long>(k) * k;
    const Real err = detail::scaled_error(step.error, y, step.y, tol);
    if (err <= 1) {
      t = last ? t1 : t + h;
      y = step.y;
      ++stats.accepted;
      if (t < t1) {
        f0 = f(t, y);
        ++stats.evaluations;
      }
      Real factor = err == 0 ? Real(4) : min(Real(4), max(Real(0.2), Real(0.9) * pow(err, exponent)));
      if (just_rejected) factor = min(factor, Real(1));
      h *= factor;
      just_rejected = false;
    } else {
      ++stats.rejected;
      h *= err == err ? max(Real(0.2), Real(0.9) * pow(err, exponent)) : Real(0.2);
      just_rejected = true;
      if (h <= 16 * eps * max(abs(t), span))
        throw std::runtime_error("integrate_extrapolation: step size underflow");
    }
  }
  if (stats_out) *stats_out = stats;
  return y;
}

}  // namespace learndyn::ode
