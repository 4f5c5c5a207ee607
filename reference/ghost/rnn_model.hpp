// The rate RNN of the ghost paper's Sections III-IV (proofs/ghost_rnn.md §1-§2, R1-R8): full or
// rank-K recurrence, Euler map, the four readouts, one batch of trials, the forward pass and
// the loss (R9). The plainest correct algorithm, templated on the scalar.
//
// Reference implementation: instantiated for double and real (50 digits) in rnn_network.cpp.
#pragma once

#include <cmath>
#include <cstdint>
#include <vector>

#include <Eigen/Core>

#include <learndyn/common/eigen_scalar.hpp>
#include <learndyn/common/scalar.hpp>  // learndyn::real, the 50-digit scalar this is instantiated for

namespace learndyn::reference::ghost {

template <class Real>
using RnnMatrix = Eigen::Matrix<Real, Eigen::Dynamic, Eigen::Dynamic>;
template <class Real>
using RnnVector = Eigen::Matrix<Real, Eigen::Dynamic, 1>;

// tanh of every entry: the rate nonlinearity of (R1)-(R2), shared by the forward pass, the
// adjoint and the flow of the dynamical analysis. A plain loop, so that tanh is found by
// argument-dependent lookup for the multiprecision scalars.
template <class Real>
RnnVector<Real> tanh_of(const RnnVector<Real>& h) {
  using std::tanh;
  RnnVector<Real> out(h.size());
  for (Eigen::Index i = 0; i < h.size(); ++i) out(i) = tanh(h(i));
  return out;
}

// (R6)-(R8): latent sigmoid(beta (n.r - kappa_th)) (rank one), population sigmoid / tanh of
// w.r + b_out, and the confidence-fixed tanh(c (w.r + b_out) / |w|_1).
enum class RnnReadout { latent, sigmoid, tanh, confidence };

// (R5): the state read at output k: r_{k+1} (after the update; DA) or r_k (before; DCD/DMTS).
enum class ReadoutTiming { after_update, before_update };

// (R45)-(R46): the confidence readout's gradient. projected: |w|_1 held fixed (the public code
// rescales w, b_out to |w|_1 = c before each forward pass and the gradient does not flow through
// the norm); differentiated: the exact gradient of (R8) (R8a).
enum class ConfidenceReadout { projected, differentiated };

// Fixed (untrained) settings of the network.
template <class Real>
struct RnnConfig {
  Real alpha = Real(1) / 2;  // dt / tau (R2)
  RnnReadout readout = RnnReadout::latent;
  ReadoutTiming timing = ReadoutTiming::after_update;
  Real beta = 10;      // (R6) confidence of the latent readout
  Real kappa_th = 1;   // (R6) threshold
  Real confidence = 1; // c of (R8)
  ConfidenceReadout confidence_readout = ConfidenceReadout::projected;  // (R45)
};

// Trained parameters. rank == 0: full W (N x N); rank K >= 1: W = M Nm^T with M, Nm N x K
// (W unused). w_out, b_out are unused by the latent readout (their gradient is zero).
template <class Real>
struct RnnParams {
  int rank = 0;
  RnnMatrix<Real> W;
  RnnMatrix<Real> M;
  RnnMatrix<Real> Nm;
  RnnVector<Real> b;
  RnnMatrix<Real> W_in;  // N x n_in (n_in may be 0)
  RnnVector<Real> w_out;
  Real b_out = 0;
};

// One batch of B trials of T steps (R9): input[b] is n_in x T, target B x T, initial N x B
// (R4), noise empty or one N x T array per trial (R2's xi), loss = scale * sum (y - y*)^2.
template <class Real>
struct RnnBatch {
  std::vector<RnnMatrix<Real>> input;
  RnnMatrix<Real> target;
  RnnMatrix<Real> initial;
  std::vector<RnnMatrix<Real>> noise;
  Real scale = 1;
};

// Throws ArgumentError unless 0 < alpha <= 1, beta > 0, confidence > 0 (finite).
template <class Real>
void validate(const RnnConfig<Real>& config);

// Throws ArgumentError unless the shapes are consistent (N >= 1, rank 0..N), the latent readout
// has rank 1, and the batch matches the network (B >= 1, T >= 1).
template <class Real>
void validate(const RnnConfig<Real>& config, const RnnParams<Real>& params,
              const RnnBatch<Real>& batch);

template <class Real>
int neuron_count(const RnnParams<Real>& params);

// W as a dense N x N matrix (M Nm^T for a low-rank network).
template <class Real>
RnnMatrix<Real> recurrent_matrix(const RnnParams<Real>& params);

// W r without forming W for low rank (R3).
template <class Real>
RnnVector<Real> recurrent_drive(const RnnParams<Real>& params, const RnnVector<Real>& r);

// The paper's initialisations (common/random.hpp, one stream per seed):
//  gaussian (Figs. 3, 6): W or M, Nm ~ N(0, 1/N), b = 0, w_out ~ N(0, 1/N), b_out ~ N(0, 1/N),
//    W_in ~ N(0, 1/N);
//  xavier (DCD/DMTS code): W, M, Nm, W_in, w_out uniform(+-sqrt(6/(fan_in + fan_out))), b ~
//    U(-1, 1) (the input layer's bias, fan_in 1), b_out ~ U(+-1/sqrt(N)).
enum class RnnInit { gaussian, xavier };
template <class Real>
RnnParams<Real> random_params(int neurons, int rank, int inputs, RnnInit init, std::uint64_t seed);

// The output y (B x T) of every trial (R2), (R5)-(R8).
template <class Real>
RnnMatrix<Real> rnn_outputs(const RnnConfig<Real>& config, const RnnParams<Real>& params,
                            const RnnBatch<Real>& batch);

// States r_0..r_T (N x (T+1)) of trial b.
template <class Real>
RnnMatrix<Real> rnn_states(const RnnConfig<Real>& config, const RnnParams<Real>& params,
                           const RnnBatch<Real>& batch, int trial);

// (R9).
template <class Real>
Real rnn_loss(const RnnConfig<Real>& config, const RnnParams<Real>& params,
              const RnnBatch<Real>& batch);

// The readout y = g(rho) (R6)-(R8) of one state.
template <class Real>
Real readout_value(const RnnConfig<Real>& config, const RnnParams<Real>& params,
                   const RnnVector<Real>& rho);

// The latent trajectory kappa_0..kappa_T (K x (T+1)) of trial b by the latent map (R20) alone,
// from kappa_0 = Nm^T r_0 (rank K >= 1 only).
template <class Real>
RnnMatrix<Real> latent_trajectory(const RnnConfig<Real>& config, const RnnParams<Real>& params,
                                  const RnnBatch<Real>& batch, int trial);

// r_k rebuilt from a latent trajectory by (R22).
template <class Real>
RnnMatrix<Real> states_from_latent(const RnnConfig<Real>& config, const RnnParams<Real>& params,
                                   const RnnBatch<Real>& batch, int trial,
                                   const RnnMatrix<Real>& kappa);

}  // namespace learndyn::reference::ghost
