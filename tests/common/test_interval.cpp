// The interval scalar (common/interval.hpp, proofs/common.md C17): exact inputs, enclosures of
// the arithmetic and of the elementary and special functions against 100-digit values,
// comparisons that decide or throw, outward decimal rendering, proved digits, Eigen.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include <Eigen/Core>

#include <learndyn/common/argument_error.hpp>
#include <learndyn/common/decimal.hpp>
#include <learndyn/common/eigen_scalar.hpp>
#include <learndyn/common/interval.hpp>
#include <learndyn/common/scalar.hpp>
#include "support/generators.hpp"

namespace {

using learndyn::interval;
using learndyn::real;
using learndyn::real_hi;
using learndyn::UndecidableComparison;

// The relative width bound every elementary operation meets at 192 bits (a few ulps of 2^-192
// ~ 1.6e-58, with margin for Arb's error propagation through a function).
const real_hi elementary_relative_width("1e-54");

bool relatively_narrow(const interval& x, const real_hi& bound) {
  using boost::multiprecision::abs;
  const real_hi smallest = std::min(abs(x.lo()), abs(x.hi()));
  return x.width() <= bound * smallest;
}

TEST(Interval, DoubleIsEnclosedAsItsExactValue) {
  const interval x(0.1);
  EXPECT_TRUE(x.is_point());
  EXPECT_EQ(x.lo(), real_hi(0.1));
  EXPECT_EQ(x.hi(), real_hi(0.1));
  EXPECT_EQ(interval(-3).lo(), real_hi(-3));
  const real r = learndyn::parse_decimal<real>("0.1", "x");
  EXPECT_EQ(interval(r).lo(), learndyn::convert<real_hi>(r));  // a real is exact too
  EXPECT_TRUE(interval(r).is_point());
}

TEST(Interval, DecimalIsEnclosedAsTheDecimal) {
  const interval tenth = interval::from_decimal("0.1", "eps");
  EXPECT_FALSE(tenth.is_point());
  EXPECT_TRUE((tenth * 10).contains(real_hi(1)));     // one tenth, rigorously
  EXPECT_FALSE(tenth.contains(real_hi(0.1)));         // not the double 0.1 ...
  EXPECT_TRUE(interval(0.1) > tenth);                 // ... which is above one tenth
  EXPECT_TRUE(relatively_narrow(tenth, real_hi("1e-56")));
  EXPECT_TRUE(interval::from_decimal("+2.5e-3", "eps").contains(real_hi(1) / 400));
}

// A decimal m e k is enclosed as itself: scaled by 10^-k (exactly, in the interval) it holds
// the integer m, and the ball is a few units of 2^-192 wide.
RC_GTEST_PROP(Interval, DecimalLiteralIsEnclosedExactly, ()) {
  const int mantissa = *rc::gen::inRange(-999999999, 1000000000);
  const int exponent = *rc::gen::inRange(-40, 41);
  const std::string text = std::to_string(mantissa) + "e" + std::to_string(exponent);
  const interval x = interval::from_decimal(text, "x");
  const interval scale = pow(interval(10), -exponent);  // exact for exponent <= 0
  const interval scaled = exponent <= 0 ? x * scale : x / pow(interval(10), exponent);
  RC_ASSERT(scaled.contains(real_hi(mantissa)));
  if (mantissa != 0) RC_ASSERT(relatively_narrow(x, real_hi("1e-56")));
  RC_ASSERT(x.contains(learndyn::parse_decimal<real_hi>(text, "x")));  // and the 100-digit parse
}

// A double and a real are enclosed as their exact binary values: a point.
RC_GTEST_PROP(Interval, BinaryInputsArePoints, ()) {
  const double d = *learndyn::testing::log_uniform(-1000, 1000) * (*rc::gen::arbitrary<bool>() ? 1 : -1);
  RC_ASSERT(interval(d).is_point());
  RC_ASSERT(interval(d).lo() == real_hi(d));
  const real r = real(d) / 3;  // 168 significant bits
  RC_ASSERT(interval(r).is_point());
  RC_ASSERT(interval(r).lo() == learndyn::convert<real_hi>(r));
  RC_ASSERT(interval(r).hi() == learndyn::convert<real_hi>(r));
}

TEST(Interval, DecimalRejectsNonLiterals) {
  for (const char* text : {"abc", "nan", "inf", "0x1p3", "1e", ""}) {
    try {
      interval::from_decimal(text, "eps");
      ADD_FAILURE() << text;
    } catch (const learndyn::ArgumentError& e) {
      EXPECT_EQ(e.parameter(), "eps") << text;
    }
  }
}

TEST(Interval, PiIsEnclosed) {
  const interval p = interval::pi();
  const real_hi p_hi = boost::math::constants::pi<real_hi>();  // 100 digits
  EXPECT_TRUE(p.contains(p_hi));
  EXPECT_TRUE(relatively_narrow(p, real_hi("1e-57")));
  EXPECT_TRUE(learndyn::half_pi_constant<interval>().contains(p_hi / 2));
}

// Every operation's enclosure holds the 100-digit value of the same operation on the same
// (exact) double inputs, and is narrow.
RC_GTEST_PROP(Interval, EnclosuresHoldTheHundredDigitValue, ()) {
  using namespace boost::multiprecision;
  const double x = *learndyn::testing::log_uniform(-30, 30);
  const double y = *learndyn::testing::log_uniform(-30, 30) * (*rc::gen::inRange(0, 2) ? 1 : -1);
  const double u = *learndyn::testing::uniform(-0.999, 0.999);
  const interval X(x), Y(y), U(u);
  const real_hi xh(x), yh(y), uh(u);
  struct Case {
    const char* name;
    interval enclosure;
    real_hi value;
  };
  const std::vector<Case> cases{
      {"x+y", X + Y, xh + yh},
      {"x-y", X - Y, xh - yh},
      {"x*y", X * Y, xh * yh},
      {"x/y", X / Y, xh / yh},
      {"-y", -Y, -yh},
      {"sqrt", sqrt(X), sqrt(xh)},
      {"log", log(X), log(xh)},
      {"exp", exp(U * 50), exp(uh * 50)},
      {"pow", pow(X, U), pow(xh, uh)},
      {"pow int", pow(X, -3), pow(xh, -3)},
      {"tanh", tanh(Y), tanh(yh)},
      {"atanh", atanh(U), atanh(uh)},
      {"atan", atan(Y), atan(yh)},
      {"tan", tan(U), tan(uh)},
      {"cosh", cosh(U * 10), cosh(uh * 10)},
      {"erf", erf(U * 5), erf(uh * 5)},
      {"erfc", erfc(U * 5), erfc(uh * 5)},
      {"abs", abs(Y), abs(yh)},
  };
  for (const Case& c : cases) {
    RC_ASSERT(c.enclosure.contains(c.value));
    if (c.value != 0) RC_ASSERT(relatively_narrow(c.enclosure, elementary_relative_width));
  }
}

TEST(Interval, UndecidableComparisonsThrow) {
  const interval a = interval::hull(real_hi(1), real_hi(2));
  const interval b = interval::hull(real_hi("1.5"), real_hi(3));
  EXPECT_THROW((void)(a < b), UndecidableComparison);
  EXPECT_THROW((void)(a <= b), UndecidableComparison);
  EXPECT_THROW((void)(a > b), UndecidableComparison);
  EXPECT_THROW((void)(a >= b), UndecidableComparison);
  EXPECT_THROW((void)(a == b), UndecidableComparison);
  EXPECT_THROW((void)(a != b), UndecidableComparison);
  // The same quantity computed two ways: equal, but only an exact point can prove it.
  EXPECT_THROW((void)(interval::pi() == interval::pi()), UndecidableComparison);
  EXPECT_THROW((void)(interval(1) / 3 * 3 < interval(1)), UndecidableComparison);
  // An UndecidableComparison is an ArgumentError: one line, CLI exit status 2.
  try {
    (void)(a < b);
    FAIL();
  } catch (const learndyn::ArgumentError& e) {
    EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("comparison"), std::string::npos);
  }
}

