// A command's result, assembled completely before anything is printed (no partial output on
// error), then rendered as one JSON object or as aligned "name: value" lines.
#pragma once

#include <iosfwd>
#include <string>

#include <nlohmann/json.hpp>

namespace learndyn::cli {

using Json = nlohmann::ordered_json;

// Writes `report` to `out` as pretty JSON (json == true) or as text lines.
void print_report(std::ostream& out, const Json& report, bool json);

// Writes `text` to `path` atomically: a temporary file beside it, then a rename, so a failed
// run never leaves a half-written file. Throws std::runtime_error naming the path.
void write_file_atomically(const std::string& path, const std::string& text);

}  // namespace learndyn::cli
