// Strict reading of JSON documents supplied by users (golden suites, candidate values, NTK
// manifests).
//
// nlohmann::json accepts duplicate keys (the last one wins) and any nesting depth; an oracle
// must not silently drop a user's value, and a fuzzer-made "[[[[..." must not exhaust the
// stack. Every fault is reported as an InputError with its position: line and column for
// syntax, a JSON path ($.cases[3].values.eta_c) for structure.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace learndyn::oracle {

using Json = nlohmann::ordered_json;

inline constexpr int kMaxJsonDepth = 64;

// Parses `text`; rejects syntax errors and anything after the document (line and column),
// duplicate keys in one object and numbers that overflow a double (at their JSON path), and
// nesting deeper than kMaxJsonDepth.
Json parse_json_strictly(std::string_view text, const std::string& file);

// Typed access that names the file and path of a fault.
class JsonCursor {
 public:
  JsonCursor(const Json& value, std::string file, std::string path = "$")
      : value_(&value), file_(std::move(file)), path_(std::move(path)) {}

  const Json& value() const { return *value_; }
  const std::string& path() const { return path_; }

  JsonCursor member(std::string_view key) const;  // requires an object with `key`
  JsonCursor element(std::size_t index) const;    // requires an array
  bool has(std::string_view key) const;           // requires an object
  const Json& object() const;                     // requires an object
  const Json& array() const;                      // requires an array
  std::string string() const;                     // requires a string
  long integer(long lo, long hi) const;           // requires an integer in [lo, hi]
  bool boolean() const;                           // requires true or false
  double number() const;                          // requires a number
  // Requires an object whose keys are all in `allowed`; an unknown key fails at its own path
  // (a misspelt optional key must not be ignored).
  void only_keys(const std::vector<std::string_view>& allowed) const;
  [[noreturn]] void fail(const std::string& message) const;

 private:
  const Json* value_;
  std::string file_;
  std::string path_;
};

// `key` as a one-line message shows it: in double quotes, JSON-escaped (a newline becomes \n,
// invalid UTF-8 U+FFFD), cut after 64 bytes.
std::string quoted_key(std::string_view key);

// A JSON value's type as a message shows it: "a string", "a number", ...
std::string describe_type(const Json& value);

}  // namespace learndyn::oracle
