// The golden suite: learndyn's certified values as one JSON document (schema
// "learndyn-golden/2", documented in docs/oracle.md), written by `learndyn oracle generate`
// and read back by `oracle check`. Schema 2 adds to every value its proved enclosure (or null
// and a note saying why there is none); schema-1 files (no enclosures) are still read.
//
// Values are decimal strings, never JSON numbers: a 50-digit value must survive every JSON
// library on the way (most parse numbers into doubles).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace learndyn::oracle {

inline constexpr std::string_view kGoldenSchema = "learndyn-golden/2";
inline constexpr std::string_view kGoldenSchemaWithoutEnclosures = "learndyn-golden/1";  // still read

// (name, decimal string) pairs, in the order the command line takes them.
using Inputs = std::vector<std::pair<std::string, std::string>>;

struct GoldenValue {
  std::string quantity;      // e.g. "eta_c"
  std::string value;         // decimal string, `digits` significant digits
  int certified_digits = 0;  // leading digits on which the two precisions agree, <= digits
  // The proved enclosure [lo, hi] (decimal strings rounded outward, any number of digits) and
  // the digits it determines; absent in schema-1 files and where out of reach, then
  // `enclosure_note` says why (schema 2).
  bool has_enclosure = false;
  std::string enclosure_lo, enclosure_hi;
  int proved_digits = 0;
  std::string enclosure_note;
};

struct GoldenCase {
  std::string id;           // unique in the suite, [A-Za-z0-9_.=+-]+
  std::string area;         // "ghost", "overlaps", "ntk"
  std::string description;  // one line: what is computed, with the identity numbers
  Inputs inputs;
  std::string command;      // a learndyn command that prints these values
  std::vector<GoldenValue> values;
};

struct GoldenSuite {
  std::string learndyn_version;
  std::string suite;            // "default" | "full"
  int digits = 0;               // significant digits written
  int working_digits = 0;       // decimal digits of the working precision
  int certifying_digits = 0;    // decimal digits of the certifying precision
  std::string command;          // the `learndyn oracle generate` call that writes this file
  std::vector<GoldenCase> cases;
};

// True for a non-empty id of [A-Za-z0-9_.=+-] characters (no commas or spaces, so that ids
// can stand unquoted in a CSV file).
bool is_valid_case_id(std::string_view id);

// Empty when `text` is a finite decimal literal that the working precision can hold (no
// overflow) with at most `max_significant` significant digits (0: any number), else why not,
// as a phrase ("is not a finite decimal number"). Shared by the golden and candidate readers.
std::string decimal_value_fault(const std::string& text, int max_significant = 0);

// A quantity name: the characters of a case id (no newline, comma or space can break the
// check table or a CSV file).
bool is_valid_quantity(std::string_view name);

// The id among `ids` nearest to `id` in edit distance, if it is close enough to be a likely
// typo (at most a third of the longer id's characters differ); "" otherwise.
std::string nearest_id(const std::string& id, const std::vector<std::string>& ids);

// The document as pretty-printed JSON with a trailing newline. Deterministic: the same suite
// gives the same bytes.
std::string to_json_text(const GoldenSuite& suite);

// Parses and validates a golden document; `file` names it in errors. Throws InputError with
// the JSON path (or byte offset for syntax errors) of the first fault.
GoldenSuite parse_golden(std::string_view text, const std::string& file);

}  // namespace learndyn::oracle
