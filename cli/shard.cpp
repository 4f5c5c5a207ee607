#include "cli/shard.hpp"

#include <algorithm>
#include <iostream>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <utility>
#include <vector>

#include "cli/options.hpp"
#include "cli/output.hpp"
#include <learndyn/common/argument_error.hpp>
#include <learndyn/common/input_error.hpp>
#include <learndyn/common/text_file.hpp>

#ifndef LEARNDYN_VERSION
#define LEARNDYN_VERSION "unknown"
#endif

namespace learndyn::cli {
namespace {

namespace ex = learndyn::experiments;

// The sweep commands ("ghost rnn-sweep", ...), as add_shard_option registers them.
std::set<std::string>& shardable_commands() {
  static std::set<std::string> names;
  return names;
}

// While `merge` runs a part's command: the merged items (at most one merge per process).
ex::SweepContext* merging_context = nullptr;

// Options that do not define the sweep: how it is split, where and how its output goes, and
// how many threads compute it (no result depends on them; proofs/common.md C15).
const std::set<std::string>& shard_free_options() {
  static const std::set<std::string> names{"help", "shard", "output", "format", "json", "figure", "table", "threads"};
  return names;
}

// Options a shard cannot honour: its output is a part, the merge draws the figure, and a
// sweep's saved weights come from its single run.
const std::vector<std::string>& shard_refused_options() {
  static const std::vector<std::string> names{"figure", "table", "save-weights"};
  return names;
}

std::string command_path(const CLI::App& cmd) {
  return cmd.get_parent() ? cmd.get_parent()->get_name() + " " + cmd.get_name() : cmd.get_name();
}

const CLI::Option* long_option(const CLI::App& cmd, const std::string& name) {
  for (const CLI::Option* opt : cmd.get_options())
    for (const std::string& l : opt->get_lnames())
      if (l == name) return opt;
  return nullptr;
}

// The options given to `cmd` that define the sweep, canonically: in the command's order of
// declaration, each as --name=value (a flag as --name), whatever form the user typed.
std::vector<std::string> sweep_arguments(const CLI::App& cmd) {
  std::vector<std::string> args;
  for (const CLI::Option* opt : cmd.get_options()) {
    if (!opt->nonpositional() || opt->count() == 0 || opt->get_lnames().empty()) continue;
    const std::string& name = opt->get_lnames().front();
    if (shard_free_options().count(name)) continue;
    for (const std::string& value : opt->results())
      args.push_back(opt->get_expected_max() == 0 ? "--" + name : "--" + name + "=" + value);
  }
  return args;
}

// Restores the merge context when `merge` leaves, however it leaves.
struct MergingScope {
  explicit MergingScope(ex::SweepContext* c) { merging_context = c; }
  ~MergingScope() { merging_context = nullptr; }
  MergingScope(const MergingScope&) = delete;
  MergingScope& operator=(const MergingScope&) = delete;
};

}  // namespace

void add_shard_option(CLI::App& cmd, ShardOption& shard) {
  cmd.add_option("--shard", shard.text,
                 "k/n: compute only the items i with i mod n = k (k = 0..n-1) and write them as a part (JSON) to -o "
                 "or stdout; `learndyn merge` joins the n parts into this command's output (docs/cluster.md)")
      ->type_name("K/N");
  shardable_commands().insert(command_path(cmd));
}

std::function<void()> sharded(CLI::App& cmd, std::shared_ptr<ShardOption> shard, std::function<void()> body) {
  CLI::App* command = &cmd;
  return [command, shard, body = std::move(body)] {
    if (merging_context) {
      require(shard->text.empty(), "shard", shard->text, "none in a part's arguments");
      shard->context = merging_context;
      body();
      return;
    }
    if (shard->text.empty()) {
      body();
      return;
    }
    const ex::Shard s = ex::parse_shard(shard->text);
    for (const std::string& name : shard_refused_options())
      if (const CLI::Option* opt = long_option(*command, name); opt && opt->count() > 0)
        throw ArgumentError(name, opt->results().front(),
                            "none with --shard (a shard writes a part; give it to `learndyn merge`)");
    std::string path;
    if (const CLI::Option* out = long_option(*command, "output"); out && out->count() > 0) path = out->results().back();
    // Opened before the work, so that an unwritable part fails at once, and written whole.
    std::optional<AtomicFile> file;
    if (!path.empty()) file.emplace(path);
    ex::SweepContext context = ex::SweepContext::for_shard(s);
    shard->context = &context;
    try {
      body();
    } catch (const ex::ShardComplete&) {
      ex::SweepPart part{LEARNDYN_VERSION, command_path(*command), sweep_arguments(*command), s, context.total(),
                         context.records()};
      const std::string text = ex::part_json(part);
      if (file) {
        file->commit(text);
        std::cerr << "wrote " << path << " (shard " << ex::shard_text(s) << ": " << part.results.size() << " of "
                  << part.items << " items)\n";
      } else {
        std::cout << text;
      }
      return;
    }
    throw std::logic_error(command_path(*command) + ": the sweep did not reach its items");
  };
}

void add_merge_command(CLI::App& app, std::function<void()>& action, CommandSet commands) {
  auto files = std::make_shared<std::vector<std::string>>();
  auto out = std::make_shared<Output>();
  auto* cmd = app.add_subcommand(
      "merge", "join the parts of a sweep run with --shard k/n into the bytes the unsharded run writes (docs/cluster.md)");
  set_example(*cmd, "learndyn merge part_0.json part_1.json part_2.json -o sweep.csv --figure sweep.png");
  cmd->add_option("PART", *files, "the n part files (JSON, written by --shard k/n), in any order")->required();
  add_output_options(*cmd, *out, "one of the sweep command's tables (default: its default table)");
  cmd->callback([cmd, files, out, commands, &action] {
    action = [cmd, files, out, commands] {
      std::vector<ex::SweepPart> parts;
      for (const std::string& f : *files) parts.push_back(ex::read_part(read_text_file(f), f));
      ex::SweepContext context = ex::SweepContext::for_merge(ex::merge_parts(parts, *files, LEARNDYN_VERSION));
      const ex::SweepPart& first = parts.front();
      if (!shardable_commands().count(first.command))
        throw InputError(files->front(), "$.command", "'" + first.command + "' is not a sweep command of this learndyn");
      // The part's command again, with the merge's output options as the user gave them.
      std::vector<std::string> args;
      std::istringstream words(first.command);
      for (std::string w; words >> w;) args.push_back(w);
      for (const std::string& a : first.arguments) {
        const std::string name = a.substr(0, a.find('='));
        if (a.rfind("--", 0) != 0 || shard_free_options().count(name.substr(2)))
          throw InputError(files->front(), "$.arguments", "'" + a + "' is not an option that defines a sweep");
        args.push_back(a);
      }
      for (const char* name : {"format", "output", "figure", "table"})
        if (const CLI::Option* opt = long_option(*cmd, name); opt && opt->count() > 0)
          args.push_back("--" + std::string(name) + "=" + opt->results().back());
      if (const CLI::Option* opt = long_option(*cmd, "json"); opt && opt->count() > 0) args.push_back("--json");
      CLI::App replay;
      std::function<void()> replay_action;
      int status = 0;
      commands(replay, replay_action, status);
      std::reverse(args.begin(), args.end());  // CLI11 takes a vector last argument first
      try {
        replay.parse(args);
      } catch (const CLI::ParseError& e) {
        throw InputError(files->front(), "$.arguments", std::string("not arguments of this learndyn: ") + e.what());
      }
      const MergingScope scope(&context);
      if (replay_action) replay_action();
    };
  });
}

}  // namespace learndyn::cli
