#include "oracle/golden.hpp"

#include <set>

#include "common/decimal.hpp"
#include "oracle/json_input.hpp"

namespace learndyn::oracle {

bool is_valid_case_id(std::string_view id) {
  if (id.empty() || id.size() > 256) return false;
  for (const char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '.' || c == '=' || c == '+' || c == '-';
    if (!ok) return false;
  }
  return true;
}

namespace {

Json case_to_json(const GoldenCase& c) {
  Json inputs = Json::object();
  for (const auto& [name, value] : c.inputs) inputs[name] = value;
  Json values = Json::object();
  for (const GoldenValue& v : c.values)
    values[v.quantity] = Json{{"value", v.value}, {"certified_digits", v.certified_digits}};
  return Json{{"id", c.id},         {"area", c.area},       {"description", c.description},
              {"inputs", inputs},   {"command", c.command}, {"values", values}};
}

GoldenValue parse_value(const std::string& quantity, const JsonCursor& at, int digits) {
  GoldenValue v;
  v.quantity = quantity;
  at.object();
  const JsonCursor value = at.member("value");
  v.value = value.string();
  if (!is_decimal_literal(v.value)) value.fail("expected a finite decimal string, found \"" + v.value + "\"");
  v.certified_digits = static_cast<int>(at.member("certified_digits").integer(0, digits));
  return v;
}

GoldenCase parse_case(const JsonCursor& at, int digits) {
  GoldenCase c;
  at.object();
  const JsonCursor id = at.member("id");
  c.id = id.string();
  if (!is_valid_case_id(c.id)) id.fail("case id " + quoted_key(c.id) + " is not [A-Za-z0-9_.=+-]{1,256}");
  c.area = at.member("area").string();
  c.description = at.member("description").string();
  const JsonCursor inputs = at.member("inputs");
  for (const auto& [name, value] : inputs.object().items()) {
    const JsonCursor input = inputs.member(name);
    if (!is_valid_case_id(name)) input.fail("input name " + quoted_key(name) + " is not [A-Za-z0-9_.=+-]{1,256}");
    c.inputs.emplace_back(name, input.string());
  }
  c.command = at.member("command").string();
  const JsonCursor values = at.member("values");
  for (const auto& item : values.object().items()) {
    const JsonCursor value = values.member(item.key());
    // The checker prints quantity names in its table: a newline or a comma in one would break
    // the table's rows, so names follow the case-id alphabet, as in candidate files.
    if (!is_valid_case_id(item.key()))
      value.fail("quantity " + quoted_key(item.key()) + " is not [A-Za-z0-9_.=+-]{1,256}");
    c.values.push_back(parse_value(item.key(), value, digits));
  }
  if (c.values.empty()) values.fail("a case needs at least one value");
  return c;
}

}  // namespace

std::string to_json_text(const GoldenSuite& suite) {
  Json cases = Json::array();
  for (const GoldenCase& c : suite.cases) cases.push_back(case_to_json(c));
  const Json document{
      {"schema", std::string(kGoldenSchema)},
      {"learndyn_version", suite.learndyn_version},
      {"suite", suite.suite},
      {"command", suite.command},
      {"precision",
       Json{{"digits_written", suite.digits},
            {"working_digits", suite.working_digits},
            {"certifying_digits", suite.certifying_digits}}},
      {"cases", cases}};
  return document.dump(2) + "\n";
}

GoldenSuite parse_golden(std::string_view text, const std::string& file) {
  const Json document = parse_json_strictly(text, file);
  const JsonCursor root(document, file);
  root.object();
  const JsonCursor schema = root.member("schema");
  if (schema.string() != kGoldenSchema)
    schema.fail("unknown schema \"" + schema.string() + "\", expected \"" + std::string(kGoldenSchema) + "\"");
  GoldenSuite suite;
  suite.learndyn_version = root.member("learndyn_version").string();
  suite.suite = root.member("suite").string();
  suite.command = root.member("command").string();
  const JsonCursor precision = root.member("precision");
  suite.working_digits = static_cast<int>(precision.member("working_digits").integer(1, 100000));
  suite.certifying_digits = static_cast<int>(precision.member("certifying_digits").integer(1, 100000));
  suite.digits = static_cast<int>(precision.member("digits_written").integer(1, suite.working_digits));
  const JsonCursor cases = root.member("cases");
  std::set<std::string> ids;
  for (std::size_t i = 0; i < cases.array().size(); ++i) {
    const JsonCursor at = cases.element(i);
    suite.cases.push_back(parse_case(at, suite.digits));
    if (!ids.insert(suite.cases.back().id).second)
      at.member("id").fail("duplicate case id \"" + suite.cases.back().id + "\"");
  }
  return suite;
}

}  // namespace learndyn::oracle
