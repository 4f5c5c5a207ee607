#include "oracle/check.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>
#include <utility>

#include "common/argument_error.hpp"
#include "common/decimal.hpp"
#include "common/error_measures.hpp"
#include "common/input_error.hpp"
#include "common/scalar.hpp"

namespace learndyn::oracle {

namespace {

using Key = std::pair<std::string, std::string>;  // (case id, quantity)

void validate(const CheckOptions& options) {
  require(std::isfinite(options.rtol) && options.rtol >= 0, "rtol", options.rtol, "a finite number >= 0");
  require(std::isfinite(options.atol) && options.atol >= 0, "atol", options.atol, "a finite number >= 0");
}

CheckRow row_of(const std::string& case_id, const std::string& quantity, const std::string& expected,
                const std::string& got, CheckStatus status, int certified_digits) {
  CheckRow row;
  row.case_id = case_id;
  row.quantity = quantity;
  row.expected = expected;
  row.got = got;
  row.status = status;
  row.certified_digits = certified_digits;
  return row;
}

CheckRow compare(const GoldenValue& golden, const std::string& case_id, const CandidateValue& got,
                 const CheckOptions& options, const std::string& file) {
  CheckRow row = row_of(case_id, golden.quantity, golden.value, got.value, CheckStatus::pass,
                        golden.certified_digits);
  const real expected = parse_decimal<real>(golden.value, "expected");
  real value;
  try {
    value = parse_decimal<real>(got.value, "value");
  } catch (const ArgumentError&) {
    throw InputError(file, got.position, "value \"" + got.value + "\" is outside the range of the working precision");
  }
  const real error = abs(value - expected);
  row.relative_error = format_significant(relative_error(value, expected), 3);
  row.digits_matched = agreeing_digits(value, expected, golden.certified_digits);
  const real golden_uncertainty = pow(real(10), -golden.certified_digits);
  const real allowed = real(options.atol) + std::max(real(options.rtol), golden_uncertainty) * abs(expected);
  row.status = error <= allowed ? CheckStatus::pass : CheckStatus::fail;
  row.counts_as_failure = row.status == CheckStatus::fail;
  return row;
}

void count(CheckResult& result, const CheckRow& row) {
  switch (row.status) {
    case CheckStatus::pass: ++result.passed; break;
    case CheckStatus::fail: ++result.failed; break;
    case CheckStatus::missing: ++result.missing; break;
    case CheckStatus::extra: ++result.extra; break;
  }
  if (row.counts_as_failure) result.success = false;
}

}  // namespace

CheckResult check_candidate(const GoldenSuite& golden, const std::vector<CandidateValue>& candidate,
                            const CheckOptions& options, const std::string& candidate_file) {
  validate(options);
  std::map<Key, const CandidateValue*> by_key;
  for (const CandidateValue& v : candidate) by_key[{v.case_id, v.quantity}] = &v;
  CheckResult result;
  for (const GoldenCase& c : golden.cases) {
    for (const GoldenValue& g : c.values) {
      const auto it = by_key.find({c.id, g.quantity});
      if (it == by_key.end()) {
        CheckRow row = row_of(c.id, g.quantity, g.value, "", CheckStatus::missing, g.certified_digits);
        row.counts_as_failure = !options.allow_missing;
        result.rows.push_back(row);
      } else {
        result.rows.push_back(compare(g, c.id, *it->second, options, candidate_file));
        by_key.erase(it);
      }
      count(result, result.rows.back());
    }
  }
  for (const CandidateValue& v : candidate) {
    if (!by_key.count({v.case_id, v.quantity})) continue;  // matched above
    CheckRow row = row_of(v.case_id, v.quantity, "", v.value, CheckStatus::extra, 0);
    row.counts_as_failure = !options.allow_extra;
    result.rows.push_back(row);
    count(result, row);
  }
  return result;
}

std::string status_name(CheckStatus status) {
  switch (status) {
    case CheckStatus::pass: return "pass";
    case CheckStatus::fail: return "FAIL";
    case CheckStatus::missing: return "missing";
    case CheckStatus::extra: return "extra";
  }
  return "?";
}

std::string render_check_table(const CheckResult& result) {
  const std::vector<std::string> header{"case", "quantity", "expected", "got", "rel. error", "digits", "status"};
  std::vector<std::vector<std::string>> cells{header};
  for (const CheckRow& r : result.rows) {
    // 17 significant digits show any double-level disagreement; the file has all of them.
    const std::string expected = r.expected.empty() ? "-" : format_significant(parse_decimal<real>(r.expected, "expected"), 17);
    const std::string digits = r.status == CheckStatus::pass || r.status == CheckStatus::fail
                                   ? std::to_string(r.digits_matched) + "/" + std::to_string(r.certified_digits)
                                   : "-";
    std::string status = status_name(r.status);
    if (!r.counts_as_failure && (r.status == CheckStatus::missing || r.status == CheckStatus::extra)) status += " (allowed)";
    cells.push_back({r.case_id, r.quantity, expected, r.got.empty() ? "-" : r.got,
                     r.relative_error.empty() ? "-" : r.relative_error, digits, status});
  }
  std::vector<std::size_t> width(header.size(), 0);
  for (const auto& row : cells)
    for (std::size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
  std::ostringstream out;
  for (const auto& row : cells) {
    for (std::size_t i = 0; i < row.size(); ++i) {
      out << row[i];
      if (i + 1 < row.size()) out << std::string(width[i] - row[i].size() + 2, ' ');
    }
    out << "\n";
  }
  out << result.passed << " passed, " << result.failed << " failed, " << result.missing << " missing, "
      << result.extra << " extra: " << (result.success ? "PASS" : "FAIL") << "\n";
  return out.str();
}

}  // namespace learndyn::oracle
