// `learndyn ntk memory-pro` and `learndyn ntk gain-sweep`: the Global Empirical NTK paper's
// RNN/GRU experiments (Figs. 3-5; proofs/ntk_experiments.md) as CSV/JSON data and PNG figures.
// Registered under the `ntk` group, so add_ntk_commands must run first.
#pragma once

#include <functional>

#include <CLI/CLI.hpp>

namespace learndyn::cli {

void add_ntk_experiment_commands(CLI::App& app, std::function<void()>& action);

}  // namespace learndyn::cli
