// `oracle check`: a user's values against the golden suite, value by value.
//
// A value passes when |got - expected| <= atol + max(rtol |expected|, phi) (proofs/common.md
// C11), phi = 6 10^-D |expected| + (6 10^-D + 3 10^-c) |got|, D the digits written, c the value's
// certified digits: the golden value is only known to c digits and rounded to D, so no
// tolerance tighter than that can be honoured, and every value correctly rounded to the
// digits written passes at any tolerance. Where the golden value carries a proved enclosure
// [lo, hi] (schema 2), the rule is (C25) instead: dist(got, [lo, hi]) <= atol + max(rtol
// |expected|, (6 10^-D + 3 10^-c) |got|). Golden values a candidate lacks and candidate values the suite lacks
// are rows of their own ("missing", "extra"), failures unless allowed.
#pragma once

#include <string>
#include <vector>

#include <learndyn/common/scalar.hpp>
#include <learndyn/oracle/candidate.hpp>
#include <learndyn/oracle/golden.hpp>

namespace learndyn::oracle {

struct CheckOptions {
  double rtol = 1e-10;
  double atol = 0.0;
  bool allow_missing = false;  // golden values absent from the candidate do not fail
  bool allow_extra = false;    // candidate values unknown to the suite do not fail
};

enum class CheckStatus { pass, fail, missing, extra };

struct CheckRow {
  std::string case_id;
  std::string quantity;
  std::string expected;          // golden decimal string ("" for extra)
  std::string got;               // candidate decimal string ("" for missing)
  std::string relative_error;    // 3 significant digits ("" for missing / extra)
  int digits_matched = 0;        // agreeing significant digits, capped at the certified ones
  int certified_digits = 0;
  int proved_digits = -1;        // the enclosure's, when the golden value has one (C25); else -1
  CheckStatus status = CheckStatus::pass;
  bool counts_as_failure = false;
  std::string suggestion;        // extra rows: the nearest golden case id (or quantity), if close
};

struct CheckResult {
  std::vector<CheckRow> rows;  // golden order, then extras in candidate order
  int passed = 0, failed = 0, missing = 0, extra = 0;
  bool success = true;  // no row counts as a failure
};

// Throws ArgumentError for invalid options, InputError (naming `candidate_file` and the
// value's position) for a candidate value outside the range of the working precision, and
// InputError when --allow-missing would let a candidate pass with nothing compared (an empty
// file, or only values the suite does not have).
CheckResult check_candidate(const GoldenSuite& golden, const std::vector<CandidateValue>& candidate,
                            const CheckOptions& options, const std::string& candidate_file);

// The tolerance floor phi of (C11) for one value, given the file's digits written D and the
// value's certified digits c.
real pass_floor(const real& expected, const real& got, int digits_written, int certified_digits);

// The floor of (C25) for a value checked against an enclosure: a candidate as accurate as the
// file's own value (rounded to the D digits written, right to its c certified digits) passes.
real enclosure_pass_floor(const real& got, int digits_written, int certified_digits);

// The distance from `got` to [lo, hi] (0 inside).
real_hi enclosure_distance(const real_hi& lo, const real_hi& hi, const real_hi& got);

std::string status_name(CheckStatus status);

// An aligned text table with a summary line; with `failures_only`, only the rows that count
// as failures (the summary still counts every row).
std::string render_check_table(const CheckResult& result, bool failures_only = false);

// The result as JUnit XML (one testsuite, one testcase per row: classname the case id, name
// the quantity; a failing row is a <failure> whose message shows expected, got and digits),
// which CI systems display natively.
std::string render_junit(const CheckResult& result);

}  // namespace learndyn::oracle
