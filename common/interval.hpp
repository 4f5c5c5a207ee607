// The interval (ball) scalar: rigorous enclosures of the reference's values (proofs/common.md C17).
//
// `learndyn::interval` is a thin value type over Arb's arb_t (a ball [m +/- r], m a binary
// float, r an upper bound on the error): every operation returns a ball that contains the exact
// result for every point of its operands. The templated reference instantiates on it like on
// `real`; what it returns then holds the exact value of the formula at the exact inputs.
//
//  - Precision: every operation rounds to `interval::precision_bits` = 192 bits (57.8 digits),
//    above `real`'s 50 so that the closed forms' enclosures are <= 1e-45 relative (C17).
//  - Inputs are enclosed exactly: a double or an integer is its exact value (a point ball), a
//    decimal string is a ball around the decimal it names (`from_decimal("0.1")` holds one
//    tenth, not the nearest double), pi() holds pi.
//  - Comparisons decide or throw: `a < b` is true when every point of a is below every point
//    of b, false when no point is, and throws UndecidableComparison otherwise. A branch of a
//    formula is never taken on a guess.
//  - A function outside its domain on part of the ball (sqrt of [-1, 1], log of [0, 1]) returns
//    the indeterminate ball (no information, isnan true); a comparison on it throws.
//  - A branch between two formulas valid on both sides uses numerically_less (branch.hpp),
//    which takes the first when undecidable (possibly_less below).
//
// Arb is hidden behind this header (storage only): users need not include arb.h.
#pragma once

#include <cstddef>
#include <iosfwd>
#include <limits>
#include <string>
#include <string_view>

#include <Eigen/Core>

#include <learndyn/common/argument_error.hpp>
#include <learndyn/common/scalar.hpp>

namespace learndyn {

// A comparison whose operands' enclosures overlap: neither answer is proved. The CLI reports it
// in one line like every ArgumentError (exit status 2).
class UndecidableComparison : public ArgumentError {
 public:
  UndecidableComparison(const std::string& left, std::string_view op, const std::string& right);
};

class interval {
 public:
  static constexpr long precision_bits = 192;
  static constexpr int precision_digits = 57;  // floor(192 log10(2))

  interval();  // exactly 0
  interval(int value);        // exact  NOLINT(google-explicit-constructor): `2 * x` in the reference
  interval(long value);       // exact  NOLINT(google-explicit-constructor)
  interval(double value);     // the exact value of the double (NaN -> indeterminate)  NOLINT
  explicit interval(const real& value);     // exact (a real is a binary float of ~170 bits)
  explicit interval(const real_hi& value);  // exact
  // A ball around the decimal literal `text` ([+-]digits[.digits][e[+-]digits], as
  // common/decimal.hpp); ArgumentError naming `parameter` otherwise.
  static interval from_decimal(std::string_view text, const std::string& parameter);
  // A ball holding [lo, hi] (lo <= hi), wider by up to 2^-30 of its radius: a ball's radius
  // carries 30 bits (proofs/common.md C17).
  static interval hull(const real_hi& lo, const real_hi& hi);
  static interval pi();
  static interval positive_infinity();
  static interval indeterminate();  // NaN: holds every real

  interval(const interval& other);
  interval(interval&& other) noexcept;
  interval& operator=(const interval& other);
  interval& operator=(interval&& other) noexcept;
  ~interval();

  // The bounds, exact (rounded outward to precision_bits, which real_hi holds exactly); NaN
  // for the indeterminate ball.
  real_hi lo() const;
  real_hi hi() const;
  real_hi mid() const;    // the ball's centre (rounded to real_hi if it carries more bits)
  real_hi width() const;  // hi - lo, rounded up
  bool contains(const real_hi& x) const;
  bool contains(const interval& other) const;  // every point of other is in *this
  bool is_point() const;                       // radius 0: an exact value

  // Significant decimal digits proved: the largest d (capped at precision_digits) with
  // hi - lo <= 10^-d min(|lo|, |hi|); 0 when the ball holds 0 or is not finite,
  // precision_digits for an exact point.
  int proved_digits() const;

  // "[lo, hi]" with each bound in scientific notation with `significant` digits, rounded
  // outward (lo down, hi up): the printed interval contains this one. "[nan, nan]" when
  // indeterminate.
  std::string to_string(int significant = 20) const;
  // One bound alone, rounded down (lower) or up (upper).
  std::string lo_string(int significant) const;
  std::string hi_string(int significant) const;

  interval& operator+=(const interval& other);
  interval& operator-=(const interval& other);
  interval& operator*=(const interval& other);
  interval& operator/=(const interval& other);

  friend interval operator-(const interval& x);
  friend interval operator+(const interval& x) { return x; }
  friend interval operator+(interval a, const interval& b) { return a += b; }
  friend interval operator-(interval a, const interval& b) { return a -= b; }
  friend interval operator*(interval a, const interval& b) { return a *= b; }
  friend interval operator/(interval a, const interval& b) { return a /= b; }

