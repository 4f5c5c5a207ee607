// The definitions of canonical_model.hpp's templates, included by the translation units that
// instantiate them: canonical_model.cpp (double, real, real_hi) and, when the enclosures are
// built, reference/ghost/enclosures.cpp (learndyn::interval; proofs/ghost.md §9).
#pragma once

#include <cmath>
#include <limits>

#include <learndyn/common/argument_error.hpp>
#include <learndyn/common/branch.hpp>
#include <learndyn/common/decimal.hpp>
#include <learndyn/common/scalar.hpp>
#include <learndyn/reference/ghost/canonical_model.hpp>

namespace learndyn::reference::ghost {
namespace detail {

template <class Real>
Real infinity() {
  return std::numeric_limits<Real>::infinity();
}

}  // namespace detail

template <class Real>
bool is_nan(const Real& x) {
  using std::isnan;
  using boost::multiprecision::isnan;
  return isnan(x);
}

template <class Real>
Real escape_time(const Real& eps) {
  using std::sqrt;
  if (is_nan(eps)) return eps;  // NaN in, NaN out (not "eps <= 0")
  if (!(eps > 0)) return detail::infinity<Real>();
  return half_pi_constant<Real>() / sqrt(eps);  // (G3)
}

template <class Real>
Real state(const Real& eps, const Real& t) {
  using std::sqrt;
  using std::tan;
  using std::tanh;
  if (is_nan(eps) || is_nan(t)) return std::numeric_limits<Real>::quiet_NaN();
  if (eps == 0) return Real(0);  // (G4)
  if (eps < 0) {
    const Real s = sqrt(-eps);
    return -s * tanh(s * t);  // (G5)
  }
  const Real s = sqrt(eps);
  const Real t_star = escape_time(eps);
  if (!(t < t_star)) return detail::infinity<Real>();
  const Real phase = s * t;
  // Both forms are (G2): on intervals an undecidable switch takes the first (C17).
  if (numerically_less(Real(phase * 2), half_pi_constant<Real>())) return s * tan(phase);  // (G2)
  // tan(s t) = cot(s (t* - t)): t* - t is computed without cancellation near the pole.
  return s / tan(s * (t_star - t));
}

template <class Real>
Real state_sensitivity(const Real& eps, const Real& t) {
  using std::cosh;
  using std::sqrt;
  using std::tanh;
  if (is_nan(eps) || is_nan(t)) return std::numeric_limits<Real>::quiet_NaN();
  if (eps == 0) return t;  // (G7), middle case
  if (eps < 0) {
    const Real s = sqrt(-eps);
    const Real c = cosh(s * t);
    return tanh(s * t) / (2 * s) + t / (2 * c * c);  // (G7), eps < 0
  }
  const Real s = sqrt(eps);
  const Real x = state(eps, t);
  if (!(x < detail::infinity<Real>())) return detail::infinity<Real>();
  const Real tan_st = x / s;
  return tan_st / (2 * s) + t * (1 + tan_st * tan_st) / 2;  // (G7), eps > 0; sec^2 = 1 + tan^2
}

template <class Real>
std::optional<Real> level_crossing_time(const Real& eps, const Real& level) {
  using std::atan;
  using std::atanh;
  using std::sqrt;
  if (level == 0) return Real(0);
  if (eps > 0) {
    if (level < 0) return std::nullopt;  // x increases from 0
    const Real s = sqrt(eps);
    return atan(level / s) / s;  // inverse of (G2)
  }
  if (eps < 0) {
    const Real s = sqrt(-eps);
    if (!(level < 0 && level > -s)) return std::nullopt;  // x decreases to -s, never reaching it
    return atanh(-level / s) / s;  // inverse of (G5)
  }
  return std::nullopt;  // eps == 0: x stays 0
}

template <class Real>
Real threshold_time(const Real& eps, const Real& x_th) {
  require(x_th > 0, "xth", x_th, "xth > 0");
  const std::optional<Real> t = level_crossing_time(eps, x_th);
  return t ? *t : detail::infinity<Real>();  // (G6)
}

}  // namespace learndyn::reference::ghost
