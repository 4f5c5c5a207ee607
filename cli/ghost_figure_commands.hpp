// `learndyn ghost fig*`: the ghost paper's figures that are protocols of their own rather than
// one training run or sweep (Fig. 8C: the confidence intervention in full-rank DCD networks).
// Each renders an experiments::ghost::run_* function: data (CSV/JSON) and a PNG (gnuplot).
#pragma once

#include <functional>

#include <CLI/CLI.hpp>

namespace learndyn::cli {

// Adds the fig* subcommands to the existing `ghost` subcommand of `app` (add_ghost_commands
// must have run first). The chosen command's work is stored in `action`.
void add_ghost_figure_commands(CLI::App& app, std::function<void()>& action);

}  // namespace learndyn::cli
