// Gradient descent on balls (gradient_descent_enclosure.hpp; proofs/ghost.md G43-G44).
#include <learndyn/reference/ghost/gradient_descent_enclosure.hpp>

#include <learndyn/common/argument_error.hpp>
#include <learndyn/common/forward_dual.hpp>
#include <learndyn/reference/ghost/canonical_model_impl.hpp>
#include <learndyn/reference/ghost/delayed_activation_impl.hpp>
#include <learndyn/reference/ghost/enclosures.hpp>

namespace learndyn::reference::ghost {
namespace {

using Dual = dual<interval, 1>;

// f(x) = x - eta c L'(x) at a ball x (a point for both routes but the centred form's slope).
interval step(const GradientDescent<interval>& gd, const interval& c, const interval& x) {
  return x - gd.rate * c * analytic_gradient(x, gd.task);
}

// f'(E) = 1 - eta c L''(E): (G14) differentiated by forward mode on the ball E (C28).
interval step_slope(const GradientDescent<interval>& gd, const interval& c, const interval& e) {
  const DelayTask<Dual> task{Dual(gd.task.delay), Dual(gd.task.response)};
  const Dual g = analytic_gradient(Dual::variable(e, 0), task);
  return 1 - gd.rate * c * g.d[0];
}

}  // namespace

DescentEnclosure gradient_descent_enclosure(const GradientDescent<interval>& gd, const interval& eps0, long epochs,
                                            DescentRoute route) {
  validate(gd.task);
  require(gd.rate > 0, "eta", gd.rate, "eta > 0");
  require(epochs >= 0, "epochs", epochs, "epochs >= 0");
  const interval c = normalisation_factor(gd.task, gd.normalisation);
  interval e = eps0;
  for (long k = 0; k < epochs; ++k) {
    if (e.is_point()) {
      e = step(gd, c, e);
      continue;
    }
    const interval slope = step_slope(gd, c, e);
    if (route == DescentRoute::centred) {
      const interval m(e.mid());  // exact
      e = step(gd, c, m) + slope * (e - m);  // (G44)
    } else {
      const interval at_lo = step(gd, c, interval(e.lo())), at_hi = step(gd, c, interval(e.hi()));
      e = slope > 0 ? interval::hull(at_lo.lo(), at_hi.hi()) : interval::hull(at_hi.lo(), at_lo.hi());
    }
  }
  return {e, c * analytic_loss(e, gd.task)};
}

}  // namespace learndyn::reference::ghost
