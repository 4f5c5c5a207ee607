// `learndyn ghost ...`: the canonical ghost model's oracle commands.
#pragma once

#include <functional>

#include <CLI/CLI.hpp>

namespace learndyn::cli {

// Registers the ghost subcommands on `app`. The chosen command's work is stored in `action`
// (run after parsing succeeded, so that no output precedes a usage error).
void add_ghost_commands(CLI::App& app, std::function<void()>& action);

}  // namespace learndyn::cli
