// .npy arrays: header grammar, sizes, data length, non-finite values.
#include <cstddef>
#include <cstdint>

#include <learndyn/common/npy.hpp>
#include "fuzz/fuzz_target.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return learndyn::fuzz::run_guarded(data, size, [](std::string_view bytes) {
    const learndyn::NpyArray a = learndyn::parse_npy(bytes, "fuzz.npy");
    std::size_t n = 1;
    for (const std::size_t d : a.shape) n *= d;
    learndyn::fuzz::check(n == a.data.size(), "element count disagrees with the shape");
  });
}
