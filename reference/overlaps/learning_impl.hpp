// The definitions of learning.hpp's templates, included by the translation units that
// instantiate them: learning.cpp (double, real, real_hi) and, when the enclosures are built,
// reference/overlaps/enclosures.cpp (learndyn::interval; proofs/overlaps.md §17).
#pragma once

#include <learndyn/reference/overlaps/learning.hpp>

#include <cmath>
#include <limits>
#include <stdexcept>

#include <Eigen/LU>
#include <boost/math/constants/constants.hpp>

#include <learndyn/common/argument_error.hpp>
#include <learndyn/common/quadrature.hpp>
#include <learndyn/common/scalar.hpp>

namespace learndyn::reference::overlaps {
namespace {

template <class Real>
void validate_inputs(const Model<Real>& model, const Matrix<Real>& sigma, const Task<Real>& task) {
  validate(model);
  validate(task);
  validate_overlaps(sigma, model.rank, false);
}

// Delta = kappa^T Sigma_BB kappa (O9). A PSD Sigma_BB gives Delta >= 0 up to rounding; a
// rounding-level negative value is taken as 0, a larger one means Sigma_BB is not PSD.
template <class Real>
Real latent_variance(const Matrix<Real>& sbb, const Vector<Real>& kappa) {
  const Real delta = kappa.dot(sbb * kappa);
  if (delta >= 0) return delta;
  const Real scale = sbb.cwiseAbs().maxCoeff() * kappa.squaredNorm();
  require(-delta <= 256 * std::numeric_limits<Real>::epsilon() * scale, "Sigma_BB", delta,
          "positive semidefinite (kappa^T Sigma_BB kappa >= 0; the mean-field variance)");
  return Real(0);
}

// The recursion (O11) for one trial, kept for the adjoint.
template <class Real>
struct LatentPass {
  std::vector<Vector<Real>> kappa;  // kappa_0..kappa_T
  std::vector<Real> gain;           // gamma_k
  std::vector<Real> gain_slope;     // gamma_k' = g'(Delta_k)
  std::vector<Real> output;         // y_k
};

// `with_slopes`: also g'(Delta_k), which only the adjoint needs (a second quadrature for tanh).
template <class Real>
LatentPass<Real> forward(const Model<Real>& model, const Matrix<Real>& V, const Matrix<Real>& sbb,
                         const Task<Real>& task, Eigen::Index b, bool with_slopes) {
  const Eigen::Index steps = task.input.cols();
  const bool nonlinear = model.activation != Activation::linear;
  LatentPass<Real> pass;
  pass.kappa.assign(steps + 1, Vector<Real>::Zero(model.rank + 1));
  pass.gain.assign(steps, Real(1));
  pass.gain_slope.assign(steps, Real(0));
  pass.output.assign(steps, Real(0));
  for (Eigen::Index k = 0; k < steps; ++k) {
    const Vector<Real>& kappa = pass.kappa[k];
    if (nonlinear) {
      const Real delta = latent_variance(sbb, kappa);
      pass.gain[k] = gain(model.activation, delta);  // once per step, pre-update kappa
      if (with_slopes) pass.gain_slope[k] = gain_derivative(model.activation, delta);
    }
    Vector<Real> a = pass.gain[k] * (V * kappa);  // A-projections of phi(h) (O9)
    Vector<Real> drive = a;
    drive(0) = task.input(b, k);  // P a + e_0 x
    pass.kappa[k + 1] = (1 - model.dt) * kappa + model.dt * drive;
    pass.output[k] = model.readout == Readout::after_update
                         ? Real(V.row(0).dot(pass.kappa[k + 1]))  // z.h_{k+1}/N exactly
                         : a(0);                                  // z.phi(h_k)/N
  }
  return pass;
}

// The adjoint (O13) of one trial: adds to F, D (= dL/dSigma_BB, entries independent) and
// returns the trial's loss.
template <class Real>
Real adjoint(const Model<Real>& model, const Matrix<Real>& V, const Matrix<Real>& sbb,
             const Task<Real>& task, Eigen::Index b, Matrix<Real>& F, Matrix<Real>& D) {
  const LatentPass<Real> pass = forward(model, V, sbb, task, b, true);
  const Eigen::Index steps = task.input.cols();
  const Real dt = model.dt;
  Real loss = 0;
  Vector<Real> lambda = Vector<Real>::Zero(model.rank + 1);  // dL/dkappa_{k+1}
  for (Eigen::Index k = steps - 1; k >= 0; --k) {
    const Real err = pass.output[k] - task.target(b, k);
    loss += task.weight(b, k) * err * err;
    const Real e = 2 * task.weight(b, k) * err;
    const Vector<Real>& kappa = pass.kappa[k];
    if (model.readout == Readout::after_update) {
      lambda += e * V.row(0).transpose();
      F.row(0) += e * pass.kappa[k + 1].transpose();
    }
    Vector<Real> alpha = dt * lambda;  // dL/da_k = dt P lambda (+ e e_0 before update)
    alpha(0) = model.readout == Readout::before_update ? e : Real(0);
    const Real gamma = pass.gain[k];
    F += gamma * alpha * kappa.transpose();
    Vector<Real> next = (1 - dt) * lambda + gamma * (V.transpose() * alpha);
    if (pass.gain_slope[k] != 0) {
      const Real c = alpha.dot(V * kappa);  // dL/dgamma_k
      D += c * pass.gain_slope[k] * kappa * kappa.transpose();
      next += 2 * c * pass.gain_slope[k] * (sbb * kappa);
    }
    lambda = next;
  }
  return loss;
}

template <class Real>
Real quadrature_cutoff() {
  using std::log;
  using std::sqrt;
  // Xi^2 = 2 ln 10 (digits + 10): the Gaussian tail beyond Xi is < 10^-(digits+10) (O10).
  return sqrt(2 * log(Real(10)) * (std::numeric_limits<Real>::digits10 + 10));
}

template <class Real>
Real derivative_of_order(Activation phi, int order, const Real& x) {
  return order == 1 ? activation_derivative(phi, x) : activation_third_derivative(phi, x);
}

template <class Real>
Matrix<Real> identity(Eigen::Index n) {
  return Matrix<Real>::Identity(n, n);
}

template <class Real>
Matrix<Real> symmetrised(const Matrix<Real>& m) {
  // Products like (I - lr G) Sigma (I - lr G) are symmetric in exact arithmetic; averaging the
  // two rounded triangles keeps the state exactly symmetric along long runs.
  return (m + m.transpose()) / 2;
}

}  // namespace

template <class Real>
Real gaussian_average_by_quadrature(Activation phi, int order, const Real& delta) {
  require(order == 1 || order == 3, "order", order, "1 or 3");
  require(delta >= 0, "Delta", delta, "Delta >= 0");
  if (delta == 0) return derivative_of_order(phi, order, Real(0));
  // The interval scalar (its own pi(), common/scalar.hpp) has no certified tanh-sinh: the tanh
  // gain is not enclosed (proofs/overlaps.md O47).
  if constexpr (requires { Real::pi(); }) {
    throw std::invalid_argument("the tanh gain is not enclosed: its Gaussian average needs a certified quadrature");
  } else {
    using std::exp;
    using std::sqrt;
    const Real root = sqrt(delta);
    const Real norm = 1 / sqrt(2 * boost::math::constants::pi<Real>());
    const auto integrand = [&](const Real& xi) {
      return derivative_of_order(phi, order, Real(root * xi)) * norm * exp(-xi * xi / 2);
    };
    // phi^(order) is even (phi is odd), so E[.] = 2 * integral over [0, Xi].
    return 2 * integrate_tanh_sinh<Real>(integrand, Real(0), quadrature_cutoff<Real>());
  }
}

template <class Real>
Real gain(Activation phi, const Real& delta) {
  require(delta >= 0, "Delta", delta, "Delta >= 0");
  using std::sqrt;
  switch (phi) {
    case Activation::linear:
      return Real(1);
    case Activation::erf:
      return 1 / sqrt(1 + half_pi_constant<Real>() * delta);  // (O10)
    case Activation::tanh:
      return gaussian_average_by_quadrature(phi, 1, delta);
  }
  return Real(1);
}

template <class Real>
Real gain_derivative(Activation phi, const Real& delta) {
  require(delta >= 0, "Delta", delta, "Delta >= 0");
  using std::sqrt;
  switch (phi) {
    case Activation::linear:
      return Real(0);
    case Activation::erf: {
      const Real s = 1 + half_pi_constant<Real>() * delta;
      return -pi_constant<Real>() / 4 / (s * sqrt(s));  // (O10a)
    }
    case Activation::tanh:
      return gaussian_average_by_quadrature(phi, 3, delta) / 2;  // (O10a)
  }
  return Real(0);
}

template <class Real>
Matrix<Real> overlap_outputs(const Model<Real>& model, const Matrix<Real>& sigma,
                             const Task<Real>& task) {
  validate_inputs(model, sigma, task);
  const Matrix<Real> V = visible_block(sigma), sbb = right_block(sigma);
  Matrix<Real> y(task.input.rows(), task.input.cols());
  for (Eigen::Index b = 0; b < y.rows(); ++b) {
    const LatentPass<Real> pass = forward(model, V, sbb, task, b, false);
    for (Eigen::Index k = 0; k < y.cols(); ++k) y(b, k) = pass.output[k];
  }
  return y;
}

template <class Real>
Real overlap_loss(const Model<Real>& model, const Matrix<Real>& sigma, const Task<Real>& task) {
  return task_loss(task, overlap_outputs(model, sigma, task));
}

template <class Real>
OverlapGradient<Real> overlap_gradient(const Model<Real>& model, const Matrix<Real>& sigma,
                                       const Task<Real>& task) {
  validate_inputs(model, sigma, task);
  const Matrix<Real> V = visible_block(sigma), sbb = right_block(sigma);
  const Eigen::Index half = model.rank + 1;
  OverlapGradient<Real> out{Real(0), Matrix<Real>::Zero(half, half), Matrix<Real>::Zero(half, half)};
  Matrix<Real> D = Matrix<Real>::Zero(half, half);
  for (Eigen::Index b = 0; b < task.input.rows(); ++b)
    out.loss += adjoint(model, V, sbb, task, b, out.F, D);
  out.H = 2 * D;  // (O14): G_BB = 2 dL/dSigma_BB
  return out;
}

template <class Real>
Matrix<Real> gradient_matrix(const OverlapGradient<Real>& grad) {
  const Eigen::Index half = grad.F.rows();
  Matrix<Real> G = Matrix<Real>::Zero(2 * half, 2 * half);  // G_AA = 0: Sigma_AA invisible
  G.topRightCorner(half, half) = grad.F;
  G.bottomLeftCorner(half, half) = grad.F.transpose();
  G.bottomRightCorner(half, half) = grad.H;
  return G;  // (O14)
}

template <class Real>
Vector<Real> unique_gradient(const Matrix<Real>& G, int rank, OverlapOrdering ordering) {
  const auto pairs = overlap_pairs(rank, ordering);
  require(G.rows() == vector_count(rank) && G.cols() == vector_count(rank), "G",
          static_cast<long>(G.rows()), "(2R+2) x (2R+2)");
  Vector<Real> g(pairs.size());
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    const auto [a, b] = pairs[i];
    g(i) = a == b ? Real(G(a, a) / 2) : G(a, b);
  }
  return g;
}

