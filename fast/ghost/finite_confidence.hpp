// Fast path: the finite-confidence delayed-activation loss and its eps-derivative over
// batches of eps, in double precision: the space form (G22, G23, G25) with fixed
// Gauss-Legendre rules on panels placed by the integrand's singularities, SIMD over the
// nodes (Highway). Error bound against the reference: proofs/ghost.md §6.
#pragma once

#include <cstddef>

#include "fast/ghost/analytic.hpp"

namespace learndyn::fast::ghost {

// Readout y = sigmoid(beta (x - x_th)) (G9); beta > 0 and x_th > 0, finite.
struct Readout {
  double beta;
  double x_th;
};

// Throws ArgumentError unless beta > 0 and x_th > 0 (finite).
void validate(const Readout& readout);

// loss[i] = L(eps[i]) (G10) and, when `gradient` is not null, gradient[i] = dL/deps (G25).
// Raw loss (c = 1). NaN eps gives NaN outputs.
void finite_loss_and_gradient(const DelayTask& task, const Readout& readout, const double* eps,
                              std::size_t n, double* loss, double* gradient);

}  // namespace learndyn::fast::ghost
