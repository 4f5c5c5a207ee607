// Golden documents: parse, and a parsed suite must survive the round trip through JSON.
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_target.hpp"
#include <learndyn/oracle/golden.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return learndyn::fuzz::run_guarded(data, size, [](std::string_view text) {
    namespace o = learndyn::oracle;
    const o::GoldenSuite suite = o::parse_golden(text, "fuzz.json");
    const std::string written = o::to_json_text(suite);
    learndyn::fuzz::check(o::to_json_text(o::parse_golden(written, "again.json")) == written,
                          "golden round trip is not stable");
  });
}
