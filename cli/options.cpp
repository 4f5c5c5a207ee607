#include "cli/options.hpp"

#include <cerrno>
#include <cstdlib>
#include <sstream>

#include "common/argument_error.hpp"
#include "common/decimal.hpp"

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
  const std::string allowed =
      "an integer with " + std::to_string(lo) + " <= " + parameter + " <= " + std::to_string(hi);
  std::size_t i = (!text.empty() && (text[0] == '-' || text[0] == '+')) ? 1 : 0;
  require(i < text.size() && text.find_first_not_of("0123456789", i) == std::string::npos,
          parameter, "'" + text + "'", allowed);
  errno = 0;
  const long value = std::strtol(text.c_str(), nullptr, 10);
  require(errno == 0 && value >= lo && value <= hi, parameter, text, allowed);
  return value;
}

double parse_double(const std::string& text, const std::string& parameter) {
  return parse_decimal<double>(text, parameter);
}

}  // namespace learndyn::cli
