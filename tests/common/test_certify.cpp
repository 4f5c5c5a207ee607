// Certification: the working precision against the certifying one.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include <boost/math/constants/constants.hpp>

#include <learndyn/common/certify.hpp>
#include <learndyn/common/quadrature.hpp>

namespace {
using learndyn::real;

TEST(Certify, ExactlyComputedValuesCertifyAllWorkingDigits) {
  const auto compute = []<class Real>() {
    using std::sqrt;
    return std::vector<Real>{sqrt(Real(2)), boost::math::constants::pi<Real>()};
  };
  for (const learndyn::CertifiedValue& v : learndyn::certify(compute))
    EXPECT_GE(v.certified_digits, 49);  // correctly rounded at 50 digits: >= 49 agree
}

TEST(Certify, MeasuresRoundingNotTruncation) {
  // A truncated series whose error does not depend on the precision: both precisions agree
  // with each other to all digits (certification measures rounding, not truncation), so
  // this documents the limit stated in proofs/common.md §1.
  const auto compute = []<class Real>() {
    Real sum = 0, term = 1;
    for (int k = 1; k < 10; ++k) {
      term /= k;
      sum += term;
    }
    return std::vector<Real>{sum};
  };
  EXPECT_GE(learndyn::certify(compute)[0].certified_digits, 49);
  // ... whereas a precision-dependent loss of digits is caught: (1 + d) - 1 with d below the
  // working precision's epsilon but above the certifying one's.
  const auto cancel = []<class Real>() {
    const Real tiny = Real("1e-60");
    return std::vector<Real>{((1 + tiny) - 1) / tiny};
  };
  EXPECT_EQ(learndyn::certify(cancel)[0].certified_digits, 0);
}

TEST(Quadrature, TanhSinhOnPanelsIntegratesAKinkExactly) {
  // |x - 1/3| on [0, 1]: 1/18 + 2/9 = 5/18, exact when 1/3 is a breakpoint.
  const real third = real(1) / 3;
  const auto f = [&](const real& x) { return abs(x - third); };
  const real got = learndyn::integrate_on_panels<real>(f, real(0), real(1), {third});
  EXPECT_LT(learndyn::relative_error(got, real(5) / 18), real("1e-45"));
}

}  // namespace
