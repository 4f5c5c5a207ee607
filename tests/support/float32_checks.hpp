// What the float32 operator tests of the recurrent (test_float32.cpp) and the attention
// (test_attention_fast.cpp) models share: the worst error / bound ratio of a block, and the
// block computed with a bfloat16 intermediate, the wrong precision the bounds must reject
// (proofs/ntk.md N57, N72).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

namespace learndyn::test {

// max_i |y32_i - y64_i| / bound_i over the entries that differ (infinite where the bound is 0).
inline double worst_ratio(const std::vector<double>& y32, const std::vector<double>& y64,
                          const std::vector<double>& bound) {
  double worst = 0;
  for (std::size_t i = 0; i < y32.size(); ++i) {
    const double e = std::abs(y32[i] - y64[i]);
    if (e == 0) continue;
    worst = std::max(worst, bound[i] > 0 ? e / bound[i] : std::numeric_limits<double>::infinity());
  }
  return worst;
}

// x rounded to bfloat16 (8 significant bits), round to nearest even, through float.
inline double to_bfloat16(double x) {
  float f = static_cast<float>(x);
  std::uint32_t bits;
  std::memcpy(&bits, &f, 4);
  bits += 0x7FFF + ((bits >> 16) & 1);
  bits &= 0xFFFF0000u;
  std::memcpy(&f, &bits, 4);
  return f;
}

// P K bf16(P* q) for m probes q: the float32 operator's NTK_S block with its middle block
// stored at bfloat16 precision.
template <class Operator>
std::vector<double> block_with_bfloat16_middle(const Operator& op, const std::vector<double>& q, int m) {
  std::vector<double> mid(q.size()), mid2(q.size()), out(q.size());
  op.apply_p_adjoint(q.data(), mid.data(), m);
  for (double& v : mid) v = to_bfloat16(v);
  op.apply_k(mid.data(), mid2.data(), m);
  op.apply_p(mid2.data(), out.data(), m);
  return out;
}

}  // namespace learndyn::test
