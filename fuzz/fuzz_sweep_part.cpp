// The parts of a sharded sweep (`--shard k/n`, read by `learndyn merge`; experiments/sweep.hpp,
// proofs/common.md C13-C15): the strict JSON, the schema, the shard's items and the hex floats.
// Whatever reads must write back to the same text (part_json is the only writer, and the reader
// keeps all it wrote), and a part of a one-shard sweep must merge to its own records.
#include <cstddef>
#include <cstdint>
#include <string>

#include <learndyn/experiments/sweep.hpp>
#include "fuzz/fuzz_target.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return learndyn::fuzz::run_guarded(data, size, [](std::string_view bytes) {
    namespace ex = learndyn::experiments;
    using learndyn::fuzz::check;
    const ex::SweepPart part = ex::read_part(bytes, "fuzz.json");
    const std::string text = ex::part_json(part);
    const ex::SweepPart again = ex::read_part(text, "fuzz.json");
    check(ex::part_json(again) == text, "a part read back writes the same text");
    check(again.results.size() == part.results.size() && again.shard == part.shard, "the same shard and items");
    if (part.shard.count == 1) {
      const std::vector<ex::ItemRecord> records = ex::merge_parts({part}, {"fuzz.json"}, part.learndyn);
      check(records.size() == part.items, "one shard holds every item");
      for (std::size_t i = 0; i < records.size(); ++i) check(records[i].item == i, "the records in item order");
    }
  });
}
