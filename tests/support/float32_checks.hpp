// What the float32 operator tests of the recurrent (test_float32.cpp) and the attention
// (test_attention_fast.cpp) models share: the componentwise bound of a float32 block, the NTK_S
// block of an operator, the worst error / bound ratio of a block, the block computed with a
// bfloat16 intermediate, the wrong precision the bounds must reject (proofs/ntk.md N57, N72),
// and Hutchinson's estimates in both precisions with the bounds N58 propagates to them.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

#include <rapidcheck.h>

#include <learndyn/fast/ntk/estimators.hpp>
#include <learndyn/fast/ntk/operators.hpp>

namespace learndyn::test {

// (N57, N72) The componentwise bound of |fl32(A q) - fl64(A q)| of a depth-D float32 path:
// (gamma_D(u32) + gamma_D(u64)) M, M the exact magnitude |P||K||P*||q|, of which the double
// evaluation M^ (`magnitude`: absolute_ntk_block of the float64 operator) is within
// gamma_D(u64) (all its terms are non-negative): M <= M^ / (1 - gamma_D(u64)).
inline std::vector<double> float32_block_bound(std::vector<double> magnitude, long depth) {
  namespace fn = learndyn::fast::ntk;
  const double g64 = fn::gamma_of(depth, fn::kFloat64UnitRoundoff);
  const double scale = (fn::gamma_of(depth, fn::kFloat32UnitRoundoff) + g64) / (1 - g64);
  for (double& b : magnitude) b *= scale;
  return magnitude;
}

// The NTK_S block of `op` on the m probes q.
template <class Operator>
std::vector<double> ntk_block(const Operator& op, const std::vector<double>& q, int m) {
  std::vector<double> out(q.size());
  op.apply_ntk(q.data(), out.data(), m);
  return out;
}

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

// The worst error / bound (worst_ratio) against the float64 block of f64 on the m probes q, of
// the float32 block of f32 and of the same block with its middle at bfloat16 (the check's teeth).
struct BlockRatios {
  double float32, bfloat16_middle;
};
template <class Operator>
BlockRatios float32_and_bfloat16_ratios(const Operator& f64, const Operator& f32, const std::vector<double>& q, int m,
                                        const std::vector<double>& bound) {
  const std::vector<double> y64 = ntk_block(f64, q, m);
  return {worst_ratio(ntk_block(f32, q, m), y64, bound), worst_ratio(block_with_bfloat16_middle(f32, q, m), y64, bound)};
}

// (N58) Hutchinson's trace and tr A^2 by the library estimator (blocks of 16) on the float32
// operator f32 and on the float64 one f64, the same `probes` probes of `seed`: a RapidCheck
// property fails unless |float32 - float64| <= trace_bound for the trace and <= square_bound for
// tr A^2. Both bounds are accumulated over the probes the estimator draws (the float32 operator
// sees them), from the componentwise block bound bound(in, m) (N57, N72), plus g, the double
// reductions of both estimates. Returns the estimates and the bounds.
struct HutchinsonInBothPrecisions {
  learndyn::fast::ntk::RankEstimate float32, float64;
  double trace_bound, square_bound;
};
template <class Operator, class Bound>
HutchinsonInBothPrecisions hutchinson_within_bounds(const Operator& f64, const Operator& f32, int probes,
                                                    std::uint64_t seed, const Bound& bound) {
  namespace fn = learndyn::fast::ntk;
  const std::ptrdiff_t dim = f64.dimension();
  double trace_bound = 0, square_bound = 0, reduction = 0;
  const fn::SymmetricOperator a32{dim, [&](const double* in, double* out, int m) {
                                    f32.apply_ntk(in, out, m);
                                    std::vector<double> y64(static_cast<std::size_t>(dim) * m);
                                    f64.apply_ntk(in, y64.data(), m);
                                    const std::vector<double> e = bound(in, m);
                                    for (std::size_t i = 0; i < e.size(); ++i) {
                                      const double y = std::abs(y64[i]);
                                      trace_bound += std::abs(in[i]) * e[i];
                                      square_bound += e[i] * (2 * y + e[i]);
                                      reduction += std::abs(in[i]) * (y + e[i]) + (y + e[i]) * (y + e[i]);
                                    }
                                  }};
  const fn::SymmetricOperator a64{dim, [&](const double* in, double* out, int m) { f64.apply_ntk(in, out, m); }};
  HutchinsonInBothPrecisions h{fn::hutchinson(a32, probes, seed, 16), fn::hutchinson(a64, probes, seed, 16), 0, 0};
  const double g = 2 * fn::gamma_of(static_cast<long>(dim) * probes + 2, fn::kFloat64UnitRoundoff) * reduction / probes;
  h.trace_bound = trace_bound / probes + g;
  h.square_bound = square_bound / probes + g;
  RC_ASSERT(std::abs(h.float32.trace.value - h.float64.trace.value) <= h.trace_bound);
  RC_ASSERT(std::abs(h.float32.trace_of_square.value - h.float64.trace_of_square.value) <= h.square_bound);
  return h;
}

}  // namespace learndyn::test
