// Gradient descent on the analytical loss (gradient_descent.hpp) enclosed rigorously: every
// step on balls (proofs/ghost.md §9.2, G43-G44).
//
// The plain step on balls, eps - eta c L'(E), widens by the wrapping of (G14)'s repeated eps
// each epoch and is undecidable within a few epochs near the critical rate (G43); both routes
// here use f'(E) = 1 - eta c L''(E), with L'' by forward-mode differentiation of (G14) on balls
// (common/forward_dual.hpp, proofs/common.md C28):
//  - centred:  f(E) in f(m) + f'(E)(E - m), m the exact midpoint of E (mean value theorem);
//              the golden values use it.
//  - monotone: f'(E) decidably > 0 (< 0) makes f increasing (decreasing) on E, so f(E) lies
//              between f(lo E) and f(hi E), evaluated at the exact endpoints; f'(E) is used
//              for its sign only.
// Every input is a ball holding the exact value; a branch of (G14) or a sign of f' the balls
// cannot decide throws UndecidableComparison (C17).
#pragma once

#include <learndyn/common/interval.hpp>
#include <learndyn/reference/ghost/gradient_descent.hpp>

namespace learndyn::reference::ghost {

enum class DescentRoute { centred, monotone };

struct DescentEnclosure {
  interval eps;   // eps_epochs
  interval loss;  // c L(eps_epochs), the rescaled analytical loss
};

// The iterate after `epochs` steps from eps0 and its loss. Throws ArgumentError unless
// eta > 0 and epochs >= 0.
DescentEnclosure gradient_descent_enclosure(const GradientDescent<interval>& gd, const interval& eps0, long epochs,
                                            DescentRoute route = DescentRoute::centred);

}  // namespace learndyn::reference::ghost
