// `learndyn report`: the main job. Computes the headline quantities of every area with
// certified digits, audits the fast path against the reference, draws the figures, and writes
// a Markdown report with the PNGs into one folder.
#pragma once

#include <functional>

#include <CLI/CLI.hpp>

namespace learndyn::cli {

void add_report_command(CLI::App& app, std::function<void()>& action);

}  // namespace learndyn::cli
