// The plain data every experiment (ghost, overlaps, ntk) returns: a table of numbers with named
// columns (one row per recorded epoch, per N, per time point...) and a list of named summary
// values. The CLI renders them as CSV or JSON; the tests read them by column name. A column may
// hold integers (epochs, seeds, counts, 0/1 flags: rendered without a fraction) or categories
// (an index into its labels: rendered as the label); NaN is "not measured" in any column.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace learndyn::experiments {

struct Table {
  std::vector<std::string> columns;
  std::vector<std::vector<double>> rows;
  std::vector<std::string> integer_columns;
  std::vector<std::pair<std::string, std::vector<std::string>>> label_columns;

  // Index of a column; throws std::out_of_range naming it when absent.
  std::size_t index(std::string_view name) const;
  // The values of one column, top to bottom.
  std::vector<double> column(std::string_view name) const;
  // Appends a row; throws std::logic_error unless it has one value per column.
  void add_row(std::vector<double> row);
  // The value in row `row` of column `name`.
  double at(std::size_t row, std::string_view name) const;
  // Whether column c holds integers; its labels when it is categorical (else nullptr).
  bool is_integer(std::size_t c) const;
  const std::vector<std::string>* labels(std::size_t c) const;
};

// Named scalar results in insertion order (JSON keeps the order).
struct Summary {
  std::vector<std::pair<std::string, double>> values;

  void add(std::string name, double value);
  // Throws std::out_of_range naming it when absent.
  double get(std::string_view name) const;
};

}  // namespace learndyn::experiments
