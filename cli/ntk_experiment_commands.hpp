// `learndyn ntk memory-pro` and `learndyn ntk gain-sweep`: the Global Empirical NTK paper's
// RNN/GRU experiments (Figs. 3-5; proofs/ntk_experiments.md) as CSV/JSON data and PNG figures.
// Registered under the `ntk` group, so add_ntk_commands must run first.
#pragma once

#include <functional>

#include <string>

#include <CLI/CLI.hpp>

#include <learndyn/experiments/ntk/gain_sweep.hpp>

namespace learndyn::cli {

void add_ntk_experiment_commands(CLI::App& app, std::function<void()>& action);

// The gain sweep's figure (`ntk gain-sweep --figure`): heatmaps over gain x input rank of the
// NTK's temporal and spatial participation ratios and the sweep's other columns. Also drawn by
// `learndyn report`.
void gain_sweep_figure(const experiments::ntk::GainSweepConfig& c, const experiments::ntk::GainSweepResult& r,
                       const std::string& png);

}  // namespace learndyn::cli
