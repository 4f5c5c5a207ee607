#include "cli/tables.hpp"

#include <cmath>
#include <cstdio>

namespace learndyn::cli {

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
  for (std::size_t c = 0; c < t.columns.size(); ++c) out += (c ? "," : "") + t.columns[c];
  out += "\n";
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    for (std::size_t c = 0; c < t.columns.size(); ++c) out += (c ? "," : "") + cell_text(t, r, c);
    out += "\n";
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

}  // namespace learndyn::cli
