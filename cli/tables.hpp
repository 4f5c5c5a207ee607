// Tabular output shared by the experiment commands: numbers as text that round-trips a double,
// non-finite values as empty CSV cells / JSON null (neither format has NaN), and one CSV writer
// for any row type.
#pragma once

#include <cstddef>
#include <sstream>
#include <string>
#include <vector>

#include "cli/report.hpp"

namespace learndyn::cli {

// "%.17g" (round-trips every double); "" for NaN and infinities.
std::string number_text(double x);

// x as a JSON number; null when it is not finite.
Json json_number(double x);

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
