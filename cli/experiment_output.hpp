// What the experiment commands (`overlaps ...`, `ntk memory-pro | gain-sweep`) share: the
// --format/-o/--figure/--table options, the rendering of an experiments::Table as CSV or
// JSON, delivery to stdout or a file, and gnuplot figures written atomically.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/report.hpp"
#include "cli/tables.hpp"
#include "experiments/table.hpp"

namespace learndyn::cli {

struct Output {
  std::string format = "csv", output, figure, table;
};

// Adds --format, -o, --figure and (when `tables` names any) --table.
void add_output_options(CLI::App& cmd, Output& o, const std::string& tables = "");

// Checks --format and --table (one of `tables`) before any work is done.
void check_output(const Output& o, const std::vector<std::string>& tables);

Json json_of(const experiments::Summary& s);

// The named tables of a result; the first is the default CSV table.
using NamedTables = std::vector<std::pair<std::string, const experiments::Table*>>;

// Renders the data (CSV: one table; JSON: the whole report with every table), writes the
// figure first (so a gnuplot failure leaves no data file behind either), then the data to -o
// or stdout; with -o, the summary goes to stdout as text.
void deliver(const Output& o, Json report, const NamedTables& tables,
             const std::function<void(const std::string&)>& figure);

// The last step of every experiment command, after its figure: `data` to stdout, or to the
// file `output` (atomically) with a brief (command, file, figure, summary) on stdout as text.
void emit_data(const std::string& output, const std::string& figure, const std::string& data,
               const Json& command, const Json& summary);

// A gnuplot datablock `$name` with the given columns of the rows of `t` that pass `keep` (all
// when empty), NaN as "NaN"; with `block_by`, a blank line wherever that column changes (gnuplot
// breaks the line there).
std::string datablock(const std::string& name, const experiments::Table& t,
                      const std::vector<std::string>& columns,
                      const std::function<bool(std::size_t)>& keep = {}, const std::string& block_by = "");

// Runs `body` (datablocks and plot commands) into png_path atomically (a partial file, then a
// rename; a device or FIFO is written in place), `width` x `height` pixels.
void write_png(const std::string& body, const std::string& png_path, int width, int height);

}  // namespace learndyn::cli
