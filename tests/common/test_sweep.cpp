// Sweeps across machines (experiments/sweep.hpp; proofs/common.md C13-C15): the shards partition
// the items (C13), the parts carry every double exactly, and a toy sweep run as n shards, written,
// read and merged assembles to exactly the values of the unsharded run (C14); bad shards and
// parts are refused with the file and JSON path of the fault.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <learndyn/common/argument_error.hpp>
#include <learndyn/common/input_error.hpp>
#include <learndyn/common/random.hpp>
#include <learndyn/experiments/sweep.hpp>

namespace {

namespace ex = learndyn::experiments;

bool same_bits(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  return std::memcmp(&a, &b, sizeof a) == 0;
}

// A toy sweep: item i's result is a few draws of an Rng seeded by (seed, i) alone (C13), and the
// assembly a sum and the list of every item's first draw, in item order.
struct Toy {
  std::uint64_t seed = 7;
  std::size_t items = 11;
};
struct ToyOutput {
  std::vector<double> firsts;
  double total = 0;
};
ToyOutput run_toy(const Toy& t, ex::SweepContext* sweep) {
  const std::vector<std::size_t> mine = ex::sweep_select(sweep, t.items, [](std::size_t i) { return "item " + std::to_string(i); });
  std::vector<std::vector<double>> results(t.items);
  for (std::size_t i : mine) {
    learndyn::Rng rng(t.seed * 1000003 + i);
    for (std::size_t k = 0; k <= i % 3; ++k) results[i].push_back(rng.normal());
  }
  ex::sweep_complete(
      sweep, results, mine,
      [](const std::vector<double>& r) {
        ex::ItemRecord record;
        record.add("draws", r);
        return record;
      },
      [](const ex::ItemRecord& record, std::vector<double>& r) { r = record.at("draws"); });
  ToyOutput out;
  for (const auto& r : results) {
    out.firsts.push_back(r.front());
    for (double x : r) out.total += x;
  }
  return out;
}

// The part of shard `s` of the toy sweep, as text.
std::string toy_part(const Toy& t, ex::Shard s, std::vector<std::string> arguments = {"--seed=7"}) {
  ex::SweepContext context = ex::SweepContext::for_shard(s);
  EXPECT_THROW(run_toy(t, &context), ex::ShardComplete);
  return ex::part_json({"1.0", "toy", std::move(arguments), s, context.total(), context.records()});
}

TEST(Sweep, ParseShard) {
  EXPECT_EQ(ex::parse_shard("0/1"), (ex::Shard{0, 1}));
  EXPECT_EQ(ex::parse_shard("9/10"), (ex::Shard{9, 10}));
  EXPECT_EQ(ex::shard_text(ex::parse_shard("3/4")), "3/4");
  for (const char* bad : {"", "1", "/", "1/", "/3", "3/3", "4/3", "0/0", "-1/3", "1/-3", "+1/3", " 1/3", "1/3 ", "1/3/4",
                          "a/3", "0/1000001", "0x1/3", "1.0/3"}) {
    try {
      ex::parse_shard(bad);
      ADD_FAILURE() << "accepted '" << bad << "'";
    } catch (const learndyn::ArgumentError& e) {
      EXPECT_EQ(e.parameter(), "shard") << bad;
    }
  }
}

RC_GTEST_PROP(Sweep, ShardsPartitionTheItems, ()) {
  const auto total = *rc::gen::inRange<std::size_t>(0, 300);
  const long n = *rc::gen::inRange<long>(1, 40);
  std::vector<int> seen(total, 0);
  for (long k = 0; k < n; ++k) {
    const std::vector<std::size_t> items = ex::shard_items(total, {k, n});
    for (std::size_t j = 0; j < items.size(); ++j) {
      RC_ASSERT(items[j] % static_cast<std::size_t>(n) == static_cast<std::size_t>(k));
      if (j) RC_ASSERT(items[j] > items[j - 1]);
      ++seen.at(items[j]);
    }
  }
  for (int c : seen) RC_ASSERT(c == 1);
}

RC_GTEST_PROP(Sweep, HexDoublesRoundTripExactly, (std::uint64_t bits)) {
  double x;
  std::memcpy(&x, &bits, sizeof x);
  const std::string text = ex::hex_double(x);
  RC_ASSERT(same_bits(ex::parse_hex_double(text, "f", "$"), x));
}

TEST(Sweep, HexDoublesOnlyInTheirOwnForm) {
  for (double x : {0.0, -0.0, 1.0, 0.1, -2.5e-310, std::numeric_limits<double>::max(), std::numeric_limits<double>::infinity(),
                   -std::numeric_limits<double>::infinity()})
    EXPECT_TRUE(same_bits(ex::parse_hex_double(ex::hex_double(x), "f", "$"), x)) << x;
  EXPECT_TRUE(std::isnan(ex::parse_hex_double("nan", "f", "$")));
  for (const char* bad : {"", "0", "1.5", "0X1P+0", "0x1p0", "0x1.8p+1 ", " 0x1p+0", "0x2p+0", "infinity", "NaN", "0x1p+99999"}) {
    try {
      ex::parse_hex_double(bad, "part.json", "$.results[0].values.x[0]");
      ADD_FAILURE() << "accepted '" << bad << "'";
    } catch (const learndyn::InputError& e) {
      EXPECT_EQ(e.file(), "part.json");
      EXPECT_EQ(e.position(), "$.results[0].values.x[0]");
    }
  }
}

// C14: any n, parts in any order, merge = the unsharded run, bit for bit.
TEST(Sweep, MergedShardsAssembleTheUnshardedValues) {
  const Toy t;
  const ToyOutput full = run_toy(t, nullptr);
  for (long n : {1L, 2L, 3L, 5L, 11L, 13L}) {
    std::vector<ex::SweepPart> parts;
    std::vector<std::string> files;
    for (long k = n - 1; k >= 0; --k) {
      files.push_back("part" + std::to_string(k) + ".json");
      parts.push_back(ex::read_part(toy_part(t, {k, n}), files.back()));
    }
    ex::SweepContext merged = ex::SweepContext::for_merge(ex::merge_parts(parts, files, "1.0"));
    const ToyOutput out = run_toy(t, &merged);
    ASSERT_EQ(out.firsts.size(), full.firsts.size());
    for (std::size_t i = 0; i < out.firsts.size(); ++i) EXPECT_TRUE(same_bits(out.firsts[i], full.firsts[i])) << n << " " << i;
    EXPECT_TRUE(same_bits(out.total, full.total)) << n;
  }
}

TEST(Sweep, PartRoundTrip) {
  const Toy t;
  const std::string text = toy_part(t, {1, 3});
  const ex::SweepPart p = ex::read_part(text, "p.json");
  EXPECT_EQ(p.command, "toy");
  EXPECT_EQ(p.learndyn, "1.0");
  EXPECT_EQ(p.arguments, std::vector<std::string>{"--seed=7"});
  EXPECT_EQ(p.shard, (ex::Shard{1, 3}));
  EXPECT_EQ(p.items, t.items);
  ASSERT_EQ(p.results.size(), 4u);  // 1, 4, 7, 10
  EXPECT_EQ(p.results[3].item, 10u);
  EXPECT_EQ(p.results[3].id, "item 10");
  EXPECT_EQ(ex::part_json(p), text);  // the reader keeps all the writer wrote
}

// The message of the InputError or ArgumentError `f` throws ("" when it throws none).
template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const learndyn::InputError& e) {
    return e.what();
  } catch (const learndyn::ArgumentError& e) {
    return e.what();
  }
  return "";
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const std::size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return at == std::string::npos ? text : text.replace(at, from.size(), to);
}

