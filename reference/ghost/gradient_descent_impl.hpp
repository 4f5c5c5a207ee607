// The GD run's template (gradient_descent.hpp), included where it is instantiated: for
// double, real and real_hi in gradient_descent.cpp, and on the interval scalar in
// enclosures.cpp (proofs/ghost.md G43: the golden GD runs enclosed).
#pragma once

#include <learndyn/common/argument_error.hpp>
#include <learndyn/reference/ghost/delayed_activation.hpp>
#include <learndyn/reference/ghost/gradient_descent.hpp>

namespace learndyn::reference::ghost {
namespace gd_detail {

template <class Real>
void validate(const GradientDescent<Real>& gd) {
  ghost::validate(gd.task);
  require(gd.rate > 0, "eta", gd.rate, "eta > 0");
}

// One GD step on the rescaled analytical loss, (G27) before the change of units.
template <class Real>
Real step(const GradientDescent<Real>& gd, const Real& c, const Real& eps) {
  return eps - gd.rate * c * analytic_gradient(eps, gd.task);
}

}  // namespace gd_detail

template <class Real>
Trajectory<Real> run_gradient_descent(const GradientDescent<Real>& gd, const Real& eps0,
                                      long epochs) {
  gd_detail::validate(gd);
  require(epochs >= 0, "epochs", epochs, "epochs >= 0");
  const Real c = normalisation_factor(gd.task, gd.normalisation);
  const Real eps_nr = point_of_no_return(gd.task);
  Trajectory<Real> out;
  out.eps.reserve(static_cast<std::size_t>(epochs) + 1);
  out.loss.reserve(static_cast<std::size_t>(epochs) + 1);
  Real eps = eps0;
  for (long k = 0;; ++k) {
    out.eps.push_back(eps);
    out.loss.push_back(c * analytic_loss(eps, gd.task));
    if (out.stuck_epoch < 0 && eps < eps_nr) out.stuck_epoch = k;
    if (k == epochs) break;
    eps = gd_detail::step(gd, c, eps);
  }
  return out;
}

}  // namespace learndyn::reference::ghost
