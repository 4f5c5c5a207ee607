#include <learndyn/oracle/oracle.hpp>

#include <charconv>
#include <cmath>

#include <learndyn/common/argument_error.hpp>
#include <learndyn/common/text_file.hpp>

namespace learndyn::oracle {

GoldenSuite read_golden(const std::string& path) { return parse_golden(read_text_file(path), path); }

CheckResult check_values(const GoldenSuite& golden, const std::vector<Value>& values, const CheckOptions& options) {
  std::vector<CandidateValue> candidate;
  candidate.reserve(values.size());
  for (std::size_t k = 0; k < values.size(); ++k) {
    const Value& v = values[k];
    const std::string name = v.case_id + " " + v.quantity;
    if (!std::isfinite(v.value)) throw ArgumentError("value", name, "a finite double");
    char text[32];
    const auto end = std::to_chars(text, text + sizeof text, v.value).ptr;  // shortest round trip
    candidate.push_back({v.case_id, v.quantity, std::string(text, end), "values[" + std::to_string(k) + "]"});
  }
  return check_candidate(golden, candidate, options, "check_values");
}

}  // namespace learndyn::oracle
