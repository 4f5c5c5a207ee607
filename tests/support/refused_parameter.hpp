// The parameter an ArgumentError names when `run` throws one ("" when it does not): the tests
// of bad settings check which option a refusal names.
#pragma once

#include <functional>
#include <string>

#include <learndyn/common/argument_error.hpp>

namespace learndyn::testing {

inline std::string refused_parameter(const std::function<void()>& run) {
  try {
    run();
  } catch (const ArgumentError& e) {
    return e.parameter();
  }
  return "";
}

}  // namespace learndyn::testing
