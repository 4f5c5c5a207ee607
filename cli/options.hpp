// Command-line option helpers shared by every learndyn command: numeric options are kept as
// decimal strings (converted at each precision where they are used, never through a double
// first) and validated with messages that name the flag and the allowed range.
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace learndyn::cli {

// The working and certifying precisions of the reference, in decimal digits.
inline constexpr int kWorkingDigits = 50;
inline constexpr int kCertifyingDigits = 100;

// Adds `--name` as a decimal-string option bound to `target`.
CLI::Option* add_decimal(CLI::App& app, const std::string& name, std::string& target,
                         const std::string& help);

// A validator refusing an empty path while parsing (exit 2 naming the option): `-o ""` failed
// later as a bare filesystem error with exit 1.
CLI::Validator non_empty_path();

// The items of a comma-separated list ("" gives none). A trailing comma is an empty item and
// is refused, naming `parameter`: std::getline dropped it, so "1,2," passed as "1,2".
std::vector<std::string> split_list(const std::string& text, const std::string& parameter);

// Parses an integer option value given as a string, requiring lo <= value <= hi; throws
// ArgumentError naming `parameter` otherwise.
long parse_integer(const std::string& text, const std::string& parameter, long lo, long hi);

// Parses a decimal option to double for the fast path (ArgumentError on bad input).
double parse_double(const std::string& text, const std::string& parameter);

}  // namespace learndyn::cli
