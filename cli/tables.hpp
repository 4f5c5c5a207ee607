// Tabular output shared by every command: an experiments::Table as CSV or JSON, numbers as text
// that round-trips a double, integer columns without a fraction, categorical columns as their
// labels, non-finite values as empty CSV cells / JSON null (neither format has NaN).
#pragma once

#include <cstddef>
#include <sstream>
#include <string>
#include <vector>

#include "cli/report.hpp"
#include "experiments/table.hpp"

namespace learndyn::cli {

// "%.17g" (round-trips every double); "" for NaN and infinities.
std::string number_text(double x);

// x as a JSON number; null when it is not finite.
Json json_number(double x);

// Cell (row, c) of `t` as CSV text / as a JSON value.
std::string cell_text(const experiments::Table& t, std::size_t row, std::size_t c);
Json cell_json(const experiments::Table& t, std::size_t row, std::size_t c);

// A header line, then one line per row.
std::string csv_of(const experiments::Table& t);

// {"columns": [...], "rows": [[...], ...]}.
Json json_of(const experiments::Table& t);

// One object per row, keyed by column name.
Json records_of(const experiments::Table& t);

// A header line of `columns`, then one line per row, each cell rendered by cell_text(cell).
template <class Row, class CellText>
std::string csv_text(const std::vector<std::string>& columns, const std::vector<Row>& rows,
                     CellText&& cell_text) {
  std::ostringstream out;
  for (std::size_t c = 0; c < columns.size(); ++c) out << (c ? "," : "") << columns[c];
  out << "\n";
  for (const auto& row : rows) {
    for (std::size_t c = 0; c < row.size(); ++c) out << (c ? "," : "") << cell_text(row[c]);
    out << "\n";
  }
  return out.str();
}

}  // namespace learndyn::cli
