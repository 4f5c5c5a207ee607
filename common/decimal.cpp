#include <learndyn/common/decimal.hpp>

#include <cmath>
#include <iomanip>
#include <ios>
#include <limits>
#include <sstream>

#include <learndyn/common/argument_error.hpp>
#include <learndyn/common/scalar.hpp>

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

// Longer literals are refused: no real input needs them, and Boost's parser takes time
// quadratic in the length.
constexpr std::size_t kMaxLiteralLength = 1000;
// Explicit exponents with more digits are refused (or are zero): Boost.Multiprecision 1.74
// accumulates the exponent in a machine integer without an overflow check (found by
// fuzz/fuzz_decimal), and no scalar we use spans 10^(10^7).
constexpr std::size_t kMaxExponentDigits = 7;

std::string shown_prefix(std::string_view text) {
  return text.size() <= 40 ? std::string(text) : std::string(text.substr(0, 40)) + "...";
}

bool mantissa_is_zero(std::string_view literal) {
  for (const char c : literal.substr(0, literal.find_first_of("eE")))
    if (c >= '1' && c <= '9') return false;
  return true;
}

// Significant digits of the explicit exponent (leading zeros and sign skipped); 0 if none.
std::size_t exponent_digits(std::string_view literal) {
  const std::size_t e = literal.find_first_of("eE");
  if (e == std::string_view::npos) return 0;
  std::size_t i = e + 1;
  if (i < literal.size() && (literal[i] == '+' || literal[i] == '-')) ++i;
  while (i < literal.size() && literal[i] == '0') ++i;
  return literal.size() - i;
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
  if (text.size() > kMaxLiteralLength)
    throw ArgumentError(parameter, "'" + shown_prefix(text) + "'",
                        "a decimal number of at most " + std::to_string(kMaxLiteralLength) + " characters");
  const std::string shown(text);
  if (!is_decimal_literal(text))
    throw ArgumentError(parameter, "'" + shown + "'",
                        "a finite decimal number such as 0.1, -2.5e-3 or 100");
  if (exponent_digits(text) > kMaxExponentDigits) {
    if (mantissa_is_zero(text)) return Real(0);
    throw ArgumentError(parameter, shown_prefix(text), "a decimal exponent below 10^7 in magnitude");
  }
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
