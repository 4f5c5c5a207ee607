// Integer input given as text (command-line options, and the library callers that take the
// same options as text: experiments/ghost/rnn_options.hpp).
#pragma once

#include <string>

namespace learndyn {

// Parses an integer given as text ([+-]digits), requiring lo <= value <= hi; throws
// ArgumentError naming `parameter` otherwise.
long parse_integer(const std::string& text, const std::string& parameter, long lo, long hi);

}  // namespace learndyn
