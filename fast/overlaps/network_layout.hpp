// The fast network's packed layout and the arguments of its SIMD kernels (proofs/overlaps_fast.md
// OF6-OF10): one set of types shared by every Highway target of fast/overlaps/network_kernels.cpp
// and by the trainer (fast/overlaps/network_trainer.cpp). Internal: not installed.
#pragma once

#include <cstddef>

namespace learndyn::fast::overlaps::detail {

// Neurons are packed in blocks of kBlock; a block holds its 2R+2 streams one after the other,
// in the order m, u_1..u_R, v_1..v_R, z (so one block is one contiguous read). The sums over
// neurons are per block first, then over blocks in block order (OF10).
inline constexpr std::size_t kBlock = 256;

// sqrt(pi)/2: phi(h) = erf(c h), phi'(h) = exp(-(c h)^2) (OF5).
inline constexpr double kErfScale = 0.88622692545275801365;

struct Streams {
  int rank;
  std::size_t m() const { return 0; }
  std::size_t u(int r) const { return (1 + static_cast<std::size_t>(r)) * kBlock; }
  std::size_t v(int r) const { return (1 + static_cast<std::size_t>(rank + r)) * kBlock; }
  std::size_t z() const { return (1 + 2 * static_cast<std::size_t>(rank)) * kBlock; }
  std::size_t count() const { return 2 * static_cast<std::size_t>(rank) + 2; }
  std::size_t block_doubles() const { return count() * kBlock; }
};

// The per-block sums of one time step of one trial (OF7, OF8), in this order:
//   a_r = sum v_r phi(h)            r < R
//   o   = sum z h (after) or sum z phi(h) (before)
//   P_rs = sum u_r phi'(h) v_s      erf only, r, s < R (row-major)
//   q_r = sum u_r phi'(h) z         erf with the readout before the update only
struct MomentLayout {
  int rank;
  bool erf, before;
  std::size_t a(int r) const { return static_cast<std::size_t>(r); }
  std::size_t o() const { return static_cast<std::size_t>(rank); }
  std::size_t p(int r, int s) const { return static_cast<std::size_t>(rank + 1 + r * rank + s); }
  std::size_t q(int r) const { return static_cast<std::size_t>(rank + 1 + rank * rank + r); }
  std::size_t count() const {
    return static_cast<std::size_t>(rank + 1 + (erf ? rank * rank : 0) + (erf && before ? rank : 0));
  }
};

// One record per (trial, step k) for the gradient pass, read backwards in k (OF9):
//   kappa_m, kappa_1..R (step k), dt x_k, dt a_{k,r}/N, beta_{k,r} = dt b_{k+1,r}/N,
//   eps_k = e_k/N, eps_{k-1} = e_{k-1}/N (0 at k = 0).
struct RecordLayout {
  int rank;
  std::size_t kappa(int j) const { return static_cast<std::size_t>(j); }  // j = 0: m
  std::size_t dtx() const { return static_cast<std::size_t>(rank + 1); }
  std::size_t dta(int r) const { return static_cast<std::size_t>(rank + 2 + r); }
  std::size_t beta(int r) const { return static_cast<std::size_t>(2 * rank + 2 + r); }
  std::size_t eps() const { return static_cast<std::size_t>(3 * rank + 2); }
  std::size_t eps_before() const { return static_cast<std::size_t>(3 * rank + 3); }
  std::size_t count() const { return static_cast<std::size_t>(3 * rank + 4); }
};

// The coefficients of the superposed gradient of linear phi (OF9a), row-major, (2R+2) rows of
// R+1: rows m, u_1..u_R over the basis (z, v_1..v_R), then rows z, v_1..v_R over (m, u_1..u_R).
struct LinearGradientArgs {
  int rank;
  const double* coefficients;
  bool update;
  double step;
};

// A run of `count` consecutive blocks (stride doubles apart) per kernel call: one dispatch per
// thread and step, not per block.
struct BlockRun {
  const double* first;
  std::size_t count, stride;
  const double* block(std::size_t j) const { return first + j * stride; }
};

struct GradientPassArgs {
  int rank, batch, steps;
  double one_minus_dt;
  bool update;               // write theta - step g instead of g
  double step;               // N lr
  const double* records;     // batch * steps records
  const double* kappa_end;   // kappa_T of each trial (R+1 each): h_T for the after readout
  const double* eps_last;    // eps_{T-1} of each trial: lambda_T = eps_{T-1} z (after)
};

}  // namespace learndyn::fast::overlaps::detail
