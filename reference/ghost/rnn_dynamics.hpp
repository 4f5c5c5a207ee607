// Dynamical objects of a trained rate RNN (proofs/ghost_rnn.md §6-§8, R23-R35): the autonomous
// flow and its speed q = |f|^2/2 with gradient and Hessian, damped-Newton speed minimisation,
// classification into fixed points, ghosts, slow points and saddles of q, the latent search for
// rank <= 2, and the rank-one canonical scale eps = f f''/2 with its parameter gradient.
//
// Reference implementation: instantiated for double and real (50 digits) in rnn_dynamics.cpp.
#pragma once

#include <complex>
#include <functional>
#include <vector>

#include <learndyn/common/scalar.hpp>  // learndyn::real, the 50-digit scalar this is instantiated for
#include <learndyn/reference/ghost/rnn_model.hpp>

namespace learndyn::reference::ghost {

// ---- the autonomous flow, inputs off (R23-R25) -------------------------------------------

// f(r) = -r + tanh(W r + b).
template <class Real>
RnnVector<Real> flow(const RnnParams<Real>& params, const RnnVector<Real>& r);
// J(r) = -I + diag(1 - tanh^2) W.
template <class Real>
RnnMatrix<Real> flow_jacobian(const RnnParams<Real>& params, const RnnVector<Real>& r);
// q = |f|^2 / 2, grad q = J^T f, Hessian (R24).
template <class Real>
Real speed(const RnnParams<Real>& params, const RnnVector<Real>& r);
template <class Real>
RnnVector<Real> speed_gradient(const RnnParams<Real>& params, const RnnVector<Real>& r);
template <class Real>
RnnMatrix<Real> speed_hessian(const RnnParams<Real>& params, const RnnVector<Real>& r);

// Latent flow F(kappa) = -kappa + Nm^T tanh(M kappa + b) of a rank-K network (R20, R25) and
// its Jacobian and speed Hessian.
template <class Real>
RnnVector<Real> latent_flow(const RnnParams<Real>& params, const RnnVector<Real>& kappa);
template <class Real>
RnnMatrix<Real> latent_jacobian(const RnnParams<Real>& params, const RnnVector<Real>& kappa);
template <class Real>
RnnMatrix<Real> latent_speed_hessian(const RnnParams<Real>& params, const RnnVector<Real>& kappa);

// ---- speed minima (R26-R29) ---------------------------------------------------------------

template <class Real>
struct SpeedSearchOptions {
  int max_iterations = 200;
  Real gradient_tolerance;  // stop when |grad q|_inf <= this
  Real flow_tolerance;      // |f|_inf <= this: a fixed point
  Real eigen_tolerance;     // |lambda| <= max(this, 1e-10) max(1, |J|_inf): "zero" (R28);
                            // eigenvalues are computed in double (a sign decision)
  // Called by find_objects after each start (done of total): a full-space search at large N
  // takes hours, and the caller reports its progress. Empty: not called.
  std::function<void(long done, long total)> on_start = {};
};
// Defaults scaled to the precision: eps^0.9, eps^0.6, eps^0.35 (double: ~1e-14, 4e-10, 3e-6).
template <class Real>
SpeedSearchOptions<Real> default_search_options();

// Damped Newton on q (R26) from `start`, in the full space (space = full) or the latent space
// (the point has K entries).
enum class SearchSpace { full, latent };
template <class Real>
struct SpeedMinimum {
  RnnVector<Real> point;
  Real speed;
  Real gradient_norm;  // |grad q|_inf at the end
  int iterations = 0;
  bool converged = false;
};
template <class Real>
SpeedMinimum<Real> minimise_speed(const RnnParams<Real>& params, const RnnVector<Real>& start,
                                  SearchSpace space, const SpeedSearchOptions<Real>& options);

enum class PointKind { fixed_point, ghost, slow_point, saddle, unconverged };
const char* point_kind_name(PointKind kind);

// A classified point (R28). `state` is the full-space state (for a latent point, the state
// tanh(M kappa + b) on the latent manifold, R29); `latent` is Nm^T state (empty at full rank).
// Eigenvalues of the Jacobian used (full J, or the K x K latent J_F), sorted by modulus.
template <class Real>
struct DynamicalObject {
  PointKind kind = PointKind::unconverged;
  RnnVector<Real> state;
  RnnVector<Real> latent;
  Real speed;
  Real flow_norm;  // |f|_inf
  std::vector<std::complex<double>> eigenvalues;
  bool stable = false;  // fixed points: every eigenvalue with negative real part
};

template <class Real>
DynamicalObject<Real> classify(const RnnParams<Real>& params, const SpeedMinimum<Real>& minimum,
                               SearchSpace space, const SpeedSearchOptions<Real>& options);

// Minimises q from each column of `starts` (N x S, e.g. visited states) in the full space and
// returns the distinct classified points (merged within 1e-6 (1 + |r|)), fixed points first.
template <class Real>
std::vector<DynamicalObject<Real>> find_objects(const RnnParams<Real>& params,
                                                const RnnMatrix<Real>& starts,
                                                const SpeedSearchOptions<Real>& options);

// Rank 1 or 2: q on a grid of `points` per axis over the box |kappa_a| <= half_width(a)
// (empty: |Nm_a|_1 + 1 per axis, which contains every fixed point, R30), its local minima refined
// in the latent space and classified with the latent Jacobian (R29).
template <class Real>
std::vector<DynamicalObject<Real>> find_latent_objects(const RnnParams<Real>& params,
                                                       const RnnVector<Real>& half_width,
                                                       int points,
                                                       const SpeedSearchOptions<Real>& options);

// ---- rank one: the canonical scale (R31-R35) ---------------------------------------------

// f, f', f'', f''' of the latent flow at kappa (R31).
template <class Real>
struct LatentDerivatives {
  Real f, f1, f2, f3;
};
template <class Real>
LatentDerivatives<Real> latent_derivatives(const RnnParams<Real>& params, const Real& kappa);

// A critical point kappa_g of f (f'(kappa_g) = 0) with eps = f f''/2 (R32): eps > 0 a ghost
// (speed minimum, f != 0), eps < 0 a speed maximum between the two fixed points of a
// saddle-node pair (R33).
template <class Real>
struct CanonicalScale {
  Real kappa;
  LatentDerivatives<Real> derivatives;
  Real eps;
};

// Every fixed point (zero of f) and every critical point (zero of f') of a rank-one network on
// |kappa| <= half_width (<= 0: |n|_1 + 1, R30), from sign changes on a grid of `points`, refined
// by Newton (falling back to bisection) to full precision.
template <class Real>
std::vector<Real> rank_one_fixed_points(const RnnParams<Real>& params, const Real& half_width,
                                        int points);
template <class Real>
std::vector<CanonicalScale<Real>> rank_one_critical_points(const RnnParams<Real>& params,
                                                           const Real& half_width, int points);

// Newton on f' from kappa0 (for following a ghost through parameter updates); throws
// std::runtime_error when it does not converge.
template <class Real>
CanonicalScale<Real> canonical_scale_near(const RnnParams<Real>& params, const Real& kappa0);

// d eps / d(n, m, b) at a critical point (R34, R35): the first-order change of eps under a
// parameter update is the inner product of this with the update (paper Eqs. 30-35).
template <class Real>
struct ScaleGradient {
  RnnVector<Real> d_m, d_n, d_b;
};
template <class Real>
ScaleGradient<Real> canonical_scale_gradient(const RnnParams<Real>& params,
                                             const CanonicalScale<Real>& point);

}  // namespace learndyn::reference::ghost
