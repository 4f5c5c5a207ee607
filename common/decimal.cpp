#include "common/decimal.hpp"

#include <cmath>
#include <iomanip>
#include <ios>
#include <limits>
#include <sstream>

#include "common/argument_error.hpp"
#include "common/scalar.hpp"

namespace learndyn {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Consumes a run of digits starting at `i`; returns how many.
std::size_t digit_run(std::string_view s, std::size_t& i) {
  const std::size_t start = i;
  while (i < s.size() && is_digit(s[i])) ++i;
  return i - start;
}

template <class Real>
bool is_finite_value(const Real& x) {
  using std::isfinite;
  using boost::multiprecision::isfinite;
  return isfinite(x);
}

}  // namespace

bool is_decimal_literal(std::string_view s) {
  std::size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  std::size_t mantissa_digits = digit_run(s, i);
  if (i < s.size() && s[i] == '.') {
    ++i;
    mantissa_digits += digit_run(s, i);
  }
  if (mantissa_digits == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (digit_run(s, i) == 0) return false;
  }
  return i == s.size();
}

template <class Real>
Real parse_decimal(std::string_view text, const std::string& parameter) {
  const std::string shown(text);
  if (!is_decimal_literal(text))
    throw ArgumentError(parameter, "'" + shown + "'",
                        "a finite decimal number such as 0.1, -2.5e-3 or 100");
  Real value;
  if constexpr (std::is_same_v<Real, double>) {
    // strtod rounds correctly (glibc); the decimal literal has been validated above.
    value = std::strtod(shown.c_str(), nullptr);
  } else {
    value = Real(shown);  // Boost.Multiprecision parses decimal strings correctly rounded
  }
  if (!is_finite_value(value))
    throw ArgumentError(parameter, shown, "a number of magnitude below the scalar's maximum");
  return value;
}

template <class Real>
std::string format_significant(const Real& value, int significant) {
  if (!is_finite_value(value)) {
    if (value != value) return "nan";
    return value > 0 ? "inf" : "-inf";
  }
  if (significant < 1) significant = 1;
  std::ostringstream out;
  out << std::scientific << std::setprecision(significant - 1) << value;
  return out.str();
}

template double parse_decimal<double>(std::string_view, const std::string&);
template real parse_decimal<real>(std::string_view, const std::string&);
template real_hi parse_decimal<real_hi>(std::string_view, const std::string&);
template std::string format_significant<double>(const double&, int);
template std::string format_significant<real>(const real&, int);
template std::string format_significant<real_hi>(const real_hi&, int);

}  // namespace learndyn