TEST(Sweep, BadPartsNameFileAndPath) {
  const Toy t;
  const std::string good = toy_part(t, {0, 2});
  const auto read = [](const std::string& text) { return error_of([&] { ex::read_part(text, "p.json"); }); };
  EXPECT_EQ(read(good), "");
  EXPECT_NE(read(good + "x").find("p.json: parse error"), std::string::npos);
  EXPECT_NE(read(replaced(good, "\"version\": 1,", "\"version\": 1, \"version\": 1,")).find("p.json:$.version: duplicate key"),
            std::string::npos);
  EXPECT_NE(read(replaced(good, "\"version\": 1", "\"version\": 2")).find("p.json:$.version"), std::string::npos);
  EXPECT_NE(read(replaced(good, "\"format\": \"learndyn sweep part\"", "\"format\": \"x\"")).find("p.json:$.format"),
            std::string::npos);
  EXPECT_NE(read(replaced(good, "\"item\":2,", "\"item\":3,")).find("p.json:$.results[1].item"), std::string::npos);
  EXPECT_NE(read(replaced(good, "\"index\": 0", "\"index\": 2")).find("p.json:$.shard.index"), std::string::npos);
  EXPECT_NE(read(replaced(good, "\"items\": 11", "\"items\": 13")).find("p.json:$.results"), std::string::npos);
  EXPECT_NE(read(replaced(good, "\"items\": 11", "\"items\": \"11\"")).find("p.json:$.items"), std::string::npos);
  EXPECT_NE(read(replaced(good, "\"command\"", "\"extra\": 1, \"command\"")).find("p.json:$.extra"), std::string::npos);
  EXPECT_NE(read(replaced(good, "\"draws\":[", "\"draws\":[1,")).find("p.json:$.results[0].values.draws[0]"), std::string::npos);
}

