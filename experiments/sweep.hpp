// Sweeps across machines (`--shard k/n` and `learndyn merge`; proofs/common.md C13-C15).
//
// A sweep's work items are enumerated in a fixed order, 0..total-1, by the experiment itself;
// item i belongs to shard i mod n (C13). Each item's result depends only on the sweep's inputs
// and the item's own index (its seed is derived from them, never from the items run before it),
// so a shard computes exactly the values the unsharded run computes for its items. A shard
// writes them, in full precision (hex floats), as a self-describing part; `merge` reads every
// part, checks that they are the n shards of one sweep, and hands the items' results back to
// the same experiment, which assembles its tables and summary from them as if it had computed
// them (C14): the same bytes as the unsharded run.
//
// This file knows nothing of any experiment: an experiment calls sweep_select() before its loop
// (the items to compute) and sweep_complete() after it (a shard stops there, a merge fills in
// every item), with the conversions of its item result to and from an ItemRecord.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace learndyn::experiments {

// --shard k/n: shard k of n, k = 0..n-1 (as Slurm's SLURM_ARRAY_TASK_ID counts).
struct Shard {
  long index = 0, count = 1;
  bool operator==(const Shard&) const = default;
};

inline constexpr long kMaxShards = 1000000;

// Parses "k/n" (decimal integers, 0 <= k < n, 1 <= n <= kMaxShards); throws ArgumentError
// naming `shard` and the allowed form.
Shard parse_shard(const std::string& text);
std::string shard_text(const Shard& shard);  // "k/n"

// The items of `shard` among 0..total-1 (i mod n == k), ascending (C13).
std::vector<std::size_t> shard_items(std::size_t total, const Shard& shard);

// One item's results: named arrays of doubles, in the experiment's order. A record read from a
// part also knows where it stood, so that a missing or misshapen value names file and path.
struct ItemRecord {
  std::size_t item = 0;
  std::string id;  // the experiment's name of the item ("rank 1, lr 0.001, seed 2")
  std::vector<std::pair<std::string, std::vector<double>>> values;
  std::string file, path;

  void add(std::string name, std::vector<double> v) { values.emplace_back(std::move(name), std::move(v)); }
  // The array `name`; with size >= 0 it must hold that many values. Throws InputError.
  const std::vector<double>& at(std::string_view name, long size = -1) const;
  double scalar(std::string_view name) const { return at(name, 1).front(); }
  // Rows of equal width (table rows, a trajectory), stored flat, and back.
  void add_rows(std::string name, const std::vector<std::vector<double>>& rows);
  std::vector<std::vector<double>> rows(std::string_view name, std::size_t width) const;
};

// Thrown by sweep_complete() in a shard once its items are recorded: the command writes the
// part instead of its output. Not a std::exception: only the shard's driver catches it.
struct ShardComplete {};

// What a sharded or merged command hands to its experiment.
class SweepContext {
 public:
  static SweepContext for_shard(Shard shard) { return SweepContext(shard, {}, false); }
  // `records`: every item's record, by item (as merge_parts returns them).
  static SweepContext for_merge(std::vector<ItemRecord> records) { return SweepContext({}, std::move(records), true); }

  bool merging() const { return merging_; }
  const Shard& shard() const { return shard_; }
  std::size_t total() const { return total_; }
  // A shard's records, after ShardComplete.
  const std::vector<ItemRecord>& records() const { return records_; }

  // The items this process computes: the shard's, or none when merging (after checking that
  // the parts hold `total` items whose ids are the experiment's: InputError otherwise).
  std::vector<std::size_t> select(std::size_t total, const std::function<std::string(std::size_t)>& id);

  // After the loop (results[i] computed for i in `computed`): a shard records them and throws
  // ShardComplete; a merge fills every results[i] from its record.
  template <class Result, class ToRecord, class FromRecord>
  void complete(std::vector<Result>& results, const std::vector<std::size_t>& computed, const ToRecord& to_record,
                const FromRecord& from_record) {
    if (merging_) {
      for (std::size_t i = 0; i < results.size(); ++i) from_record(records_.at(i), results[i]);
      return;
    }
    for (std::size_t i : computed) {
      ItemRecord r = to_record(results.at(i));
      r.item = i;
      r.id = ids_.at(i);
      records_.push_back(std::move(r));
    }
    throw ShardComplete{};
  }

 private:
  SweepContext(Shard shard, std::vector<ItemRecord> records, bool merging)
      : shard_(shard), records_(std::move(records)), merging_(merging) {}
  Shard shard_;
  std::vector<ItemRecord> records_;
  std::vector<std::string> ids_;
  std::size_t total_ = 0;
  bool merging_ = false;
};

// The experiments' two calls; a null context (an ordinary run) selects every item and
// completes nothing.
std::vector<std::size_t> sweep_select(SweepContext* context, std::size_t total,
                                      const std::function<std::string(std::size_t)>& id);
template <class Result, class ToRecord, class FromRecord>
void sweep_complete(SweepContext* context, std::vector<Result>& results, const std::vector<std::size_t>& computed,
                    const ToRecord& to_record, const FromRecord& from_record) {
  if (context) context->complete(results, computed, to_record, from_record);
}

// The common case of an item whose result is one table row of `width` values.
void sweep_complete_rows(SweepContext* context, std::vector<std::vector<double>>& rows,
                         const std::vector<std::size_t>& computed, std::size_t width);

// A shard's part: what defines the sweep (command, arguments; the program version that
// computed it), which shard, and its items' records.
struct SweepPart {
  std::string learndyn;                // the version of the learndyn that wrote it
  std::string command;                 // "ghost rnn-sweep"
  std::vector<std::string> arguments;  // the command's options that define the sweep, canonical
  Shard shard;
  std::size_t items = 0;               // the sweep's item count
  std::vector<ItemRecord> results;     // the shard's items, ascending
};

inline constexpr int kSweepPartVersion = 1;

// The part as JSON text (ends with a newline); every double as a C99 hex float string
// ("0x1.999999999999ap-4", "nan", "inf", "-inf"): exact.
std::string part_json(const SweepPart& part);

// Reads a part strictly (oracle::parse_json_strictly: duplicate keys, trailing bytes, wrong
// types, unknown keys, items that are not the shard's): InputError naming `file` and the path.
SweepPart read_part(std::string_view text, const std::string& file);

// Checks that `parts` (read from `files`) are the shards 0..n-1 of one sweep, each once, and
// that this program (`learndyn` version) wrote them; returns every item's record, by item.
// InputError naming the file (or ArgumentError naming the shard) otherwise.
std::vector<ItemRecord> merge_parts(const std::vector<SweepPart>& parts, const std::vector<std::string>& files,
                                    const std::string& learndyn);

// A double as the parts write it, and back (InputError naming file and path).
std::string hex_double(double x);
double parse_hex_double(std::string_view text, const std::string& file, const std::string& path);

}  // namespace learndyn::experiments