TEST(Interval, DecidableComparisonsAnswer) {
  const interval a = interval::hull(real_hi(1), real_hi(2));
  const interval c = interval::hull(real_hi(3), real_hi(4));
  EXPECT_TRUE(a < c);
  EXPECT_TRUE(a <= c);
  EXPECT_FALSE(a > c);
  EXPECT_FALSE(c < a);
  EXPECT_TRUE(a != c);
  EXPECT_FALSE(a == c);
  EXPECT_TRUE(interval(2) == interval(2));  // exact points
  EXPECT_TRUE(interval(2) <= interval(2));
  EXPECT_FALSE(interval(2) < interval(2));
  // A ball's radius carries 30 bits (Arb's mag_t): a hull is a little wider than its bounds,
  // so two hulls that touch overlap and are not ordered (proofs/common.md C17).
  EXPECT_LE(a.lo(), 1);
  EXPECT_GE(a.hi(), 2);
  EXPECT_LE(a.width(), 1 + real_hi("1e-8"));
  EXPECT_THROW((void)(a <= interval::hull(real_hi(2), real_hi(3))), UndecidableComparison);
  // Infinity.
  const interval inf = std::numeric_limits<interval>::infinity();
  EXPECT_TRUE(c < inf);
  EXPECT_TRUE(learndyn::is_finite_positive(c));
  EXPECT_FALSE(learndyn::is_finite_positive(inf));
  EXPECT_TRUE(isinf(inf));
  EXPECT_FALSE(isnan(inf));
}

