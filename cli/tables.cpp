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

}  // namespace learndyn::cli
