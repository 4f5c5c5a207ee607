#include "cli/oracle_commands.hpp"

#include <algorithm>
#include <cmath>
#include <iostream>
#include <memory>
#include <string>

#include "cli/options.hpp"
#include "cli/output.hpp"
#include <learndyn/common/argument_error.hpp>
#include <learndyn/common/decimal.hpp>
#include <learndyn/common/text_file.hpp>
#include <learndyn/oracle/check.hpp>
#include <learndyn/oracle/enclose.hpp>
#include <learndyn/oracle/suite.hpp>

#ifndef LEARNDYN_VERSION
#define LEARNDYN_VERSION "unknown"
#endif

namespace learndyn::cli {

namespace {

void add_generate(CLI::App& oracle, std::function<void()>& action) {
  struct Options {
    std::string suite = "default", digits = "50", output, enclosures = "on";
  };
  auto o = std::make_shared<Options>();
  auto* cmd = oracle.add_subcommand("generate", "compute the golden suite: certified values of every area, as JSON");
  set_example(*cmd, "learndyn oracle generate --suite default -o golden.json");
  cmd->add_option("--suite", o->suite, "default | full (default: default)");
  cmd->add_option("--digits", o->digits, "significant digits written, 1..50 (default 50)")->type_name("INT");
  cmd->add_option("-o,--output", o->output, "file to write (atomically)")->required()->check(non_empty_path());
  cmd->add_option("--enclosures", o->enclosures,
                  "on | off: compute the proved enclosures (default on; off keeps the two-precision certificate only)");
  cmd->callback([o, &action] {
    action = [o] {
      const oracle::SuiteName suite = oracle::parse_suite_name(o->suite);
      require(o->enclosures == "on" || o->enclosures == "off", "enclosures", "'" + o->enclosures + "'", "on or off");
      oracle::set_enclosures_enabled(o->enclosures == "on");
      const int digits = static_cast<int>(parse_integer(o->digits, "digits", 1, kWorkingDigits));
      AtomicFile output(o->output);  // an unwritable path fails before the suite is computed
      const oracle::SuiteResult result = oracle::evaluate_suite(suite, digits, LEARNDYN_VERSION, false);
      output.commit(oracle::to_json_text(result.golden));
      std::cerr << "wrote " << o->output << ": " << result.golden.cases.size() << " cases\n";
    };
  });
}

Json check_json(const oracle::CheckResult& result) {
  Json rows = Json::array();
  for (const oracle::CheckRow& r : result.rows)
    rows.push_back({{"case", r.case_id},
                    {"quantity", r.quantity},
                    {"expected", r.expected},
                    {"got", r.got},
                    {"relative_error", r.relative_error},
                    {"digits_matched", r.digits_matched},
                    {"certified_digits", r.certified_digits},
                    {"proved_digits", r.proved_digits >= 0 ? Json(r.proved_digits) : Json(nullptr)},
                    {"status", oracle::status_name(r.status)},
                    {"counts_as_failure", r.counts_as_failure},
                    {"did_you_mean", r.suggestion}});
  return Json{{"passed", result.passed}, {"failed", result.failed}, {"missing", result.missing},
              {"extra", result.extra},   {"success", result.success}, {"rows", rows}};
}

void add_check(CLI::App& oracle, std::function<void()>& action, int& status) {
  struct Options {
    std::string golden, candidate, rtol = "1e-10", atol = "0", format, junit;
    bool allow_missing = false, allow_extra = false, json = false, failures_only = false;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = oracle.add_subcommand("check", "compare your values with a golden suite; exit 0 all pass, 1 any failure");
  set_example(*cmd, "learndyn oracle check golden.json mine.csv --rtol 1e-12");
  cmd->add_option("golden", o->golden, "golden.json written by `oracle generate`")->required();
  cmd->add_option("candidate", o->candidate, "your values: .json or .csv (schema in docs/oracle.md)")->required();
  add_decimal(*cmd, "rtol", o->rtol, "relative tolerance >= 0 (default 1e-10)");
  add_decimal(*cmd, "atol", o->atol, "absolute tolerance >= 0 (default 0)");
  cmd->add_option("--format", o->format, "json | csv: the candidate's format (default: from its extension)");
  cmd->add_flag("--allow-missing", o->allow_missing, "golden values absent from the candidate do not fail");
  cmd->add_flag("--allow-extra", o->allow_extra, "candidate values unknown to the suite do not fail");
  cmd->add_flag("--json", o->json, "print the comparison as one JSON object");
  cmd->add_flag("--failures-only", o->failures_only, "list only the rows that fail (the summary counts all)");
  cmd->add_option("--junit", o->junit, "also write the result as JUnit XML to this file (atomically)")
      ->check(non_empty_path());
  cmd->callback([o, &action, &status] {
    action = [o, &status] {
      const oracle::CheckOptions options{parse_double(o->rtol, "rtol"), parse_double(o->atol, "atol"),
                                         o->allow_missing, o->allow_extra};
      const oracle::CandidateFormat format = oracle::candidate_format(o->candidate, o->format);
      const oracle::GoldenSuite golden = oracle::parse_golden(read_text_file(o->golden), o->golden);
      const auto candidate = oracle::parse_candidate(read_text_file(o->candidate), o->candidate, format);
      oracle::CheckResult result = oracle::check_candidate(golden, candidate, options, o->candidate);
      if (!o->junit.empty()) {
        write_file_atomically(o->junit, oracle::render_junit(result));
        std::cerr << "wrote " << o->junit << "\n";
      }
      if (o->failures_only && o->json)
        result.rows.erase(std::remove_if(result.rows.begin(), result.rows.end(),
                                         [](const oracle::CheckRow& r) { return !r.counts_as_failure; }),
                          result.rows.end());
      if (o->json)
        print_report(std::cout, check_json(result), true);
      else
        std::cout << oracle::render_check_table(result, o->failures_only);
      status = result.success ? 0 : 1;
    };
  });
}

// One case of the suite (default or full), computed alone: what each case's "command" runs.
void add_show(CLI::App& oracle, std::function<void()>& action) {
  struct Options {
    std::string id, digits = "50";
    bool json = false, list = false;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = oracle.add_subcommand("show", "compute one case of the golden suite (or --list the case ids)");
  set_example(*cmd, "learndyn oracle show --list");
  auto* case_option = cmd->add_option("--case", o->id, "case id, as in golden.json");
  cmd->add_option("--digits", o->digits, "significant digits printed, 1..50 (default 50)")->type_name("INT");
  // --list with --case printed the list and ignored the case without a word.
  cmd->add_flag("--list", o->list, "print the ids of the default and full suites' cases")->excludes(case_option);
  cmd->add_flag("--json", o->json, "print one JSON object");
  cmd->callback([o, &action] {
    action = [o] {
      const std::vector<oracle::CaseDefinition> cases = oracle::suite_cases(oracle::SuiteName::full);
      if (o->list) {
        for (const oracle::CaseDefinition& c : cases) std::cout << c.id << "\n";
        return;
      }
      const int digits = static_cast<int>(parse_integer(o->digits, "digits", 1, kWorkingDigits));
      const oracle::CaseDefinition* it = &oracle::find_case(cases, o->id, "case");
      Json report{{"case", it->id}, {"description", it->description}};
      Json inputs = Json::object();
      for (const auto& [name, value] : it->inputs) inputs[name] = value;
      report["inputs"] = inputs;
      Json certified = Json::object();
      const std::vector<oracle::NamedValue> values = oracle::case_values(*it);
      for (const oracle::NamedValue& v : values) {
        report[v.name] = format_significant(v.value.value, digits);
        certified[v.name] = std::min(v.value.certified_digits, digits);
      }
      report["certified_digits_by_quantity"] = certified;
      add_enclosures(report, values);
      print_report(std::cout, report, o->json);
    };
  });
}

// error/bound to 3 digits ("inf" when a nonzero error meets a zero bound).
std::string ratio_text(double ratio) { return std::isfinite(ratio) ? format_significant(ratio, 3) : "inf"; }

int failed_rows(const oracle::Audit& audit) {
  return static_cast<int>(std::count_if(audit.rows.begin(), audit.rows.end(), [](const oracle::AuditRow& r) { return r.failed; }));
}

void add_audit(CLI::App& oracle, std::function<void()>& action, int& status) {
  struct Options {
    std::string suite = "default";
    bool json = false;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = oracle.add_subcommand("audit", "the fast path's error against the reference on the suite, per quantity");
  set_example(*cmd, "learndyn oracle audit --suite default");
  cmd->add_option("--suite", o->suite, "default | full (default: default)");
  cmd->add_flag("--json", o->json, "print one JSON object");
  cmd->callback([o, &action, &status] {
    action = [o, &status] {
      const oracle::SuiteResult result =
          oracle::evaluate_suite(oracle::parse_suite_name(o->suite), kWorkingDigits, LEARNDYN_VERSION, true);
      if (o->json) {
        Json rows = Json::array();
        for (const oracle::AuditRow& r : result.audit.rows)
          rows.push_back({{"kind", r.kind}, {"quantity", r.quantity}, {"cases", r.cases},
                          {"worst_relative_error", format_significant(r.worst_relative_error, 3)},
                          {"worst_ulps", r.worst_ulps}, {"worst_case", r.worst_case},
                          {"bound", r.bound_source.empty() ? Json(nullptr) : Json(r.bound_source)},
                          {"bounded_cases", r.bounded_cases},
                          {"worst_error_over_bound", r.bounded_cases ? Json(ratio_text(r.worst_ratio)) : Json(nullptr)},
                          {"worst_error_over_bound_case", r.bounded_cases ? Json(r.worst_ratio_case) : Json(nullptr)},
                          {"no_bound_reason", r.no_bound_reason.empty() ? Json(nullptr) : Json(r.no_bound_reason)},
                          {"status", oracle::audit_status(r)}, {"pass", !r.failed && r.bounded_cases > 0}});
        print_report(std::cout, Json{{"suite", o->suite}, {"rows", rows},
                                     {"failed_rows", failed_rows(result.audit)},
                                     {"reference_only", result.audit.reference_only}}, true);
        status = failed_rows(result.audit) ? 1 : 0;
        return;
      }
      std::cout << render_audit_markdown(result.audit);
      status = failed_rows(result.audit) ? 1 : 0;
    };
  });
}

}  // namespace

namespace {

// Whole ulps as an integer, up to 2^53; beyond, in scientific notation.
std::string ulps_text(double ulps) {
  return ulps < 0x1p53 ? std::to_string(static_cast<long long>(ulps)) : format_significant(ulps, 3);
}

}  // namespace

std::string render_audit_markdown(const oracle::Audit& audit) {
  std::string md =
      "| quantity | cases | worst relative error | worst ulps | bound (proof) | worst error/bound | status | case of the worst error/bound |\n"
      "|---|---|---|---|---|---|---|---|\n";
  for (const oracle::AuditRow& r : audit.rows) {
    const std::string status = oracle::audit_status(r);
    std::string bound = r.bound_source;
    if (!r.no_bound_reason.empty()) bound += (bound.empty() ? "none: " : "; none where ") + r.no_bound_reason;
    for (std::size_t at = bound.find('|'); at != std::string::npos; at = bound.find('|', at + 2)) bound.insert(at, "\\");
    md += "| " + r.kind + " " + r.quantity + " | " + std::to_string(r.cases) + " | " +
          format_significant(r.worst_relative_error, 3) + " | " + ulps_text(r.worst_ulps) + " | " + bound + " | " +
          (r.bounded_cases ? ratio_text(r.worst_ratio) : std::string("-")) + " | " +
          (r.failed ? "**FAIL**" : status) + " | " + (r.bounded_cases ? r.worst_ratio_case : r.worst_case) + " |\n";
  }
  const int failed = failed_rows(audit);
  md += "\n" + std::to_string(audit.rows.size()) + " rows: " + std::to_string(failed) + " fail their bound";
  int unbounded = 0;
  for (const oracle::AuditRow& r : audit.rows) unbounded += r.bounded_cases < r.cases;
  md += ", " + std::to_string(unbounded) + " have cases without one (error/bound: proofs/common.md C36).\n";
  if (!audit.reference_only.empty()) {
    md += "\nReference only (no fast path): ";
    for (std::size_t i = 0; i < audit.reference_only.size(); ++i)
      md += (i ? ", " : "") + audit.reference_only[i];
    md += ".\n";
  }
  return md;
}

void add_oracle_commands(CLI::App& app, std::function<void()>& action, int& status) {
  auto* oracle = app.add_subcommand("oracle", "the golden suite: generate, check your values, audit the fast path");
  oracle->require_subcommand(1);
  add_generate(*oracle, action);
  add_check(*oracle, action, status);
  add_audit(*oracle, action, status);
  add_show(*oracle, action);
}

}  // namespace learndyn::cli
