#include <learndyn/oracle/json_input.hpp>

#include <algorithm>
#include <cmath>
#include <set>
#include <vector>

#include <learndyn/common/input_error.hpp>

namespace learndyn::oracle {

namespace {

// nlohmann's messages start with "[json.exception.parse_error.101] "; users need the rest.
std::string without_exception_tag(const std::string& what) {
  const auto end = what.find("] ");
  return what.rfind("[json.exception.", 0) == 0 && end != std::string::npos ? what.substr(end + 2)
                                                                           : what;
}

// Keys seen so far in each open object, innermost last; the parser callback fills it.
struct DuplicateKeyGuard {
  std::vector<std::set<std::string>> open_objects;
  std::string duplicate;
};

// `path` + `.key`, or `["key"]` (escaped) for a key that is not a plain name: the path is part
// of a one-line message, and a key may hold a newline.
std::string member_path(const std::string& path, std::string_view key) {
  const bool plain = !key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
    return c >= ' ' && c < 0x7f && c != '"' && c != '\\' && c != '[' && c != ']';
  });
  return plain ? path + "." + std::string(key) : path + "[" + quoted_key(key) + "]";
}

// The JSON path of the value being parsed, from the parser's events, so that a fault found
// while parsing (a duplicate key, a number that overflows) is reported where it is.
class ParsePath {
 public:
  void on(Json::parse_event_t event, const Json& parsed) {
    using E = Json::parse_event_t;
    if (event == E::object_start || event == E::array_start) {
      begin_element();
      frames_.push_back({event == E::object_start, "", 0});
    } else if (event == E::object_end || event == E::array_end) {
      if (!frames_.empty()) frames_.pop_back();
    } else if (event == E::key && !frames_.empty()) {
      frames_.back().key = parsed.get<std::string>();
    } else if (event == E::value) {
      begin_element();
    }
  }
  // The path of the innermost open value: the last key of the innermost object, or the next
  // element of the innermost array (a scalar reports its event only once parsed).
  std::string path() const {
    std::string out = "$";
    for (std::size_t k = 0; k < frames_.size(); ++k) {
      const Frame& f = frames_[k];
      if (f.object) out = member_path(out, f.key);
      else out += "[" + std::to_string(k + 1 < frames_.size() ? f.begun - 1 : f.begun) + "]";
    }
    return out;
  }

 private:
  struct Frame {
    bool object;
    std::string key;     // the last key read (objects)
    std::size_t begun;   // the elements begun (arrays)
  };
  void begin_element() {
    if (!frames_.empty() && !frames_.back().object) ++frames_.back().begun;
  }
  std::vector<Frame> frames_;
};

}  // namespace

Json parse_json_strictly(std::string_view text, const std::string& file) {
  DuplicateKeyGuard guard;
  ParsePath at;
  int depth_exceeded = 0;
  const auto callback = [&](int depth, Json::parse_event_t event, Json& parsed) {
    using E = Json::parse_event_t;
    if (event != E::value) at.on(event, parsed);  // a key before its duplicate check
    if (depth > kMaxJsonDepth) {
      depth_exceeded = depth;
      throw std::runtime_error("depth");
    }
    if (event == E::object_start) guard.open_objects.emplace_back();
    if (event == E::object_end && !guard.open_objects.empty()) guard.open_objects.pop_back();
    if (event == E::key && !guard.open_objects.empty() &&
        !guard.open_objects.back().insert(parsed.get<std::string>()).second) {
      guard.duplicate = parsed.get<std::string>();
      throw std::runtime_error("duplicate");
    }
    if (event == E::value && parsed.is_number_float() && !std::isfinite(parsed.get<double>()))
      throw std::runtime_error("overflow");
    if (event == E::value) at.on(event, parsed);  // a scalar after its own check
    return true;
  };
  try {
    return Json::parse(text.begin(), text.end(), callback, /*allow_exceptions=*/true,
                       /*ignore_comments=*/false);
  } catch (const Json::out_of_range& e) {  // a number that overflows (out_of_range.406)
    throw InputError(file, at.path(), without_exception_tag(e.what()));
  } catch (const Json::exception& e) {  // syntax: nlohmann names the line and column
    throw InputError(file, "", without_exception_tag(e.what()));
  } catch (const std::runtime_error& e) {
    const std::string why = e.what();
    if (why == "depth")
      throw InputError(file, "", "nesting deeper than " + std::to_string(kMaxJsonDepth) + " levels");
    if (why == "duplicate") throw InputError(file, at.path(), "duplicate key \"" + guard.duplicate + "\"");
    if (why == "overflow") throw InputError(file, at.path(), "a number overflows double precision");
    throw;
  }
}

std::string describe_type(const Json& value) {
  switch (value.type()) {
    case Json::value_t::null:
      return "null";
    case Json::value_t::object:
      return "an object";
    case Json::value_t::array:
      return "an array";
    case Json::value_t::string:
      return "a string";
    case Json::value_t::boolean:
      return "a boolean";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
    case Json::value_t::number_float:
      return "a number";
    default:
      return "an unsupported value";
  }
}

std::string quoted_key(std::string_view key) {
  const bool cut = key.size() > 64;
  const std::string text =
      Json(std::string(key.substr(0, 64))).dump(-1, ' ', false, Json::error_handler_t::replace);
  return cut ? text.substr(0, text.size() - 1) + "...\"" : text;
}

void JsonCursor::fail(const std::string& message) const { throw InputError(file_, path_, message); }

const Json& JsonCursor::object() const {
  if (!value_->is_object()) fail("expected an object, found " + describe_type(*value_));
  return *value_;
}

const Json& JsonCursor::array() const {
  if (!value_->is_array()) fail("expected an array, found " + describe_type(*value_));
  return *value_;
}

bool JsonCursor::has(std::string_view key) const { return object().contains(key); }

JsonCursor JsonCursor::member(std::string_view key) const {
  const Json& o = object();
  const auto it = o.find(key);
  if (it == o.end()) fail("missing required key \"" + std::string(key) + "\"");
  return JsonCursor(*it, file_, member_path(path_, key));
}

JsonCursor JsonCursor::element(std::size_t index) const {
  return JsonCursor(array().at(index), file_, path_ + "[" + std::to_string(index) + "]");
}

std::string JsonCursor::string() const {
  if (!value_->is_string()) fail("expected a string, found " + describe_type(*value_));
  return value_->get<std::string>();
}

bool JsonCursor::boolean() const {
  if (!value_->is_boolean()) fail("expected true or false, found " + describe_type(*value_));
  return value_->get<bool>();
}

double JsonCursor::number() const {
  if (!value_->is_number()) fail("expected a number, found " + describe_type(*value_));
  return value_->get<double>();
}

void JsonCursor::only_keys(const std::vector<std::string_view>& allowed) const {
  for (const auto& item : object().items()) {
    if (std::find(allowed.begin(), allowed.end(), item.key()) != allowed.end()) continue;
    std::string names;
    for (const std::string_view key : allowed) names += (names.empty() ? "" : ", ") + std::string(key);
    member(item.key()).fail("unknown key; allowed here: " + names);
  }
}

long JsonCursor::integer(long lo, long hi) const {
  if (!value_->is_number_integer() && !value_->is_number_unsigned())
    fail("expected an integer, found " + describe_type(*value_));
  if (value_->is_number_unsigned() && value_->get<unsigned long long>() > static_cast<unsigned long long>(hi))
    fail("expected an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
  const long v = value_->get<long>();
  if (v < lo || v > hi)
    fail("expected an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) +
         "], found " + std::to_string(v));
  return v;
}

}  // namespace learndyn::oracle
