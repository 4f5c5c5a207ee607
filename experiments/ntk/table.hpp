// The plain data every NTK experiment returns: a table of numbers with named columns and named
// summary values, rendered by the CLI as CSV or JSON and read by the tests by column name.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace learndyn::experiments::ntk {

struct Table {
  std::vector<std::string> columns;
  std::vector<std::vector<double>> rows;

  std::size_t index(std::string_view name) const;       // throws std::out_of_range naming it
  std::vector<double> column(std::string_view name) const;
  void add_row(std::vector<double> row);                 // throws std::logic_error on a bad width
  double at(std::size_t row, std::string_view name) const;
};

struct Summary {
  std::vector<std::pair<std::string, double>> values;
  void add(std::string name, double value);
  double get(std::string_view name) const;  // throws std::out_of_range naming it
};

}  // namespace learndyn::experiments::ntk
