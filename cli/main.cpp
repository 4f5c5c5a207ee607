// learndyn: the command-line oracle. Exit status: 0 success, 1 a failure while computing or
// writing, 2 invalid usage or input (one line on stderr naming the parameter and what is
// allowed; nothing on stdout).
#include <exception>
#include <functional>
#include <iostream>
#include <new>
#include <string>

#include <CLI/CLI.hpp>

#include "cli/ghost_commands.hpp"
#include "cli/ghost_rnn_commands.hpp"
#include "cli/ghost_figure_commands.hpp"
#include "cli/ntk_commands.hpp"
#include "cli/ntk_experiment_commands.hpp"
#include "cli/oracle_commands.hpp"
#include "cli/overlaps_commands.hpp"
#include "cli/report_command.hpp"
#include "cli/reproduce_command.hpp"
#include "cli/shard.hpp"
#include <learndyn/common/argument_error.hpp>
#include <learndyn/common/input_error.hpp>
#include <learndyn/common/progress.hpp>

#ifndef LEARNDYN_VERSION
#define LEARNDYN_VERSION "unknown"
#endif

namespace {

// Every command; `merge` builds its own copy to run the command of a sweep's parts.
void add_commands(CLI::App& app, std::function<void()>& action, int& status) {
  learndyn::cli::add_ghost_commands(app, action);
  learndyn::cli::add_ghost_rnn_commands(app, action);
  learndyn::cli::add_ghost_figure_commands(app, action);
  learndyn::cli::add_oracle_commands(app, action, status);
  learndyn::cli::add_report_command(app, action);
  learndyn::cli::add_reproduce_command(app, action);
  learndyn::cli::add_overlaps_commands(app, action);
  learndyn::cli::add_ntk_commands(app, action);
  learndyn::cli::add_ntk_experiment_commands(app, action);  // under `ntk`: after it
  learndyn::cli::add_merge_command(app, action, add_commands);
}

// The group a command line names, when it names one of those that need no other: then only
// that group is built. Building every group's options is ~1 ms of each process (docs/ntk.md
// "Cold start, fourth round"), and a `learndyn ntk ...` line can neither use nor mention the
// others. Anything else (--help, --version, merge, a typo) gets every command, so top-level help
// and the errors are those of the whole tree.
bool add_named_group(CLI::App& app, std::function<void()>& action, int& status, int argc, char** argv) {
  if (argc < 2) return false;
  const std::string group = argv[1];
  if (group == "ntk") {
    learndyn::cli::add_ntk_commands(app, action);
    learndyn::cli::add_ntk_experiment_commands(app, action);
  } else if (group == "ghost") {
    learndyn::cli::add_ghost_commands(app, action);
    learndyn::cli::add_ghost_rnn_commands(app, action);
    learndyn::cli::add_ghost_figure_commands(app, action);
  } else if (group == "overlaps") {
    learndyn::cli::add_overlaps_commands(app, action);
  } else if (group == "oracle") {
    learndyn::cli::add_oracle_commands(app, action, status);
  } else {
    return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"learndyn " LEARNDYN_VERSION
               ": certified reference values and fast computations for the learning dynamics of "
               "recurrent networks"};
  app.set_version_flag("--version", std::string(LEARNDYN_VERSION));
  app.require_subcommand(1);
  std::function<void()> action;
  int status = 0;  // set by commands that can fail without an error (oracle check)
  if (!add_named_group(app, action, status, argc, argv)) add_commands(app, action, status);
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {  // --help, --version
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "learndyn: error: " << e.what() << " (see --help)\n";
    return 2;
  }
  learndyn::set_progress_stream(&std::cerr);  // long runs report on stderr, short ones stay quiet
  try {
    if (action) action();
  } catch (const learndyn::ArgumentError& e) {
    std::cerr << "learndyn: error: " << e.what() << "\n";
    return 2;
  } catch (const learndyn::InputError& e) {
    std::cerr << "learndyn: error: " << e.what() << "\n";
    return 2;
  } catch (const std::bad_alloc&) {
    std::cerr << "learndyn: failed: out of memory (lower the size options)\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "learndyn: failed: " << e.what() << "\n";
    return 1;
  }
  // A full disk or a closed pipe on stdout only sets the stream's state: report it, or the run
  // would pass as a success with its output lost.
  if (!std::cout.flush()) {
    std::cerr << "learndyn: failed: cannot write standard output\n";
    return 1;
  }
  return status;
}
