#include <learndyn/experiments/sweep.hpp>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>

#include <learndyn/common/argument_error.hpp>
#include <learndyn/common/input_error.hpp>
#include <learndyn/oracle/json_input.hpp>

namespace learndyn::experiments {
namespace {

using oracle::Json;
using oracle::JsonCursor;

constexpr const char* kFormat = "learndyn sweep part";
constexpr long kMaxItems = 1000000000;

// A decimal integer of at most 7 digits (kMaxShards), nothing else.
bool parse_count(std::string_view text, long& out) {
  if (text.empty() || text.size() > 7) return false;
  out = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    out = out * 10 + (c - '0');
  }
  return true;
}

// The number of items of `shard` among `total`.
std::size_t shard_size(std::size_t total, const Shard& s) {
  const auto k = static_cast<std::size_t>(s.index), n = static_cast<std::size_t>(s.count);
  return total > k ? (total - k - 1) / n + 1 : 0;
}

}  // namespace

Shard parse_shard(const std::string& text) {
  const std::string allowed = "k/n with integers 0 <= k < n <= " + std::to_string(kMaxShards) + " (e.g. 0/4)";
  const std::size_t slash = text.find('/');
  Shard s;
  if (slash == std::string::npos || !parse_count(std::string_view(text).substr(0, slash), s.index) ||
      !parse_count(std::string_view(text).substr(slash + 1), s.count) || s.count < 1 || s.count > kMaxShards ||
      s.index >= s.count)
    throw ArgumentError("shard", "'" + text + "'", allowed);
  return s;
}

std::string shard_text(const Shard& s) { return std::to_string(s.index) + "/" + std::to_string(s.count); }

std::vector<std::size_t> shard_items(std::size_t total, const Shard& s) {
  std::vector<std::size_t> items;
  items.reserve(shard_size(total, s));
  for (std::size_t i = static_cast<std::size_t>(s.index); i < total; i += static_cast<std::size_t>(s.count))
    items.push_back(i);
  return items;
}

const std::vector<double>& ItemRecord::at(std::string_view name, long size) const {
  for (const auto& [key, v] : values)
    if (key == name) {
      if (size >= 0 && v.size() != static_cast<std::size_t>(size))
        throw InputError(file, path + ".values." + std::string(name),
                         "expected " + std::to_string(size) + " values, found " + std::to_string(v.size()));
      return v;
    }
  throw InputError(file, path + ".values", "missing " + oracle::quoted_key(name));
}

void ItemRecord::add_rows(std::string name, const std::vector<std::vector<double>>& rows) {
  std::vector<double> flat;
  for (const auto& row : rows) flat.insert(flat.end(), row.begin(), row.end());
  add(std::move(name), std::move(flat));
}

std::vector<std::vector<double>> ItemRecord::rows(std::string_view name, std::size_t width) const {
  const std::vector<double>& flat = at(name);
  if (width == 0 || flat.size() % width != 0)
    throw InputError(file, path + ".values." + std::string(name), "expected rows of " + std::to_string(width) + " values");
  std::vector<std::vector<double>> out;
  for (std::size_t k = 0; k < flat.size(); k += width) out.emplace_back(flat.begin() + static_cast<long>(k), flat.begin() + static_cast<long>(k + width));
  return out;
}

void sweep_complete_rows(SweepContext* context, std::vector<std::vector<double>>& rows,
                         const std::vector<std::size_t>& computed, std::size_t width) {
  sweep_complete(
      context, rows, computed,
      [](const std::vector<double>& row) {
        ItemRecord record;
        record.add("row", row);
        return record;
      },
      [width](const ItemRecord& record, std::vector<double>& row) { row = record.at("row", static_cast<long>(width)); });
}

