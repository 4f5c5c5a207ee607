// The golden suite's cases and the two things done with them: `generate` (the reference at
// two precisions -> certified decimal strings) and `audit` (the fast path against the
// reference, per quantity). Each area contributes its cases (oracle/<area>_cases.hpp); this
// file only gathers them, so a new area adds one line here.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <learndyn/oracle/named_value.hpp>
#include <learndyn/oracle/golden.hpp>

namespace learndyn::oracle {

enum class SuiteName { standard, full };  // "default" | "full" on the command line

SuiteName parse_suite_name(const std::string& text);  // ArgumentError naming --suite
std::string suite_name(SuiteName suite);

// An a-priori bound on the fast value's error against the exact value, evaluated at the case
// (proofs/common.md C36): |fast - exact| <= value + relative |exact| (absolute), or at most
// `value` ulps from the exact value rounded to double (ulps). `source` names the formula and
// its proof label; a value without one (kind none) says why in `source`.
struct FastBound {
  enum class Kind { none, absolute, ulps };
  Kind kind = Kind::none;
  double value = 0;
  std::string source;
  double relative = 0;  // absolute kind: the coefficient of |exact|
  // The exact value at the inputs the fast path received (the case's decimals rounded to
  // double), where they differ from the decimals: the bound then adds |that - exact| (C36).
  std::optional<real> exact_at_fast_inputs;
};

FastBound absolute_bound(double value, std::string source, double relative = 0);
FastBound ulps_bound(double ulps, std::string source);
FastBound no_bound(std::string reason);

struct FastValue {
  std::string name;
  double value;
  FastBound bound;
};

struct CaseDefinition {
  std::string id;           // "<area>.<kind>.<inputs>", see is_valid_case_id
  std::string area;
  std::string kind;         // groups the audit: "ghost.loss", ...
  std::string description;
  Inputs inputs;
  std::string command;      // prints the same values
  std::function<std::vector<NamedValue>()> reference;  // certified values
  std::function<std::vector<FastValue>()> fast;        // the fast path's, if it has them
};

std::vector<CaseDefinition> suite_cases(SuiteName suite);

// The case's certified values, each with its proved enclosure or a note saying why it has none
// (issue 18; oracle/enclose.hpp).
std::vector<NamedValue> case_values(const CaseDefinition& definition);

// The case `id` of `cases`; otherwise an ArgumentError naming `parameter` that lists where the
// ids are (`learndyn oracle show --list`) and, for a likely typo, the nearest id.
const CaseDefinition& find_case(const std::vector<CaseDefinition>& cases, const std::string& id,
                                const std::string& parameter);

// A case's certified values with `digits` significant digits, as the golden document holds them.
std::vector<GoldenValue> golden_values(const std::vector<NamedValue>& exact, int digits);

// "<kind>.name=value.name=value...": readable and unique, and free of the characters a CSV or
// a shell would need quoted (is_valid_case_id).
std::string make_case_id(const std::string& kind, const Inputs& inputs);

struct AuditRow {
  std::string kind;
  std::string quantity;
  int cases = 0;
  double worst_relative_error = 0;  // against the 50-digit value
  double worst_ulps = 0;            // against the 50-digit value rounded to double
  std::string worst_case;           // id of the case with the worst relative error
  // The bounds (C36): over the cases whose fast value carries one, the largest error/bound and
  // its case; failed when any error exceeds its bound.
  int bounded_cases = 0;
  double worst_ratio = 0;
  std::string worst_ratio_case;
  bool failed = false;
  std::string bound_source;  // the bound's formula and label (the first bounded case's)
  std::string no_bound_reason;  // why some cases carry none (the first such case's)
};

// "pass", "FAIL", "no bound", or "pass (k of n cases bounded)".
std::string audit_status(const AuditRow& row);

struct Audit {
  std::vector<AuditRow> rows;               // (kind, quantity) with a fast path, suite order
  std::vector<std::string> reference_only;  // "kind quantity" without one, sorted
};

struct SuiteResult {
  GoldenSuite golden;
  Audit audit;  // empty unless asked for
};

// Computes every case of `suite` once with the reference at two precisions: the certified
// values with `digits` significant digits (1..working digits) and, if `audit`, the fast path's
// error against them. Deterministic: the same arguments give byte-identical golden JSON.
SuiteResult evaluate_suite(SuiteName suite, int digits, const std::string& version, bool audit);

// The audit of `cases` alone (their certified values and fast values, as evaluate_suite does),
// e.g. a case whose fast value was deliberately perturbed.
Audit audit_cases(const std::vector<CaseDefinition>& cases);

// A progress line per area on stderr while evaluate_suite runs (off by default).
void set_suite_progress(bool on);

}  // namespace learndyn::oracle
