#include "cli/experiment_output.hpp"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/figure.hpp"
#include "cli/tables.hpp"
#include "common/argument_error.hpp"

namespace learndyn::cli {

void add_output_options(CLI::App& cmd, Output& o, const std::string& tables) {
  cmd.add_option("--format", o.format, "csv | json (default csv)");
  cmd.add_option("-o,--output", o.output, "data file to write atomically (default: stdout; then the summary goes to stdout)");
  cmd.add_option("--figure", o.figure, "PNG figure to write (gnuplot)");
  if (!tables.empty()) cmd.add_option("--table", o.table, "the table written as CSV: " + tables);
}

void check_output(const Output& o, const std::vector<std::string>& tables) {
  require(o.format == "csv" || o.format == "json", "format", "'" + o.format + "'", "csv or json");
  if (o.table.empty()) return;
  std::string names;
  for (const auto& name : tables) {
    if (name == o.table) return;
    names += (names.empty() ? "" : " | ") + name;
  }
  throw ArgumentError("table", "'" + o.table + "'", names);
}

Json json_of(const experiments::Summary& s) {
  Json out = Json::object();
  for (const auto& [name, value] : s.values) out[name] = json_number(value);
  return out;
}

void deliver(const Output& o, Json report, const NamedTables& tables,
             const std::function<void(const std::string&)>& figure) {
  const experiments::Table* chosen = tables.front().second;
  for (const auto& [name, table] : tables)
    if (name == o.table) chosen = table;
  std::string data;
  if (o.format == "csv") {
    data = csv_of(*chosen);
  } else {
    for (const auto& [name, table] : tables) report[name] = json_of(*table);
    data = report.dump(1) + "\n";
  }
  if (!o.figure.empty()) figure(o.figure);
  emit_data(o.output, o.figure, data, report["command"], report["summary"]);
}

void emit_data(const std::string& output, const std::string& figure, const std::string& data,
               const Json& command, const Json& summary) {
  if (output.empty()) {
    std::cout << data;
    return;
  }
  write_file_atomically(output, data);
  Json brief{{"command", command}, {"wrote", output}};
  if (!figure.empty()) brief["figure"] = figure;
  brief["summary"] = summary;
  print_report(std::cout, brief, false);
}

std::string datablock(const std::string& name, const experiments::Table& t,
                      const std::vector<std::string>& columns,
                      const std::function<bool(std::size_t)>& keep, const std::string& block_by) {
  std::vector<std::size_t> idx;
  for (const auto& c : columns) idx.push_back(t.index(c));
  std::ostringstream out;
  out << "$" << name << " << EOD\n";
  double previous = std::nan("");
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    if (keep && !keep(r)) continue;
    if (!block_by.empty()) {
      const double v = t.at(r, block_by);
      if (!std::isnan(previous) && v != previous) out << "\n";
      previous = v;
    }
    for (std::size_t k = 0; k < idx.size(); ++k) {
      const double x = t.rows[r][idx[k]];
      out << (k ? " " : "") << (std::isfinite(x) ? number_text(x) : std::string("NaN"));
    }
    out << "\n";
  }
  out << "EOD\n";
  return out.str();
}

void write_png(const std::string& body, const std::string& png_path, int width, int height) {
  const std::string partial = png_path + ".partial.png";
  std::ostringstream gp;
  gp << "set terminal pngcairo size " << width << "," << height << " font 'DejaVu Sans,11'\n"
     << "set output " << quoted(partial) << "\n"
     << "set datafile missing 'NaN'\nset grid\n"
     << body;
  run_gnuplot(gp.str(), partial);
  install_png(partial, png_path);
}

}  // namespace learndyn::cli
