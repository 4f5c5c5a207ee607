// Unit roundoffs the tests state their bounds in (Boost.Math style: tolerances in epsilons).
// One definition per scalar, shared by the test files of an executable (they are compiled as
// one unity translation unit, tests/CMakeLists.txt).
#pragma once

#include <limits>

#include <learndyn/common/scalar.hpp>

namespace learndyn::testing {

inline constexpr double u = 0x1p-53;  // double: 2^-53

namespace multiprecision {
inline const real u = std::numeric_limits<real>::epsilon();  // 50 digits (machine epsilon)
}  // namespace multiprecision

}  // namespace learndyn::testing
