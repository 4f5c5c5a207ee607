// `learndyn overlaps ...`: the experiments of Ger & Barak 2026 (learning in overlap space) as
// commands writing CSV/JSON data and PNG figures (experiments/overlaps/ does the work).
#pragma once

#include <functional>

#include <CLI/CLI.hpp>

namespace learndyn::cli {

// Registers the overlaps subcommands on `app`; the chosen command's work goes to `action`
// (run after parsing succeeded, so that no output precedes a usage error).
void add_overlaps_commands(CLI::App& app, std::function<void()>& action);

}  // namespace learndyn::cli
