// Quadrature for the reference: tanh-sinh (Boost.Math) on panels.
//
// Tanh-sinh converges double-exponentially for integrands analytic inside the panel, even
// with endpoint singularities; interior kinks and steep fronts must be panel boundaries, so
// callers pass their breakpoints (proofs/ghost.md §4 names them for the ghost loss).
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

#include <boost/math/quadrature/tanh_sinh.hpp>

namespace learndyn {

// Integral of f over [a, b] (a < b finite) by tanh-sinh; the error goal is relative to the
// L1 norm of f on the panel. tol = sqrt(epsilon) is the Boost default and, because each
// refinement roughly doubles the correct digits, gives about full precision.
// One rule object per scalar type: its abscissae are computed once and shared by every
// integrand (a rule per lambda type would recompute them at 100 digits for each). Not const:
// Boost 1.74 defines integrate() without the const its declaration promises.
template <class Real>
boost::math::quadrature::tanh_sinh<Real>& tanh_sinh_rule() {
  static boost::math::quadrature::tanh_sinh<Real> rule(20);
  return rule;
}

template <class Real, class F>
Real integrate_tanh_sinh(F&& f, const Real& a, const Real& b) {
  using std::sqrt;
  const Real tol = sqrt(std::numeric_limits<Real>::epsilon());
  return tanh_sinh_rule<Real>().integrate(f, a, b, tol);
}

// Sum of integrals of f over the panels between consecutive breakpoints. Breakpoints
// outside [a, b] are dropped; duplicates produce no empty panel.
template <class Real, class F>
Real integrate_on_panels(F&& f, const Real& a, const Real& b, std::vector<Real> breakpoints) {
  breakpoints.push_back(a);
  breakpoints.push_back(b);
  std::sort(breakpoints.begin(), breakpoints.end());
  Real total = 0;
  Real left = a;
  for (const Real& p : breakpoints) {
    if (p <= left) continue;
    if (p > b) break;
    total += integrate_tanh_sinh<Real>(f, left, p);
    left = p;
  }
  return total;
}

}  // namespace learndyn
