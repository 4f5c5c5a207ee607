// `learndyn overlaps ...`: the experiments of Ger & Barak 2026 (learning in overlap space) as
// commands writing CSV/JSON data and PNG figures (experiments/overlaps/ does the work).
#pragma once

#include <functional>

#include <string>

#include <CLI/CLI.hpp>

#include <learndyn/experiments/overlaps/filter.hpp>

namespace learndyn::cli {

// Registers the overlaps subcommands on `app`; the chosen command's work goes to `action`
// (run after parsing succeeded, so that no output precedes a usage error).
void add_overlaps_commands(CLI::App& app, std::function<void()>& action);

// The filter run's figure (`overlaps filter --figure`): loss and overlaps of the network and
// of the overlap theory over the epochs. Also drawn by `learndyn report`.
void filter_figure(const experiments::overlaps::FilterResult& r, const experiments::overlaps::FilterSettings& s,
                   const std::string& png);

}  // namespace learndyn::cli