TEST(Interval, OutsideTheDomainIsIndeterminateAndUndecidable) {
  const interval x = sqrt(interval::hull(real_hi(-1), real_hi(1)));
  EXPECT_TRUE(isnan(x));
  EXPECT_THROW((void)(x > 0), UndecidableComparison);
  EXPECT_TRUE(isnan(log(interval(-1))));
  EXPECT_EQ(x.to_string(5), "[nan, nan]");
  EXPECT_EQ(x.proved_digits(), 0);
}

TEST(Interval, RenderingRoundsOutward) {
  const interval third = interval(1) / 3;
  EXPECT_EQ(third.to_string(4), "[3.333e-01, 3.334e-01]");
  EXPECT_EQ((-third).to_string(4), "[-3.334e-01, -3.333e-01]");
  EXPECT_EQ(interval(0.5).to_string(3), "[5.00e-01, 5.00e-01]");
  EXPECT_EQ(interval(0).to_string(2), "[0.0e+00, 0.0e+00]");
  EXPECT_EQ(interval(1234).to_string(2), "[1.2e+03, 1.3e+03]");  // exact 1234, rounded outward
  EXPECT_EQ(interval::from_decimal("1e-300", "x").to_string(3), "[9.99e-301, 1.01e-300]");
  // The rendered bounds, parsed back, still enclose the interval.
  const interval p = interval::pi();
  for (int digits : {1, 5, 30, 60}) {
    const real_hi lo(p.lo_string(digits)), hi(p.hi_string(digits));
    EXPECT_LE(lo, p.lo()) << digits;
    EXPECT_GE(hi, p.hi()) << digits;
  }
}

TEST(Interval, ProvedDigits) {
  EXPECT_EQ(interval(0.1).proved_digits(), interval::precision_digits);  // exact
  EXPECT_GE((interval(1) / 3).proved_digits(), 55);
  EXPECT_EQ(interval::hull(real_hi(1), 1 + ldexp(real_hi(1), -10)).proved_digits(), 3);  // width 9.8e-4
  EXPECT_EQ(interval::hull(real_hi(1), real_hi(2)).proved_digits(), 0);
  EXPECT_EQ(interval::hull(real_hi(-1), real_hi(2)).proved_digits(), 0);  // holds 0
}

TEST(Interval, MinMaxAbsAreEnclosures) {
  const interval a = interval::hull(real_hi(-1), real_hi(2));
  const interval b = interval::hull(real_hi(0), real_hi(3));
  const interval m = min(a, b);
  const interval M = max(a, b);
  EXPECT_LE(m.lo(), -1);
  EXPECT_GE(m.hi(), 2);
  EXPECT_LE(M.lo(), 0);
  EXPECT_GE(M.hi(), 3);
  // |[-1, 2]| = [0, 2], as a ball [1 +/- 1] (plus the radius's rounding: no lower than -1e-8,
  // where arb_abs's [0.5 +/- 1.5] would reach -1).
  EXPECT_TRUE(abs(a).contains(real_hi(0)));
  EXPECT_TRUE(abs(a).contains(real_hi(2)));
  EXPECT_GE(abs(a).lo(), real_hi("-1e-8"));
  EXPECT_LE(abs(a).hi(), 2 + real_hi("1e-8"));
  EXPECT_TRUE(abs(interval(-2)) == interval(2));
}

TEST(Interval, EigenMatrixProductEncloses) {
  Eigen::Matrix<interval, 2, 2> a;
  a << interval::from_decimal("0.1", "a"), interval(2), interval::pi(), interval(-1) / 7;
  Eigen::Matrix<real_hi, 2, 2> a_hi;
  a_hi << real_hi("0.1"), real_hi(2), boost::math::constants::pi<real_hi>(), real_hi(-1) / 7;
  const Eigen::Matrix<interval, 2, 2> p = a * a;
  const Eigen::Matrix<real_hi, 2, 2> p_hi = a_hi * a_hi;
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 2; ++j) EXPECT_TRUE(p(i, j).contains(p_hi(i, j))) << i << j;
  EXPECT_TRUE(a.sum().contains(a_hi.sum()));
}

}  // namespace
