// Fast path: the finite-confidence delayed-activation loss and its eps-derivative over
// batches of eps, in double precision. An algorithm independent of the reference's
// (tanh-sinh in time): for eps > 0 the space form (G22) split into the loss of a hard switch
// at t_th plus exponentially decaying corrections (G29), the gradient by (G30)/(G31) (not
// G25, which cancels catastrophically as eps -> 0+); for eps < 0 (and 0 < eps tiny) the time
// form (G21, G24); eps = 0 in closed form. Fixed 15-point Gauss-Legendre rules on panels
// placed by the integrands' singularities (G32, G33), SIMD over the nodes (Highway, runtime
// dispatch). proofs/ghost.md §4.2 and §6.
//
// Accuracy against the 50-digit reference (proofs/ghost.md §6, asserted by
// tests/ghost/test_fast_finite_confidence.cpp) for T, Tr in [1, 1000], beta in [0.01, 100],
// x_th in [0.1, 100], eps in [-10 eps*, 100 eps*]: loss within 1e-12 relative (measured
// <= 4e-15); gradient within 1e-12 relative + 1e-13 Phi (Phi = |delay part| + |response
// part| of G24, where the gradient crosses zero) + 1e-300 (underflow).
#pragma once

#include <cstddef>

#include <learndyn/fast/ghost/analytic.hpp>

namespace learndyn::fast::ghost {

// Readout y = sigmoid(beta (x - x_th)) (G9); beta > 0 and x_th > 0, finite.
struct Readout {
  double beta;
  double x_th;
};

// Throws ArgumentError unless beta > 0 and x_th > 0 (finite).
void validate(const Readout& readout);

// loss[i] = L(eps[i]) (G10) and, when `gradient` is not null, gradient[i] = dL/deps (G24,
// computed by G30/G31), for i < n. Raw loss (c = 1). Throws ArgumentError (naming "T", "Tr",
// "beta" or "xth") for an invalid task or readout. NaN eps gives NaN outputs; with T, Tr,
// beta, x_th in [1e-60, 1e60] every finite eps gives a finite loss and gradient (fuzzed over
// eps in +-[1e-320, 1.8e308]; the gradient overflows to +-inf only if |dL/deps| does);
// eps = +inf / -inf give the limits L = T / L = Tr with gradient 0. Each eps is
// computed on its own (a batch gives the same numbers as single calls). Thread-safe (the
// panel workspace is thread_local). Outputs may not alias eps.
void finite_loss_and_gradient(const DelayTask& task, const Readout& readout, const double* eps,
                              std::size_t n, double* loss, double* gradient);

}  // namespace learndyn::fast::ghost
