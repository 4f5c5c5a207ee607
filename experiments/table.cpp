#include <learndyn/experiments/table.hpp>

#include <stdexcept>

namespace learndyn::experiments {

std::size_t Table::index(std::string_view name) const {
  for (std::size_t i = 0; i < columns.size(); ++i)
    if (columns[i] == name) return i;
  throw std::out_of_range("no column '" + std::string(name) + "'");
}

std::vector<double> Table::column(std::string_view name) const {
  const std::size_t c = index(name);
  std::vector<double> out;
  out.reserve(rows.size());
  for (const auto& row : rows) out.push_back(row[c]);
  return out;
}

void Table::add_row(std::vector<double> row) {
  if (row.size() != columns.size())
    throw std::logic_error("row of " + std::to_string(row.size()) + " values for " +
                           std::to_string(columns.size()) + " columns");
  rows.push_back(std::move(row));
}

double Table::at(std::size_t row, std::string_view name) const { return rows.at(row)[index(name)]; }

bool Table::is_integer(std::size_t c) const {
  for (const auto& name : integer_columns)
    if (name == columns.at(c)) return true;
  return false;
}

const std::vector<std::string>* Table::labels(std::size_t c) const {
  for (const auto& [name, names] : label_columns)
    if (name == columns.at(c)) return &names;
  return nullptr;
}

void Summary::add(std::string name, double value) { values.emplace_back(std::move(name), value); }

double Summary::get(std::string_view name) const {
  for (const auto& [key, value] : values)
    if (key == name) return value;
  throw std::out_of_range("no summary value '" + std::string(name) + "'");
}

}  // namespace learndyn::experiments
