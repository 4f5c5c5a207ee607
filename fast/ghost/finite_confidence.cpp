// Fast path of the finite-confidence loss (G10) and its eps-derivative: the space form
// (G22, G29, G30) for eps > 0, the time form (G21, G24) for eps <= 0, fixed Gauss-Legendre
// rules on panels placed by the integrand's singularities (proofs/ghost.md §4, §6).
//
// Layout: the scalar bookkeeping (closed forms, panel placement) is plain C++ compiled once;
// the loops over quadrature nodes are Highway kernels compiled per SIMD target and chosen at
// run time (HWY_DYNAMIC_DISPATCH), like fast/ghost/analytic.cpp.

// Highway's dynamic dispatch re-includes this file once per SIMD target.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "fast/ghost/finite_confidence.cpp"
#include <hwy/foreach_target.h>  // must come before highway.h

#include <hwy/highway.h>
#include <hwy/contrib/math/math-inl.h>

#include "fast/ghost/finite_confidence.hpp"

// ---------------------------------------------------------------------------------------------
// Scalar part, outside the per-target namespaces: compiled once, shared by every target.
// ---------------------------------------------------------------------------------------------
#ifndef LEARNDYN_FAST_GHOST_FINITE_CONFIDENCE_SCALAR
#define LEARNDYN_FAST_GHOST_FINITE_CONFIDENCE_SCALAR

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include <boost/math/quadrature/gauss.hpp>

