// .npz archives: the ZIP structure (end records, ZIP64, central directory, local headers),
// deflate, CRC-32 and the .npy members. Whatever parses must survive a write and a re-read.
#include <cstddef>
#include <cstdint>

#include <learndyn/common/npz.hpp>
#include "fuzz/fuzz_target.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return learndyn::fuzz::run_guarded(data, size, [](std::string_view bytes) {
    const auto arrays = learndyn::parse_npz(bytes, "fuzz.npz");
    for (const auto& [name, a] : arrays) {
      std::size_t n = 1;
      for (const std::size_t d : a.shape) n *= d;
      learndyn::fuzz::check(n == a.data.size(), "element count disagrees with the shape");
      learndyn::fuzz::check(learndyn::valid_array_name(name), "an invalid member name was accepted");
    }
    for (const bool zip64 : {false, true}) {
      const auto again = learndyn::parse_npz(learndyn::serialize_npz(arrays, zip64), "rewritten.npz");
      learndyn::fuzz::check(again.size() == arrays.size(), "a rewritten archive lost or gained members");
      for (const auto& [name, a] : arrays) {
        const auto it = again.find(name);
        learndyn::fuzz::check(it != again.end() && it->second.shape == a.shape && it->second.data == a.data,
                              "a rewritten archive reads back different arrays");
      }
    }
  });
}
