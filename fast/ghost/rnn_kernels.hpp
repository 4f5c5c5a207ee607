// Element-wise kernels of the fast ghost RNN (proofs/ghost_rnn.md §10), SIMD with Highway's
// runtime dispatch. The rank-one kernels need lengths that are multiples of kRnnPad (the
// trainer pads the vectors with zeros, which the recursions keep at zero: see rnn.cpp), so they
// have no tail; tanh_in_place takes any length.
#pragma once

#include <cstddef>

namespace learndyn::fast::ghost {

// Largest SIMD width in doubles (AVX-512): array lengths are padded to a multiple of this.
inline constexpr std::size_t kRnnPad = 8;

// x[i] = tanh(x[i]) (Highway's Tanh, <= 4 ulp).
void tanh_in_place(double* x, std::size_t n);

// Rank-one forward step (R2) with W r = m kappa: p = tanh(m kappa + b), r_next = (1-alpha) r +
// alpha p; returns n . r_next (the next kappa, R3).
double rank_one_forward_step(const double* m, const double* b, const double* n, const double* r,
                             double kappa, double alpha, double* p, double* r_next,
                             std::size_t size);

// Rank-one backward pass 1 (R17-R18): delta = alpha (1 - p^2) lambda, db += delta,
// dm += kappa delta; returns g = m . delta. `delta` receives delta.
double rank_one_backward_delta(const double* m, const double* p, const double* lambda,
                               double kappa, double alpha, double* delta, double* db, double* dm,
                               std::size_t size);

// Rank-one backward pass 2 (R17-R18): dn += c r, lambda = (1-alpha) lambda + c n.
void rank_one_backward_lambda(const double* n, const double* r, double c, double alpha,
                              double* dn, double* lambda, std::size_t size);

}  // namespace learndyn::fast::ghost
