// The scalar types of learndyn.
//
// The reference is templated on its scalar and run at two precisions: `real` (the working
// precision, 50 decimal digits) and `real_hi` (100 digits) which certifies how many digits
// of a `real` result are right (see common/certify.hpp, proofs/common.md §1).
//
// Both are Boost.Multiprecision binary floats with expression templates OFF: expression
// templates reorder arithmetic and dangle under `auto` (proofs/common.md C7), and Eigen
// needs plain value types. cpp_bin_float is header-only and binary (no radix-10 surprises).
#pragma once

#include <limits>

#include <boost/math/constants/constants.hpp>
#include <boost/multiprecision/cpp_bin_float.hpp>

namespace learndyn {

using real = boost::multiprecision::number<boost::multiprecision::cpp_bin_float<50>,
                                           boost::multiprecision::et_off>;
using real_hi = boost::multiprecision::number<boost::multiprecision::cpp_bin_float<100>,
                                              boost::multiprecision::et_off>;

// Decimal digits carried by a scalar type (50 for real, 100 for real_hi, 15 for double).
template <class Real>
inline constexpr int decimal_digits = std::numeric_limits<Real>::digits10;

// Converts between scalar types. Going through a decimal string would be slower and no more
// exact: binary-to-binary conversion of a wider type to a narrower one is correctly rounded.
template <class To, class From>
To convert(const From& x) {
  return static_cast<To>(x);
}

// pi and pi/2 in Real. A scalar with a static pi() of its own (learndyn::interval, whose pi
// is an enclosure, common/interval.hpp) supplies it; the others take Boost.Math's constant,
// correctly rounded. (Boost's would build an interval from a 110-digit decimal string: a ball
// that holds pi only by luck, not by construction.)
template <class Real>
Real pi_constant() {
  if constexpr (requires { Real::pi(); })
    return Real::pi();
  else
    return boost::math::constants::pi<Real>();
}

template <class Real>
Real half_pi_constant() {
  if constexpr (requires { Real::pi(); })
    return Real::pi() / 2;
  else
    return boost::math::constants::half_pi<Real>();
}

}  // namespace learndyn
