// The finite-confidence loss and gradient (G21, G24) enclosed rigorously: Arb's certified
// Gauss-Legendre integration (acb_calc_integrate) on panels split at the kinks, the escape
// time cut off with a proved tail bound (proofs/ghost.md §9, G40-G42).
//
// Two independent routes, whose enclosures must intersect (tests/ghost/test_enclosures.cpp):
//  - time:  (G21) and (G24) integrated in t, split at T, the readout's front t_th and the
//           times where x = x_th +- k/beta (k = 1, 4, 16); the golden values use it.
//  - space: (G22) and (G25) integrated in x = x(t) (eps > 0 only), the escape as an infinite
//           limit whose tail is closed-form (G23); a different integrand, variable and split.
// Every input is a ball holding the exact value (interval::from_decimal); a comparison the
// balls cannot decide (eps within ~1e-56 of 0, t* within ~1e-56 of T or T + T_r) throws
// UndecidableComparison, as every enclosure does (C17).
#pragma once

#include <learndyn/common/interval.hpp>
#include <learndyn/reference/ghost/finite_confidence.hpp>

namespace learndyn::reference::ghost {

enum class FiniteRoute { time, space };

// Throws ArgumentError for route space with eps <= 0 (x is not a variable of integration there).
LossAndGradient<interval> finite_loss_and_gradient_enclosure(const interval& eps,
                                                             const DelayTask<interval>& task,
                                                             const Readout<interval>& readout,
                                                             FiniteRoute route = FiniteRoute::time);

}  // namespace learndyn::reference::ghost
