// Fast path: the analytical-limit loss and gradient (G11, G14) over batches of eps, SIMD
// with Highway runtime dispatch (AVX2/SSE4/... chosen at run time; no fast-math flags).
// Error bound against the reference: proofs/ghost.md §6.
#pragma once

#include <cstddef>

namespace learndyn::fast::ghost {

// The task (T, T_r), validated by the caller of the batch functions below. The derived
// constants are computed once per batch.
struct DelayTask {
  double delay;     // T > 0
  double response;  // T_r > 0
};

// Throws ArgumentError unless T > 0 and T_r > 0 (finite).
void validate(const DelayTask& task);

// eps* = pi^2/(4T^2) (G12), eps_nr = pi^2/(4(T+T_r)^2) (G13), rounded.
double optimal_scale(const DelayTask& task);
double point_of_no_return(const DelayTask& task);

// loss[i] = L(eps[i]) (G11), gradient[i] = dL/deps(eps[i]) (G14) for i < n, raw (c = 1).
// NaN inputs give NaN outputs; every other real eps is valid. Outputs may not alias eps.
void analytic_loss_and_gradient(const DelayTask& task, const double* eps, std::size_t n,
                                double* loss, double* gradient);

}  // namespace learndyn::fast::ghost
