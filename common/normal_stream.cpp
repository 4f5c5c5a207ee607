// The vectorised part of the normal stream (normal_stream.hpp, proofs/common.md C18). Compiled
// with -ffp-contract=off (common/CMakeLists.txt): every operation is the IEEE double operation
// written, elementwise over the pairs, so the SSE2, AVX2 and AVX-512 clones give the same bits.
#include <learndyn/common/normal_stream.hpp>

namespace learndyn::normal_stream_detail {

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
__attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#endif
void pair_block(std::uint64_t key, std::uint64_t first, std::size_t count, double* r2, double* c,
                double* s) {
  for (std::size_t i = 0; i < count; ++i) {
    const std::uint64_t base = key + (2 * (first + i) + 1) * kGamma;
    const double a = unit(mix(base)), b = unit(mix(base + kGamma));
    r2[i] = -2.0 * log_unit(1.0 - a);  // >= 0
    cos_sin_turns(b - 0.5, c[i], s[i]);
  }
}

}  // namespace learndyn::normal_stream_detail