template <class Real>
Matrix<Real> flow_rhs(const Model<Real>& model, const Task<Real>& task, const Real& lr,
                      const Matrix<Real>& sigma) {
  require(is_finite_positive(lr), "lr", lr, "lr > 0, finite");
  const Matrix<Real> G = gradient_matrix(overlap_gradient(model, sigma, task));
  const Matrix<Real> g_sigma = G * sigma;
  return -lr * Matrix<Real>(g_sigma + g_sigma.transpose());  // (O17): Sigma G = (G Sigma)^T
}

template <class Real>
Matrix<Real> discrete_map_step(const Model<Real>& model, const Task<Real>& task, const Real& lr,
                               const Matrix<Real>& sigma) {
  require(is_finite_positive(lr), "lr", lr, "lr > 0, finite");
  const Matrix<Real> G = gradient_matrix(overlap_gradient(model, sigma, task));
  const Matrix<Real> M = identity<Real>(G.rows()) - lr * G;
  return symmetrised<Real>(M * sigma * M);  // (O16)
}

template <class Real>
Matrix<Real> direct_rhs(const Model<Real>& model, const Task<Real>& task, const Real& lr,
                        const Matrix<Real>& sigma) {
  require(is_finite_positive(lr), "lr", lr, "lr > 0, finite");
  Matrix<Real> rate = -lr * gradient_matrix(overlap_gradient(model, sigma, task));
  rate.diagonal() /= 2;  // dL/dsigma_aa = G_aa / 2
  return rate;  // (O22)
}

