// Eigen NumTraits for the reference scalars.
//
// Boost 1.74's boost/multiprecision/eigen.hpp must NOT be included: with Eigen 3.4 it lacks
// infinity()/quiet_NaN() (SelfAdjointEigenSolver and BDCSVD fail to compile) and its
// lowest() is positive. GenericNumTraits supplies epsilon, infinity, quiet_NaN, digits and
// lowest = -max correctly from std::numeric_limits; we only set the costs and a
// dummy_precision so that isApprox is not an exact-equality test.
#pragma once

#include <limits>

#include <Eigen/Core>
#include <boost/multiprecision/number.hpp>

namespace Eigen {

template <class Backend>
struct NumTraits<boost::multiprecision::number<Backend, boost::multiprecision::et_off>>
    : GenericNumTraits<boost::multiprecision::number<Backend, boost::multiprecision::et_off>> {
  using Real = boost::multiprecision::number<Backend, boost::multiprecision::et_off>;
  using NonInteger = Real;
  using Nested = Real;
  using Literal = Real;
  enum {
    IsComplex = 0,
    IsInteger = 0,
    IsSigned = 1,
    RequireInitialization = 1,
    ReadCost = 1,
    AddCost = 4,
    MulCost = 8
  };
  static Real dummy_precision() { return 1000 * std::numeric_limits<Real>::epsilon(); }
};

}  // namespace Eigen
