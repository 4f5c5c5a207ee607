// The definitions of delayed_activation.hpp's templates, included by the translation units that
// instantiate them: delayed_activation.cpp (double, real, real_hi) and, when the enclosures are
// built, reference/ghost/enclosures.cpp (learndyn::interval; proofs/ghost.md §9).
#pragma once

#include <cmath>

#include <learndyn/common/argument_error.hpp>
#include <learndyn/common/decimal.hpp>
#include <learndyn/common/scalar.hpp>
#include <learndyn/reference/ghost/canonical_model_impl.hpp>
#include <learndyn/reference/ghost/delayed_activation.hpp>

namespace learndyn::reference::ghost {
template <class Real>
void validate(const DelayTask<Real>& task) {
  require(is_finite_positive(task.delay), "T", task.delay,
          "T > 0 (finite)");
  require(is_finite_positive(task.response), "Tr", task.response,
          "Tr > 0 (finite)");
}

template <class Real>
Real normalisation_factor(const DelayTask<Real>& task, Normalisation normalisation) {
  switch (normalisation) {
    case Normalisation::none:
      return Real(1);
    case Normalisation::delay:
      return 1 / task.delay;
    case Normalisation::total:
      return 1 / (task.delay + task.response);
  }
  return Real(1);
}

template <class Real>
Real optimal_scale(const DelayTask<Real>& task) {
  validate(task);
  const Real p = pi_constant<Real>();
  return p * p / (4 * task.delay * task.delay);  // (G12)
}

template <class Real>
Real point_of_no_return(const DelayTask<Real>& task) {
  validate(task);
  const Real p = pi_constant<Real>();
  const Real total = task.delay + task.response;
  return p * p / (4 * total * total);  // (G13)
}

template <class Real>
Real analytic_loss(const Real& eps, const DelayTask<Real>& task) {
  using std::isnan;
  using boost::multiprecision::isnan;
  validate(task);
  if (isnan(eps)) return eps;  // NaN is on no branch of (G11) (as in fast/ghost/analytic.hpp)
  const Real t_star = escape_time(eps);
  if (t_star < task.delay) return task.delay - t_star;                   // (G11) i
  if (t_star <= task.delay + task.response) return t_star - task.delay;  // (G11) ii
  return task.response;                                                  // (G11) iii
}

template <class Real>
Real analytic_gradient(const Real& eps, const DelayTask<Real>& task) {
  using std::sqrt;
  validate(task);
  const Real eps_star = optimal_scale(task);
  const Real eps_nr = point_of_no_return(task);
  if (eps < eps_nr) return Real(0);  // (G14), no-learning zone (includes eps <= 0)
  const Real magnitude = pi_constant<Real>() / (4 * eps * sqrt(eps));
  return eps > eps_star ? magnitude : Real(-magnitude);  // (G14)
}

template <class Real>
Real slope_at_optimum(const DelayTask<Real>& task) {
  validate(task);
  const Real p = pi_constant<Real>();
  return 2 * task.delay * task.delay * task.delay / (p * p);  // (G15)
}

template <class Real>
Real critical_rate(const DelayTask<Real>& task, Normalisation normalisation) {
  // (G16): eta_c = (eps* - eps_nr) / (c g*), with eps* - eps_nr (G12, G13) written without
  // cancellation: pi^2/4 (T^-2 - (T + T_r)^-2) = pi^2/4 T_r (2T + T_r) / (T^2 (T + T_r)^2).
  // (The difference of the rounded eps* and eps_nr loses log10(T/(2 T_r)) digits for T_r << T.)
  validate(task);
  const Real p = pi_constant<Real>();
  const Real total = task.delay + task.response;
  const Real gap = p * p * task.response * (task.delay + total) /
                   (4 * task.delay * task.delay * total * total);
  return gap / (normalisation_factor(task, normalisation) * slope_at_optimum(task));
}

template <class Real>
Real critical_rate_exponent(const DelayTask<Real>& task, Normalisation normalisation,
                            DelayScaling scaling) {
  validate(task);
  const Real r = task.delay / (task.delay + task.response);
  if (scaling == DelayScaling::proportional) {
    return normalisation == Normalisation::none ? Real(-5) : Real(-4);  // (G19)
  }
  const Real raw = -3 - 2 * (1 + r + r * r) / (1 + r);  // (G20)
  switch (normalisation) {
    case Normalisation::none:
      return raw;
    case Normalisation::delay:
      return raw + 1;
    case Normalisation::total:
      return raw + r;
  }
  return raw;
}

}  // namespace learndyn::reference::ghost
