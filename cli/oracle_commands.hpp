// `learndyn oracle generate | check | audit`: the golden suite as a JSON file, a user's values
// checked against it (exit 0 all pass, 1 any failure, 2 malformed input), and the audit of
// the fast path against the reference.
#pragma once

#include <functional>
#include <string>

#include <CLI/CLI.hpp>

#include <learndyn/oracle/suite.hpp>

namespace learndyn::cli {

// `status` receives the exit status of a command that can fail without an error (check).
// The audit as a Markdown table (also used by `learndyn report`).
std::string render_audit_markdown(const oracle::Audit& audit);

void add_oracle_commands(CLI::App& app, std::function<void()>& action, int& status);

}  // namespace learndyn::cli
