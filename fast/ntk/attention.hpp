// The fast path (double, Eigen GEMM, threads) of the single-block self-attention + MLP model
// of reference/ntk/attention.hpp (proofs/ntk.md N41-N43, N45-N47): the forward pass and the
// matrix-free operators S, S*, P, P*, K and NTK_S = P K P* on blocks of m state vectors.
//
// Per token t of sequence b the global state is (q, k, v, a, u, y) (blocks in that order,
// D = 4 d_a + d_h + d_out entries): a state vector has index (b*T + t)*D + offset, and a block
// of m vectors is N x m column-major, N = B T D -- the conventions of fast::ntk::Ntk. That block
// is also a row-major (m B T) x D matrix whose rows are (p, b, t): every layer of the model is a
// column range of it, so no layout change is needed.
//
// P and P* are applied as forward / backward substitution through the layers (N46), one
// (probe, sequence) pair at a time; K (N43) one probe at a time, two GEMMs per site; those
// kernels are built for AVX2+FMA and for generic x86-64 (attention_kernels.hpp). The pairs
// (resp. probes) are split into chunks fixed by their count alone (ntk_chunk), and each pair's
// arithmetic does not depend on the others: results are bit-identical for any thread count.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include <Eigen/Core>

#include <learndyn/fast/ntk/estimators.hpp>
#include <learndyn/fast/ntk/operators.hpp>

namespace learndyn::fast::ntk {
namespace detail {  // the SIMD kernels (attention_kernels.hpp: internal, not installed)
struct AttentionKernels;
template <class S>
struct BasicAttentionData;
using AttentionData = BasicAttentionData<double>;
using AttentionData32 = BasicAttentionData<float>;
}  // namespace detail

struct AttentionShape {
  int inputs = 1;     // d_in
  int attention = 1;  // d_a (= d_model of the projections)
  int mlp = 1;        // d_h
  int outputs = 1;    // d_out
  int heads = 1;      // H, dividing d_a: head j on components [j d_k, (j+1) d_k), d_k = d_a / H (N65)
  int head_width() const { return attention / heads; }
  int state_size() const { return 4 * attention + mlp + outputs; }
  int parameter_count() const {
    return 3 * attention * inputs + mlp * attention + mlp + outputs * mlp + outputs;
  }
};

// theta = [W_q, W_k, W_v (d_a x d_in each), W_1 (d_h x d_a), b_1, W_2 (d_out x d_h), b_2],
// row-major: the reference's layout.
struct AttentionModel {
  AttentionShape shape;
  std::vector<double> theta;
};

struct AttentionInputs {
  int batch = 1, steps = 1;  // B sequences of T tokens
  std::vector<double> x;     // (B T) x d_in row-major, row b*T + t
};

// Throws ArgumentError naming the parameter on inconsistent sizes or non-finite values.
void validate(const AttentionModel& model, const AttentionInputs& inputs);

// The reference's draws (reference::ntk::random_attention): N(0, 1/fan_in) weights, biases
// N(0, 1/10).
AttentionModel random_attention(const AttentionShape& shape, std::uint64_t seed);
// Inputs x ~ N(0, 1) i.i.d. per (b, t, component).
AttentionInputs random_attention_inputs(const AttentionShape& shape, int batch, int steps, std::uint64_t seed);

// The global state (length B T D), index (b*T + t)*D + offset.
std::vector<double> attention_forward(const AttentionModel& model, const AttentionInputs& inputs);

class AttentionNtk {
 public:
  using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

  AttentionNtk(const AttentionModel& model, const AttentionInputs& inputs, NtkOptions options = {});
  ~AttentionNtk();
  AttentionNtk(const AttentionNtk&) = delete;  // data_ points into the members
  AttentionNtk& operator=(const AttentionNtk&) = delete;

  std::ptrdiff_t dimension() const { return dimension_; }  // N = B T D
  const AttentionShape& shape() const { return shape_; }
  int batch() const { return batch_; }
  int steps() const { return steps_; }
  const std::vector<double>& state() const { return state_; }
  const char* kernel_name() const;
  Precision precision() const { return precision_; }

  // out = A in for blocks of m vectors (N x m column-major); in and out may not overlap. Not
  // safe to call concurrently on one object (the NTK's scratch buffers are shared).
  void apply_s(const double* in, double* out, int m) const;
  void apply_s_adjoint(const double* in, double* out, int m) const;
  void apply_p(const double* in, double* out, int m) const;
  void apply_p_adjoint(const double* in, double* out, int m) const;
  void apply_k(const double* in, double* out, int m) const;
  void apply_ntk(const double* in, double* out, int m) const;

  // NTK_S and K as operators for the estimators (estimators.hpp); they refer to *this.
  SymmetricOperator ntk_operator() const;
  SymmetricOperator k_operator() const;

  // (N71) M = |P|' |K| |P*|' |q|: the operators of this linearisation with every datum replaced
  // by its absolute value and the softmax centering's subtraction by an addition, applied in
  // double (always, whatever the precision) to |q|; N x m like q.
  std::vector<double> absolute_ntk_block(const double* q, int m) const;

 private:
  enum class Layers { s, p };  // one application of S (S*), or the substitution for P (P*)
  void by_pairs(bool adjoint, Layers which, const double* in, double* out, int m) const;
  void make_float_copy();

  AttentionShape shape_;
  int batch_, steps_;
  std::ptrdiff_t dimension_;
  unsigned threads_;
  std::vector<double> state_;           // the forward pass
  RowMatrix w1_, w2_;                   // d_h x d_a, d_out x d_h
  RowMatrix q_, k_, v_, tanh_prime_;    // (B T) x d_a, d_a, d_a, d_h
  std::vector<double> probs_;           // per (sequence b, head j), index b H + j: T x T softmax weights p_ts
  RowMatrix x_, a1_, t1_;               // site variables (N43): X, [A 1], [tanh U 1], rows (b, t)
  const detail::AttentionKernels* kernels_;
  std::unique_ptr<detail::AttentionData> data_;  // pointers into the members above
  mutable std::vector<double> scratch_a_, scratch_b_;
  Precision precision_;
  // The float32 path (N68): the members above rounded once to float (empty for float64), the
  // kernels' view of them, and the float block between P* and P.
  std::vector<float> f32_;
  std::unique_ptr<detail::AttentionData32> data32_;
  mutable std::vector<float> scratch32_;
};

// (N71) The same as ntk.absolute_ntk_block(q, m): with attention_float32_depth, the bound of
// N72 |fl32(NTK_S q) - fl64(NTK_S q)| <= (gamma_D(u32) + gamma_D(u64)) M / (1 - gamma_D(u64)).
inline std::vector<double> absolute_ntk_block(const AttentionNtk& ntk, const double* q, int m) {
  return ntk.absolute_ntk_block(q, m);
}
// D of (N70): the most roundings on any path from a probe entry to an entry of the float32
// NTK_S block (P*, K, P in float; the probe rounded on load).
long attention_float32_depth(const AttentionShape& shape, int batch, int steps);

}  // namespace learndyn::fast::ntk
