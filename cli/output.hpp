// Every command's output path: a result assembled completely before anything is printed (no
// partial output on error), rendered as one JSON object or as "name: value" lines; tables (an
// experiments::Table) as CSV or JSON, numbers as text that round-trips a double, integer
// columns without a fraction, categorical columns as their labels, non-finite values as empty
// CSV cells / JSON null (neither format has NaN); files written atomically.
#pragma once

#include <cstddef>
#include <functional>
#include <iosfwd>
#include <string>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <learndyn/experiments/audit.hpp>
#include <learndyn/experiments/table.hpp>
#include <learndyn/oracle/named_value.hpp>

namespace learndyn::cli {

using Json = nlohmann::ordered_json;

// Writes `report` to `out` as pretty JSON (json == true) or as text lines.
void print_report(std::ostream& out, const Json& report, bool json);

// The proved enclosures of certified values (issue 18), beside their "certified_digits_by_quantity":
// "enclosure_by_quantity" {name: ["<lo>", "<hi>"] or null}, "proved_digits_by_quantity" {name: d}
// for the enclosed ones, "proved_digits" (their minimum, null when none is enclosed) and
// "enclosure_note_by_quantity" {name: why not} for the others.
void add_enclosures(Json& report, const std::vector<oracle::NamedValue>& values);

// Writes `text` to `path` atomically: a temporary file beside it, then a rename, so a failed
// run never leaves a half-written file. Throws std::runtime_error naming the path.
void write_file_atomically(const std::string& path, const std::string& text);

// "%.17g" (round-trips every double); "" for NaN and infinities.
std::string number_text(double x);

// x as a JSON number; null when it is not finite.
Json json_number(double x);

// An audit's predictability horizon: the epoch, or "never" (-1: no epoch within the run).
inline Json horizon_json(long epoch) { return epoch < 0 ? Json("never") : Json(epoch); }

// One run of an audit (`ghost rnn-audit`, `overlaps audit`) as the summary states it: final
// loss, learned, `after_learned`'s entries, and for the finite-precision runs the horizons, the
// largest distance, `extra`'s entries and the outcome's agreement.
inline Json audit_run_json(const experiments::AuditOutcome& run, const Json& after_learned, const Json& extra) {
  Json j{{"final_loss", json_number(run.final_loss)}, {"learned", run.learned}};
  for (const auto& [key, value] : after_learned.items()) j[key] = value;
  if (run.name == "reference") return j;
  j["horizon_1e-6"] = horizon_json(run.horizon_1e6);
  j["horizon_1e-2"] = horizon_json(run.horizon_1e2);
  j["max_parameter_distance"] = json_number(run.max_parameter_distance);
  for (const auto& [key, value] : extra.items()) j[key] = value;
  j["outcome_agrees"] = run.outcome_agrees;
  return j;
}

// Cell (row, c) of `t` as CSV text / as a JSON value.
std::string cell_text(const experiments::Table& t, std::size_t row, std::size_t c);
Json cell_json(const experiments::Table& t, std::size_t row, std::size_t c);

// A header line, then one line per row.
std::string csv_of(const experiments::Table& t);

// {"columns": [...], "rows": [[...], ...]}.
Json json_of(const experiments::Table& t);

// One object per row, keyed by column name.
Json records_of(const experiments::Table& t);

// ---- data commands: --format/--json/-o/--figure/--table, delivery, gnuplot figures ----


struct Output {
  std::string format = "csv", output, figure, table;
};

// Adds --format, --json, -o, --figure and (when `tables` names any) --table.
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

// The last step of every data command, after its figure: `data` to stdout, or to the file
// `output` (atomically) with "wrote <file>" on stderr and the command and summary on stdout as
// text.
void emit_data(const std::string& output, const std::string& figure, const std::string& data,
               const Json& command, const Json& summary);

// A gnuplot datablock `$name` with the given columns of the rows of `t` that pass `keep` (all
// when empty), NaN as "NaN"; with `block_by`, a blank line wherever that column changes (gnuplot
// breaks the line there).
std::string datablock(const std::string& name, const experiments::Table& t,
                      const std::vector<std::string>& columns,
                      const std::function<bool(std::size_t)>& keep = {}, const std::string& block_by = "");

// Runs `body` (datablocks and plot commands) into png_path atomically (a partial file, then a
// rename; a device or FIFO is written in place), `width` x `height` pixels; the format follows
// the path's extension, and the script and its data are written beside it (write_figure,
// cli/figure.hpp).
void write_png(const std::string& body, const std::string& png_path, int width, int height);

}  // namespace learndyn::cli
