#include "experiments/reproduce.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <regex>

#include <learndyn/common/argument_error.hpp>
#include <learndyn/experiments/ghost/figures.hpp>
#include <learndyn/experiments/ntk/figures.hpp>
#include <learndyn/experiments/overlaps/figures.hpp>

namespace learndyn::experiments::reproduce {

const char* status_name(Status s) {
  switch (s) {
    case Status::reproduced: return "reproduced";
    case Status::qualitatively: return "qualitatively";
    case Status::missing: return "missing";
    case Status::not_applicable: return "not applicable";
  }
  return "?";
}

const std::vector<Entry>& catalogue() {
  static const std::vector<Entry> all = [] {
    std::vector<Entry> v;
    for (auto* area : {&ghost::figure_entries, &overlaps::figure_entries, &ntk::figure_entries})
      for (Entry& e : (*area)()) v.push_back(std::move(e));
    return v;
  }();
  return all;
}

bool well_formed_id(const std::string& id) {
  static const std::regex form("(ghost|overlaps|ntk)/fig[1-9][0-9]*[a-z]?");
  return std::regex_match(id, form);
}

const Entry& find_entry(const std::string& id) {
  for (const Entry& e : catalogue())
    if (e.id == id) return e;
  throw ArgumentError("id", "'" + id + "'",
                      "a panel of `learndyn reproduce --list`: <paper>/fig<number><panel>, paper ghost, overlaps or ntk");
}

void check_request(const Entry& e, const Request& r, bool sharded) {
  if (e.status == Status::missing || e.status == Status::not_applicable || !e.run)
    throw ArgumentError("id", "'" + e.id + "'",
                        std::string("a panel that can run (this one is ") + status_name(e.status) + ": " + e.reason + ")");
  const bool known = std::any_of(e.protocols.begin(), e.protocols.end(), [&](const Protocol& p) { return p.name == r.protocol; });
  if (!known) {
    std::string names;
    for (const Protocol& p : e.protocols) names += (names.empty() ? "" : ", ") + p.name;
    throw ArgumentError("protocol", "'" + r.protocol + "'", "one of " + names + " for " + e.id);
  }
  if (r.seeds < 0 || r.seeds > 1000) throw ArgumentError("seeds", std::to_string(r.seeds), "1..1000");
  if (r.seeds > 0 && !e.seeded)
    throw ArgumentError("seeds", std::to_string(r.seeds), "none for " + e.id + " (its runs have no seeds to repeat)");
  if (sharded && (e.shard_command.empty() || r.protocol != "paper"))
    throw ArgumentError("shard", e.id + " --protocol " + r.protocol,
                        "--protocol paper of a panel whose sweep shards (`reproduce --list`: ghost/fig6a, ntk/fig5b)");
}

const Protocol& protocol_of(const Entry& e, const Request& r) {
  for (const Protocol& p : e.protocols)
    if (p.name == r.protocol) return p;
  throw ArgumentError("protocol", "'" + r.protocol + "'", "a protocol of " + e.id);
}

long seeds_of(const Entry& e, const Request& r) { return r.seeds > 0 ? r.seeds : protocol_of(e, r).seeds; }

std::string command_line(const std::vector<std::string>& arguments) {
  static const std::regex plain("[A-Za-z0-9_./,=:+-]+");
  std::string line = "learndyn";
  for (const std::string& a : arguments) {
    line += ' ';
    if (std::regex_match(a, plain)) {
      line += a;
      continue;
    }
    line += '\'';
    for (char c : a) line += (c == '\'') ? std::string("'\\''") : std::string(1, c);
    line += '\'';
  }
  return line;
}

Entry unavailable(std::string id, Status status, std::string description, std::string reason) {
  Entry e;
  e.id = std::move(id);
  e.status = status;
  e.description = std::move(description);
  e.reason = std::move(reason);
  return e;
}

std::string short_number(double x) {
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%.3g", x);
  return buffer;
}

std::string number_argument(double x) {
  char buffer[40];
  for (int digits = 1; digits <= 17; ++digits) {
    std::snprintf(buffer, sizeof buffer, "%.*g", digits, x);
    if (std::strtod(buffer, nullptr) == x) return buffer;
  }
  return buffer;
}

}  // namespace learndyn::experiments::reproduce
