// Decimal input/output: the oracle must answer about the decimal the user typed.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include <learndyn/common/argument_error.hpp>
#include <learndyn/common/decimal.hpp>
#include <learndyn/common/scalar.hpp>

namespace {
using learndyn::real;
using learndyn::real_hi;

TEST(Decimal, AcceptsFiniteDecimalLiterals) {
  for (const char* s : {"0", "1", "-2", "+3", "0.1", ".5", "5.", "1e-3", "-2.5E+10", "100"})
    EXPECT_TRUE(learndyn::is_decimal_literal(s)) << s;
}

TEST(Decimal, RejectsEverythingElse) {
  for (const char* s : {"", "-", ".", "e5", "1e", "1e+", "nan", "inf", "-inf", "0x10", "1.2.3",
                        "1 ", " 1", "1,5", "1e5x", "--1"})
    EXPECT_FALSE(learndyn::is_decimal_literal(s)) << "'" << s << "'";
}

TEST(Decimal, OneTenthIsOneTenthAtEveryPrecision) {
  // real("0.1") must be the correctly rounded 1/10, not the double 0.1 widened.
  const real tenth = learndyn::parse_decimal<real>("0.1", "eps");
  EXPECT_EQ(tenth, real(1) / 10);
  EXPECT_NE(tenth, real(0.1));  // the double 0.1 = 0.1000000000000000055511...
  const real_hi tenth_hi = learndyn::parse_decimal<real_hi>("0.1", "eps");
  EXPECT_EQ(tenth_hi, real_hi(1) / 10);
  EXPECT_EQ(learndyn::parse_decimal<double>("0.1", "eps"), 0.1);
}

TEST(Decimal, BadInputNamesTheParameter) {
  try {
    learndyn::parse_decimal<real>("abc", "T");
    FAIL() << "no throw";
  } catch (const learndyn::ArgumentError& e) {
    EXPECT_EQ(e.parameter(), "T");
    EXPECT_NE(std::string(e.what()).find("abc"), std::string::npos);
  }
  EXPECT_THROW(learndyn::parse_decimal<double>("1e400", "eps"), learndyn::ArgumentError);
}

TEST(Decimal, FormatsTheRequestedSignificantDigits) {
  EXPECT_EQ(learndyn::format_significant(real(1) / 3, 5), "3.3333e-01");
  EXPECT_EQ(learndyn::format_significant(2.0, 1), "2e+00");
  const std::string fifty = learndyn::format_significant(real(2) / 3, 50);
  EXPECT_EQ(fifty.substr(0, 2), "6.");
  EXPECT_EQ(fifty.size(), std::string("6.").size() + 49 + std::string("e-01").size());
  EXPECT_EQ(learndyn::format_significant(std::numeric_limits<double>::infinity(), 5), "inf");
  EXPECT_EQ(learndyn::format_significant(-std::numeric_limits<double>::infinity(), 5), "-inf");
  EXPECT_EQ(learndyn::format_significant(std::nan(""), 5), "nan");
}

TEST(Decimal, RoundTripsAtFiftyDigits) {
  const real x = learndyn::parse_decimal<real>("1.2345678901234567890123456789012345678901234567890", "x");
  EXPECT_EQ(learndyn::format_significant(x, 50),
            "1.2345678901234567890123456789012345678901234567890e+00");
}

}  // namespace

// Boost 1.74 accumulates the exponent in a machine integer without an overflow check
// (found by fuzz/fuzz_decimal): such exponents are refused before Boost sees them.
TEST(Decimal, HugeExponentsAreRefusedNotOverflowed) {
  for (const char* s : {"1e99999999999999999999", "0.5e-55555555555555555555555", "1e10000000"})
    EXPECT_THROW(learndyn::parse_decimal<real>(s, "x"), learndyn::ArgumentError) << s;
  // A zero mantissa is zero whatever its exponent.
  EXPECT_EQ(learndyn::parse_decimal<real>("0.000e99999999999999999999", "x"), real(0));
  // Exponents of up to 7 digits are parsed (real spans them; double overflows and says so).
  const real tiny = learndyn::parse_decimal<real>("1e-1000", "x");
  EXPECT_LT(abs(tiny / pow(real(10), -1000) - 1), real("1e-48"));  // pow is not correctly rounded
  EXPECT_THROW(learndyn::parse_decimal<double>("1e400", "x"), learndyn::ArgumentError);
}

TEST(Decimal, OverlongLiteralsAreRefused) {
  EXPECT_THROW(learndyn::parse_decimal<real>(std::string(1001, '1'), "x"), learndyn::ArgumentError);
  EXPECT_NO_THROW(learndyn::parse_decimal<real>(std::string(1000, '1'), "x"));
}
