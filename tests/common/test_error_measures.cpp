#include <gtest/gtest.h>

#include <cmath>

#include <learndyn/common/error_measures.hpp>
#include <learndyn/common/scalar.hpp>

namespace {
using learndyn::real;

TEST(ErrorMeasures, RelativeError) {
  EXPECT_EQ(learndyn::relative_error(1.5, 1.0), 0.5);
  EXPECT_EQ(learndyn::relative_error(-3.0, -2.0), 0.5);
  EXPECT_EQ(learndyn::relative_error(0.25, 0.0), 0.25);  // absolute when exact == 0
}

TEST(ErrorMeasures, UlpDistanceCountsRepresentableDoubles) {
  const double x = 1.0;
  EXPECT_EQ(learndyn::ulp_distance(x, x), 0.0);
  EXPECT_EQ(learndyn::ulp_distance(x, std::nextafter(x, 2.0)), 1.0);
  EXPECT_EQ(learndyn::ulp_distance(std::nextafter(x, 0.0), std::nextafter(x, 2.0)), 2.0);
  EXPECT_EQ(learndyn::ulp_distance(0.0, -0.0), 0.0);
}

TEST(ErrorMeasures, AgreeingDigits) {
  const real third = real(1) / 3;
  EXPECT_EQ(learndyn::agreeing_digits(third, third, 50), 50);
  // 1/3 against 0.333334: relative error 2e-6, -log10 = 5.7 -> 5 digits. (A relative error
  // of exactly 10^-k is a rounding-dependent boundary, so it is not used.)
  EXPECT_EQ(learndyn::agreeing_digits(real("0.333334"), third, 50), 5);
  EXPECT_EQ(learndyn::agreeing_digits(real("0.3334"), third, 50), 3);
  EXPECT_EQ(learndyn::agreeing_digits(real(1), real(0), 50), 0);
  EXPECT_EQ(learndyn::agreeing_digits(real(0), real(0), 50), 50);
  EXPECT_EQ(learndyn::agreeing_digits(real(2), real(1), 50), 0);
}

}  // namespace
