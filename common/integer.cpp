#include <learndyn/common/integer.hpp>

#include <cerrno>
#include <cstdlib>

#include <learndyn/common/argument_error.hpp>

namespace learndyn {

long parse_integer(const std::string& text, const std::string& parameter, long lo, long hi) {
  const std::string allowed =
      "an integer with " + std::to_string(lo) + " <= " + parameter + " <= " + std::to_string(hi);
  std::size_t i = (!text.empty() && (text[0] == '-' || text[0] == '+')) ? 1 : 0;
  require(i < text.size() && text.find_first_not_of("0123456789", i) == std::string::npos,
          parameter, "'" + text + "'", allowed);
  errno = 0;
  const long value = std::strtol(text.c_str(), nullptr, 10);
  require(errno == 0 && value >= lo && value <= hi, parameter, text, allowed);
  return value;
}

}  // namespace learndyn