template <class Real>
Matrix<Real> augmented_gram(const Matrix<Real>& sigma, int rank, OverlapOrdering ordering) {
  validate_overlaps(sigma, rank, false);
  const auto pairs = overlap_pairs(rank, ordering);
  const auto count = static_cast<Eigen::Index>(pairs.size());
  const auto delta = [](int i, int j) { return i == j ? 1 : 0; };
  Matrix<Real> gbar(count, count);
  for (Eigen::Index i = 0; i < count; ++i)
    for (Eigen::Index j = 0; j < count; ++j) {
      const auto [a, b] = pairs[i];
      const auto [c, d] = pairs[j];
      gbar(i, j) = delta(a, c) * sigma(b, d) + delta(a, d) * sigma(b, c) +
                   delta(b, c) * sigma(a, d) + delta(b, d) * sigma(a, c);  // (O18)
    }
  return gbar;
}

template <class Real>
BlockRates<Real> block_rates(const Matrix<Real>& sigma, const OverlapGradient<Real>& grad,
                             const Real& lr) {
  const Matrix<Real> saa = left_block(sigma), V = visible_block(sigma), sbb = right_block(sigma);
  const Matrix<Real>& F = grad.F;
  const Matrix<Real>& H = grad.H;
  return {-lr * Matrix<Real>(saa * F + F * sbb + V * H),                          // (O21)
          -lr * Matrix<Real>(F * V.transpose() + V * F.transpose()),
          -lr * Matrix<Real>(F.transpose() * V + V.transpose() * F + H * sbb + sbb * H)};
}

