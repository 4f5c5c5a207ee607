// Decimal input and output at any precision.
//
// An oracle asked about eps = 0.1 must answer about one tenth, not about the nearest double
// (proofs/common.md C8): numeric command-line arguments stay decimal strings until they
// are converted, separately, at every precision they are used at.
#pragma once

#include <string>
#include <string_view>

namespace learndyn {

// True when `text` is a finite decimal literal: [+-]digits[.digits][(e|E)[+-]digits],
// with at least one digit before the exponent. Rejects nan, inf, hex and trailing text.
bool is_decimal_literal(std::string_view text);

// Parses a decimal literal exactly rounded to Real (double, real or real_hi). Throws
// ArgumentError naming `parameter` when `text` is not a finite decimal literal or overflows.
template <class Real>
Real parse_decimal(std::string_view text, const std::string& parameter);

// `value` in scientific notation with `significant` significant digits ("inf", "-inf",
// "nan" for non-finite values). Deterministic: depends only on the value and `significant`.
template <class Real>
std::string format_significant(const Real& value, int significant);

}  // namespace learndyn
