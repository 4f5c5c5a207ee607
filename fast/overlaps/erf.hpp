// Vectorised erf in double (proofs/overlaps_fast.md §1, OF1-OF4): the activation
// phi(x) = erf(sqrt(pi) x / 2) of the overlap-ODE area, SIMD with Highway runtime dispatch.
#pragma once

#include <cstddef>

namespace learndyn::fast::overlaps {

// The proven bound (OF4) on |erf_hat(x) - erf(x)| / ulp(erf(x)) for every finite x, on
// targets with fused multiply-add (AVX2, AVX-512, NEON, SVE). Without FMA (SSE4) each
// Horner step rounds twice: kErfUlpBoundNoFma.
inline constexpr double kErfUlpBound = 2.0;
inline constexpr double kErfUlpBoundNoFma = 3.5;

// out[i] = erf(x[i]) for i < n. NaN gives NaN, +-inf gives +-1, -0 gives -0. `out` may
// alias `x` exactly (in place) but not partially.
void erf(const double* x, std::size_t n, double* out);

// erf_out[i] = erf(x[i]) and gauss_out[i] = exp(-x[i]^2) by the fused kernel the network uses
// for phi and phi' (OF5). Outputs may not alias each other or x.
void erf_and_gaussian(const double* x, std::size_t n, double* erf_out, double* gauss_out);

}  // namespace learndyn::fast::overlaps
