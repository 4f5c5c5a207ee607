#include <learndyn/oracle/golden.hpp>

#include <algorithm>
#include <set>

#include <learndyn/common/argument_error.hpp>
#include <learndyn/common/decimal.hpp>
#include <learndyn/common/scalar.hpp>
#include <learndyn/oracle/golden_value_json.hpp>
#include <learndyn/oracle/json_input.hpp>

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

bool is_valid_quantity(std::string_view name) { return is_valid_case_id(name); }

std::string decimal_value_fault(const std::string& text, int max_significant) {
  if (!is_decimal_literal(text)) return "is not a finite decimal number";
  if (max_significant > 0) {
    // Significant digits of the mantissa: every digit after the leading zeros (a zero has one).
    const std::string mantissa = text.substr(0, text.find_first_of("eE"));
    int digits = 0;
    bool leading = true;
    for (const char c : mantissa) {
      if (c < '0' || c > '9') continue;
      if (leading && c == '0') continue;
      leading = false;
      ++digits;
    }
    if (std::max(digits, 1) > max_significant)
      return "has " + std::to_string(digits) + " significant digits, more than the " +
             std::to_string(max_significant) + " written";
  }
  try {
    (void)parse_decimal<real>(text, "value");
  } catch (const ArgumentError& e) {
    return "is out of range (" + e.allowed() + ")";
  }
  return "";
}

std::string nearest_id(const std::string& id, const std::vector<std::string>& ids) {
  // Levenshtein distance, one row at a time.
  const auto distance = [](const std::string& a, const std::string& b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
      std::size_t diagonal = row[0];
      row[0] = i;
      for (std::size_t j = 1; j <= b.size(); ++j) {
        const std::size_t up = row[j];
        row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
        diagonal = up;
      }
    }
    return row[b.size()];
  };
  std::string best;
  std::size_t best_distance = 0;
  for (const std::string& candidate : ids) {
    const std::size_t d = distance(id, candidate);
    if (best.empty() || d < best_distance) best = candidate, best_distance = d;
  }
  if (best.empty() || 3 * best_distance > std::max(id.size(), best.size())) return "";
  return best;
}

namespace {

Json case_to_json(const GoldenCase& c) {
  Json inputs = Json::object();
  for (const auto& [name, value] : c.inputs) inputs[name] = value;
  Json values = Json::object();
  for (const GoldenValue& v : c.values) {
    values[v.quantity] = golden_value_json(v);
    // Schema 2: every value says whether it is enclosed.
    if (!values[v.quantity].contains("enclosure")) {
      values[v.quantity]["enclosure"] = nullptr;
      values[v.quantity]["enclosure_note"] = "no enclosure given";
    }
  }
  return Json{{"id", c.id},         {"area", c.area},       {"description", c.description},
              {"inputs", inputs},   {"command", c.command}, {"values", values}};
}

}  // namespace

Json golden_value_json(const GoldenValue& v) {
  Json out{{"value", v.value}, {"certified_digits", v.certified_digits}};
  if (v.has_enclosure) {
    out["enclosure"] = Json::array({v.enclosure_lo, v.enclosure_hi});
    out["proved_digits"] = v.proved_digits;
  } else if (!v.enclosure_note.empty()) {
    out["enclosure"] = nullptr;
    out["enclosure_note"] = v.enclosure_note;
  }
  return out;
}

GoldenValue parse_golden_value(const std::string& quantity, const JsonCursor& at, int digits,
                               bool require_enclosure) {
  GoldenValue v;
  v.quantity = quantity;
  // The checker prints quantity names in its table: a newline or a comma in one would break
  // the table's rows (the name is shown escaped, on one line).
  if (!is_valid_quantity(quantity)) at.fail("quantity " + quoted_key(quantity) + " is not [A-Za-z0-9_.=+-]{1,256}");
  at.object();
  const JsonCursor value = at.member("value");
  v.value = value.string();
  if (const std::string fault = decimal_value_fault(v.value, digits); !fault.empty())
    value.fail("value \"" + (v.value.size() <= 40 ? v.value : v.value.substr(0, 40) + "...") + "\" " + fault);
  v.certified_digits = static_cast<int>(at.member("certified_digits").integer(0, digits));
  at.only_keys({"value", "certified_digits", "enclosure", "proved_digits", "enclosure_note"});
  if (!at.has("enclosure")) {
    if (require_enclosure) at.member("enclosure");  // fails: "enclosure" is missing
    return v;
  }
  const JsonCursor enclosure = at.member("enclosure");
  if (enclosure.value().is_null()) {
    v.enclosure_note = at.member("enclosure_note").string();
    if (at.has("proved_digits")) at.member("proved_digits").fail("proved_digits without an enclosure");
    return v;
  }
  if (enclosure.array().size() != 2) enclosure.fail("an enclosure is [\"<lo>\", \"<hi>\"]");
  const auto bound = [&](std::size_t i) {
    const JsonCursor b = enclosure.element(i);
    const std::string text = b.string();
    if (const std::string fault = decimal_value_fault(text); !fault.empty())
      b.fail("bound \"" + (text.size() <= 40 ? text : text.substr(0, 40) + "...") + "\" " + fault);
    return text;
  };
  v.enclosure_lo = bound(0);
  v.enclosure_hi = bound(1);
  if (parse_decimal<real_hi>(v.enclosure_hi, "hi") < parse_decimal<real_hi>(v.enclosure_lo, "lo"))
    enclosure.fail("enclosure [lo, hi] with hi < lo");
  v.proved_digits = static_cast<int>(at.member("proved_digits").integer(0, 1000));
  if (at.has("enclosure_note")) at.member("enclosure_note").fail("enclosure_note beside an enclosure");
  v.has_enclosure = true;
  return v;
}

namespace {

GoldenCase parse_case(const JsonCursor& at, int digits, bool require_enclosure) {
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
  for (const auto& item : values.object().items())
    c.values.push_back(parse_golden_value(item.key(), values.member(item.key()), digits, require_enclosure));
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
  const bool with_enclosures = schema.string() == kGoldenSchema;
  if (!with_enclosures && schema.string() != kGoldenSchemaWithoutEnclosures)
    schema.fail("unknown schema \"" + schema.string() + "\", expected \"" + std::string(kGoldenSchema) +
                "\" (or \"" + std::string(kGoldenSchemaWithoutEnclosures) + "\")");
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
    suite.cases.push_back(parse_case(at, suite.digits, with_enclosures));
    if (!ids.insert(suite.cases.back().id).second)
      at.member("id").fail("duplicate case id \"" + suite.cases.back().id + "\"");
  }
  return suite;
}

}  // namespace learndyn::oracle