std::vector<std::size_t> SweepContext::select(std::size_t total, const std::function<std::string(std::size_t)>& id) {
  total_ = total;
  if (!merging_) {
    std::vector<std::size_t> mine = shard_items(total, shard_);
    ids_.assign(total, std::string());
    for (std::size_t i : mine) ids_[i] = id(i);
    return mine;
  }
  // The parts were checked against each other (merge_parts); here against the sweep the
  // arguments define in this program.
  if (records_.size() != total) {
    const std::string file = records_.empty() ? std::string("merge") : records_.front().file;
    throw InputError(file, "$.items",
                     "the parts hold " + std::to_string(records_.size()) + " items, but their arguments define " +
                         std::to_string(total) + " here");
  }
  for (std::size_t i = 0; i < total; ++i) {
    const std::string expected = id(i);
    if (records_[i].id != expected)
      throw InputError(records_[i].file, records_[i].path + ".id",
                       "item " + std::to_string(i) + " of this sweep is '" + expected + "', not '" + records_[i].id + "'");
  }
  return {};
}

std::vector<std::size_t> sweep_select(SweepContext* context, std::size_t total,
                                      const std::function<std::string(std::size_t)>& id) {
  if (context) return context->select(total, id);
  std::vector<std::size_t> all(total);
  for (std::size_t i = 0; i < total; ++i) all[i] = i;
  return all;
}

std::string hex_double(double x) {
  if (std::isnan(x)) return "nan";
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%a", x);
  return buffer;
}

double parse_hex_double(std::string_view text, const std::string& file, const std::string& path) {
  if (text == "nan") return std::numeric_limits<double>::quiet_NaN();
  if (text == "inf") return std::numeric_limits<double>::infinity();
  if (text == "-inf") return -std::numeric_limits<double>::infinity();
  // Only what hex_double writes (its canonical text, so "1.5" or "0X1P0" are refused).
  const std::string s(text);
  char* end = nullptr;
  const double x = std::strtod(s.c_str(), &end);
  if (!s.empty() && end == s.c_str() + s.size() && std::isfinite(x) && hex_double(x) == s) return x;
  throw InputError(file, path, "expected a double as a hex float (\"0x1.8p+1\", \"nan\", \"inf\", \"-inf\") as written by --shard, found '" +
                                   (s.size() > 40 ? s.substr(0, 40) + "..." : s) + "'");
}

std::string part_json(const SweepPart& part) {
  Json j = Json::object();
  j["format"] = kFormat;
  j["version"] = kSweepPartVersion;
  j["learndyn"] = part.learndyn;
  j["command"] = part.command;
  j["arguments"] = part.arguments;
  j["shard"] = Json{{"index", part.shard.index}, {"count", part.shard.count}};
  j["items"] = part.items;
  // The header indented, then one item a line: readable, and a few bytes a value.
  std::string text = j.dump(1);
  text.pop_back();  // the closing brace
  text.pop_back();  // the newline before it
  text += ",\n \"results\": [";
  for (std::size_t k = 0; k < part.results.size(); ++k) {
    const ItemRecord& r = part.results[k];
    Json values = Json::object();
    for (const auto& [name, v] : r.values) {
      Json a = Json::array();
      for (double x : v) a.push_back(hex_double(x));
      values[name] = std::move(a);
    }
    text += (k ? ",\n  " : "\n  ") + Json{{"item", r.item}, {"id", r.id}, {"values", std::move(values)}}.dump();
  }
  text += part.results.empty() ? "]\n}\n" : "\n ]\n}\n";
  return text;
}

