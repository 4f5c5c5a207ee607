// The one error type for malformed input files (golden suites, candidate values, arrays).
//
// ArgumentError names a command-line parameter; InputError names a file and the position of
// the fault in it (a line for CSV, a JSON path such as $.cases[3].values.eta_c, a byte
// offset), so that a user can go straight to it. The CLI prints one line and exits with
// status 2, as for a bad argument.
#pragma once

#include <stdexcept>
#include <string>

namespace learndyn {

class InputError : public std::runtime_error {
 public:
  InputError(const std::string& file, const std::string& position, const std::string& message)
      : std::runtime_error(file + (position.empty() ? "" : ":" + position) + ": " + message),
        file_(file),
        position_(position) {}
  const std::string& file() const { return file_; }
  const std::string& position() const { return position_; }

 private:
  std::string file_;
  std::string position_;
};

}  // namespace learndyn
