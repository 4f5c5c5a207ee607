// Recurrent models in the implicit-constraint form F(h, theta) = 0 (proofs/ntk.md N1) and their
// linearisation: per-step gains of the state Jacobians (N17) and the weight-site variables and
// gains of the Kronecker core (N11-N16). Also the independent ground truths of the NTK: the
// dense Jacobian dh/dtheta by forward-mode tangents through the model equations (N33), the
// one-step parameter Jacobian G = df/dtheta at fixed previous states (N8), and central
// finite differences.
//
// Reference implementation: templated on the scalar, instantiated for double and real (50
// digits) in model.cpp.
//
// Layouts (PyTorch's, so that an exported torch.nn.GRU/RNN gives the same numbers):
//   theta = [vec(weight_ih) (G n x n_in, row-major), vec(weight_hh) (G n x n), bias_ih (G n),
//            bias_hh (G n)], G = 3 for the GRU (gate rows r, z, n), 1 for the RNNs; the biases
//            only when `bias`.
//   inputs x: (B T) x n_in, row b*T + (t-1) is x_{b,t};  states: vector of length B T n,
//            index (b*T + t-1)*n + i.
#pragma once

#include <cstdint>
#include <vector>

#include <Eigen/Core>

#include <learndyn/common/eigen_scalar.hpp>
#include <learndyn/common/scalar.hpp>  // learndyn::real, the 50-digit scalar this is instantiated for

namespace learndyn::reference::ntk {

template <class Real>
using Matrix = Eigen::Matrix<Real, Eigen::Dynamic, Eigen::Dynamic>;
template <class Real>
using Vector = Eigen::Matrix<Real, Eigen::Dynamic, 1>;

// rnn_rate (N13): h' = (1-a) h + a (W_hh tanh(h) + W_ih x + b_ih + b_hh)
// rnn_vanilla (N14): h' = (1-a) h + a tanh(W_hh h + W_ih x + b_ih + b_hh)   (a = 1: torch RNN)
// gru (N15): torch.nn.GRU, gates r, z, n.
enum class ModelKind { rnn_rate, rnn_vanilla, gru };

struct Shape {
  ModelKind kind = ModelKind::gru;
  int hidden = 1;  // n
  int inputs = 1;  // n_in
  bool bias = true;
};

int gate_count(const Shape& shape);      // G: 3 for the GRU, 1 otherwise
int parameter_count(const Shape& shape);  // G n (n_in + n) + 2 G n [bias]

template <class Real>
struct Model {
  Shape shape;
  Real alpha = 1;  // leak of the RNNs, 0 < alpha <= 1 (ignored by the GRU)
  Vector<Real> theta;
};

template <class Real>
struct Inputs {
  int batch = 1;   // B
  int steps = 1;   // T
  Matrix<Real> x;  // (B T) x n_in
  Matrix<Real> h0;  // B x n (zeros by default)
};

// Throws ArgumentError unless sizes are consistent and positive, 0 < alpha <= 1, values finite.
template <class Real>
void validate(const Model<Real>& model, const Inputs<Real>& inputs);

// Seeded random model: weights N(0, gain^2/fan_in) (Xavier-like), biases N(0, 0.1^2); inputs
// N(0,1); h0 = 0. Same seed -> same doubles converted to Real at every precision.
template <class Real>
Model<Real> random_model(const Shape& shape, const Real& alpha, const Real& gain,
                         std::uint64_t seed);
template <class Real>
Inputs<Real> random_inputs(const Shape& shape, int batch, int steps, std::uint64_t seed);

// The forward pass: states h_{b,t}, t = 1..T, as a state vector.
template <class Real>
Vector<Real> forward(const Model<Real>& model, const Inputs<Real>& inputs);

// A weight site (N11): rows of v (BT x d) and the diagonal gains g = df/da (BT x n), rows
// ordered (b, t) as the states.
template <class Real>
struct Site {
  Matrix<Real> v;
  Matrix<Real> gain;
};

// The linearisation at one trajectory (N17): J_{b,t} q = c (.) q + sum_j L_j (.) W_j (R (.) q),
// with c, L_j, R of size (BT) x n, row (b,t) = the factors of J_{b,t} = df/dh(h_{b,t-1}, x_{b,t}).
template <class Real>
struct Linearization {
  int batch = 0, steps = 0, hidden = 0;
  Matrix<Real> c;
  std::vector<Matrix<Real>> left;  // L_j
  std::vector<Matrix<Real>> w;     // W_j (n x n)
  Matrix<Real> right;              // R
  std::vector<Site<Real>> sites;   // the Kronecker core's sites (N13-N15)
  Matrix<Real> joint;              // V_joint of (N26): the core C_V (x) I_n
};

template <class Real>
Linearization<Real> linearize(const Model<Real>& model, const Inputs<Real>& inputs);

// Independent ground truths (N33): dense N x p matrices.
// dh/dtheta by forward-mode tangents (dual numbers through the model equations).
template <class Real>
Matrix<Real> state_jacobian_forward_mode(const Model<Real>& model, const Inputs<Real>& inputs);
// G = df/dtheta with every h_{b,t-1} held at the trajectory's value (dual numbers).
template <class Real>
Matrix<Real> one_step_parameter_jacobian(const Model<Real>& model, const Inputs<Real>& inputs);
// dh/dtheta by central differences with step `step` (use 1e-20 at 50 digits).
template <class Real>
Matrix<Real> state_jacobian_finite_differences(const Model<Real>& model,
                                               const Inputs<Real>& inputs, const Real& step);

}  // namespace learndyn::reference::ntk
