// The ghost canonical model dx/dt = eps + x^2, x(0) = 0 (paper Eq. 12; proofs/ghost.md §1).
//
// Reference implementation: templated on the scalar, instantiated for double, real (50
// digits) and real_hi (100 digits) in canonical_model.cpp.
#pragma once

#include <optional>

#include <learndyn/common/scalar.hpp>  // learndyn::real, the 50-digit scalar this is instantiated for

namespace learndyn::reference::ghost {

// t*(eps) = pi / (2 sqrt(eps)) for eps > 0, +inf for eps <= 0 (G3, G4, G5).
template <class Real>
Real escape_time(const Real& eps);

// x(t; eps) for t >= 0 (G2, G4, G5); +inf for t >= t*(eps). Near t* it is evaluated as
// s / tan(s (t* - t)) so that rounding of s t can never step past the pole.
template <class Real>
Real state(const Real& eps, const Real& t);

// dx/deps at fixed t (G7); +inf for t >= t*(eps).
template <class Real>
Real state_sensitivity(const Real& eps, const Real& t);

// The time at which x(t; eps) equals `level`, if it ever does for t >= 0 (G6 and its
// analogue on the eps < 0 branch: x decreases from 0 towards -sqrt(-eps)).
template <class Real>
std::optional<Real> level_crossing_time(const Real& eps, const Real& level);

// t_th(eps, x_th) of (G6): the threshold-crossing time, +inf when x never reaches x_th.
// Requires x_th > 0 (ArgumentError otherwise).
template <class Real>
Real threshold_time(const Real& eps, const Real& x_th);

}  // namespace learndyn::reference::ghost
