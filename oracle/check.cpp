#include <learndyn/oracle/check.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>
#include <utility>

#include <learndyn/common/argument_error.hpp>
#include <learndyn/common/decimal.hpp>
#include <learndyn/common/error_measures.hpp>
#include <learndyn/common/input_error.hpp>
#include <learndyn/common/scalar.hpp>

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

CheckRow compare(const GoldenValue& golden, int digits_written, const std::string& case_id,
                 const CandidateValue& got, const CheckOptions& options, const std::string& file) {
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
  if (golden.has_enclosure) {
    // (C25): the distance to the proved interval, with the floor of a candidate as accurate as
    // the file's own value (rounded to D digits, right to c).
    row.proved_digits = golden.proved_digits;
    const real_hi got_hi = parse_decimal<real_hi>(got.value, "value");
    const real_hi distance = enclosure_distance(parse_decimal<real_hi>(golden.enclosure_lo, "lo"),
                                                parse_decimal<real_hi>(golden.enclosure_hi, "hi"), got_hi);
    const real allowed = real(options.atol) + std::max(real(options.rtol) * abs(expected),
                                                       enclosure_pass_floor(value, digits_written,
                                                                            golden.certified_digits));
    row.status = distance <= convert<real_hi>(allowed) ? CheckStatus::pass : CheckStatus::fail;
    row.counts_as_failure = row.status == CheckStatus::fail;
    return row;
  }
  const real allowed = real(options.atol) + std::max(real(options.rtol) * abs(expected),
                                                     pass_floor(expected, value, digits_written,
                                                                golden.certified_digits));
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

real pass_floor(const real& expected, const real& got, int digits_written, int certified_digits) {
  const real rounding = 6 * pow(real(10), -digits_written);
  return rounding * abs(expected) + (rounding + 3 * pow(real(10), -certified_digits)) * abs(got);
}

real enclosure_pass_floor(const real& got, int digits_written, int certified_digits) {
  return (6 * pow(real(10), -digits_written) + 3 * pow(real(10), -certified_digits)) * abs(got);
}

real_hi enclosure_distance(const real_hi& lo, const real_hi& hi, const real_hi& got) {
  if (got < lo) return lo - got;
  if (got > hi) return got - hi;
  return real_hi(0);
}

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
        result.rows.push_back(compare(g, golden.digits, c.id, *it->second, options, candidate_file));
        by_key.erase(it);
      }
      count(result, result.rows.back());
    }
  }
  std::vector<std::string> ids;
  for (const GoldenCase& c : golden.cases) ids.push_back(c.id);
  for (const CandidateValue& v : candidate) {
    if (!by_key.count({v.case_id, v.quantity})) continue;  // matched above
    CheckRow row = row_of(v.case_id, v.quantity, "", v.value, CheckStatus::extra, 0);
    row.counts_as_failure = !options.allow_extra;
    const auto known = std::find_if(golden.cases.begin(), golden.cases.end(),
                                    [&](const GoldenCase& c) { return c.id == v.case_id; });
    if (known == golden.cases.end()) {
      row.suggestion = nearest_id(v.case_id, ids);
    } else {
      std::vector<std::string> quantities;
      for (const GoldenValue& g : known->values) quantities.push_back(g.quantity);
      row.suggestion = nearest_id(v.quantity, quantities);
    }
    result.rows.push_back(row);
    count(result, row);
  }
  if (options.allow_missing && result.passed + result.failed == 0)
    throw InputError(candidate_file, "",
                     candidate.empty() ? "has no values: with --allow-missing nothing would be checked"
                                       : "has no value of a golden case and quantity: with --allow-missing "
                                         "nothing would be checked");
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

