// The one error type for invalid input, library-wide.
//
// Every check of a user-supplied value throws ArgumentError naming the parameter and the
// allowed range, so that the CLI can print one line and exit with status 2, and a library
// user gets the same message.
#pragma once

#include <ios>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>

namespace learndyn {

class ArgumentError : public std::invalid_argument {
 public:
  ArgumentError(std::string parameter, std::string value, std::string allowed)
      : std::invalid_argument("invalid " + parameter + " = " + value + ": allowed " + allowed),
        parameter_(std::move(parameter)),
        allowed_(std::move(allowed)) {}
  const std::string& parameter() const { return parameter_; }
  const std::string& allowed() const { return allowed_; }

 private:
  std::string parameter_;
  std::string allowed_;
};

// Renders a checked value for the message: strings as they are, integers exactly, floating
// values (double or the reference scalars) in the default format with up to 17 significant
// digits, so that 0 prints as 0 and 0.1 as 0.10000000000000001 (what the double holds).
template <class Value>
std::string render_value(const Value& value) {
  if constexpr (std::is_convertible_v<const Value&, std::string_view>) {
    return std::string(std::string_view(value));
  } else if constexpr (std::is_integral_v<Value>) {
    return std::to_string(value);
  } else {
    std::ostringstream out;
    out.precision(17);
    out << value;
    return out.str();
  }
}

// x > 0 and finite, for double and the reference scalars alike (NaN is not).
template <class Real>
bool is_finite_positive(const Real& x) {
  return x > 0 && x < std::numeric_limits<Real>::infinity();
}

// Throws ArgumentError unless `ok`. Nothing is formatted or allocated when the check passes:
// these checks sit on hot paths of the reference.
template <class Value>
void require(bool ok, std::string_view parameter, const Value& value, std::string_view allowed) {
  if (ok) [[likely]]
    return;
  throw ArgumentError(std::string(parameter), render_value(value), std::string(allowed));
}

}  // namespace learndyn
