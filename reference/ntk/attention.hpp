// A single-block self-attention + MLP model in the implicit-constraint form (proofs/ntk.md
// N41-N44): per token t of sequence b the global state is (q, k, v, a, u, y),
//   q = W_q x, k = W_k x, v = W_v x                  (projections, d_a each)
//   a_t = sum_s softmax_s(q_t . k_s / sqrt(d_a)) v_s (one head, all tokens of the sequence;
//                                                     H heads on slices of width d_a / H: N65)
//   u = W_1 a + b_1                                  (MLP pre-activation, d_h)
//   y = W_2 tanh(u) + b_2                            (output, d_out)
// F(h, theta) = h - f(h, theta) = 0 with S = df/dh strictly lower block-triangular in the layer
// order q,k,v -> a -> u -> y (S^4 = 0), so P = I + S + S^2 + S^3 (N42). Weight sites: W_q, W_k,
// W_v on x, W_1 on [a; 1], W_2 on [tanh u; 1], each with B = identity into its own block:
// K = blockdiag(XX^T (x) I, XX^T (x) I, XX^T (x) I, 0, A1 A1^T (x) I, T1 T1^T (x) I) (N43).
//
// Reference only (templated, instantiated for double and real in attention.cpp); the state
// vector is ordered (b, t, block, component) with blocks [q k v a u y].
#pragma once

#include <cstdint>

#include <learndyn/common/scalar.hpp>  // learndyn::real, the 50-digit scalar this is instantiated for
#include <learndyn/reference/ntk/model.hpp>

namespace learndyn::reference::ntk {

struct AttentionShape {
  int inputs = 1;     // d_in
  int attention = 1;  // d_a
  int mlp = 1;        // d_h
  int outputs = 1;    // d_out
  int heads = 1;      // H, dividing d_a: head j reads components [j d_k, (j+1) d_k), d_k = d_a / H (N65)
  int head_width() const { return attention / heads; }
  int state_size() const { return 4 * attention + mlp + outputs; }
  int parameter_count() const {
    return 3 * attention * inputs + mlp * attention + mlp + outputs * mlp + outputs;
  }
};

// theta = [W_q, W_k, W_v (d_a x d_in each), W_1 (d_h x d_a), b_1, W_2 (d_out x d_h), b_2],
// row-major.
template <class Real>
struct AttentionModel {
  AttentionShape shape;
  Vector<Real> theta;
};

// x: (B T) x d_in, rows (b, t).
template <class Real>
AttentionModel<Real> random_attention(const AttentionShape& shape, std::uint64_t seed);

// The forward pass: the global state vector (length B T state_size).
template <class Real>
Vector<Real> attention_forward(const AttentionModel<Real>& model, const Matrix<Real>& x, int batch, int steps);

// dh/dtheta of the global state by forward-mode tangents (N33), and G = df/dtheta at fixed h.
template <class Real>
Matrix<Real> attention_jacobian_forward_mode(const AttentionModel<Real>& model, const Matrix<Real>& x,
                                             int batch, int steps);
template <class Real>
Matrix<Real> attention_parameter_jacobian(const AttentionModel<Real>& model, const Matrix<Real>& x,
                                          int batch, int steps);

// The linearisation at one forward pass: the operators S, S*, P, P*, K and NTK_S = P K P*.
template <class Real>
class AttentionNtk {
 public:
  AttentionNtk(const AttentionModel<Real>& model, const Matrix<Real>& x, int batch, int steps);
  Eigen::Index dimension() const { return state_.size(); }
  Vector<Real> apply_s(const Vector<Real>& q) const;
  Vector<Real> apply_s_adjoint(const Vector<Real>& q) const;
  Vector<Real> apply_p(const Vector<Real>& q) const;
  Vector<Real> apply_p_adjoint(const Vector<Real>& q) const;
  Vector<Real> apply_k(const Vector<Real>& q) const;
  Vector<Real> apply_ntk(const Vector<Real>& q) const;
  // The site variables V = [X | A 1 | tanh(U) 1] (N43), rows (b, t).
  const Matrix<Real>& inputs() const { return x_; }

 private:
  AttentionShape shape_;
  int batch_, steps_;
  Matrix<Real> x_, w1_, w2_;
  Vector<Real> state_;
  std::vector<Matrix<Real>> probs_;  // softmax weights per (sequence, head), index b H + j (T x T)
};

}  // namespace learndyn::reference::ntk
