// Candidate values in JSON: parse, then check them against a small golden suite (exercises
// the comparison on whatever values the parser accepted).
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_target.hpp"
#include <learndyn/oracle/check.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return learndyn::fuzz::run_guarded(data, size, [](std::string_view text) {
    namespace o = learndyn::oracle;
    static const o::GoldenSuite golden{"fuzz", "default", 20, 50, 100, "",
                                       {{"a.b", "ghost", "", {}, "", {{"q", "1.5e-3", 20}, {"r", "-2", 20}}}}};
    const auto candidate = o::parse_candidate_json(text, "fuzz.json");
    const o::CheckResult result = o::check_candidate(golden, candidate, o::CheckOptions{}, "fuzz.json");
    learndyn::fuzz::check(result.passed + result.failed + result.missing + result.extra ==
                              static_cast<int>(result.rows.size()),
                          "check rows and counts disagree");
    (void)o::render_check_table(result);
  });
}