namespace learndyn::fast::ghost::finite_detail {

// ---- the rule -------------------------------------------------------------------------------
// kOrder-point Gauss-Legendre on [-1, 1], nodes and weights from Boost.Math's tables, laid out
// symmetric and padded with zero-weight nodes at 0 to a multiple of every vector width.
constexpr int kOrder = 15;
constexpr int kPadded = 16;

struct Rule {
  alignas(64) double node[kPadded];
  alignas(64) double weight[kPadded];
};

inline const Rule& rule() {
  static const Rule r = [] {
    using table = boost::math::quadrature::gauss<double, kOrder>;
    const auto& x = table::abscissa();  // x[0] = 0 for odd kOrder, then increasing
    const auto& w = table::weights();
    Rule out{};
    int k = 0;
    for (std::size_t i = x.size(); i-- > 1;) {  // the negative nodes, from -1 upwards
      out.node[k] = -x[i];
      out.weight[k++] = w[i];
    }
    for (std::size_t i = 0; i < x.size(); ++i) {  // 0 and the positive nodes
      out.node[k] = x[i];
      out.weight[k++] = w[i];
    }
    for (; k < kPadded; ++k) {  // padding: node 0, weight 0
      out.node[k] = 0.0;
      out.weight[k] = 0.0;
    }
    return out;
  }();
  return r;
}
static_assert(kOrder % 2 == 1, "the table layout above assumes an odd order (node 0 shared)");

// ---- panels ---------------------------------------------------------------------------------
// One Gauss-Legendre panel. Space form: nodes x = c + h xi, offsets from the threshold
// v = c_off + h xi (both carried so that x is accurate near 0 and v near x_th). Time form:
// nodes t = c + h xi. `m` is the loss coefficient (0 on the correct side of the threshold,
// -2 on the wrong side, §4 G29), `wrong` selects the gradient factor, `sign` is +1 on the
// delay and -1 on the response window.
struct Panel {
  double c, c_off, h, m, sign, wrong;
};

enum class Form { space, time_negative, time_tiny_positive };

struct Plan {
  Form form = Form::space;
  double beta = 0, x_th = 0, eps = 0, s = 0, inv_s = 0;
  std::vector<Panel> panels;
  double loss_closed = 0;  // closed-form part of the loss (H and the breakpoint corrections)
  double grad_closed = 0;  // closed-form part of the gradient
  double grad_scale = 0;   // the gradient's kernel sum is multiplied by this
};

// A singularity of the integrand in the marching coordinate: real part p, distance d > 0
// from the real axis.
struct Pole {
  double p, d;
};

// Covers [a, b] with panels such that every pole is at distance >= the panel length from the
// panel (kappa = 2 in proofs/ghost.md §6, so each pole lies outside the Bernstein ellipse of
// parameter 2 + sqrt 5). Greedy from the left: a pole behind the left end allows a length
// max(a - p, d) <= distance (geometric growth away from it); a pole ahead at L = p - a allows
// max(L/2, d) (geometric approach). Both are lower bounds of the exact admissible length.
template <class Emit>
void march(double a, const double b, const Pole* poles, const int count, Emit&& emit) {
  int guard = 0;
  while (a < b) {
    double u = b - a;
    for (int k = 0; k < count; ++k) {
      const Pole& q = poles[k];
      if (q.p <= a) {
        u = std::min(u, std::max(a - q.p, q.d));
      } else {
        u = std::min(u, std::max(0.5 * (q.p - a), q.d));
      }
    }
    double e = (u >= b - a) ? b : a + u;
    // Avoid a sliver panel: if less than a quarter of this panel would remain, stretch this
    // panel to b when that keeps every pole at distance >= its length.
    if (e < b && (b - e) < 0.25 * u) {
      const double len = b - a;
      bool ok = true;
      for (int k = 0; k < count && ok; ++k) {
        const Pole& q = poles[k];
        const double dx = q.p < a ? a - q.p : (q.p > b ? q.p - b : 0.0);
        ok = dx * dx + q.d * q.d >= len * len;
      }
      if (ok) e = b;
    }
    if (!(e > a) || ++guard > 100000) e = b;  // no progress possible at double resolution
    emit(a, e);
    a = e;
  }
}

// ---- double-double helpers for the phases pi/2 - s tau ----------------------------------------
struct DD {
  double hi, lo;
};

inline DD two_sum(double a, double b) {
  const double s = a + b;
  const double bb = s - a;
  const double e = (a - (s - bb)) + (b - bb);
  return {s, e};
}

inline DD two_prod(double a, double b) {
  const double p = a * b;
  return {p, std::fma(a, b, -p)};
}

// pi/2 = kHalfPiHi + kHalfPiLo to about 107 bits.
constexpr double kHalfPiHi = 1.5707963267948966;
constexpr double kHalfPiLo = 6.123233995736766e-17;
constexpr long double kHalfPiL = 1.57079632679489661923132169163975144L;
constexpr long double kPiL = 3.14159265358979323846264338327950288L;

// pi/2 - s*(tau1 + tau2), s = s_hi + s_lo, as a long double with absolute error ~ 2^-100.
inline long double phase(double s_hi, double s_lo, double tau1, double tau2) {
  const DD p1 = two_prod(s_hi, tau1);
  const DD p2 = two_prod(s_hi, tau2);
  if (!(std::fabs(p1.hi) + std::fabs(p2.hi) < 1e300)) {  // far past t*: the sign is all that counts
    return kHalfPiL - (static_cast<long double>(s_hi) + s_lo) *
                          (static_cast<long double>(tau1) + tau2);
  }
  const DD sum = two_sum(p1.hi, p2.hi);
  const double lo = sum.lo + p1.lo + p2.lo + s_lo * (tau1 + tau2);
  const DD d = two_sum(kHalfPiHi, -sum.hi);
  const double rest = d.lo + (kHalfPiLo - lo);
  return static_cast<long double>(d.hi) + static_cast<long double>(rest);
}

inline double logistic_small(double z, double* big) {
  // a = sigma(-|z|) (the small one), *big = sigma(|z|) = 1 - a, without cancellation.
  const double e = std::exp(-std::fabs(z));
  const double r = 1.0 / (1.0 + e);
  *big = r;
  return e * r;
}

// ---- the space form (eps > 0) ------------------------------------------------------------------
// x(tau) from its phase: s tan(s tau) when s tau <= pi/4, else s / tan(pi/2 - s tau);
// +inf once tau >= t*.
inline long double state_at(long double s, long double s_tau, long double phase_rest) {
  if (!(phase_rest > 0)) return std::numeric_limits<long double>::infinity();
  if (s_tau <= kHalfPiL / 2) return s * std::tan(s_tau);
  return s / std::tan(phase_rest);
}

inline void plan_space(double T, double Tr, double beta, double x_th, double eps, bool grad,
                       Plan& plan) {
  plan.form = Form::space;
  plan.panels.clear();
  const double s_hi = std::sqrt(eps);
  const double s_lo = std::fma(-s_hi, s_hi, eps) / (2.0 * s_hi);
  const long double s = static_cast<long double>(s_hi) + s_lo;
  const long double el = eps;
  const long double xl = x_th;
  plan.beta = beta;
  plan.x_th = x_th;
  plan.eps = eps;
  plan.s = s_hi;
  plan.inv_s = 1.0 / s_hi;

  // Phases pi/2 - s T and pi/2 - s (T + Tr) (double-double), states X = x(T), Y = x(T + Tr).
  const long double phi_T = phase(s_hi, s_lo, T, 0.0);
  const long double phi_Y = phase(s_hi, s_lo, T, Tr);
  const long double X = state_at(s, s * T, phi_T);
  const long double Y = state_at(s, s * (static_cast<long double>(T) + Tr), phi_Y);
  const bool X_finite = std::isfinite(X);
  const bool Y_finite = std::isfinite(Y);

  // Threshold time t_th (G6) and Delta = T - t_th without cancellation.
  long double t_th, delta_th;  // delta_th = t* - t_th = atan(s/x_th)/s
  long double Delta;
  if (xl >= s) {
    const long double at = std::atan(s / xl);
    delta_th = at / s;
    t_th = (kHalfPiL - at) / s;
    Delta = (at - phi_T) / s;
  } else {
    const long double at = std::atan(xl / s);
    t_th = at / s;
    delta_th = (kHalfPiL - at) / s;
    Delta = static_cast<long double>(T) - t_th;
  }
  // H: the loss of a hard switch at t_th (the time the step output is wrong), §4 G29.
  const long double H = Delta >= 0 ? Delta : std::min(-Delta, static_cast<long double>(Tr));

  // Truncation (§6): the decaying integrands are below e^-Z times their front value beyond
  // |z| = Z; Z is chosen so that the dropped tails are < 1e-20 of a lower bound of L.
  const double inv_beta = 1.0 / beta;
  double front_lo = std::max(0.0, x_th - inv_beta);
  double front_hi = x_th + inv_beta;
  if (Y_finite) front_hi = std::min(front_hi, static_cast<double>(Y));
  double w_front = 0;
  if (front_hi > front_lo) w_front = (front_hi - front_lo) / (eps + front_hi * front_hi);
  const double L_floor =
      std::max({static_cast<double>(H) / 4, 0.07 * w_front, std::numeric_limits<double>::min()});
  const double sd = static_cast<double>(s);
  auto log_ratio = [](double r) { return r > 1 ? std::log(r) : 0.0; };
  const double K_ratio_lo = 2.0 + 2.0 * beta * x_th;
  const double K_ratio_hi = 2.0 + 2.0 * sd / x_th;
  const double Z_lo = 48.0 + log_ratio(2.0 * static_cast<double>(t_th) / L_floor) +
                      log_ratio(K_ratio_lo);
  const double Z_hi = 48.0 + log_ratio(2.0 * static_cast<double>(delta_th) / L_floor) +
                      log_ratio(K_ratio_hi);
  // (Z <= 800: beyond it e^-Z underflows and the kernels add exact zeros anyway.)
  const double v_lo = std::max(-x_th, -std::min(Z_lo, 800.0) * inv_beta);  // lower end, offset from x_th
  const double v_hi_cut = std::min(Z_hi, 800.0) * inv_beta;

  const long double D_X = X - xl;  // offsets of the breakpoints from x_th
  const long double D_Y = Y - xl;
  const double X_d = static_cast<double>(X), Y_d = static_cast<double>(Y);
  const double DX_d = static_cast<double>(D_X), DY_d = static_cast<double>(D_Y);

  const double pi_over_beta = 3.141592653589793 * inv_beta;
  // Loss coefficients and gradient factors of the four kinds of region (§4 G29, G30).
  auto add_panel = [&](double c, double c_off, double h, bool wrong, bool delay) {
    plan.panels.push_back(
        Panel{c, c_off, h, wrong ? -2.0 : 0.0, delay ? 1.0 : -1.0, wrong ? 1.0 : 0.0});
  };

  long double corr_loss = 0, corr_grad = 0;
  // The breakpoint X (or Y) is used rounded to double; the sliver between the rounded and
  // the true position is added to first order: (true - used) * jump * w (loss) and
  // (true - used) * jump (gradient).
  const long double wX = X_finite ? 1 / (el + X * X) : 0;
  const long double wY = Y_finite ? 1 / (el + Y * Y) : 0;
  auto correct_X = [&](long double shift) {
    double big;
    const double a = logistic_small(beta * static_cast<double>(D_X), &big);
    const long double sgn = X < xl ? 1 : -1;  // g_delay - g_response = +-2a
    corr_loss += shift * sgn * 2 * a * wX;
    if (grad)
      corr_grad += shift * (static_cast<long double>(beta) / el) * a * big *
                   (static_cast<long double>(T) + X * wX);
  };
  auto correct_Y = [&](long double shift) {
    double big;
    const double a = logistic_small(beta * static_cast<double>(D_Y), &big);
    const bool below = Y < xl;
    const long double g_resp = below ? static_cast<long double>(a) * a - 2.0L * a
                                     : static_cast<long double>(a) * a;
    corr_loss += shift * g_resp * wY;
    if (grad) {
      const long double q = below ? big : a;
      corr_grad -= shift * (static_cast<long double>(beta) / el) * a * big * q *
                   (static_cast<long double>(T) + Tr + Y * wY);
    }
  };

  // Lower range [x_th + v_lo, min(x_th, Y)]: delay-correct below X, response-wrong above.
  {
    const bool use_x = v_lo <= -x_th;  // the range reaches x = 0: march in x (w's pole)
    double end_v = 0.0;
    bool has = true;
    if (Y_finite && Y < xl) {
      end_v = DY_d;
      if (!(D_Y > v_lo)) has = false;
    }
    if (has) {
      if (use_x) {
        const double a0 = 0.0;
        const double b0 = (Y_finite && Y < xl) ? Y_d : x_th;
        const Pole poles[2] = {{0.0, sd}, {x_th, pi_over_beta}};
        auto emit_range = [&](double a, double b, bool delay) {
          march(a, b, poles, 2, [&](double l, double r) {
            const double c = 0.5 * (l + r);
            add_panel(c, c - x_th, 0.5 * (r - l), !delay, delay);
          });
        };
        if (X_finite && X_d > a0 && X_d < b0) {
          emit_range(a0, X_d, true);
          emit_range(X_d, b0, false);
          correct_X(X - static_cast<long double>(X_d));
        } else {
          emit_range(a0, b0, !(X_finite && X_d <= a0));
        }
        if (Y_finite && Y < xl) correct_Y(Y - static_cast<long double>(Y_d));
      } else {
        const Pole poles[2] = {{-x_th, sd}, {0.0, pi_over_beta}};
        auto emit_range = [&](double a, double b, bool delay) {
          march(a, b, poles, 2, [&](double l, double r) {
            const double c_off = 0.5 * (l + r);
            add_panel(x_th + c_off, c_off, 0.5 * (r - l), !delay, delay);
          });
        };
        if (X_finite && DX_d > v_lo && DX_d < end_v) {
          emit_range(v_lo, DX_d, true);
          emit_range(DX_d, end_v, false);
          correct_X(D_X - static_cast<long double>(DX_d));
        } else {
          emit_range(v_lo, end_v, !(X_finite && DX_d <= v_lo));
        }
        if (Y_finite && Y < xl) correct_Y(D_Y - static_cast<long double>(DY_d));
      }
    }
  }
  // Upper range [x_th, min(Y, x_th + Z_hi/beta)] in offsets: delay-wrong below X,
  // response-correct above.
  if (!(Y_finite && Y <= xl)) {
    double end_v = v_hi_cut;
    bool y_inside = false;
    if (Y_finite && DY_d < end_v) {
      end_v = DY_d;
      y_inside = true;
    }
    const Pole poles[2] = {{-x_th, sd}, {0.0, pi_over_beta}};
    auto emit_range = [&](double a, double b, bool delay) {
      march(a, b, poles, 2, [&](double l, double r) {
        const double c_off = 0.5 * (l + r);
        add_panel(x_th + c_off, c_off, 0.5 * (r - l), delay, delay);
      });
    };
    if (X_finite && DX_d > 0.0 && DX_d < end_v) {
      emit_range(0.0, DX_d, true);
      emit_range(DX_d, end_v, false);
      correct_X(D_X - static_cast<long double>(DX_d));
    } else if (end_v > 0.0) {
      emit_range(0.0, end_v, !(X_finite && DX_d <= 0.0));
    }
    if (y_inside) correct_Y(D_Y - static_cast<long double>(DY_d));
  }

  plan.loss_closed = static_cast<double>(H + corr_loss);
  plan.grad_closed = static_cast<double>(corr_grad);
  plan.grad_scale = beta / eps;
}

// ---- the time form (eps < 0, and 0 < eps tiny) -------------------------------------------------
// d0 = atan(D_sigma / s) / s: no singularity of the integrand lies in |t| < d0 (proofs §6).
inline double singularity_radius(double s, double beta, double x_th) {
  const double d_sigma = std::hypot(x_th, 3.141592653589793 / beta);
  return std::atan(d_sigma / s) / s;
}

inline void plan_time(double T, double Tr, double beta, double x_th, double eps, bool grad,
                      Plan& plan) {
  plan.panels.clear();
  const bool negative = eps < 0;
  plan.form = negative ? Form::time_negative : Form::time_tiny_positive;
  const double s = std::sqrt(std::fabs(eps));
  plan.beta = beta;
  plan.x_th = x_th;
  plan.eps = eps;
  plan.s = s;
  plan.inv_s = 1.0 / s;
  plan.grad_scale = 2.0 * beta;
  const double d0 = singularity_radius(s, beta, x_th);
  const double total = T + Tr;

  // Cut time t_c (eps < 0 only): beyond it the integrands equal their limits (x -> -s) to
  // within 1e-20 relative (relaxation e^{-2 s t}) or are below 1e-20 of L >= Tr/4 (front
  // passed: y <= e^{beta x}); the rest is added in closed form.
  double t_c = std::numeric_limits<double>::infinity();
  double a_inf = 0, b_inf = 1;
  if (negative) {
    const double ratio = 1.0 + total / Tr;
    const double relax =
        (48.0 + std::log(std::max(1.0, 4.0 * beta * s)) + std::log(2.0 + 4.0 * s * total) +
         std::log(ratio)) /
        (2.0 * s);
    const double lambda = 48.0 + std::log(8.0 * ratio) +
                          std::log(std::max(1.0, 4.0 * beta * total * std::max(total, 1.0)));
    const double r = (lambda / beta - x_th) / s;
    double front = std::numeric_limits<double>::infinity();
    if (r <= 0) {
      front = 0.0;
    } else if (r < 1) {
      front = std::atanh(r) / s;
    }
    t_c = std::min(relax, front);
    a_inf = logistic_small(-beta * (s + x_th), &b_inf);
  }

  const Pole pole_delay{0.0, d0};
  // delay window [0, min(T, t_c)]
  const double delay_num = std::min(T, t_c);
  if (delay_num > 0) {
    march(0.0, delay_num, &pole_delay, 1, [&](double l, double r) {
      plan.panels.push_back(Panel{0.5 * (l + r), 0, 0.5 * (r - l), 0, 1.0, 0});
    });
  }
  // response window [T, min(T + Tr, t_c)], in local time tau = t - T
  const double resp_num = std::min(Tr, t_c - T);
  if (resp_num > 0) {
    const Pole pole_resp{-T, d0};
    march(0.0, resp_num, &pole_resp, 1, [&](double l, double r) {
      plan.panels.push_back(Panel{T + 0.5 * (l + r), 0, 0.5 * (r - l), 0, -1.0, 0});
    });
  }
  const double delay_rest = T - std::max(0.0, delay_num);
  const double resp_rest = Tr - std::max(0.0, resp_num);
  plan.loss_closed = delay_rest * a_inf * a_inf + resp_rest * b_inf * b_inf;
  plan.grad_closed = 0;
  if (grad && negative && (delay_rest > 0 || resp_rest > 0)) {
    const double xi_inf = 0.5 / s;
    plan.grad_closed =
        2.0 * beta * a_inf * b_inf * xi_inf * (a_inf * delay_rest - b_inf * resp_rest);
  }
}

// eps = 0: x = 0, dx/deps = t (G4, G7); the integrals are elementary.
inline void closed_zero(double T, double Tr, double beta, double x_th, double* loss,
                        double* gradient) {
  double b;
  const double a = logistic_small(-beta * x_th, &b);  // y = a, 1 - y = b
  *loss = T * a * a + Tr * b * b;
  if (gradient) *gradient = beta * a * b * (a * T * T - b * Tr * (2.0 * T + Tr));
}

// Chooses the form: the time form for eps < 0 and for 0 < eps so small that the whole
// horizon lies deep inside the singularity-free disc (where the space form's 1/eps factors
// could overflow), the space form otherwise.
inline bool use_tiny_time_form(double T, double Tr, double beta, double x_th, double eps) {
  const double total = T + Tr;
  const double d_sigma = std::hypot(x_th, 3.141592653589793 / beta);
  return std::sqrt(eps) * total <= 1e-3 && eps * total <= 1e-3 * d_sigma;
}

}  // namespace learndyn::fast::ghost::finite_detail

