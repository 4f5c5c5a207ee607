// Sweeps across machines on the command line: `--shard k/n` on every sweep command and
// `learndyn merge PART... -o OUT` (docs/cluster.md; the library side is experiments/sweep.hpp,
// the argument proofs/common.md C13-C15).
//
// A sweep command registers --shard with add_shard_option and wraps its action with sharded():
// without --shard it runs as before; with it, the experiment computes only the shard's items and
// the part (experiments::SweepPart) goes to -o or stdout instead of the output. `merge` reads the
// parts, checks them, and runs the recorded command again in this program, its experiment
// handed every item's result instead of computing it, with the merge's own output options: the
// same code renders the same bytes as the unsharded run.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include <learndyn/experiments/sweep.hpp>

namespace learndyn::cli {

struct ShardOption {
  std::string text;                                 // --shard k/n, as given
  experiments::SweepContext* context = nullptr;     // while the action runs: the shard's or the merge's
};

// Adds --shard to a sweep command (and registers the command as one `merge` may run).
void add_shard_option(CLI::App& cmd, ShardOption& shard);

// The action of a sweep command, `body` run as described above; `body` passes shard.context to
// its experiment.
std::function<void()> sharded(CLI::App& cmd, std::shared_ptr<ShardOption> shard, std::function<void()> body);

// Every command of learndyn, added to an app: main's, and merge's own copy to run a part's command.
using CommandSet = std::function<void(CLI::App&, std::function<void()>&, int&)>;

// `learndyn merge PART... [-o OUT] [--format F | --json] [--figure PNG] [--table T]`.
void add_merge_command(CLI::App& app, std::function<void()>& action, CommandSet commands);

}  // namespace learndyn::cli
