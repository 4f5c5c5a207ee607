// The finite-confidence loss and gradient on Arb (finite_confidence_enclosure.hpp; proofs/ghost.md
// §9, G40-G42).
#include <learndyn/reference/ghost/finite_confidence_enclosure.hpp>

#include <algorithm>
#include <stdexcept>
#include <vector>

#include <learndyn/common/argument_error.hpp>
#include <learndyn/reference/ghost/enclosures.hpp>
// Last: Arb's functions become calls through the table of the library loaded on demand
// (proofs/common.md C30).
#include <learndyn/common/arb_library.hpp>

namespace learndyn::reference::ghost {
namespace {

// The integrator works 32 bits above the interval scalar and aims at its precision (relative
// goal, bits); its result is a rigorous ball whatever it reaches (Arb's error bounds, G40).
constexpr slong kPrecision = interval::precision_bits + 32;
constexpr slong kGoal = interval::precision_bits;
// The escape time is an essential singularity of the integrands for complex t: the integration
// stops where x = x_th + kTailDecay/beta, and the rest is bounded (G41): the readout there differs
// from 1 by < e^-200.
constexpr int kTailDecay = 200;

arb_srcptr ball(const interval& x) { return static_cast<arb_srcptr>(x.raw()); }
arb_ptr ball(interval& x) { return static_cast<arb_ptr>(x.raw()); }

// The ball's midpoint, exactly: an exact point to split or stop an integral at.
interval exact_mid(const interval& x) {
  interval out;
  arb_set_arf(ball(out), arb_midref(ball(x)));
  return out;
}

enum class Integrand {
  delay_loss, response_loss, delay_grad, response_grad,              // (G21), (G24) in t
  space_delay_loss, space_response_loss, space_delay_grad, space_response_grad  // (G22), (G25) in x
};

bool is_space(Integrand f) { return f >= Integrand::space_delay_loss; }

struct Model {
  interval eps, s, beta, x_th;
  bool positive;  // eps > 0 (else eps < 0; eps = 0 is closed-form)
};

struct Call {
  const Model* model;
  Integrand which;
};

// The integrand at (complex) t or x. Built from Arb's meromorphic operations only: near a pole
// (of tan, or of the logistic at z = i pi (2k+1)) a ball evaluates to a non-finite result, which
// is how acb_calc_integrate's holomorphy test (order 1) sees it, so one function serves both orders.
int integrand(acb_ptr out, const acb_t in, void* param, slong order, slong prec) {
  if (order > 1) flint_abort();  // acb_calc_integrate asks for order 0 or 1 only
  const Call& call = *static_cast<const Call*>(param);
  const Model& m = *call.model;
  acb_t x, x_eps, u, w, z, y, one_minus_y;
  acb_init(x);
  acb_init(x_eps);
  acb_init(u);
  acb_init(w);
  acb_init(z);
  acb_init(y);
  acb_init(one_minus_y);
  const bool gradient = call.which == Integrand::delay_grad || call.which == Integrand::response_grad;
  if (is_space(call.which)) {
    acb_set(x, in);
  } else {
    acb_mul_arb(u, in, ball(m.s), prec);  // s t
    if (m.positive) {
      acb_tan(w, u, prec);                 // tan(s t)
      acb_mul_arb(x, w, ball(m.s), prec);  // (G2)
      if (gradient) {                      // (G7): tan/(2s) + t (1 + tan^2)/2
        acb_div_arb(x_eps, w, ball(m.s), prec);
        acb_mul_2exp_si(x_eps, x_eps, -1);
        acb_sqr(u, w, prec);
        acb_add_ui(u, u, 1, prec);
        acb_mul(u, u, in, prec);
        acb_mul_2exp_si(u, u, -1);
        acb_add(x_eps, x_eps, u, prec);
      }
    } else {
      acb_tanh(w, u, prec);                // tanh(s t)
      acb_mul_arb(x, w, ball(m.s), prec);
      acb_neg(x, x);                       // (G5)
      if (gradient) {                      // (G7): tanh/(2s) + t / (2 cosh^2)
        acb_cosh(z, u, prec);
        acb_sqr(z, z, prec);
        acb_div(u, in, z, prec);
        acb_div_arb(x_eps, w, ball(m.s), prec);
        acb_add(x_eps, x_eps, u, prec);
        acb_mul_2exp_si(x_eps, x_eps, -1);
      }
    }
  }
  // z = beta (x - x_th); y = 1/(1 + e^-z), 1 - y = 1/(1 + e^z) (G9), no cancellation.
  acb_sub_arb(z, x, ball(m.x_th), prec);
  acb_mul_arb(z, z, ball(m.beta), prec);
  acb_neg(u, z);
  acb_exp(u, u, prec);
  acb_add_ui(u, u, 1, prec);
  acb_inv(y, u, prec);
  acb_exp(u, z, prec);
  acb_add_ui(u, u, 1, prec);
  acb_inv(one_minus_y, u, prec);
  switch (call.which) {
    case Integrand::delay_loss:
      acb_sqr(out, y, prec);
      break;
    case Integrand::response_loss:
      acb_sqr(out, one_minus_y, prec);
      break;
    case Integrand::delay_grad:     // 2 y dy/deps, dy/deps = beta y (1 - y) x_eps (G24)
    case Integrand::response_grad:  // -2 (1 - y) dy/deps
      acb_mul(u, y, one_minus_y, prec);
      acb_mul(u, u, x_eps, prec);
      acb_mul_arb(u, u, ball(m.beta), prec);
      acb_mul(out, u, call.which == Integrand::delay_grad ? y : one_minus_y, prec);
      acb_mul_si(out, out, call.which == Integrand::delay_grad ? 2 : -2, prec);
      break;
    default: {  // space form: w = 1/(eps + x^2)
      acb_sqr(w, x, prec);
      acb_add_arb(w, w, ball(m.eps), prec);
      acb_inv(w, w, prec);
      const bool delay = call.which == Integrand::space_delay_loss || call.which == Integrand::space_delay_grad;
      acb_sqr(out, delay ? y : one_minus_y, prec);
      acb_mul(out, out, w, prec);
      if (call.which == Integrand::space_delay_grad || call.which == Integrand::space_response_grad) {
        acb_mul(out, out, w, prec);  // -sigma^2/(eps + x^2)^2 (G25)
        acb_neg(out, out);
      }
    }
  }
  acb_clear(x);
  acb_clear(x_eps);
  acb_clear(u);
  acb_clear(w);
  acb_clear(z);
  acb_clear(y);
  acb_clear(one_minus_y);
  return 0;
}

// The integrand at a real ball (its real part).
interval value_at(const Model& m, Integrand which, const interval& at) {
  Call call{&m, which};
  acb_t in, out;
  acb_init(in);
  acb_init(out);
  acb_set_arb(in, ball(at));
  integrand(out, in, &call, 0, kPrecision);
  interval v;
  arb_set(ball(v), acb_realref(out));
  acb_clear(in);
  acb_clear(out);
  return v;
}

// The integral over [a, b], a < b exact points (G40).
interval integrate_exact(const Model& m, Integrand which, const interval& a, const interval& b) {
  Call call{&m, which};
  acb_t res, lo, hi;
  mag_t tol;
  acb_calc_integrate_opt_t options;
  acb_init(res);
  acb_init(lo);
  acb_init(hi);
  mag_init(tol);
  acb_calc_integrate_opt_init(options);
  acb_set_arb(lo, ball(a));
  acb_set_arb(hi, ball(b));
  mag_set_ui_2exp_si(tol, 1, -kGoal - 40);  // absolute floor; the relative goal decides
  acb_calc_integrate(res, integrand, &call, lo, hi, kGoal, tol, options, kPrecision);
  interval v;
  arb_set(ball(v), acb_realref(res));  // the real integrand's integral is real: drop the imaginary ball
  acb_clear(res);
  acb_clear(lo);
  acb_clear(hi);
  mag_clear(tol);
  return v;
}

// The integral from exact m to the ball B around it: (B - m) f(B) holds it (mean value theorem,
// f real and continuous on B).
interval edge(const Model& m, Integrand which, const interval& mid, const interval& end) {
  if (end.is_point()) return interval(0);
  return (end - mid) * value_at(m, which, end);
}

// The integral over [a, b] (balls, a < b decidably), split at the exact midpoints of `cuts`
// that lie strictly inside: the kinks of the integrand (G40).
interval integrate(const Model& m, Integrand which, const interval& a, const interval& b,
                   const std::vector<interval>& cuts) {
  const interval ma = exact_mid(a), mb = exact_mid(b);
  std::vector<interval> points{ma};
  for (const interval& c : cuts) {
    const interval p = exact_mid(c);
    if (ma < p && p < mb) points.push_back(p);
  }
  std::sort(points.begin() + 1, points.end(), [](const interval& x, const interval& y) { return x < y; });
  points.erase(std::unique(points.begin(), points.end(), [](const interval& x, const interval& y) { return x == y; }),
               points.end());
  points.push_back(mb);
  interval total(0);
  for (std::size_t i = 0; i + 1 < points.size(); ++i) total += integrate_exact(m, which, points[i], points[i + 1]);
  return total - edge(m, which, ma, a) + edge(m, which, mb, b);
}

interval hull_of(const interval& a, const interval& b) {
  return interval::hull(std::min(a.lo(), b.lo()), std::max(a.hi(), b.hi()));
}

// Times where x = x_th + k/beta (k = 0, +-1, +-4, +-16), eps > 0: the readout's front (G6).
// They are split points only (any split is valid, G40), so a level not proved positive is
// skipped rather than refused: at beta = 0.1, x_th = 10 the level x_th - 1/beta is a ball
// around 0 (0.1 is not a binary number) and its time would be t = 0, the start, anyway.
std::vector<interval> front_times(const Model& m) {
  std::vector<interval> times;
  for (const int k : {0, 1, -1, 4, -4, 16, -16}) {
    const interval level = m.x_th + interval(k) / m.beta;
    if (level.lo() > 0) times.push_back(atan(level / m.s) / m.s);
  }
  return times;
}

// The time form's tail from t0 to the escape time t* (G41): on it x >= x(t0) > 2/beta, y is
// increasing, 1 - y <= e^{-beta (x - x_th)} and x_eps <= P(x) = x/(2 eps) + t* (1 + x^2/eps)/2,
// whose product with e^{-beta x} decreases in x there (x P' <= 2 P), so each integrand lies
// between its value at t0 and its limit at t*.
interval time_tail(const Model& m, Integrand which, const interval& t0, const interval& t_star) {
  const interval x0 = m.s * tan(m.s * t0);
  if (!(x0 > interval(2) / m.beta)) throw std::logic_error("finite_confidence_enclosure: tail starts too early");
  const interval z0 = m.beta * (x0 - m.x_th);
  const interval y0 = 1 / (1 + exp(-z0));
  const interval one_minus_y0 = 1 / (1 + exp(z0));
  const interval length = t_star - t0;
  const interval h0 = exp(-z0) * (x0 / (2 * m.eps) + t_star * (1 + x0 * x0 / m.eps) / 2);
  const interval bound = interval::hull(real_hi(0), interval(2 * m.beta * h0).hi());
  switch (which) {
    case Integrand::delay_loss: return length * hull_of(y0 * y0, interval(1));
    case Integrand::response_loss: return length * hull_of(interval(0), one_minus_y0 * one_minus_y0);
    case Integrand::delay_grad: return length * bound;
    case Integrand::response_grad: return -(length * bound);
    default: throw std::logic_error("time_tail: a time-form integrand");
  }
}

// The time form (G21), (G24), eps != 0.
LossAndGradient<interval> time_route(const Model& m, const DelayTask<interval>& task) {
  const interval end = task.delay + task.response;
  std::vector<interval> cuts{task.delay};
  if (!m.positive) {  // x in [-s, 0]: no escape, no front; smooth
    const interval delay_loss = integrate(m, Integrand::delay_loss, interval(0), task.delay, cuts);
    const interval response_loss = integrate(m, Integrand::response_loss, task.delay, end, cuts);
    const interval delay_grad = integrate(m, Integrand::delay_grad, interval(0), task.delay, cuts);
    const interval response_grad = integrate(m, Integrand::response_grad, task.delay, end, cuts);
    return {delay_loss + response_loss, delay_grad + response_grad};
  }
  for (const interval& t : front_times(m)) cuts.push_back(t);
  const interval t_star = escape_time(m.eps);
  // The cut before the escape: x(t_c) ~ x_th + 200/beta, t_c exact.
  const interval t_cut = exact_mid(atan((m.x_th + interval(kTailDecay) / m.beta) / m.s) / m.s);
  const auto piece = [&](Integrand which, const interval& a, const interval& b) {
    // From a up to min(b, t*): the panels, and the tail where t* comes first.
    if (t_star > b) return integrate(m, which, a, b, cuts);
    if (a < t_cut) return integrate(m, which, a, t_cut, cuts) + time_tail(m, which, t_cut, t_star);
    return time_tail(m, which, a, t_star);
  };
  interval loss = piece(Integrand::delay_loss, interval(0), task.delay);
  interval grad = piece(Integrand::delay_grad, interval(0), task.delay);
  if (t_star < task.delay) {
    loss += task.delay - t_star;  // y = 1 after the escape (G21); its derivative cancels (G24)
  } else {
    loss += piece(Integrand::response_loss, task.delay, end);
    grad += piece(Integrand::response_grad, task.delay, end);
  }
  return {loss, grad};
}

// The space form (G22), (G25), eps > 0: x from 0 to X = x(T) and on to Y = x(T + T_r), an
// infinite limit (escape first) cut at C with the closed-form tail (G42).
LossAndGradient<interval> space_route(const Model& m, const DelayTask<interval>& task) {
  const interval t_star = escape_time(m.eps);
  const interval end = task.delay + task.response;
  const bool x_finite = t_star > task.delay;
  const bool y_finite = t_star > end;
  std::vector<interval> cuts;
  for (const int k : {0, 1, -1, 4, -4, 16, -16}) cuts.push_back(m.x_th + interval(k) / m.beta);
  // (G42): on [C, inf) the weight sigma^2 or (1 - sigma)^2 lies between its values at C and
  // at infinity; the rest integrates in closed form (G23).
  const auto tail = [&](Integrand which, const interval& c) {
    const interval z = m.beta * (c - m.x_th);
    const interval sigma = 1 / (1 + exp(-z)), one_minus = 1 / (1 + exp(z));
    const interval weight = which == Integrand::space_delay_loss || which == Integrand::space_delay_grad
                                ? hull_of(sigma * sigma, interval(1))
                                : hull_of(interval(0), one_minus * one_minus);
    const interval first = atan(m.s / c) / m.s;  // int_C^inf dx/(eps + x^2)
    if (which == Integrand::space_delay_loss || which == Integrand::space_response_loss) return weight * first;
    return -(weight * ((first - c / (m.eps + c * c)) / (2 * m.eps)));  // (G23)
  };
  const auto piece = [&](Integrand which, const interval& a, bool b_finite, const interval& b) {
    if (b_finite) return integrate(m, which, a, b, cuts);
    const interval c = exact_mid(max(a, m.x_th) + interval(kTailDecay) / m.beta);
    return integrate(m, which, a, c, cuts) + tail(which, c);
  };
  const interval X = x_finite ? state(m.eps, task.delay) : interval(0);
  const interval Y = y_finite ? state(m.eps, end) : interval(0);
  interval loss = piece(Integrand::space_delay_loss, interval(0), x_finite, X);
  interval grad = piece(Integrand::space_delay_grad, interval(0), x_finite, X);
  if (!x_finite) {
    loss += task.delay - t_star;
    grad += interval::pi() / (4 * m.eps * m.s);  // -dt*/deps (G25)
  } else {
    loss += piece(Integrand::space_response_loss, X, y_finite, Y);
    grad += piece(Integrand::space_response_grad, X, y_finite, Y);
    const auto at = [&](const interval& x) {
      const interval z = m.beta * (x - m.x_th);
      return std::pair{1 / (1 + exp(-z)), 1 / (1 + exp(z))};
    };
    const auto [sx, ox] = at(X);
    grad += (sx * sx - ox * ox) / (m.eps + X * X) * state_sensitivity(m.eps, task.delay);
    if (y_finite) {
      const auto [sy, oy] = at(Y);
      grad += oy * oy / (m.eps + Y * Y) * state_sensitivity(m.eps, end);
    }
  }
  return {loss, grad};
}

}  // namespace

LossAndGradient<interval> finite_loss_and_gradient_enclosure(const interval& eps, const DelayTask<interval>& task,
                                                             const Readout<interval>& readout, FiniteRoute route) {
  validate(task);
  if (!(readout.beta > 0) || isinf(readout.beta)) throw ArgumentError("beta", readout.beta.to_string(), "beta > 0 (finite)");
  if (!(readout.x_th > 0) || isinf(readout.x_th)) throw ArgumentError("xth", readout.x_th.to_string(), "xth > 0 (finite)");
  if (eps == 0) {  // (G4): y = a0 throughout, closed form (proofs/ghost.md §4)
    const interval a0 = 1 / (1 + exp(readout.beta * readout.x_th));
    const interval b0 = 1 / (1 + exp(-(readout.beta * readout.x_th)));
    const interval& T = task.delay;
    const interval& Tr = task.response;
    return {T * a0 * a0 + Tr * b0 * b0, readout.beta * a0 * b0 * (a0 * T * T - b0 * Tr * (2 * T + Tr))};
  }
  const bool positive = eps > 0;
  const Model m{eps, sqrt(positive ? eps : interval(-eps)), readout.beta, readout.x_th, positive};
  if (route == FiniteRoute::space) {
    if (!positive) throw ArgumentError("eps", eps.to_string(), "eps > 0 for the space form");
    return space_route(m, task);
  }
  return time_route(m, task);
}

}  // namespace learndyn::reference::ghost
