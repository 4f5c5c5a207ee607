// `learndyn ghost rnn-*`: the ghost paper's rate RNNs (proofs/ghost_rnn.md): training runs with
// learning curves and ghost tracking (Figs. 3, 8B), speed minima / ghost analysis, and learning-
// rate sweeps over seeds and ranks (Fig. 6A). CSV or JSON data, optional PNG (gnuplot).
#pragma once

#include <functional>

#include <CLI/CLI.hpp>

namespace learndyn::cli {

// Adds the rnn-* subcommands to the existing `ghost` subcommand of `app` (add_ghost_commands
// must have run first). The chosen command's work is stored in `action`.
void add_ghost_rnn_commands(CLI::App& app, std::function<void()>& action);

}  // namespace learndyn::cli
