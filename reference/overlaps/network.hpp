// The full N-dimensional rank-R network (proofs/overlaps.md §1, O1-O4, and §7, O23): forward
// pass, loss, exact gradient with respect to every vector by backpropagation through time,
// one SGD step at rate N lr, and the GL(N) charge K (O31). This is the ground truth of the
// overlap theory: it never uses overlaps.
//
// Reference implementation: templated on the scalar, instantiated for double, real (50
// digits) and real_hi (100 digits) in network.cpp (and the training path, activation, network_loss and
// network_gradient, at float: the float32 run of `overlaps audit`, proofs/overlaps_experiments.md E22).
#pragma once

#include <cstdint>
#include <vector>

#include <learndyn/common/scalar.hpp>  // learndyn::real, the 50-digit scalar this is instantiated for
#include <learndyn/reference/overlaps/tasks.hpp>

namespace learndyn::reference::overlaps {

// phi of (O3): identity, erf(sqrt(pi) x / 2) (phi'(0) = 1, closed-form gain), tanh.
enum class Activation { linear, erf, tanh };

// (O2): y_k = z.h_{k+1}/N (the linear runs) or y_k = z.phi(h_k)/N (the nonlinear runs).
enum class Readout { after_update, before_update };

// Model settings shared by the network and its overlap theory: rank R >= 1, Euler step
// 0 < dt <= 1 (tau = 1), activation and readout.
template <class Real>
struct Model {
  int rank = 1;
  Real dt;
  Activation activation = Activation::linear;
  Readout readout = Readout::after_update;
};

// The public code's two conventions (O2): linear with the readout after the update, erf before it.
template <class Real>
Model<Real> linear_model(int rank, const Real& dt) {
  return {rank, dt, Activation::linear, Readout::after_update};
}
template <class Real>
Model<Real> erf_model(int rank, const Real& dt) {
  return {rank, dt, Activation::erf, Readout::before_update};
}

// Throws ArgumentError unless rank >= 1 and 0 < dt <= 1.
template <class Real>
void validate(const Model<Real>& model);

// phi(x), phi'(x) and phi'''(x) of (O3), (O10a).
template <class Real>
Real activation(Activation phi, const Real& x);
template <class Real>
Real activation_derivative(Activation phi, const Real& x);
template <class Real>
Real activation_third_derivative(Activation phi, const Real& x);

// The trained vectors: z (readout), m (input), U = [u_1..u_R], V = [v_1..v_R] (N x R).
template <class Real>
struct Network {
  Vector<Real> z;
  Vector<Real> m;
  Matrix<Real> U;
  Matrix<Real> V;
};

// N, R of a network (throws ArgumentError on inconsistent shapes, N = 0 or R = 0).
template <class Real>
int neuron_count(const Network<Real>& net);
template <class Real>
int network_rank(const Network<Real>& net);

// C = [z v_1..v_R m u_1..u_R] (N x (2R+2)), the canonical order of (O5), and back.
template <class Real>
Matrix<Real> columns(const Network<Real>& net);
template <class Real>
Network<Real> from_columns(const Matrix<Real>& C, int rank);

// The initialisation (O44): every vector iid N(0,1) then rescaled to |a|^2 = N (so
// sigma_aa = 1), drawn with common/random.hpp (same seed, same network at every precision
// up to the conversion of the doubles drawn).
template <class Real>
Network<Real> random_network(int neurons, int rank, std::uint64_t seed);

// Rows of C iid N(0, Sigma) (the mean-field assumption of O9): C = Z L^T with Z iid N(0,1)
// and L = Q Lambda^{1/2} from the eigendecomposition Sigma = Q Lambda Q^T (Sigma symmetric PSD,
// n x n with n = 2R+2; singular Sigma is allowed, negative eigenvalues beyond rounding are
// an ArgumentError).
template <class Real>
Network<Real> gaussian_network(int neurons, const Matrix<Real>& sigma, std::uint64_t seed);

// Outputs y (B x T) of (O1)-(O2) on every trial.
template <class Real>
Matrix<Real> network_outputs(const Model<Real>& model, const Network<Real>& net,
                             const Task<Real>& task);

// States h_0..h_T (N x (T+1)) of trial `trial`.
template <class Real>
Matrix<Real> network_states(const Model<Real>& model, const Network<Real>& net,
                            const Task<Real>& task, int trial);

template <class Real>
Real network_loss(const Model<Real>& model, const Network<Real>& net, const Task<Real>& task);

// dL/d(vector) for every vector by backpropagation through time (O23).
template <class Real>
struct NetworkGradient {
  Real loss;
  Network<Real> gradient;
};
template <class Real>
NetworkGradient<Real> network_gradient(const Model<Real>& model, const Network<Real>& net,
                                       const Task<Real>& task);

// One SGD step theta' = theta - N lr dL/dtheta on every vector (the public code's rate N lr).
// Requires lr > 0 finite.
template <class Real>
Network<Real> sgd_step(const Model<Real>& model, const Network<Real>& net, const Task<Real>& task,
                       const Real& lr);

// K = [z V][z V]^T - [m U][m U]^T (N x N), the GL(N) charge (O31).
template <class Real>
Matrix<Real> charge(const Network<Real>& net);

}  // namespace learndyn::reference::overlaps
