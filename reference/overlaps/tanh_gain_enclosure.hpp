// The tanh mean-field gain g(Delta) = E[tanh'(h)] and g'(Delta) = E[tanh'''(h)] / 2, h ~ N(0, Delta)
// (O10, O10a), enclosed rigorously: Arb's certified Gauss-Legendre integration
// (acb_calc_integrate) over [0, X] of an even integrand, the Gaussian tail beyond X bounded in
// closed form (proofs/overlaps.md O52).
//
// Two independent routes, whose enclosures must intersect (tests/overlaps/test_overlap_routes.cpp):
//  - direct: E[tanh^(k)(a xi)], xi ~ N(0, 1), a = sqrt(Delta); the golden values use it.
//  - stein:  E[xi tanh^(k-1)(a xi)] / a (Gaussian integration by parts, O52): another integrand
//            and another tail bound (Delta > 0 only).
// Delta is a ball holding the exact input (interval::from_decimal); Delta = 0 exactly gives the
// exact values 1 and -1 (tanh'(0) = 1, tanh'''(0) = -2).
#pragma once

#include <learndyn/common/interval.hpp>

namespace learndyn::reference::overlaps {

enum class GainRoute { direct, stein };

// order 1: g(Delta); order 3: g'(Delta) (already halved). Throws ArgumentError unless Delta >= 0
// decidably (order must be 1 or 3), and for the stein route at Delta = 0.
interval tanh_gain_enclosure(int order, const interval& delta, GainRoute route = GainRoute::direct);

}  // namespace learndyn::reference::overlaps
