#include "experiments/ntk/table.hpp"

#include <stdexcept>

namespace learndyn::experiments::ntk {

std::size_t Table::index(std::string_view name) const {
  for (std::size_t k = 0; k < columns.size(); ++k)
    if (columns[k] == name) return k;
  throw std::out_of_range("no column '" + std::string(name) + "'");
}

std::vector<double> Table::column(std::string_view name) const {
  const std::size_t k = index(name);
  std::vector<double> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back(r[k]);
  return out;
}

void Table::add_row(std::vector<double> row) {
  if (row.size() != columns.size()) throw std::logic_error("table row of the wrong width");
  rows.push_back(std::move(row));
}

double Table::at(std::size_t row, std::string_view name) const { return rows.at(row)[index(name)]; }

void Summary::add(std::string name, double value) { values.emplace_back(std::move(name), value); }

double Summary::get(std::string_view name) const {
  for (const auto& [k, v] : values)
    if (k == name) return v;
  throw std::out_of_range("no summary value '" + std::string(name) + "'");
}

}  // namespace learndyn::experiments::ntk
