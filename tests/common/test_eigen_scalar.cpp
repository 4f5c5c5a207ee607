// Eigen 3.4 with the reference scalar through our NumTraits (common/eigen_scalar.hpp): the
// decompositions Boost 1.74's own eigen.hpp cannot compile (SelfAdjointEigenSolver, BDCSVD)
// work, and isApprox is not an exact-equality test.
#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <Eigen/SVD>
#include <boost/math/constants/constants.hpp>

#include <learndyn/common/eigen_scalar.hpp>
#include <learndyn/common/error_measures.hpp>
#include <learndyn/common/scalar.hpp>

namespace {
using learndyn::real;
using Matrix = Eigen::Matrix<real, Eigen::Dynamic, Eigen::Dynamic>;

// The n x n second-difference matrix tridiag(-1, 2, -1): eigenvalues 2 - 2 cos(k pi/(n+1)),
// k = 1..n, in closed form.
Matrix second_difference(int n) {
  Matrix a = Matrix::Zero(n, n);
  for (int i = 0; i < n; ++i) {
    a(i, i) = 2;
    if (i + 1 < n) a(i, i + 1) = a(i + 1, i) = -1;
  }
  return a;
}

TEST(EigenScalar, SelfAdjointEigenvaluesMatchTheClosedForm) {
  const int n = 8;
  Eigen::SelfAdjointEigenSolver<Matrix> solver(second_difference(n));
  ASSERT_EQ(solver.info(), Eigen::Success);
  const real pi = boost::math::constants::pi<real>();
  for (int k = 1; k <= n; ++k) {
    using std::cos;
    const real exact = 2 - 2 * cos(k * pi / (n + 1));
    EXPECT_LT(learndyn::relative_error(solver.eigenvalues()(k - 1), exact), real("1e-45")) << k;
  }
}

TEST(EigenScalar, BdcSvdReconstructs) {
  Matrix a(3, 2);
  a << real(1) / 3, 2, real(-5) / 7, 1, 4, real(1) / 11;
  Eigen::BDCSVD<Matrix> svd(a, Eigen::ComputeThinU | Eigen::ComputeThinV);
  const Matrix back = svd.matrixU() * svd.singularValues().asDiagonal() * svd.matrixV().transpose();
  EXPECT_LT((back - a).norm(), real("1e-45"));
}

TEST(EigenScalar, TraitsAreThoseOfTheScalar) {
  using Traits = Eigen::NumTraits<real>;
  EXPECT_EQ(Traits::epsilon(), std::numeric_limits<real>::epsilon());
  EXPECT_LT(Traits::lowest(), 0);  // Boost 1.74's header gets this wrong (positive)
  EXPECT_TRUE(isinf(Traits::infinity()));
  EXPECT_TRUE(isnan(Traits::quiet_NaN()));
  const Matrix a = second_difference(3);
  EXPECT_TRUE(a.isApprox(a * (1 + 10 * std::numeric_limits<real>::epsilon())));
  EXPECT_FALSE(a.isApprox(a * (1 + real("1e-20"))));
}

}  // namespace