namespace {

// The status cell: "FAIL", "missing (allowed)", "extra (did you mean X?)".
std::string status_text(const CheckRow& r) {
  std::string status = status_name(r.status);
  if (!r.counts_as_failure && (r.status == CheckStatus::missing || r.status == CheckStatus::extra)) status += " (allowed)";
  if (!r.suggestion.empty()) status += " (did you mean " + r.suggestion + "?)";
  return status;
}

std::string digits_text(const CheckRow& r) {
  return r.status == CheckStatus::pass || r.status == CheckStatus::fail
             ? std::to_string(r.digits_matched) + "/" + std::to_string(r.certified_digits)
             : "-";
}

// 17 significant digits show any double-level disagreement; the file has all of them.
std::string expected_text(const CheckRow& r) {
  return r.expected.empty() ? "-" : format_significant(parse_decimal<real>(r.expected, "expected"), 17);
}

std::string summary_text(const CheckResult& result) {
  return std::to_string(result.passed) + " passed, " + std::to_string(result.failed) + " failed, " +
         std::to_string(result.missing) + " missing, " + std::to_string(result.extra) +
         " extra: " + (result.success ? "PASS" : "FAIL");
}

std::string xml_escaped(const std::string& text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace

std::string render_check_table(const CheckResult& result, bool failures_only) {
  const std::vector<std::string> header{"case", "quantity", "expected", "got", "rel. error", "digits", "status"};
  std::vector<std::vector<std::string>> cells{header};
  for (const CheckRow& r : result.rows) {
    if (failures_only && !r.counts_as_failure) continue;
    cells.push_back({r.case_id, r.quantity, expected_text(r), r.got.empty() ? "-" : r.got,
                     r.relative_error.empty() ? "-" : r.relative_error, digits_text(r), status_text(r)});
  }
  std::vector<std::size_t> width(header.size(), 0);
  for (const auto& row : cells)
    for (std::size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
  std::ostringstream out;
  if (cells.size() > 1) {
    for (const auto& row : cells) {
      for (std::size_t i = 0; i < row.size(); ++i) {
        out << row[i];
        if (i + 1 < row.size()) out << std::string(width[i] - row[i].size() + 2, ' ');
      }
      out << "\n";
    }
  }
  out << summary_text(result) << "\n";
  return out.str();
}

std::string render_junit(const CheckResult& result) {
  std::ostringstream out;
  const int failures = static_cast<int>(std::count_if(result.rows.begin(), result.rows.end(),
                                                      [](const CheckRow& r) { return r.counts_as_failure; }));
  const int skipped = static_cast<int>(std::count_if(result.rows.begin(), result.rows.end(), [](const CheckRow& r) {
    return !r.counts_as_failure && r.status != CheckStatus::pass;
  }));
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      << "<testsuites name=\"learndyn oracle check\" tests=\"" << result.rows.size() << "\" failures=\""
      << failures << "\">\n"
      << "  <testsuite name=\"learndyn.oracle\" tests=\"" << result.rows.size() << "\" failures=\"" << failures
      << "\" errors=\"0\" skipped=\"" << skipped << "\">\n";
  for (const CheckRow& r : result.rows) {
    out << "    <testcase classname=\"" << xml_escaped(r.case_id) << "\" name=\"" << xml_escaped(r.quantity) << "\"";
    const std::string detail = "expected " + expected_text(r) + ", got " + (r.got.empty() ? "-" : r.got) +
                               ", relative error " + (r.relative_error.empty() ? "-" : r.relative_error) +
                               ", digits matched/certified " + digits_text(r) + ": " + status_text(r);
    if (r.counts_as_failure) {
      out << ">\n      <failure message=\"" << xml_escaped(detail) << "\" type=\"" << status_name(r.status)
          << "\"/>\n    </testcase>\n";
    } else if (r.status != CheckStatus::pass) {
      out << ">\n      <skipped message=\"" << xml_escaped(detail) << "\"/>\n    </testcase>\n";
    } else {
      out << "/>\n";
    }
  }
  out << "  </testsuite>\n</testsuites>\n";
  return out.str();
}

}  // namespace learndyn::oracle