#endif  // LEARNDYN_FAST_GHOST_FINITE_CONFIDENCE_SCALAR

// ---------------------------------------------------------------------------------------------
// Per-target kernels.
// ---------------------------------------------------------------------------------------------
HWY_BEFORE_NAMESPACE();
namespace learndyn::fast::ghost {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;
namespace fd = finite_detail;

// Space form: sum over panels of h * w_i * [a (a + m) w(x)] (the decaying loss integrand of
// G29) and of h * sign * w_i * [a b q (t(x) + x w(x))] (G30 without its factor beta/eps),
// with a = sigma(-|z|), b = 1 - a, z = beta (x - x_th), q = b on the wrong side, a on the
// correct side, w = 1/(eps + x^2), t(x) = atan(x/s)/s.
template <bool kGradient>
HWY_INLINE void SpaceSums(const fd::Plan& plan, const fd::Rule& rule, double* loss_sum,
                          double* grad_sum) {
  const hn::ScalableTag<double> d;
  const std::size_t lanes = hn::Lanes(d);
  const auto one = hn::Set(d, 1.0);
  const auto zero = hn::Zero(d);
  const auto v_beta = hn::Set(d, plan.beta);
  const auto v_eps = hn::Set(d, plan.eps);
  const auto v_inv_s = hn::Set(d, plan.inv_s);
  auto acc_l = hn::Zero(d);
  auto acc_g = hn::Zero(d);
  for (const fd::Panel& p : plan.panels) {
    const auto vc = hn::Set(d, p.c);
    const auto voff = hn::Set(d, p.c_off);
    const auto vh = hn::Set(d, p.h);
    const auto vm = hn::Set(d, p.m);
    const auto vhs = hn::Set(d, p.h * p.sign);
    const auto wrong = hn::Gt(hn::Set(d, p.wrong), zero);
    for (std::size_t j = 0; j < static_cast<std::size_t>(fd::kPadded); j += lanes) {
      const auto xi = hn::Load(d, rule.node + j);
      const auto wt = hn::Load(d, rule.weight + j);
      const auto x = hn::MulAdd(vh, xi, vc);
      const auto off = hn::MulAdd(vh, xi, voff);
      const auto e = hn::Exp(d, hn::Neg(hn::Abs(hn::Mul(v_beta, off))));
      const auto r = hn::Div(one, hn::Add(one, e));
      const auto a = hn::Mul(e, r);
      const auto w = hn::Div(one, hn::MulAdd(x, x, v_eps));
      const auto g = hn::Mul(hn::Mul(a, hn::Add(a, vm)), w);
      acc_l = hn::MulAdd(hn::Mul(vh, wt), g, acc_l);
      if constexpr (kGradient) {
        const auto q = hn::IfThenElse(wrong, r, a);
        const auto t = hn::Mul(hn::Atan(d, hn::Mul(x, v_inv_s)), v_inv_s);
        const auto k = hn::MulAdd(x, w, t);
        const auto gg = hn::Mul(hn::Mul(hn::Mul(a, r), q), k);
        acc_g = hn::MulAdd(hn::Mul(vhs, wt), gg, acc_g);
      }
    }
  }
  *loss_sum = hn::GetLane(hn::SumOfLanes(d, acc_l));
  *grad_sum = kGradient ? hn::GetLane(hn::SumOfLanes(d, acc_g)) : 0.0;
}

// Time form: sum of h * w_i * y_sel^2 (loss, y_sel = y on the delay, 1 - y on the response)
// and of h * sign * w_i * y (1 - y) y_sel dx/deps (G24 without its factor 2 beta).
template <bool kGradient, bool kNegative>
HWY_INLINE void TimeSums(const fd::Plan& plan, const fd::Rule& rule, double* loss_sum,
                         double* grad_sum) {
  const hn::ScalableTag<double> d;
  const std::size_t lanes = hn::Lanes(d);
  const auto one = hn::Set(d, 1.0);
  const auto two = hn::Set(d, 2.0);
  const auto half = hn::Set(d, 0.5);
  const auto zero = hn::Zero(d);
  const auto v_beta = hn::Set(d, plan.beta);
  const auto v_xth = hn::Set(d, plan.x_th);
  const auto v_s = hn::Set(d, plan.s);
  const auto v_eps = hn::Set(d, plan.eps);
  const auto v_half_inv_s = hn::Set(d, 0.5 * plan.inv_s);
  const auto v_m2s = hn::Set(d, -2.0 * plan.s);
  auto acc_l = hn::Zero(d);
  auto acc_g = hn::Zero(d);
  for (const fd::Panel& p : plan.panels) {
    const auto vc = hn::Set(d, p.c);
    const auto vh = hn::Set(d, p.h);
    const auto vhs = hn::Set(d, p.h * p.sign);
    const auto delay = hn::Gt(hn::Set(d, p.sign), zero);
    for (std::size_t j = 0; j < static_cast<std::size_t>(fd::kPadded); j += lanes) {
      const auto xi = hn::Load(d, rule.node + j);
      const auto wt = hn::Load(d, rule.weight + j);
      const auto t = hn::MulAdd(vh, xi, vc);
      hn::Vec<decltype(d)> x, dx;
      if constexpr (kNegative) {
        // x = -s tanh(s t) (G5), tanh = -expm1(-2st) / (2 + expm1(-2st)),
        // sech^2 = 4 e^{-2st} / (1 + e^{-2st})^2; dx/deps by (G7).
        const auto em = hn::Expm1(d, hn::Mul(v_m2s, t));
        const auto inv = hn::Div(one, hn::Add(two, em));
        const auto th = hn::Neg(hn::Mul(em, inv));
        x = hn::Neg(hn::Mul(v_s, th));
        if constexpr (kGradient) {
          const auto sech2 = hn::Mul(hn::Mul(hn::Set(d, 4.0), hn::Add(one, em)),
                                     hn::Mul(inv, inv));
          dx = hn::MulAdd(th, v_half_inv_s, hn::Mul(hn::Mul(half, t), sech2));
        }
      } else {
        // 0 < s t <= 1e-3: tan(theta) = theta P(theta^2) to 1e-24 relative; x = eps t P,
        // dx/deps = t/2 (P + sec^2) (G2, G7).
        const auto th = hn::Mul(v_s, t);
        const auto th2 = hn::Mul(th, th);
        const auto poly = hn::MulAdd(
            th2,
            hn::MulAdd(th2, hn::MulAdd(th2, hn::Set(d, 17.0 / 315.0), hn::Set(d, 2.0 / 15.0)),
                       hn::Set(d, 1.0 / 3.0)),
            one);
        x = hn::Mul(hn::Mul(v_eps, t), poly);
        if constexpr (kGradient) {
          const auto tan_sq = hn::Mul(hn::Mul(th2, poly), poly);
          dx = hn::Mul(hn::Mul(half, t), hn::Add(poly, hn::Add(one, tan_sq)));
        }
      }
      const auto z = hn::Mul(v_beta, hn::Sub(x, v_xth));
      const auto e = hn::Exp(d, hn::Neg(hn::Abs(z)));
      const auto r = hn::Div(one, hn::Add(one, e));
      const auto a = hn::Mul(e, r);
      const auto below = hn::Lt(z, zero);
      const auto y = hn::IfThenElse(below, a, r);
      const auto ybar = hn::IfThenElse(below, r, a);
      const auto sel = hn::IfThenElse(delay, y, ybar);
      acc_l = hn::MulAdd(hn::Mul(vh, wt), hn::Mul(sel, sel), acc_l);
      if constexpr (kGradient) {
        const auto gg = hn::Mul(hn::Mul(hn::Mul(y, ybar), sel), dx);
        acc_g = hn::MulAdd(hn::Mul(vhs, wt), gg, acc_g);
      }
    }
  }
  *loss_sum = hn::GetLane(hn::SumOfLanes(d, acc_l));
  *grad_sum = kGradient ? hn::GetLane(hn::SumOfLanes(d, acc_g)) : 0.0;
}

void FiniteLossBatch(const double T, const double Tr, const double beta, const double x_th,
                     const double* HWY_RESTRICT eps, const std::size_t n,
                     double* HWY_RESTRICT loss, double* HWY_RESTRICT gradient) {
  const fd::Rule& rule = fd::rule();
  fd::Plan plan;
  plan.panels.reserve(64);
  const bool with_grad = gradient != nullptr;
  for (std::size_t i = 0; i < n; ++i) {
    const double e = eps[i];
    if (std::isnan(e)) {
      loss[i] = e;
      if (with_grad) gradient[i] = e;
      continue;
    }
    if (std::isinf(e)) {  // the limits: y = 1 from t = 0 (eps = +inf), y = 0 (eps = -inf)
      loss[i] = e > 0 ? T : Tr;
      if (with_grad) gradient[i] = 0.0;
      continue;
    }
    if (e == 0.0) {
      fd::closed_zero(T, Tr, beta, x_th, &loss[i], with_grad ? &gradient[i] : nullptr);
      continue;
    }
    if (e < 0.0 || fd::use_tiny_time_form(T, Tr, beta, x_th, e)) {
      fd::plan_time(T, Tr, beta, x_th, e, with_grad, plan);
    } else {
      fd::plan_space(T, Tr, beta, x_th, e, with_grad, plan);
    }
    double ls = 0, gs = 0;
    switch (plan.form) {
      case fd::Form::space:
        if (with_grad) SpaceSums<true>(plan, rule, &ls, &gs);
        else SpaceSums<false>(plan, rule, &ls, &gs);
        break;
      case fd::Form::time_negative:
        if (with_grad) TimeSums<true, true>(plan, rule, &ls, &gs);
        else TimeSums<false, true>(plan, rule, &ls, &gs);
        break;
      case fd::Form::time_tiny_positive:
        if (with_grad) TimeSums<true, false>(plan, rule, &ls, &gs);
        else TimeSums<false, false>(plan, rule, &ls, &gs);
        break;
    }
    loss[i] = plan.loss_closed + ls;
    if (with_grad) gradient[i] = plan.grad_closed + plan.grad_scale * gs;
  }
}

}  // namespace HWY_NAMESPACE
}  // namespace learndyn::fast::ghost
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include "common/argument_error.hpp"
#include "common/decimal.hpp"

namespace learndyn::fast::ghost {

HWY_EXPORT(FiniteLossBatch);

void validate(const Readout& readout) {
  require(readout.beta > 0 && std::isfinite(readout.beta), "beta",
          format_significant(readout.beta, 17), "beta > 0 (finite)");
  require(readout.x_th > 0 && std::isfinite(readout.x_th), "xth",
          format_significant(readout.x_th, 17), "xth > 0 (finite)");
}

void finite_loss_and_gradient(const DelayTask& task, const Readout& readout, const double* eps,
                              std::size_t n, double* loss, double* gradient) {
  validate(task);
  validate(readout);
  HWY_DYNAMIC_DISPATCH(FiniteLossBatch)
  (task.delay, task.response, readout.beta, readout.x_th, eps, n, loss, gradient);
}

}  // namespace learndyn::fast::ghost
#endif  // HWY_ONCE
