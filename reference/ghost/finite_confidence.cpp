#include <learndyn/reference/ghost/finite_confidence.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <vector>

#include <learndyn/common/argument_error.hpp>
#include <learndyn/common/decimal.hpp>
#include <learndyn/common/quadrature.hpp>
#include <learndyn/common/scalar.hpp>
#include <learndyn/reference/ghost/canonical_model.hpp>

namespace learndyn::reference::ghost {
namespace {

// sigma(z) = 1 / (1 + e^-z), evaluated on the side where exp cannot overflow.
template <class Real>
Real sigmoid(const Real& z) {
  using std::exp;
  if (z >= 0) return 1 / (1 + exp(-z));
  const Real e = exp(z);
  return e / (1 + e);
}

// The readout at time t: y and 1 - y, the latter computed as sigma(-z) (no cancellation).
template <class Real>
struct Output {
  Real y;
  Real one_minus_y;
  bool escaped;  // t >= t*: y = 1 exactly (G9)
};

template <class Real>
Output<Real> output_at(const Real& eps, const Real& t, const Readout<Real>& readout) {
  using std::isinf;
  using boost::multiprecision::isinf;
  const Real x = state(eps, t);
  if (isinf(x)) return {Real(1), Real(0), true};
  const Real z = readout.beta * (x - readout.x_th);
  return {sigmoid(z), sigmoid(Real(-z)), false};
}

// Panel breakpoints in time for the integrands of (G21)/(G24): the escape time, the
// target switch, the readout front (x = x_th) and the times where x = x_th +- k/beta,
// k in {1, 4, 16}, plus, for eps < 0, the relaxation times k/s (proofs/ghost.md §4).
template <class Real>
std::vector<Real> time_breakpoints(const Real& eps, const DelayTask<Real>& task,
                                   const Readout<Real>& readout) {
  using std::sqrt;
  std::vector<Real> points{task.delay, escape_time(eps)};
  for (const int k : {0, 1, -1, 4, -4, 16, -16}) {
    const std::optional<Real> t = level_crossing_time(eps, Real(readout.x_th + k / readout.beta));
    if (t) points.push_back(*t);
  }
  if (eps < 0) {
    const Real s = sqrt(-eps);
    for (const int k : {1, 4, 16, 64}) points.push_back(Real(k) / s);
  }
  return points;
}

template <class Real>
LossAndGradient<Real> integrate_loss(const Real& eps, const DelayTask<Real>& task,
                                     const Readout<Real>& readout, bool with_gradient) {
  using std::isinf;
  using std::isnan;
  using boost::multiprecision::isinf;
  using boost::multiprecision::isnan;
  validate(task);
  validate(readout);
  if (isnan(eps)) return {eps, eps};  // NaN in, NaN out (as the fast path documents)
  const Real t_star = escape_time(eps);
  const Real delay_end = std::min(task.delay, t_star);
  const Real response_end = std::min(Real(task.delay + task.response), t_star);
  const std::vector<Real> points = time_breakpoints(eps, task, readout);

  // (G21): y^2 on the delay up to the escape, (1 - y)^2 on the response up to the escape.
  // Each is integrated as a quantity that decays away from the front t_th: y^2 and
  // y (2 - y) = 1 - (1 - y)^2 before it (y small), (1 - y)^2 and (1 - y)(1 + y) = 1 - y^2
  // after it (1 - y small), the panel lengths added exactly (proofs/ghost.md §4). tanh-sinh
  // stops when its error estimate is below sqrt(eps) times the panel's L1 norm: integrating
  // 1 - (small steep part) directly, it stops while the small part is resolved only to
  // ~1e-11..1e-18 of itself, and the 50-digit loss loses up to 11 digits (T = T_r = 10,
  // beta = x_th = 1e4, eps = 5 eps*/8: 39 digits).
  const Real t_th = eps > 0 ? threshold_time(eps, readout.x_th) : std::numeric_limits<Real>::infinity();
  const auto delay_before = [&](const Real& t) {
    const Output<Real> o = output_at(eps, t, readout);
    return o.y * o.y;
  };
  const auto delay_after = [&](const Real& t) {  // 1 - y^2
    const Output<Real> o = output_at(eps, t, readout);
    return o.one_minus_y * (1 + o.y);
  };
  const auto response_before = [&](const Real& t) {  // 1 - (1 - y)^2
    const Output<Real> o = output_at(eps, t, readout);
    return o.y * (1 + o.one_minus_y);
  };
  const auto response_after = [&](const Real& t) {
    const Output<Real> o = output_at(eps, t, readout);
    return o.one_minus_y * o.one_minus_y;
  };
  LossAndGradient<Real> out{Real(0), Real(0)};
  const Real delay_split = std::min(delay_end, t_th);
  out.loss = integrate_on_panels<Real>(delay_before, Real(0), delay_split, points);
  if (delay_split < delay_end)
    out.loss += (delay_end - delay_split) -
                integrate_on_panels<Real>(delay_after, delay_split, delay_end, points);
  if (t_star < task.delay) out.loss += task.delay - t_star;
  if (task.delay < response_end) {
    const Real split = std::min(std::max(t_th, task.delay), response_end);
    if (task.delay < split)
      out.loss += (split - task.delay) -
                  integrate_on_panels<Real>(response_before, task.delay, split, points);
    if (split < response_end)
      out.loss += integrate_on_panels<Real>(response_after, split, response_end, points);
  }
  if (!with_gradient) return out;

  // (G24): d/deps of the integrands; dy/deps = beta y (1 - y) dx/deps (G7). As t -> t*,
  // y (1 - y) underflows to exactly 0 before dx/deps overflows; an escaped point adds 0.
  const auto dy = [&](const Real& t, const Output<Real>& o) {
    if (o.escaped || o.one_minus_y == 0) return Real(0);
    const Real dx = state_sensitivity(eps, t);
    if (isinf(dx)) return Real(0);
    return readout.beta * o.y * o.one_minus_y * dx;
  };
  const auto delay_grad = [&](const Real& t) {
    const Output<Real> o = output_at(eps, t, readout);
    return 2 * o.y * dy(t, o);
  };
  const auto response_grad = [&](const Real& t) {
    const Output<Real> o = output_at(eps, t, readout);
    return -2 * o.one_minus_y * dy(t, o);
  };
  out.gradient = integrate_on_panels<Real>(delay_grad, Real(0), delay_end, points);
  if (task.delay < response_end)
    out.gradient += integrate_on_panels<Real>(response_grad, task.delay, response_end, points);
  return out;
}

}  // namespace

template <class Real>
void validate(const Readout<Real>& readout) {
  require(is_finite_positive(readout.beta), "beta", readout.beta,
          "beta > 0 (finite)");
  require(is_finite_positive(readout.x_th), "xth", readout.x_th,
          "xth > 0 (finite)");
}

template <class Real>
Real finite_loss(const Real& eps, const DelayTask<Real>& task, const Readout<Real>& readout) {
  return integrate_loss(eps, task, readout, false).loss;
}

template <class Real>
Real finite_loss_gradient(const Real& eps, const DelayTask<Real>& task,
                          const Readout<Real>& readout) {
  return integrate_loss(eps, task, readout, true).gradient;
}

template <class Real>
LossAndGradient<Real> finite_loss_and_gradient(const Real& eps, const DelayTask<Real>& task,
                                               const Readout<Real>& readout) {
  return integrate_loss(eps, task, readout, true);
}

#define LEARNDYN_INSTANTIATE(Real)                                                         \
  template void validate<Real>(const Readout<Real>&);                                      \
  template Real finite_loss<Real>(const Real&, const DelayTask<Real>&, const Readout<Real>&); \
  template Real finite_loss_gradient<Real>(const Real&, const DelayTask<Real>&,            \
                                           const Readout<Real>&);                          \
  template LossAndGradient<Real> finite_loss_and_gradient<Real>(                           \
      const Real&, const DelayTask<Real>&, const Readout<Real>&);
LEARNDYN_INSTANTIATE(double)
LEARNDYN_INSTANTIATE(real)
LEARNDYN_INSTANTIATE(real_hi)
#undef LEARNDYN_INSTANTIATE

}  // namespace learndyn::reference::ghost
