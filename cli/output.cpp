#include "cli/output.hpp"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <ostream>
#include <sstream>
#include <stdexcept>

#include "cli/figure.hpp"
#include "cli/options.hpp"
#include <learndyn/common/argument_error.hpp>
#include <learndyn/common/text_file.hpp>

namespace learndyn::cli {
namespace {

void print_text(std::ostream& out, const Json& value, const std::string& indent) {
  for (const auto& [key, item] : value.items()) {
    if (item.is_object()) {
      out << indent << key << ":\n";
      print_text(out, item, indent + "  ");
    } else if (item.is_string()) {
      out << indent << key << ": " << item.get<std::string>() << "\n";
    } else {
      out << indent << key << ": " << item.dump() << "\n";
    }
  }
}

}  // namespace

void add_enclosures(Json& report, const std::vector<oracle::NamedValue>& values) {
  Json enclosures = Json::object(), proved = Json::object(), notes = Json::object();
  Json least = nullptr;
  for (const oracle::NamedValue& v : values) {
    if (v.enclosure) {
      enclosures[v.name] = Json::array({v.enclosure->lo, v.enclosure->hi});
      proved[v.name] = v.enclosure->proved_digits;
      if (least.is_null() || v.enclosure->proved_digits < least.get<int>()) least = v.enclosure->proved_digits;
    } else {
      enclosures[v.name] = nullptr;
      notes[v.name] = v.enclosure_note;
    }
  }
  report["enclosure_by_quantity"] = enclosures;
  report["proved_digits"] = least;
  report["proved_digits_by_quantity"] = proved;
  if (!notes.empty()) report["enclosure_note_by_quantity"] = notes;
}

void print_report(std::ostream& out, const Json& report, bool json) {
  if (json) {
    out << report.dump(2) << "\n";
  } else {
    print_text(out, report, "");
  }
}

void write_file_atomically(const std::string& path, const std::string& text) {
  learndyn::write_file_atomically(path, text);
}


std::string number_text(double x) {
  if (!std::isfinite(x)) return "";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.17g", x);
  return buffer;
}

Json json_number(double x) { return std::isfinite(x) ? Json(x) : Json(nullptr); }

std::string cell_text(const experiments::Table& t, std::size_t row, std::size_t c) {
  const double x = t.rows[row][c];
  if (!std::isfinite(x)) return "";
  if (const auto* labels = t.labels(c)) return labels->at(static_cast<std::size_t>(x));
  if (t.is_integer(c)) return std::to_string(static_cast<long>(x));
  return number_text(x);
}

Json cell_json(const experiments::Table& t, std::size_t row, std::size_t c) {
  const double x = t.rows[row][c];
  if (!std::isfinite(x)) return nullptr;
  if (const auto* labels = t.labels(c)) return labels->at(static_cast<std::size_t>(x));
  if (t.is_integer(c)) return static_cast<long>(x);
  return x;
}

std::string csv_of(const experiments::Table& t) {
  std::string out;
  for (std::size_t c = 0; c < t.columns.size(); ++c) {
    if (c) out += ',';
    out += t.columns[c];
  }
  out += '\n';
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    for (std::size_t c = 0; c < t.columns.size(); ++c) {
      if (c) out += ',';
      out += cell_text(t, r, c);
    }
    out += '\n';
  }
  return out;
}

Json json_of(const experiments::Table& t) {
  Json rows = Json::array();
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    Json row = Json::array();
    for (std::size_t c = 0; c < t.columns.size(); ++c) row.push_back(cell_json(t, r, c));
    rows.push_back(std::move(row));
  }
  return Json{{"columns", t.columns}, {"rows", rows}};
}

Json records_of(const experiments::Table& t) {
  Json out = Json::array();
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    Json row = Json::object();
    for (std::size_t c = 0; c < t.columns.size(); ++c) row[t.columns[c]] = cell_json(t, r, c);
    out.push_back(std::move(row));
  }
  return out;
}


void add_output_options(CLI::App& cmd, Output& o, const std::string& tables) {
  cmd.add_option("--format", o.format, "csv | json (default csv)");
  cmd.add_flag_callback("--json", [&o] { o.format = "json"; }, "the same as --format json");
  cmd.add_option("-o,--output", o.output, "data file to write atomically (default: stdout; then the summary goes to stdout)")->check(non_empty_path());
  cmd.add_option("--figure", o.figure, "PNG figure to write (gnuplot)")->check(non_empty_path());
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
  std::cerr << "wrote " << output << (figure.empty() ? "" : " and " + figure) << "\n";
  print_report(std::cout, Json{{"command", command}, {"summary", summary}}, false);
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
  write_figure(body, png_path, width, height);
}

}  // namespace learndyn::cli
