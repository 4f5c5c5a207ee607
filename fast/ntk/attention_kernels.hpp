// The GEMM-bound parts of the fast self-attention NTK (proofs/ntk.md N43, N46): S, P = (I-S)^{-1}
// and their adjoints on one (probe, sequence) pair, and K on one probe. Only raw pointers cross
// this interface: the kernels are compiled twice, for x86-64-v3 (AVX2 + FMA,
// attention_kernels_avx2.cpp) and generic x86-64 (attention_kernels_generic.cpp), each TU with
// Eigen in its own namespace (Eigen's GEMM is chosen at compile time; the same scheme as
// kernels.hpp), and `attention_kernels()` picks the AVX2 build at run time when the CPU has it.
#pragma once

namespace learndyn::fast::ntk::detail {

// The linearisation of one forward pass (N41-N43); every matrix row-major. S is the working
// precision: double, or float for the float32 path (a copy rounded once from the double
// linearisation, N68).
template <class S>
struct BasicAttentionData {
  int batch, steps, inputs, attention, mlp, outputs;
  S scale;                      // 1 / sqrt(d_k), d_k = d_a / heads
  const S *q, *k, *v;           // (B T) x d_a, rows (b, t)
  const S* probs;               // B H blocks of T x T: p_ts of sequence b, head j at block b H + j
  const S* tanh_prime;          // (B T) x d_h
  const S *w1, *w2;             // d_h x d_a, d_out x d_h
  const S *x, *a1, *t1;         // site variables (B T) x d_in, x (d_a + 1), x (d_h + 1)
  int heads = 1;                // H (N65): the attention mixing is block-diagonal over heads (N66)
  // The magnitude operators of N71 (data already |.|): the softmax centering's subtraction is
  // an addition, so the operators sum the absolute values of their product terms.
  bool absolute = false;
};
using AttentionData = BasicAttentionData<double>;
using AttentionData32 = BasicAttentionData<float>;

struct AttentionKernels {
  const char* name;
  // (N42, N46) on pair (probe p, sequence b), pair = p B + b: S (p_op false) or P (true); the
  // pair's rows of `in` and `out` (row-major T x D at pair T D).
  void (*forward_pair)(const AttentionData&, bool p_op, const double* in, double* out, int pair);
  // S* or P*.
  void (*backward_pair)(const AttentionData&, bool p_op, const double* in, double* out, int pair);
  // (N43) K on one probe: in and out are its (B T) x D row-major state.
  void (*k_probe)(const AttentionData&, const double* in, double* out);
  // The float32 path (N68): the same kernels in working precision float. A double input is
  // rounded to float as the pair is loaded, a float result widened (exactly) as it is stored.
  // NTK_S = P K P* runs P* into a float block, K on it in place, P out of it.
  void (*forward_pair32)(const AttentionData32&, bool p_op, const double* in, double* out, int pair);
  void (*backward_pair32)(const AttentionData32&, bool p_op, const double* in, double* out, int pair);
  void (*backward_pair32_to_block)(const AttentionData32&, const double* in, float* out, int pair);  // P*
  void (*k_probe32_in_block)(const AttentionData32&, float* probe);  // K on one probe's float state, in place
  void (*forward_pair32_from_block)(const AttentionData32&, const float* in, double* out, int pair);  // P
};

// The AVX2+FMA build when the CPU has it, else the generic build.
const AttentionKernels& attention_kernels();
const AttentionKernels& generic_attention_kernels();

}  // namespace learndyn::fast::ntk::detail