template <class Real>
Invariants<Real> invariants(const Matrix<Real>& sigma, int rank) {
  validate_overlaps(sigma, rank, false);
  const Matrix<Real> js = sign_matrix<Real>(rank) * sigma;
  const Matrix<Real> js2 = js * js;
  Invariants<Real> out;
  out.trace_j_sigma = js.trace();
  out.trace_j_sigma_2 = js2.trace();
  out.trace_j_sigma_3 = Matrix<Real>(js2 * js).trace();
  out.det_sigma = Eigen::FullPivLU<Matrix<Real>>(sigma).determinant();
  out.zz_minus_mm = sigma(index_z(), index_z()) - sigma(index_m(rank), index_m(rank));
  out.uu_minus_vv = Matrix<Real>(rank, rank);
  for (int r = 0; r < rank; ++r)
    for (int s = 0; s < rank; ++s)
      out.uu_minus_vv(r, s) =
          sigma(index_u(rank, r), index_u(rank, s)) - sigma(index_v(r), index_v(s));  // (O34)
  return out;
}

template <class Real>
std::vector<FlowSample<Real>> integrate_flow(const Model<Real>& model, const Task<Real>& task,
                                             const Matrix<Real>& sigma0,
                                             const FlowSettings<Real>& settings,
                                             const std::vector<Real>& epochs) {
  validate_inputs(model, sigma0, task);
  validate_overlaps(sigma0, model.rank, true);
  require(is_finite_positive(settings.lr), "lr", settings.lr, "lr > 0, finite");
  require(settings.steps_per_epoch >= 1, "steps_per_epoch", settings.steps_per_epoch, ">= 1");
  const int rank = model.rank;
  const OverlapOrdering order = OverlapOrdering::linear;  // any fixed order will do
  const auto rate = [&](const Matrix<Real>& sigma) {
    return settings.preconditioner == Preconditioner::gram
               ? flow_rhs(model, task, settings.lr, sigma)
               : direct_rhs(model, task, settings.lr, sigma);
  };
  const auto rhs = [&](const Real&, const Vector<Real>& flat) {
    return Vector<Real>(flatten(rate(unflatten(flat, rank, order)), rank, order));
  };
  std::vector<FlowSample<Real>> out;
  Matrix<Real> sigma = sigma0;
  Real now = 0;
  for (const Real& target : epochs) {
    require(target >= now, "epochs", target, "nondecreasing and >= 0");
    const Real span = target - now;
    using std::abs;
    using std::round;
    const Real count = settings.method == FlowMethod::exact_map ? span
                                                                 : span * settings.steps_per_epoch;
    const long steps = static_cast<long>(round(count));
    const bool fixed_steps = settings.method == FlowMethod::exact_map ||
                             settings.method == FlowMethod::euler || settings.method == FlowMethod::rk4;
    if (fixed_steps)
      require(abs(count - steps) <= 1024 * std::numeric_limits<Real>::epsilon() * (1 + count),
              "epochs", target, "whole numbers of steps (epochs for exact_map, 1/steps_per_epoch otherwise)");
    switch (settings.method) {
      case FlowMethod::exact_map:
        if (settings.preconditioner != Preconditioner::gram)
          require(false, "preconditioner", "direct", "gram for the exact map");
        for (long i = 0; i < steps; ++i) sigma = discrete_map_step(model, task, settings.lr, sigma);
        break;
      case FlowMethod::euler:
      case FlowMethod::rk4:
        if (steps > 0)
          sigma = unflatten(
              ode::integrate_fixed(settings.method == FlowMethod::euler ? ode::FixedMethod::euler
                                                                         : ode::FixedMethod::rk4,
                                   rhs, Vector<Real>(flatten(sigma, rank, order)), now, target,
                                   steps),
              rank, order);
        break;
      case FlowMethod::adaptive:
        if (span > 0)
          sigma = unflatten(ode::integrate_adaptive(rhs, Vector<Real>(flatten(sigma, rank, order)),
                                                    now, target, settings.tolerance),
                            rank, order);
        break;
      case FlowMethod::extrapolation:
        if (span > 0)
          sigma = unflatten(ode::integrate_extrapolation(rhs, Vector<Real>(flatten(sigma, rank, order)),
                                                         now, target, settings.tolerance),
                            rank, order);
        break;
    }
    now = target;
    out.push_back({target, sigma, overlap_loss(model, sigma, task)});
  }
  return out;
}

}  // namespace learndyn::reference::overlaps
