// Error measures shared by tests, the oracle's audit and the certification
// (proofs/common.md §2).
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>

#include <boost/math/special_functions/next.hpp>

#include <learndyn/common/scalar.hpp>

namespace learndyn {

// |approx - exact| / |exact|; |approx| when exact == 0 (then it is an absolute error).
template <class Real>
Real relative_error(const Real& approx, const Real& exact) {
  using std::abs;
  const Real diff = abs(approx - exact);
  if (exact == 0) return diff;
  return diff / abs(exact);
}

// Distance in units in the last place between two finite doubles (signed zeros are equal).
inline double ulp_distance(double a, double b) {
  if (a == b) return 0.0;
  return std::fabs(boost::math::float_distance(a, b));
}

// Number of leading significant decimal digits on which `a` agrees with the more accurate
// `b`: floor(-log10(|a-b|/|b|)), clamped to [0, cap]. Identical values (including both
// zero) agree on all `cap` digits; a nonzero against an exact zero agrees on none.
template <class Real>
int agreeing_digits(const Real& a, const Real& b, int cap) {
  using std::floor;
  using std::log10;
  if (a == b) return cap;
  if (b == 0) return 0;
  const Real rel = relative_error(a, b);
  if (!(rel > 0)) return cap;
  const Real d = floor(-log10(rel));
  if (d < 0) return 0;
  return std::min(cap, static_cast<int>(d));
}

}  // namespace learndyn