std::string part_name(long k) {
  std::string name = std::to_string(k);
  name.insert(0, "p");
  return name.append(".json");
}

TEST(Sweep, MergeRefusesPartsOfOtherSweepsAndMissingOrRepeatedShards) {
  const Toy t;
  const auto part = [&](long k, long n, std::vector<std::string> args = {"--seed=7"}) {
    return ex::read_part(toy_part(t, {k, n}, std::move(args)), part_name(k));
  };
  const auto merge = [](std::vector<ex::SweepPart> parts, const std::string& version = "1.0") {
    std::vector<std::string> files;
    for (const auto& p : parts) files.push_back(part_name(p.shard.index));
    return error_of([&] { ex::merge_parts(parts, files, version); });
  };
  EXPECT_EQ(merge({part(0, 3), part(2, 3), part(1, 3)}), "");
  EXPECT_NE(merge({part(0, 3), part(2, 3)}).find("shard 1/3 is missing"), std::string::npos);
  EXPECT_NE(merge({part(0, 3), part(1, 3), part(1, 3), part(2, 3)}).find("shard 1/3 again"), std::string::npos);
  EXPECT_NE(merge({part(0, 3), part(1, 3, {"--seed=8"}), part(2, 3)}).find("p1.json:$.arguments"), std::string::npos);
  EXPECT_NE(merge({part(0, 3), part(1, 4), part(2, 3)}).find("p1.json:$.shard.count"), std::string::npos);
  EXPECT_NE(merge({part(0, 1)}, "2.0").find("p0.json:$.learndyn"), std::string::npos);
  ex::SweepPart other = part(1, 2);
  other.command = "other";
  EXPECT_NE(merge({part(0, 2), other}).find("p1.json:$.command"), std::string::npos);
}

TEST(Sweep, RowsRoundTripAndKeepTheirWidth) {
  ex::ItemRecord r;
  r.file = "p.json";
  r.path = "$.results[2]";
  const std::vector<std::vector<double>> rows{{1, 2, 3}, {4, 5, 6}};
  r.add_rows("t", rows);
  EXPECT_EQ(r.at("t").size(), 6u);
  EXPECT_EQ(r.rows("t", 3), rows);
  EXPECT_NE(error_of([&] { r.rows("t", 4); }).find("p.json:$.results[2].values.t: expected rows of 4"), std::string::npos);
  EXPECT_NE(error_of([&] { r.at("t", 5); }).find("p.json:$.results[2].values.t: expected 5 values"), std::string::npos);
}

// The merged records must be the items the experiment enumerates here.
TEST(Sweep, MergeChecksTheItemsAgainstTheExperiment) {
  Toy t;
  const std::vector<ex::SweepPart> parts{ex::read_part(toy_part(t, {0, 1}), "p.json")};
  t.items = 12;
  ex::SweepContext wrong_count = ex::SweepContext::for_merge(ex::merge_parts(parts, {"p.json"}, "1.0"));
  EXPECT_NE(error_of([&] { run_toy(t, &wrong_count); }).find("p.json:$.items"), std::string::npos);
  std::vector<ex::ItemRecord> records = ex::merge_parts(parts, {"p.json"}, "1.0");
  records[3].id = "item 4";
  ex::SweepContext wrong_id = ex::SweepContext::for_merge(records);
  t.items = 11;
  EXPECT_NE(error_of([&] { run_toy(t, &wrong_id); }).find("p.json:$.results[3].id"), std::string::npos);
}

}  // namespace
