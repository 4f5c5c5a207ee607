// Exact gradient of the RNN loss by backpropagation through time (proofs/ghost_rnn.md §4,
// R13-R18), and the optimiser steps (§9, R36): plain SGD and Adam.
//
// Reference implementation: instantiated for double and real in rnn_network.cpp (the training
// path also for float: the float32 run of `ghost rnn-audit`, R42).
#pragma once

#include <learndyn/common/scalar.hpp>  // learndyn::real, the 50-digit scalar this is instantiated for
#include <learndyn/reference/ghost/rnn_model.hpp>

namespace learndyn::reference::ghost {

// dL/d(every parameter block), same shapes as the parameters (unused blocks are zero-sized or
// zero: a full-rank network has empty M, Nm gradients; the latent readout has zero w_out, b_out
// gradients).
template <class Real>
struct RnnGradient {
  Real loss;
  RnnParams<Real> gradient;
  RnnVector<Real> initial_adjoint;  // lambda_0 of trial 0 (R13), dL/dr_0
  // dL/dbeta of the latent readout (R53): the learnable-confidence variant of Fig. 8B trains it.
  Real d_beta = 0;
};

// (R13)-(R16), summed over the batch.
template <class Real>
RnnGradient<Real> rnn_gradient(const RnnConfig<Real>& config, const RnnParams<Real>& params,
                               const RnnBatch<Real>& batch);

// theta - lr * gradient, every block (requires lr >= 0 finite).
template <class Real>
RnnParams<Real> sgd_update(const RnnParams<Real>& params, const RnnParams<Real>& gradient,
                           const Real& lr);

// Adam (R36) state: first and second moments (same shapes as the parameters) and the step count.
template <class Real>
struct AdamState {
  RnnParams<Real> first;
  RnnParams<Real> second;
  long step = 0;
};

// Zero moments shaped like `params`.
template <class Real>
AdamState<Real> adam_start(const RnnParams<Real>& params);

// One Adam step in place (beta1 0.9, beta2 0.999, epsilon 1e-8, bias-corrected; R36).
template <class Real>
void adam_update(RnnParams<Real>& params, const RnnParams<Real>& gradient, AdamState<Real>& state,
                 const Real& lr);

// (R45): w_out, b_out scaled by c / |w_out|_1 (requires |w_out|_1 > 0): the readout (R8) is
// unchanged, |w_out|_1 becomes c. The public code's in-place rescaling before each forward pass.
template <class Real>
void project_confidence(RnnParams<Real>& params, const Real& confidence);

// The Euclidean norm of the whole gradient (all blocks together; the public code's grad norm).
template <class Real>
Real gradient_norm(const RnnParams<Real>& gradient);

}  // namespace learndyn::reference::ghost