  friend bool operator<(const interval& a, const interval& b);
  friend bool operator<=(const interval& a, const interval& b);
  friend bool operator>(const interval& a, const interval& b) { return b < a; }
  friend bool operator>=(const interval& a, const interval& b) { return b <= a; }
  // True only when both are the same exact point, false when disjoint, else undecidable.
  friend bool operator==(const interval& a, const interval& b);
  friend bool operator!=(const interval& a, const interval& b) { return !(a == b); }

  // For the wrapper functions in interval.cpp.
  void* raw() { return storage_; }
  const void* raw() const { return storage_; }

 private:
  alignas(std::max_align_t) unsigned char storage_[48];
};

std::ostream& operator<<(std::ostream& out, const interval& x);

// Enclosures of the elementary and special functions (Arb's, rigorous), found by ADL from the
// reference's `using std::sqrt; sqrt(x)`.
interval sqrt(const interval& x);
interval exp(const interval& x);
interval expm1(const interval& x);
interval log(const interval& x);
interval log1p(const interval& x);
interval log10(const interval& x);
interval pow(const interval& x, const interval& y);
interval pow(const interval& x, int n);
interval sin(const interval& x);
interval cos(const interval& x);
interval tan(const interval& x);
interval atan(const interval& x);
interval sinh(const interval& x);
interval cosh(const interval& x);
interval tanh(const interval& x);
interval atanh(const interval& x);
interval erf(const interval& x);
interval erfc(const interval& x);
interval abs(const interval& x);
interval fabs(const interval& x);
// min and max as enclosures: {min(a, b) : a in x, b in y}. They never throw.
interval min(const interval& x, const interval& y);
interval max(const interval& x, const interval& y);
// Some point of x is below some point of y (never throws; for numerically_less in scalar.hpp).
bool possibly_less(const interval& x, const interval& y);
bool isnan(const interval& x);     // the indeterminate ball
bool isinf(const interval& x);     // an infinite point or an infinite radius
bool isfinite(const interval& x);  // finite midpoint and radius

}  // namespace learndyn

template <>
class std::numeric_limits<learndyn::interval> {
 public:
  static constexpr bool is_specialized = true;
  static constexpr bool is_signed = true;
  static constexpr bool is_integer = false;
  static constexpr bool is_exact = false;
  static constexpr bool has_infinity = true;
  static constexpr bool has_quiet_NaN = true;
  static constexpr bool has_signaling_NaN = false;
  static constexpr int radix = 2;
  static constexpr int digits = static_cast<int>(learndyn::interval::precision_bits);
  static constexpr int digits10 = learndyn::interval::precision_digits;
  static constexpr int max_digits10 = learndyn::interval::precision_digits + 2;
  // Arb's exponents are unbounded; the limits are reported as the double's (Boost and Eigen
  // only test them for being nonzero, i.e. for a floating-point kind).
  static constexpr int min_exponent = std::numeric_limits<double>::min_exponent;
  static constexpr int min_exponent10 = std::numeric_limits<double>::min_exponent10;
  static constexpr int max_exponent = std::numeric_limits<double>::max_exponent;
  static constexpr int max_exponent10 = std::numeric_limits<double>::max_exponent10;
  static constexpr bool has_denorm_loss = false;
  static constexpr std::float_denorm_style has_denorm = std::denorm_absent;
  static constexpr bool is_iec559 = false;
  static constexpr bool is_bounded = false;
  static constexpr bool is_modulo = false;
  static constexpr bool traps = false;
  static constexpr bool tinyness_before = false;
  static constexpr std::float_round_style round_style = std::round_indeterminate;  // outward
  static learndyn::interval epsilon() { return learndyn::interval::hull(eps(), eps()); }
  static learndyn::interval infinity() { return learndyn::interval::positive_infinity(); }
  static learndyn::interval quiet_NaN() { return learndyn::interval::indeterminate(); }
  static learndyn::interval round_error() { return learndyn::interval(1); }
  static learndyn::interval signaling_NaN() { return learndyn::interval::indeterminate(); }
  static learndyn::interval denorm_min() { return min(); }
  static learndyn::interval max() { return learndyn::interval(std::numeric_limits<double>::max()); }
  static learndyn::interval min() { return learndyn::interval(std::numeric_limits<double>::min()); }
  static learndyn::interval lowest() { return -max(); }

 private:
  static learndyn::real_hi eps() { return ldexp(learndyn::real_hi(1), 1 - digits); }
};

namespace Eigen {

// Eigen traits like the reference scalars' (common/eigen_scalar.hpp). dummy_precision is only
// Eigen's isApprox tolerance; enclosure checks use contains(), never it.
template <>
struct NumTraits<learndyn::interval> : GenericNumTraits<learndyn::interval> {
  using Real = learndyn::interval;
  using NonInteger = learndyn::interval;
  using Nested = learndyn::interval;
  using Literal = learndyn::interval;
  enum {
    IsComplex = 0,
    IsInteger = 0,
    IsSigned = 1,
    RequireInitialization = 1,
    ReadCost = 1,
    AddCost = 8,
    MulCost = 16
  };
  static inline int digits10() { return learndyn::interval::precision_digits; }
  static learndyn::interval dummy_precision() {
    return 1000 * std::numeric_limits<learndyn::interval>::epsilon();
  }
};

}  // namespace Eigen
