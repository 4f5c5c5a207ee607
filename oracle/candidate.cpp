#include <learndyn/oracle/candidate.hpp>

#include <cstdio>
#include <set>
#include <utility>

#include <learndyn/common/argument_error.hpp>
#include <learndyn/common/decimal.hpp>
#include <learndyn/common/input_error.hpp>
#include <learndyn/common/scalar.hpp>
#include <learndyn/oracle/golden.hpp>
#include <learndyn/oracle/json_input.hpp>

namespace learndyn::oracle {

namespace {

bool ends_with(const std::string& text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// A JSON number as a decimal literal that reads back to the same double (17 significant
// digits); integers exactly.
std::string number_text(const Json& value) {
  if (value.is_number_integer()) return std::to_string(value.get<long long>());
  if (value.is_number_unsigned()) return std::to_string(value.get<unsigned long long>());
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%.17g", value.get<double>());
  return buffer;
}

std::string shown(const std::string& text) {
  return "\"" + (text.size() <= 40 ? text : text.substr(0, 40) + "...") + "\"";
}

std::string value_text(const JsonCursor& at) {
  const Json& v = at.value();
  if (v.is_number()) return number_text(v);
  if (!v.is_string()) at.fail("expected a number or a decimal string, found " + describe_type(v));
  const std::string text = v.get<std::string>();
  if (const std::string fault = decimal_value_fault(text); !fault.empty()) at.fail("value " + shown(text) + " " + fault);
  return text;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> split_fields(std::string_view line) {
  std::vector<std::string_view> fields;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = line.find(',', start);
    fields.push_back(trim(line.substr(start, comma == std::string_view::npos ? line.npos : comma - start)));
    if (comma == std::string_view::npos) return fields;
    start = comma + 1;
  }
}

}  // namespace

CandidateFormat candidate_format(const std::string& file, const std::string& format) {
  if (format == "json") return CandidateFormat::json;
  if (format == "csv") return CandidateFormat::csv;
  if (!format.empty()) throw ArgumentError("format", "'" + format + "'", "json or csv");
  if (ends_with(file, ".json")) return CandidateFormat::json;
  if (ends_with(file, ".csv")) return CandidateFormat::csv;
  throw ArgumentError("candidate", "'" + file + "'",
                      "a file named *.json or *.csv, or give --format json|csv");
}

std::vector<CandidateValue> parse_candidate_json(std::string_view text, const std::string& file) {
  const Json document = parse_json_strictly(text, file);
  const JsonCursor root(document, file);
  std::vector<CandidateValue> out;
  // A golden file is a candidate too: checking one learndyn version's golden file against
  // another's is learndyn's own regression test. A candidate's case ids map to objects, so a
  // top-level "schema" string can only be a golden file's.
  if (root.object().contains("schema") && root.member("schema").value().is_string()) {
    const GoldenSuite golden = parse_golden(text, file);
    for (std::size_t i = 0; i < golden.cases.size(); ++i)
      for (const GoldenValue& v : golden.cases[i].values)
        out.push_back({golden.cases[i].id, v.quantity, v.value,
                       "$.cases[" + std::to_string(i) + "].values." + v.quantity + ".value"});
    return out;
  }
  for (const auto& c : root.object().items()) {
    const JsonCursor at = root.member(c.key());
    if (!is_valid_case_id(c.key())) at.fail("case id " + quoted_key(c.key()) + " is not [A-Za-z0-9_.=+-]{1,256}");
    for (const auto& q : at.object().items()) {
      const JsonCursor value = at.member(q.key());
      if (!is_valid_quantity(q.key())) value.fail("quantity " + quoted_key(q.key()) + " is not [A-Za-z0-9_.=+-]{1,256}");
      out.push_back({c.key(), q.key(), value_text(value), value.path()});
    }
  }
  return out;
}

std::vector<CandidateValue> parse_candidate_csv(std::string_view text, const std::string& file) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // a UTF-8 byte-order mark
  std::vector<CandidateValue> out;
  std::set<std::pair<std::string, std::string>> seen;
  bool header_seen = false;
  std::size_t line_number = 0;
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    const std::string_view raw = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    ++line_number;
    const std::string position = "line " + std::to_string(line_number);
    if (raw.find('\0') != std::string_view::npos) throw InputError(file, position, "contains a NUL byte");
    const std::string_view line = trim(raw);
    if (line.empty() || line.front() == '#') continue;
    const std::vector<std::string_view> fields = split_fields(line);
    if (!header_seen) {
      if (fields.size() != 3 || fields[0] != "case" || fields[1] != "quantity" || fields[2] != "value")
        throw InputError(file, position, "expected the header line \"case,quantity,value\"");
      header_seen = true;
      continue;
    }
    if (fields.size() != 3)
      throw InputError(file, position, "expected 3 fields (case,quantity,value), found " +
                                           std::to_string(fields.size()));
    CandidateValue v{std::string(fields[0]), std::string(fields[1]), std::string(fields[2]), position};
    if (!is_valid_case_id(v.case_id))
      throw InputError(file, position, "case id " + quoted_key(v.case_id) + " is not [A-Za-z0-9_.=+-]{1,256}");
    if (!is_valid_quantity(v.quantity))
      throw InputError(file, position, "quantity " + quoted_key(v.quantity) + " is not [A-Za-z0-9_.=+-]{1,256}");
    if (const std::string fault = decimal_value_fault(v.value); !fault.empty())
      throw InputError(file, position, "value " + shown(v.value) + " " + fault);
    if (!seen.insert({v.case_id, v.quantity}).second)
      throw InputError(file, position, "duplicate value for " + v.case_id + " " + v.quantity);
    out.push_back(std::move(v));
  }
  if (!header_seen) throw InputError(file, "line 1", "empty file: expected the header line \"case,quantity,value\"");
  return out;
}

std::vector<CandidateValue> parse_candidate(std::string_view text, const std::string& file,
                                            CandidateFormat format) {
  return format == CandidateFormat::json ? parse_candidate_json(text, file)
                                         : parse_candidate_csv(text, file);
}

}  // namespace learndyn::oracle
