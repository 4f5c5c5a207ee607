// Memory refused up front: every command estimates the bytes a size will need before any work
// starts and refuses it, naming the size option, when the estimate exceeds the budget. Running
// out of memory later ends in an uncaught std::bad_alloc (abort) or in the kernel's OOM killer,
// after minutes of work; a refusal is one line and exit status 2.
#pragma once

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include <sys/resource.h>
#include <unistd.h>

#include <learndyn/common/argument_error.hpp>

namespace learndyn {

// The working memory any one command may plan for: 8 GB, or 3/4 of the machine's physical
// memory or of the process's address-space or data limit (ulimit -v, -d) when that is less
// (the rest is the program's own and other processes'). LEARNDYN_MEMORY_BUDGET (bytes)
// overrides it: lower on a shared machine, and 1 makes every refusal state its estimate.
inline double memory_budget_bytes() {
  if (const char* text = std::getenv("LEARNDYN_MEMORY_BUDGET")) {
    char* end = nullptr;
    const double bytes = std::strtod(text, &end);
    if (end != text && *end == '\0' && bytes >= 0) return bytes;
  }
  double budget = 8e9;
  const long pages = sysconf(_SC_PHYS_PAGES);
  const long page_size = sysconf(_SC_PAGESIZE);
  if (pages > 0 && page_size > 0)
    budget = std::min(budget, 0.75 * static_cast<double>(pages) * static_cast<double>(page_size));
  for (const int resource : {RLIMIT_AS, RLIMIT_DATA}) {
    rlimit limit{};
    if (getrlimit(resource, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY)
      budget = std::min(budget, 0.75 * static_cast<double>(limit.rlim_cur));
  }
  return budget;
}

// "1.23 GB", "45.6 MB", "1 bytes": the estimate as the refusal states it (3 significant digits).
inline std::string render_bytes(double bytes) {
  char buffer[32];
  if (bytes >= 1e9)
    std::snprintf(buffer, sizeof buffer, "%.3g GB", bytes / 1e9);
  else if (bytes < 1e5)
    std::snprintf(buffer, sizeof buffer, "%.0f bytes", bytes);
  else
    std::snprintf(buffer, sizeof buffer, "%.3g MB", bytes / 1e6);
  return buffer;
}

// Throws ArgumentError naming `parameter` (the size option the user can lower) unless `bytes`
// fits the budget. `value` is the option's value as the user gave it.
template <class Value>
void require_memory(double bytes, std::string_view parameter, const Value& value) {
  const double budget = memory_budget_bytes();
  if (bytes <= budget) [[likely]]
    return;
  throw ArgumentError(std::string(parameter), render_value(value),
                      "sizes whose estimated working memory (" + render_bytes(bytes) +
                          ") fits in " + render_bytes(budget));
}

// One term of an estimate: its bytes, and the option that controls it with its value as the
// user gave it (rendered, e.g. "4000000" or "1201 recorded rows").
struct MemoryTerm {
  double bytes;
  std::string parameter;
  std::string value;
};

// require_memory for `fixed` bytes plus the sum of `terms`, naming the option of the largest
// term (the first of equal ones): the option whose lowering helps most.
inline void require_memory_terms(double fixed, const std::vector<MemoryTerm>& terms) {
  double bytes = fixed;
  const MemoryTerm* largest = nullptr;
  for (const MemoryTerm& t : terms) {
    bytes += t.bytes;
    if (largest == nullptr || t.bytes > largest->bytes) largest = &t;
  }
  if (largest != nullptr) require_memory(bytes, largest->parameter, largest->value);
}

}  // namespace learndyn
