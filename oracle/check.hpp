// `oracle check`: a user's values against the golden suite, value by value.
//
// A value passes when |got - expected| <= atol + max(rtol, 10^-c) |expected|, c its certified
// digits: the golden value itself is only known to c digits, so no tolerance tighter than
// that can be honoured. Golden values a candidate lacks and candidate values the suite lacks
// are rows of their own ("missing", "extra"), failures unless allowed.
#pragma once

#include <string>
#include <vector>

#include "oracle/candidate.hpp"
#include "oracle/golden.hpp"

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
  CheckStatus status = CheckStatus::pass;
  bool counts_as_failure = false;
};

struct CheckResult {
  std::vector<CheckRow> rows;  // golden order, then extras in candidate order
  int passed = 0, failed = 0, missing = 0, extra = 0;
  bool success = true;  // no row counts as a failure
};

// Throws ArgumentError for invalid options, InputError (naming `candidate_file` and the
// value's position) for a candidate value outside the range of the working precision.
CheckResult check_candidate(const GoldenSuite& golden, const std::vector<CandidateValue>& candidate,
                            const CheckOptions& options, const std::string& candidate_file);

std::string status_name(CheckStatus status);

// An aligned text table with a summary line.
std::string render_check_table(const CheckResult& result);

}  // namespace learndyn::oracle
