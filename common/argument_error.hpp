// The one error type for invalid input, library-wide.
//
// Every check of a user-supplied value throws ArgumentError naming the parameter and the
// allowed range, so that the CLI can print one line and exit with status 2, and a library
// user gets the same message.
#pragma once

#include <stdexcept>
#include <string>

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

// Throws ArgumentError unless `ok`. `value` is rendered by the caller (a decimal string).
inline void require(bool ok, const std::string& parameter, const std::string& value,
                    const std::string& allowed) {
  if (!ok) throw ArgumentError(parameter, value, allowed);
}

}  // namespace learndyn
