// Command-line option helpers shared by every learndyn command: numeric options are kept as
// decimal strings (converted at each precision where they are used, never through a double
// first) and validated with messages that name the flag and the allowed range.
#pragma once

#include <cstdint>
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

// A comma-separated list of integers, each in [lo, hi], at least one; ArgumentError naming
// `parameter` otherwise (an empty item included).
std::vector<long> parse_integer_list(const std::string& text, const std::string& parameter, long lo, long hi);

// Adds `--name` as an integer option kept as a string (shown as INT in help; parse_integer
// checks its range where it is used).
CLI::Option* add_integer(CLI::App& app, const std::string& name, std::string& target, const std::string& help);

// The options the commands share, declared here once, each with one meaning and one help text:
//   --seed INT     the seed of every random draw the command makes, 0..2^63-1;
//   --threads INT  worker threads of the parallel layer (common/parallel.hpp), 0..256, 0 = every
//                  available core; when not given, LEARNDYN_NUM_THREADS or 0; results do not
//                  depend on it;
//   --N INT        neurons of the network (`range` states the command's range and default);
//   --hidden INT   hidden units of the network (likewise).
CLI::Option* add_seed(CLI::App& app, std::string& target, const std::string& default_text = "0");
CLI::Option* add_threads(CLI::App& app, std::string& target);
CLI::Option* add_neurons(CLI::App& app, std::string& target, const std::string& range);
CLI::Option* add_hidden(CLI::App& app, std::string& target, const std::string& range);
std::uint64_t parse_seed(const std::string& text, const std::string& parameter = "seed");
// --threads as given, 0..256; not given (empty): LEARNDYN_NUM_THREADS (common/parallel.hpp).
unsigned parse_threads(const std::string& text);

// The example at the end of a command's help page.
void set_example(CLI::App& cmd, const std::string& command_line);

// Parses a decimal option to double for the fast path (ArgumentError on bad input).
double parse_double(const std::string& text, const std::string& parameter);

}  // namespace learndyn::cli
