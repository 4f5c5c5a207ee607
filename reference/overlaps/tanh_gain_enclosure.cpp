// The tanh gain on Arb (tanh_gain_enclosure.hpp; proofs/overlaps.md O52).
#include <learndyn/reference/overlaps/tanh_gain_enclosure.hpp>

#include <learndyn/common/argument_error.hpp>
// Last: Arb's functions become calls through the table of the library loaded on demand
// (proofs/common.md C30).
#include <learndyn/common/arb_library.hpp>

namespace learndyn::reference::overlaps {
namespace {

// As the finite-confidence integrals (proofs/ghost.md G40): 32 guard bits above the interval
// scalar, a relative goal of its precision; the result is a rigorous ball whatever it reaches.
constexpr slong kPrecision = interval::precision_bits + 32;
constexpr slong kGoal = interval::precision_bits;
// The integration stops at X = 20: the Gaussian mass beyond it, erfc(20/sqrt 2) ~ 6e-89, and
// its first moment, 2 phi(20) ~ 1e-87, are far below the scalar's 1e-57 (O52).
constexpr int kCutoff = 20;

arb_srcptr ball(const interval& x) { return static_cast<arb_srcptr>(x.raw()); }
arb_ptr ball(interval& x) { return static_cast<arb_ptr>(x.raw()); }

struct Call {
  interval a;  // sqrt(Delta)
  int order;   // 1 or 3
  GainRoute route;
};

// t = tanh(a x); tanh' = 1 - t^2, tanh'' = -2 t (1 - t^2), tanh''' = (1 - t^2)(6 t^2 - 2).
// Built from Arb's meromorphic operations: near a pole of tanh (a x = i pi (k + 1/2)) a ball
// evaluates to a non-finite result, which is how acb_calc_integrate's holomorphy test (order 1)
// sees it, so one function serves both orders (as proofs/ghost.md G40).
int integrand(acb_ptr out, const acb_t in, void* param, slong order, slong prec) {
  if (order > 1) flint_abort();  // acb_calc_integrate asks for order 0 or 1 only
  const Call& call = *static_cast<const Call*>(param);
  acb_t t, one_minus_t2, u, gauss;
  acb_init(t);
  acb_init(one_minus_t2);
  acb_init(u);
  acb_init(gauss);
  acb_mul_arb(u, in, ball(call.a), prec);
  acb_tanh(t, u, prec);
  acb_sqr(u, t, prec);
  acb_sub_ui(one_minus_t2, u, 1, prec);
  acb_neg(one_minus_t2, one_minus_t2);  // 1 - t^2
  const int derivative = call.route == GainRoute::direct ? call.order : call.order - 1;
  switch (derivative) {
    case 0:
      acb_set(out, t);
      break;
    case 1:
      acb_set(out, one_minus_t2);
      break;
    case 2:
      acb_mul(out, t, one_minus_t2, prec);
      acb_mul_si(out, out, -2, prec);
      break;
    default:  // 3
      acb_mul_ui(u, u, 6, prec);
      acb_sub_ui(u, u, 2, prec);
      acb_mul(out, one_minus_t2, u, prec);
  }
  if (call.route == GainRoute::stein) acb_mul(out, out, in, prec);  // xi tanh^(k-1)(a xi)
  // The standard normal density exp(-x^2/2) / sqrt(2 pi).
  acb_sqr(gauss, in, prec);
  acb_mul_2exp_si(gauss, gauss, -1);
  acb_neg(gauss, gauss);
  acb_exp(gauss, gauss, prec);
  arb_t norm;
  arb_init(norm);
  arb_const_pi(norm, prec);
  arb_mul_2exp_si(norm, norm, 1);
  arb_rsqrt(norm, norm, prec);
  acb_mul_arb(gauss, gauss, norm, prec);
  arb_clear(norm);
  acb_mul(out, out, gauss, prec);
  acb_clear(t);
  acb_clear(one_minus_t2);
  acb_clear(u);
  acb_clear(gauss);
  return 0;
}

// The integral over [0, kCutoff].
interval integrate(const Call& call) {
  acb_t res, lo, hi;
  mag_t tol;
  acb_calc_integrate_opt_t options;
  acb_init(res);
  acb_init(lo);
  acb_init(hi);
  mag_init(tol);
  acb_calc_integrate_opt_init(options);
  acb_zero(lo);
  acb_set_si(hi, kCutoff);
  mag_set_ui_2exp_si(tol, 1, -kGoal - 40);  // absolute floor; the relative goal decides
  acb_calc_integrate(res, integrand, const_cast<Call*>(&call), lo, hi, kGoal, tol, options, kPrecision);
  interval v;
  arb_set(ball(v), acb_realref(res));  // a real integrand's integral is real
  acb_clear(res);
  acb_clear(lo);
  acb_clear(hi);
  mag_clear(tol);
  return v;
}

}  // namespace

interval tanh_gain_enclosure(int order, const interval& delta, GainRoute route) {
  require(order == 1 || order == 3, "order", order, "1 or 3");
  require(delta >= 0, "Delta", delta, "Delta >= 0");
  if (delta.is_point() && delta == 0) {
    require(route == GainRoute::direct, "Delta", delta, "Delta > 0 (the stein route divides by sqrt(Delta))");
    return order == 1 ? interval(1) : interval(-1);  // tanh'(0) = 1, tanh'''(0) / 2 = -1
  }
  const Call call{sqrt(delta), order, route};
  // The integrands are even in xi (tanh^(k) for odd k, xi tanh^(k-1)): E = 2 * integral over
  // [0, infinity). Beyond X: |tanh'| <= 1, |tanh'''| <= 2 against the mass erfc(X/sqrt 2);
  // |tanh| <= 1, |tanh''| <= 4/(3 sqrt 3) < 1 against the first moment 2 phi(X) (O52).
  const interval x = interval(kCutoff);
  interval tail;
  if (route == GainRoute::direct) {
    tail = (order == 1 ? 1 : 2) * erfc(x / sqrt(interval(2)));
  } else {
    tail = 2 * exp(-x * x / 2) / sqrt(2 * interval::pi());
  }
  interval value = 2 * integrate(call) + interval::hull(-tail.hi(), tail.hi());
  if (route == GainRoute::stein) value /= call.a;  // E[xi f(a xi)] = a E[f'(a xi)]
  if (order == 3) value /= 2;                       // (O10a): g' = E[tanh'''] / 2
  return value;
}

}  // namespace learndyn::reference::overlaps
