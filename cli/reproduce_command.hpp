// `learndyn reproduce --list` and `learndyn reproduce <id> -o DIR`: every figure panel of the
// three papers, with its status, and one panel's data, figure, commands and summary written
// into a folder (docs/reproduce.md; the catalogue is experiments/reproduce.hpp).
#pragma once

#include <functional>

#include <CLI/CLI.hpp>

namespace learndyn::cli {

void add_reproduce_command(CLI::App& app, std::function<void()>& action);

}  // namespace learndyn::cli
