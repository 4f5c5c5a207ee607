// One golden value as JSON, for the readers and writers inside learndyn (the golden document,
// the NTK manifest's expected values). Internal: it exposes nlohmann::json, which the installed
// oracle headers do not.
#pragma once

#include <string>

#include <learndyn/oracle/golden.hpp>
#include <learndyn/oracle/json_input.hpp>

namespace learndyn::oracle {

// One value as the document writes it under "values": {"value": "<decimal>",
// "certified_digits": n} and, when the value has one, "enclosure": ["<lo>", "<hi>"] with
// "proved_digits": d, or "enclosure": null with "enclosure_note": "<why>". parse_golden_value
// reads it at `at` (the quantity name, the decimal with at most `digits` significant digits,
// 0 <= n <= digits; bounds decimal with lo <= hi); `require_enclosure` (golden schema 2) makes
// the "enclosure" member mandatory. The NTK manifest reuses both for the expected values of a
// golden case (experiments/ntk/manifest.hpp).
Json golden_value_json(const GoldenValue& value);
GoldenValue parse_golden_value(const std::string& quantity, const JsonCursor& at, int digits,
                               bool require_enclosure = false);

}  // namespace learndyn::oracle
