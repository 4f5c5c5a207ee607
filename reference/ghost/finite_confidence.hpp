// The delayed-activation loss at finite confidence beta and threshold x_th, computed
// exactly: closed-form x(t), tanh-sinh quadrature on panels split at the escape time, the
// target switch and the readout's front (proofs/ghost.md §4, G21 and G24).
#pragma once

#include <learndyn/common/scalar.hpp>  // learndyn::real, the 50-digit scalar this is instantiated for
#include <learndyn/reference/ghost/delayed_activation.hpp>

namespace learndyn::reference::ghost {

// Readout y = sigmoid(beta (x - x_th)) (G9). beta > 0 and x_th > 0, finite.
template <class Real>
struct Readout {
  Real beta;
  Real x_th;
};

// Throws ArgumentError unless beta > 0 and x_th > 0 (both finite).
template <class Real>
void validate(const Readout<Real>& readout);

template <class Real>
struct LossAndGradient {
  Real loss;
  Real gradient;
};

// L(eps) of (G10) with readout (G9), by (G21).
template <class Real>
Real finite_loss(const Real& eps, const DelayTask<Real>& task, const Readout<Real>& readout);

// dL/deps by differentiating under the integral, (G24).
template <class Real>
Real finite_loss_gradient(const Real& eps, const DelayTask<Real>& task,
                          const Readout<Real>& readout);

// Both, sharing the panel construction.
template <class Real>
LossAndGradient<Real> finite_loss_and_gradient(const Real& eps, const DelayTask<Real>& task,
                                               const Readout<Real>& readout);

}  // namespace learndyn::reference::ghost