SweepPart read_part(std::string_view text, const std::string& file) {
  const Json doc = oracle::parse_json_strictly(text, file);
  const JsonCursor root(doc, file);
  root.only_keys({"format", "version", "learndyn", "command", "arguments", "shard", "items", "results"});
  if (root.member("format").string() != kFormat)
    root.member("format").fail("expected \"" + std::string(kFormat) + "\" (a file written by --shard)");
  if (root.member("version").integer(0, 1000000) != kSweepPartVersion)
    root.member("version").fail("expected " + std::to_string(kSweepPartVersion) + " (this learndyn's part format)");
  SweepPart part;
  part.learndyn = root.member("learndyn").string();
  part.command = root.member("command").string();
  const JsonCursor arguments = root.member("arguments");
  for (std::size_t k = 0; k < arguments.array().size(); ++k) part.arguments.push_back(arguments.element(k).string());
  const JsonCursor shard = root.member("shard");
  shard.only_keys({"index", "count"});
  part.shard.count = shard.member("count").integer(1, kMaxShards);
  part.shard.index = shard.member("index").integer(0, part.shard.count - 1);
  part.items = static_cast<std::size_t>(root.member("items").integer(0, kMaxItems));
  const JsonCursor results = root.member("results");
  const std::size_t expected = shard_size(part.items, part.shard);
  if (results.array().size() != expected)
    results.fail("expected the " + std::to_string(expected) + " items of shard " + shard_text(part.shard) + " of " +
                 std::to_string(part.items) + ", found " + std::to_string(results.array().size()));
  for (std::size_t k = 0; k < expected; ++k) {
    const JsonCursor at = results.element(k);
    at.only_keys({"item", "id", "values"});
    ItemRecord r;
    r.file = file;
    r.path = at.path();
    const long item = at.member("item").integer(0, kMaxItems);
    const std::size_t want = static_cast<std::size_t>(part.shard.index) + k * static_cast<std::size_t>(part.shard.count);
    if (static_cast<std::size_t>(item) != want)
      at.member("item").fail("expected item " + std::to_string(want) + " (the items of shard " + shard_text(part.shard) +
                             " ascending: k, k+n, k+2n, ...)");
    r.item = want;
    r.id = at.member("id").string();
    const JsonCursor values = at.member("values");
    for (const auto& [name, array] : values.object().items()) {
      const JsonCursor a = values.member(name);
      std::vector<double> v;
      v.reserve(a.array().size());
      for (std::size_t e = 0; e < a.array().size(); ++e) {
        const JsonCursor x = a.element(e);
        v.push_back(parse_hex_double(x.string(), file, x.path()));
      }
      r.add(name, std::move(v));
    }
    part.results.push_back(std::move(r));
  }
  return part;
}

std::vector<ItemRecord> merge_parts(const std::vector<SweepPart>& parts, const std::vector<std::string>& files,
                                    const std::string& learndyn) {
  if (parts.empty()) throw ArgumentError("PART", "(none)", "the part files of one sweep");
  const SweepPart& first = parts.front();
  if (first.learndyn != learndyn)
    throw InputError(files[0], "$.learndyn",
                     "written by learndyn " + first.learndyn + "; merge with that version (this is " + learndyn + ")");
  std::vector<std::size_t> owner(static_cast<std::size_t>(first.shard.count), parts.size());
  for (std::size_t p = 0; p < parts.size(); ++p) {
    const SweepPart& q = parts[p];
    const auto differs = [&](const std::string& field, const std::string& what) {
      throw InputError(files[p], "$." + field, "not the sweep of " + files[0] + " (" + what + ")");
    };
    if (q.learndyn != first.learndyn) differs("learndyn", "learndyn " + q.learndyn + " vs " + first.learndyn);
    if (q.command != first.command) differs("command", "'" + q.command + "' vs '" + first.command + "'");
    if (q.arguments != first.arguments) differs("arguments", "other arguments");
    if (q.shard.count != first.shard.count)
      differs("shard.count", std::to_string(q.shard.count) + " shards vs " + std::to_string(first.shard.count));
    if (q.items != first.items) differs("items", std::to_string(q.items) + " items vs " + std::to_string(first.items));
    std::size_t& seen = owner[static_cast<std::size_t>(q.shard.index)];
    if (seen != parts.size())
      throw InputError(files[p], "$.shard", "shard " + shard_text(q.shard) + " again (also in " + files[seen] + ")");
    seen = p;
  }
  for (std::size_t k = 0; k < owner.size(); ++k)
    if (owner[k] == parts.size())
      throw ArgumentError("PART", "(" + std::to_string(parts.size()) + " files)",
                          "every shard 0.." + std::to_string(first.shard.count - 1) + " of " + std::to_string(first.shard.count) +
                              " once: shard " + shard_text({static_cast<long>(k), first.shard.count}) + " is missing");
  std::vector<ItemRecord> records(first.items);
  for (std::size_t k = 0; k < owner.size(); ++k)
    for (const ItemRecord& r : parts[owner[k]].results) records[r.item] = r;
  return records;
}

}  // namespace learndyn::experiments
