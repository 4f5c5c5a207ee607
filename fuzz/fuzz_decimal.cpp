// Decimal literals: the validator, the parser at double and 50 digits, and the round trip
// format_significant -> parse_decimal at the working precision: max_digits10 significant digits
// reproduce the binary value (50 decimal digits do not always: the 167-bit significand needs 52).
#include <cstddef>
#include <cstdint>
#include <limits>

#include <learndyn/common/decimal.hpp>
#include <learndyn/common/scalar.hpp>
#include "fuzz/fuzz_target.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return learndyn::fuzz::run_guarded(data, size, [](std::string_view text) {
    using learndyn::real;
    const bool literal = learndyn::is_decimal_literal(text);
    const real value = learndyn::parse_decimal<real>(text, "fuzz");  // throws unless literal
    learndyn::fuzz::check(literal, "parse_decimal accepted a non-literal");
    (void)learndyn::parse_decimal<double>(text, "fuzz");
    const std::string printed = learndyn::format_significant(value, std::numeric_limits<real>::max_digits10);
    learndyn::fuzz::check(learndyn::is_decimal_literal(printed), "format_significant printed a non-literal");
    learndyn::fuzz::check(learndyn::parse_decimal<real>(printed, "fuzz") == value,
                          "max_digits10 round trip changed the value");
  });
}
