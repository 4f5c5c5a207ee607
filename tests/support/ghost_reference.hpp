// Helpers of the canonical-model reference tests: a delay task at another precision, and the
// digits a 50-digit value shares with a 100-digit truth.
#pragma once

#include <learndyn/common/error_measures.hpp>
#include <learndyn/common/scalar.hpp>
#include <learndyn/reference/ghost/delayed_activation.hpp>

namespace learndyn::testing {

template <class To, class From>
reference::ghost::DelayTask<To> convert_task(const reference::ghost::DelayTask<From>& task) {
  return {learndyn::convert<To>(task.delay), learndyn::convert<To>(task.response)};
}

inline int digits(const real& approx, const real_hi& exact) {
  return learndyn::agreeing_digits(learndyn::convert<real_hi>(approx), exact, 50);
}

}  // namespace learndyn::testing
