// Learning in overlap space (proofs/overlaps.md §3, §5, §6, §11): the overlap-space loss
// through the latent recursion (O11; exact for linear phi, mean field with the gain g(Delta)
// otherwise), dL/dsigma by the adjoint (O13), the matrix G (O14), the exact discrete map (O16),
// the gradient flow (O17), the augmented Gram matrix (O18-O20), the direct baseline (O22),
// the block form (O21), the invariants (O31-O35) and the integration of the flow.
//
// Reference implementation: templated on the scalar, instantiated for double, real (50
// digits) and real_hi (100 digits) in learning.cpp.
#pragma once

#include <vector>

#include <learndyn/common/ode.hpp>
#include <learndyn/common/scalar.hpp>  // learndyn::real, the 50-digit scalar this is instantiated for
#include <learndyn/reference/overlaps/overlaps.hpp>

namespace learndyn::reference::overlaps {

// ---- the mean-field gain (O10, O10a) ----

// g(Delta) = E[phi'(h)], h ~ N(0, Delta) (Delta >= 0): 1 (linear), 1/sqrt(1 + pi Delta/2)
// (erf), quadrature (tanh).
template <class Real>
Real gain(Activation phi, const Real& delta);

// g'(Delta) = E[phi'''(h)] / 2 (closed form for linear and erf, quadrature for tanh).
template <class Real>
Real gain_derivative(Activation phi, const Real& delta);

// E[phi^(order)(h)] by tanh-sinh quadrature on [0, Xi] (O10, Xi^2 = 2 ln 10 (digits + 10)),
// order 1 or 3; the independent check of the closed forms.
template <class Real>
Real gaussian_average_by_quadrature(Activation phi, int order, const Real& delta);

// ---- the overlap-space loss and its gradient (O11, O13, O14) ----

// Outputs y (B x T) of the overlap-space recursion (O11) from Sigma (only V and, for
// nonlinear phi, Sigma_BB are read).
template <class Real>
Matrix<Real> overlap_outputs(const Model<Real>& model, const Matrix<Real>& sigma,
                             const Task<Real>& task);

template <class Real>
Real overlap_loss(const Model<Real>& model, const Matrix<Real>& sigma, const Task<Real>& task);

// F = dL/dV ((R+1) x (R+1)) and H = G_BB = 2 dL/dSigma_BB (entries independent; zero for
// linear phi), by the adjoint (O13).
template <class Real>
struct OverlapGradient {
  Real loss;
  Matrix<Real> F;
  Matrix<Real> H;
};
template <class Real>
OverlapGradient<Real> overlap_gradient(const Model<Real>& model, const Matrix<Real>& sigma,
                                       const Task<Real>& task);

// G = [[0, F], [F^T, H]] (O14): G_ab = dL/dsigma_ab off the diagonal, 2 dL/dsigma_aa on it.
template <class Real>
Matrix<Real> gradient_matrix(const OverlapGradient<Real>& grad);

// dL/dsigma_ab for the unique overlaps, in `ordering` (G_ab off the diagonal, G_aa / 2 on it).
template <class Real>
Vector<Real> unique_gradient(const Matrix<Real>& G, int rank, OverlapOrdering ordering);

// ---- learning dynamics (O16-O22) ----

// dSigma/dt = -lr (G Sigma + Sigma G) (O17), t in epochs; requires lr > 0 finite.
template <class Real>
Matrix<Real> flow_rhs(const Model<Real>& model, const Task<Real>& task, const Real& lr,
                      const Matrix<Real>& sigma);

// Sigma' = (I - lr G) Sigma (I - lr G) (O16): one full-network SGD step at rate N lr, exactly,
// for linear phi; the mean-field theory's discrete map otherwise.
template <class Real>
Matrix<Real> discrete_map_step(const Model<Real>& model, const Task<Real>& task, const Real& lr,
                               const Matrix<Real>& sigma);

// The direct baseline (O22): dsigma/dt = -lr dL/dsigma (Gbar = I), as a matrix.
template <class Real>
Matrix<Real> direct_rhs(const Model<Real>& model, const Task<Real>& task, const Real& lr,
                        const Matrix<Real>& sigma);

// Gbar of (O18) over the unique overlaps in `ordering`: dsigma/dt = -lr Gbar dL/dsigma.
template <class Real>
Matrix<Real> augmented_gram(const Matrix<Real>& sigma, int rank, OverlapOrdering ordering);

// The block form (O21) of -lr (G Sigma + Sigma G).
template <class Real>
struct BlockRates {
  Matrix<Real> visible;  // dV/dt
  Matrix<Real> left;     // dSigma_AA/dt
  Matrix<Real> right;    // dSigma_BB/dt
};
template <class Real>
BlockRates<Real> block_rates(const Matrix<Real>& sigma, const OverlapGradient<Real>& grad,
                             const Real& lr);

// ---- invariants (O31-O35) ----

template <class Real>
struct Invariants {
  Real trace_j_sigma;      // tr(J Sigma)          (O33, linear)
  Real trace_j_sigma_2;    // tr((J Sigma)^2)      (O33, linear)
  Real trace_j_sigma_3;    // tr((J Sigma)^3)      (O33, linear)
  Real det_sigma;          // det Sigma            (O33, linear)
  Real zz_minus_mm;        // sigma_zz - sigma_mm  (O35, linear)
  Matrix<Real> uu_minus_vv;  // Sigma_UU - Sigma_VV, R x R (O34, any phi)
};
template <class Real>
Invariants<Real> invariants(const Matrix<Real>& sigma, int rank);

// ---- integrating the overlap dynamics ----

enum class FlowMethod {
  exact_map,  // (O16) once per epoch (integer epochs)
  euler,      // Euler on (O17), steps_per_epoch steps per epoch (the code's: 1)
  rk4,        // classical RK4 on (O17)
  adaptive,   // Fehlberg 7(8) with error control (common/ode.hpp, O40-O41)
  extrapolation  // Gragg-Bulirsch-Stoer, order growing with the digits (O43): for 50/100 digits
};
enum class Preconditioner { gram, direct };  // (O17) or the direct baseline (O22)

template <class Real>
struct FlowSettings {
  Real lr;
  FlowMethod method = FlowMethod::adaptive;
  Preconditioner preconditioner = Preconditioner::gram;
  long steps_per_epoch = 1;                                  // euler, rk4
  ode::Tolerance<Real> tolerance = ode::default_tolerance<Real>();  // adaptive, extrapolation
};

template <class Real>
struct FlowSample {
  Real epoch;
  Matrix<Real> sigma;
  Real loss;
};

// Sigma at each of `epochs` (nondecreasing, >= 0; integers for exact_map), from Sigma0 (PSD)
// at epoch 0. Invisible and visible overlaps evolve together; the state integrated is the
// vector of unique overlaps.
template <class Real>
std::vector<FlowSample<Real>> integrate_flow(const Model<Real>& model, const Task<Real>& task,
                                             const Matrix<Real>& sigma0,
                                             const FlowSettings<Real>& settings,
                                             const std::vector<Real>& epochs);

}  // namespace learndyn::reference::overlaps
