// A user's values to check against a golden suite, from JSON or CSV (schemas in docs/oracle.md):
//
//   JSON  {"<case id>": {"<quantity>": 1.2345e-05, "<quantity>": "1.23450000000000001e-05"}}
//   CSV   case,quantity,value          (header required; '#' comment and blank lines skipped)
//         <case id>,<quantity>,1.2345e-05
//
// A golden file (schema "learndyn-golden/1") is also a valid JSON candidate: its values are
// taken as the candidate's, so two learndyn versions' golden files can be checked against
// each other.
//
// Values are numbers or decimal strings (strings keep digits beyond double). NaN, infinities,
// duplicates and anything else malformed are errors with the file and position, never
// skipped: an oracle that ignores a value it was given could pass a broken implementation.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace learndyn::oracle {

struct CandidateValue {
  std::string case_id;
  std::string quantity;
  std::string value;     // a finite decimal literal
  std::string position;  // "line 7" or "$.case.quantity", for messages
};

enum class CandidateFormat { json, csv };

// "json" / "csv" from `format` when given, else from the file name's extension.
CandidateFormat candidate_format(const std::string& file, const std::string& format);

std::vector<CandidateValue> parse_candidate_json(std::string_view text, const std::string& file);
std::vector<CandidateValue> parse_candidate_csv(std::string_view text, const std::string& file);
std::vector<CandidateValue> parse_candidate(std::string_view text, const std::string& file,
                                            CandidateFormat format);

}  // namespace learndyn::oracle
