// The delayed-activation task in the analytical limit beta, x_th -> inf: loss, gradient,
// optimum, point of no return, critical learning rate and its scaling exponent
// (paper Eqs. 14-23; proofs/ghost.md §2-3).
#pragma once

#include <learndyn/common/scalar.hpp>  // learndyn::real, the 50-digit scalar this is instantiated for

namespace learndyn::reference::ghost {

// Delay T and response window T_r of the target (G8). Both must be > 0.
template <class Real>
struct DelayTask {
  Real delay;     // T
  Real response;  // T_r
};

// Throws ArgumentError unless T > 0 and T_r > 0 (both finite).
template <class Real>
void validate(const DelayTask<Real>& task);

// How the loss is rescaled: raw (G10), divided by T, or divided by T + T_r (§3.1).
enum class Normalisation { none, delay, total };

// The factor c multiplying the raw loss: 1, 1/T or 1/(T + T_r).
template <class Real>
Real normalisation_factor(const DelayTask<Real>& task, Normalisation normalisation);

// eps* = pi^2 / (4 T^2), the optimum (G12).
template <class Real>
Real optimal_scale(const DelayTask<Real>& task);

// eps_nr = pi^2 / (4 (T + T_r)^2), the point of no return (G13).
template <class Real>
Real point_of_no_return(const DelayTask<Real>& task);

// The raw analytical loss L(eps) (G11), defined for every real eps.
template <class Real>
Real analytic_loss(const Real& eps, const DelayTask<Real>& task);

// dL/deps of the raw analytical loss (G14); both ends of [eps_nr, eps*] take the middle
// (negative) branch, as in the public code.
template <class Real>
Real analytic_gradient(const Real& eps, const DelayTask<Real>& task);

// The slope at the optimum from above, 2 T^3 / pi^2 (G15).
template <class Real>
Real slope_at_optimum(const DelayTask<Real>& task);

// The critical learning rate for the loss rescaled by `normalisation` (G16, G17).
template <class Real>
Real critical_rate(const DelayTask<Real>& task, Normalisation normalisation);

// How T_r moves when T does, for the scaling exponent.
enum class DelayScaling {
  proportional,    // T_r / T held fixed (G19)
  fixed_response,  // T_r held fixed (G20)
};

// d log eta_c / d log T at (T, T_r) (G19, G20).
template <class Real>
Real critical_rate_exponent(const DelayTask<Real>& task, Normalisation normalisation,
                            DelayScaling scaling);

// The T -> inf limit of critical_rate_exponent: -5/-6 raw, -4/-5 normalised (§3.2).
int critical_rate_exponent_limit(Normalisation normalisation, DelayScaling scaling);

}  // namespace learndyn::reference::ghost
