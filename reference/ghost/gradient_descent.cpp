#include <learndyn/reference/ghost/gradient_descent.hpp>

#include <cmath>

#include <learndyn/common/argument_error.hpp>
#include <learndyn/common/decimal.hpp>
#include <learndyn/common/random.hpp>
#include <learndyn/common/threshold_search.hpp>
#include <learndyn/common/scalar.hpp>

namespace learndyn::reference::ghost {
namespace {

template <class Real>
void validate(const GradientDescent<Real>& gd) {
  validate(gd.task);
  require(gd.rate > 0, "eta", gd.rate, "eta > 0");
}

// One GD step on the rescaled analytical loss, (G27) before the change of units.
template <class Real>
Real step(const GradientDescent<Real>& gd, const Real& c, const Real& eps) {
  return eps - gd.rate * c * analytic_gradient(eps, gd.task);
}

}  // namespace

template <class Real>
Trajectory<Real> run_gradient_descent(const GradientDescent<Real>& gd, const Real& eps0,
                                      long epochs) {
  validate(gd);
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
    eps = step(gd, c, eps);
  }
  return out;
}

template <class Real>
bool any_run_gets_stuck(const GradientDescent<Real>& gd, const std::vector<Real>& starts,
                        long epochs) {
  validate(gd);
  const Real c = normalisation_factor(gd.task, gd.normalisation);
  const Real eps_nr = point_of_no_return(gd.task);
  for (const Real& start : starts) {
    Real eps = start;
    for (long k = 0; k <= epochs; ++k) {
      if (eps < eps_nr) return true;
      eps = step(gd, c, eps);
    }
  }
  return false;
}

template <class Real>
std::vector<Real> critical_rate_starts(const DelayTask<Real>& task, int paper_runs,
                                       int near_optimum, std::uint64_t seed) {
  const Real eps_star = optimal_scale(task);
  std::vector<Real> starts;
  Rng rng(seed);
  for (int i = 0; i < paper_runs; ++i)
    starts.push_back(eps_star * (10 + Real(rng.normal()) / 10));  // Fig. 2D starts
  for (int j = 1; j <= near_optimum; ++j) {
    using std::ldexp;
    starts.push_back(eps_star * (1 + ldexp(Real(1), -j)));  // (G28): inside (eps*, eps_1)
  }
  return starts;
}

template <class Real>
Bracket numerical_critical_rate(const DelayTask<Real>& task, Normalisation normalisation,
                                        const std::vector<Real>& starts, long epochs,
                                        double rel_tol) {
  return bracket_threshold(
      [&](double rate) {
        return any_run_gets_stuck(GradientDescent<Real>{task, normalisation, Real(rate)}, starts,
                                  epochs);
      },
      rel_tol);
}

#define LEARNDYN_INSTANTIATE(Real)                                                           \
  template Trajectory<Real> run_gradient_descent<Real>(const GradientDescent<Real>&,        \
                                                       const Real&, long);                   \
  template bool any_run_gets_stuck<Real>(const GradientDescent<Real>&,                      \
                                         const std::vector<Real>&, long);                    \
  template std::vector<Real> critical_rate_starts<Real>(const DelayTask<Real>&, int, int,   \
                                                        std::uint64_t);                      \
  template Bracket numerical_critical_rate<Real>(                                    \
      const DelayTask<Real>&, Normalisation, const std::vector<Real>&, long, double);
LEARNDYN_INSTANTIATE(double)
LEARNDYN_INSTANTIATE(real)
LEARNDYN_INSTANTIATE(real_hi)
#undef LEARNDYN_INSTANTIATE

}  // namespace learndyn::reference::ghost
