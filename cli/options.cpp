#include "cli/options.hpp"

#include <cerrno>
#include <cstdlib>
#include <sstream>

#include <learndyn/common/argument_error.hpp>
#include <learndyn/common/decimal.hpp>
#include <learndyn/common/integer.hpp>
#include <learndyn/common/parallel.hpp>

namespace learndyn::cli {

CLI::Option* add_decimal(CLI::App& app, const std::string& name, std::string& target,
                         const std::string& help) {
  return app.add_option("--" + name, target, help)->type_name("DECIMAL");
}

CLI::Validator non_empty_path() {
  return CLI::Validator([](const std::string& path) { return path.empty() ? std::string("an empty path") : std::string(); },
                        "");
}

std::vector<std::string> split_list(const std::string& text, const std::string& parameter) {
  require(text.empty() || text.back() != ',', parameter, "'" + text + "'", "a comma-separated list without empty items");
  std::vector<std::string> items;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');) items.push_back(item);
  return items;
}

long parse_integer(const std::string& text, const std::string& parameter, long lo, long hi) {
  return learndyn::parse_integer(text, parameter, lo, hi);  // common/integer.hpp
}

std::vector<long> parse_integer_list(const std::string& text, const std::string& parameter, long lo, long hi) {
  std::vector<long> values;
  for (const std::string& item : split_list(text, parameter)) values.push_back(parse_integer(item, parameter, lo, hi));
  require(!values.empty(), parameter, "'" + text + "'",
          "a comma-separated list of integers in " + std::to_string(lo) + ".." + std::to_string(hi));
  return values;
}

CLI::Option* add_integer(CLI::App& app, const std::string& name, std::string& target, const std::string& help) {
  return app.add_option("--" + name, target, help)->type_name("INT");
}

CLI::Option* add_seed(CLI::App& app, std::string& target, const std::string& default_text) {
  return add_integer(app, "seed", target,
                     "seed of every random draw the command makes, 0..2^63-1 (default " + default_text + ")");
}

CLI::Option* add_threads(CLI::App& app, std::string& target) {
  return add_integer(app, "threads", target,
                     "worker threads N, 0..256: 0 = every available core, N may exceed the cores; results do not "
                     "depend on it (default: LEARNDYN_NUM_THREADS, else 0)");
}

CLI::Option* add_neurons(CLI::App& app, std::string& target, const std::string& range) {
  return app.add_option("--N", target, "neurons N of the network, " + range)->type_name("INT");
}

CLI::Option* add_hidden(CLI::App& app, std::string& target, const std::string& range) {
  return add_integer(app, "hidden", target, "hidden units n of the network, " + range);
}

std::uint64_t parse_seed(const std::string& text, const std::string& parameter) {
  return static_cast<std::uint64_t>(parse_integer(text, parameter, 0, 9223372036854775807L));
}

unsigned parse_threads(const std::string& text) {
  if (text.empty()) return threads_from_environment();  // common/parallel.hpp
  return static_cast<unsigned>(parse_integer(text, "threads", 0, kMaxThreads));
}

void set_example(CLI::App& cmd, const std::string& command_line) { cmd.footer("Example:\n  " + command_line); }

double parse_double(const std::string& text, const std::string& parameter) {
  return parse_decimal<double>(text, parameter);
}

}  // namespace learndyn::cli
