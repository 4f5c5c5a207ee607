// Randomised and exact matrix-free linear algebra on symmetric operators given only as block
// matvecs (proofs/ntk.md §4-§5): Hutchinson and Hutch++ estimates of tr A, tr A^2 = ||A||_F^2
// and the participation ratio, each with its standard error (N28-N31); the operator cosine and
// alignment (N26, N27); Lanczos with full reorthogonalisation (N32); partial reductions by
// broadcast probes (N22). Estimators see only the operator: they know nothing of models.
// Probes are seeded (common/random.hpp): same seed, same estimate, bit for bit.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

namespace learndyn::fast::ntk {

// A symmetric operator on R^dimension, applied to blocks of m vectors (dimension x m,
// column-major); `apply(in, out, m)`.
struct SymmetricOperator {
  std::ptrdiff_t dimension = 0;
  std::function<void(const double* in, double* out, int m)> apply;
  // Workers for the estimator's own passes over the probe blocks (drawing the probes, the
  // column inner products), as --threads: 0 = every core. They do not change a bit (N63).
  unsigned threads = 1;
  // apply(x, x, m) is allowed: the operator reads all of `in` before it writes `out` (N64).
  bool in_place = false;
};

struct Estimate {
  double value = 0;
  double standard_error = 0;  // (N30): of the probe average, conditional on the sketch
};

struct RankEstimate {
  Estimate trace;              // tr A
  Estimate trace_of_square;    // tr A^2 = ||A||_F^2 (A symmetric)
  Estimate frobenius;          // ||A||_F
  Estimate participation_ratio;  // (tr A)^2 / tr A^2, PR of A itself (N25)
  int matvecs = 0;
};

// (N28) plain Hutchinson with `probes` Rademacher probes, drawn in blocks of at most `block`
// (sub_seed(seed, part), N63), each block applied hutchinson_apply_width columns at a time (N73).
RankEstimate hutchinson(const SymmetricOperator& a, int probes, std::uint64_t seed, int block = 32);

// (N73) The columns Hutchinson applies at once from a block of m probes in dimension N: all m
// while 8 N m bytes fit in kHutchinsonApplyBytes, else the fewest equal groups that fit, but
// not below 8 columns (or m). A function of (N, m) alone: the same bits for any thread count.
// 16 of 32 at the benchmark size (N = 48,000): 6 MB blocks instead of 12 MB, as fast warm and
// less fresh memory cold (docs/ntk.md "Cold start, fifth round").
inline constexpr double kHutchinsonApplyBytes = 8 << 20;
int hutchinson_apply_width(std::ptrdiff_t dimension, int m);

// (N29) Hutch++ with `sketch` range probes and `residual` Hutchinson probes on the deflated
// operator: about 2 sketch + residual matvecs, in two blocks.
RankEstimate hutch_plus_plus(const SymmetricOperator& a, int sketch, int residual, std::uint64_t seed);

// (N26) cos(A, B) = <A,B>_F / (||A||_F ||B||_F) from shared Rademacher probes, with its
// delta-method standard error.
Estimate operator_cosine(const SymmetricOperator& a, const SymmetricOperator& b, int probes,
                         std::uint64_t seed);

// (N27) alignments of a target y (length dimension).
struct Alignment {
  double rayleigh = 0;           // <y, A y> / <y, y> (exact: one matvec)
  Estimate trace_normalised;     // rayleigh / tr A
  Estimate kernel;               // <y, A y> / (||A||_F ||y||^2)
};
Alignment alignment(const SymmetricOperator& a, const std::vector<double>& y, const RankEstimate& rank);

// (N32) the k largest eigenvalues by Lanczos with full reorthogonalisation, `steps` >= k
// iterations (capped at dimension); residual bounds |beta_m s_mj| in `residuals` if given.
std::vector<double> lanczos_top(const SymmetricOperator& a, int k, int steps, std::uint64_t seed,
                                std::vector<double>* residuals = nullptr);

// (N22) the reduced operator A_S = E^T A E / N_S (kept x kept, row-major), kept axes among
// (batch, time, hidden) of a state space of B x T x n; N_keep matvecs in blocks of `block`.
struct KeptAxes {
  bool batch = false, time = false, hidden = false;
};
std::vector<double> reduced_operator(const SymmetricOperator& a, int batch, int steps, int hidden,
                                     KeptAxes keep, int block = 64);

// Exact metrics of a small dense symmetric matrix (row-major size x size): (N25).
struct SmallMetrics {
  double trace = 0, frobenius = 0, participation_ratio = 0, participation_ratio_aastar = 0;
  std::vector<double> eigenvalues;  // descending
};
SmallMetrics small_metrics(const std::vector<double>& a, int size);

// Rademacher probes (dimension x m, column-major) from `seed`.
std::vector<double> rademacher(std::ptrdiff_t dimension, int m, std::uint64_t seed);

}  // namespace learndyn::fast::ntk
