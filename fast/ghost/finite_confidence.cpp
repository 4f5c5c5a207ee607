// Fast path of the finite-confidence loss (G10) and its eps-derivative: the space form
// (G22, G29, G30, G31) for eps > 0, the time form (G21, G24) for eps < 0 and for tiny
// eps > 0, closed forms at eps = 0; fixed 15-point Gauss-Legendre rules on panels placed by
// the integrands' singularities (G32, G33). proofs/ghost.md §4.2 and §6.
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

#include <learndyn/fast/ghost/finite_confidence.hpp>

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
// One Gauss-Legendre panel. Space form: nodes x = c + h xi and offsets from the threshold
// v = c_off + h xi (both carried, so that x is accurate near 0 and v near x_th). Time form:
// nodes t = c + h xi. `m` is the loss coefficient of the region (0 on the correct side of
// the threshold, -2 on the wrong side, G29), `wrong` selects the gradient factor of (G31),
// `sign` is +1 on the delay and -1 on the response window.
struct Panel {
  double c, c_off, h, m, sign, wrong;
};

enum class Form { space, time_negative, time_tiny_positive };

struct Plan {
  Form form = Form::space;
  double beta = 0, x_th = 0, eps = 0, s = 0, inv_s = 0;
  bool combine = false;       // space kernel: one division per node (no over/underflow)
  std::vector<Panel> panels;  // gradient by parts (G30) in the space form
  std::vector<Panel> kpanels; // gradient by the K form (G31) in the space form
  std::size_t n_panels = 0, n_kpanels = 0;
  double loss_closed = 0;  // closed-form part of the loss (H and the breakpoint corrections)
  double grad_closed = 0;  // closed-form part of the gradient (boundary terms, corrections)
  double grad_scale = 0;   // multiplies the K-form (space) or time-form gradient sum
};

// A singularity of the integrand in the marching coordinate: real part p, distance d > 0
// from the real axis.
struct Pole {
  double p, d;
};

// Target Bernstein-ellipse parameter of every panel (proofs/ghost.md §6): each pole lies
// outside the ellipse E_rho of the panel (foci at its ends), rho = 4.25, so a 15-point rule
// errs by < 1e-17 of the panel's scale. E_rho has semi-axes A h and B h (h = half length).
constexpr double kRho = 4.25;
constexpr double kA = (kRho + 1 / kRho) / 2;
constexpr double kB = (kRho - 1 / kRho) / 2;
constexpr double kInvA2 = 1 / (kA * kA);
constexpr double kInvB2 = 1 / (kB * kB);

constexpr double kInvAm1 = 1 / (kA - 1);
constexpr double kInvAp1 = 1 / (kA + 1);
constexpr double kInvB = 1 / kB;

// True when the pole (p, d) lies outside E_rho of the panel [a, b] (G33).
inline bool outside(const Pole& q, double a, double b) {
  const double h = 0.5 * (b - a), dc = q.p - 0.5 * (a + b);
  return dc * dc * kInvA2 + q.d * q.d * kInvB2 >= h * h;
}

// Covers [a, b] with panels, greedily from the left, each panel [a, a + 2h] keeping every
// pole outside its E_rho: (D - h)^2/A^2 + d^2/B^2 >= h^2 with D = p - a (G33). Sufficient,
// and exact for a pole on the real axis: h <= d/B, or h <= -D/(A - 1) for a pole behind a,
// or h <= D/(A + 1) for a pole ahead; the largest applicable one is
// max(d/B, -D/(A - 1), D/(A + 1)) (the last two are never both positive). Away from a pole
// on the axis this grows panels by 1 + 2/(A - 1) = 2.61, towards one it shrinks them by the
// same ratio. No square root: the recursion is latency-bound.
template <int kPoles, class Emit>
HWY_INLINE void march(double a, const double b, const Pole* poles, Emit&& emit) {
  int guard = 0;
  while (a < b) {
    double u = b - a;
    for (int k = 0; k < kPoles; ++k) {
      const double D = poles[k].p - a;
      const double h = std::max(poles[k].d * kInvB, std::max(-D * kInvAm1, D * kInvAp1));
      u = std::min(u, 2.0 * h);
    }
    double e = a + u;
    // Last panel, or a short remainder (< u/4) that this panel can absorb: end at b.
    if (e >= b) {
      e = b;
    } else if (b - e < 0.25 * u) {
      bool ok = true;
      for (int k = 0; k < kPoles; ++k) ok = ok && outside(poles[k], a, b);
      if (ok) e = b;
    }
    if (!(e > a) || ++guard > 100000) e = b;  // no progress at double resolution
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
constexpr double kPi = 3.141592653589793;

// pi/2 - s (tau1 + tau2), s = s_hi + s_lo, in double-double: absolute error ~ 2^-104 (tau s).
// (G2, G3: the state at time tau is s cot of this phase, and tau >= t* iff it is <= 0.)
inline DD phase(double s_hi, double s_lo, double tau1, double tau2) {
  const DD p1 = two_prod(s_hi, tau1);
  const DD p2 = two_prod(s_hi, tau2);
  if (!(std::fabs(p1.hi) + std::fabs(p2.hi) < 1e300)) {  // far past t*: only the sign counts
    return {-std::numeric_limits<double>::infinity(), 0.0};
  }
  const DD sum = two_sum(p1.hi, p2.hi);
  const double lo = sum.lo + p1.lo + p2.lo + s_lo * (tau1 + tau2);
  const DD d = two_sum(kHalfPiHi, -sum.hi);
  return two_sum(d.hi, d.lo + (kHalfPiLo - lo));
}

// a = sigma(-|z|) (the small one) and *big = sigma(|z|) = 1 - a, without cancellation.
inline double logistic_small(double z, double* big) {
  const double e = std::exp(-std::fabs(z));
  const double r = 1.0 / (1.0 + e);
  *big = r;
  return e * r;
}

// An upper bound of ln(max(r, 1)), cheap (for truncation margins only).
inline double log_bound(double r) {
  if (!(r > 1)) return 0.0;
  if (!(r < 1e300)) return 700.0;
  int e;
  std::frexp(r, &e);  // r < 2^e
  return 0.6931471805599453 * e;
}

// Appends panels to a vector without push_back's bookkeeping in the hot path.
struct PanelSink {
  std::vector<Panel>& v;
  std::size_t& n;
  void operator()(const Panel& p) {
    if (n == v.size()) v.resize(2 * v.size() + 64);
    v[n++] = p;
  }
};

// ---- the space form (eps > 0) ------------------------------------------------------------------
// The loss is H + sum over regions of int g w dx (G29) and the gradient is, per region,
// [g K] at its ends - int g w^2 dx (G30) or int f' K dx (G31), where g = f - h is the
// decaying part of the loss integrand f, w = 1/(eps + x^2), K = (t(x) + x w)/(2 eps).
inline void plan_space(double T, double Tr, double beta, double x_th, double eps, bool grad,
                       Plan& plan) {
  plan.form = Form::space;
  constexpr double inf = std::numeric_limits<double>::infinity();
  const double s = std::sqrt(eps);
  const double s_lo = std::fma(-s, s, eps) / (2.0 * s);
  plan.beta = beta;
  plan.x_th = x_th;
  plan.eps = eps;
  plan.s = s;
  plan.inv_s = 1.0 / s;
  plan.grad_scale = beta / eps;
  const double half_inv_eps = 0.5 / eps;

  // States X = x(T), Y = x(T + Tr) (G2; +inf once past t*), from double-double phases.
  const DD ph_T = phase(s, s_lo, T, 0.0);
  const DD ph_Y = phase(s, s_lo, T, Tr);
  const double sT = s * T, sTT = s * (T + Tr);
  constexpr double kQuarterPi = 0.7853981633974483;
  double X = inf, Y = inf;
  if (ph_T.hi > 0) X = sT <= kQuarterPi ? s * std::tan(sT) : s / std::tan(ph_T.hi);
  if (ph_Y.hi > 0) Y = sTT <= kQuarterPi ? s * std::tan(sTT) : s / std::tan(ph_Y.hi);
  const bool X_finite = X < inf, Y_finite = Y < inf;
  // Near the threshold the loss depends on X - x_th to first order (§6): there X is
  // recomputed in long double and its rounding to double is carried as a shift.
  double DX = X - x_th;
  long double shift_x = 0, shift_v = 0;  // true X minus the breakpoint used (x / v coordinates)
  if (X_finite && std::fabs(DX) < 0.25 * x_th) {
    const long double sl = static_cast<long double>(s) + s_lo;
    const long double XL =
        sT <= kQuarterPi
            ? sl * std::tan(sl * T)
            : sl / std::tan(static_cast<long double>(ph_T.hi) + static_cast<long double>(ph_T.lo));
    const long double DL = XL - x_th;
    X = static_cast<double>(XL);
    DX = static_cast<double>(DL);
    shift_x = XL - X;
    shift_v = DL - DX;
  }
  const double DY = Y - x_th;

  // Delta = T - t_th without cancellation: the arctangent form of (G23) between x_th and X
  // while X is finite (below 1e100, so that nothing overflows), else the exact
  // (t* - t_th) + (T - t*) = (atan(s/x_th) - phase)/s (G6): two non-negative terms once
  // T >= t*, and for X > 1e100 the phase ~ s/X is far below atan(s/x_th).
  double Delta;
  if (X < 1e100) {
    Delta = std::atan(DX * s / (eps + X * x_th)) / s;
  } else {
    Delta = (std::atan(s / x_th) - (ph_T.hi + ph_T.lo)) / s;
  }
  // H (G29): the loss of a hard switch at t_th, i.e. the time the step output is wrong.
  const double H = Delta >= 0 ? Delta : std::min(-Delta, Tr);

  // Truncation (§6): below the top of the lower range and above x_th the integrands decay
  // like e^-|z|; cut where the dropped tail is < e^-48 of the integrand's own front part.
  const double inv_beta = 1.0 / beta;
  const double t_th_bound = std::min(kHalfPiHi / s, x_th / eps);  // t_th <= both
  const double delta_bound = std::min(1.0 / x_th, kHalfPiHi / s);  // t* - t_th <= both
  const double top = Y_finite ? std::min(x_th, Y) : x_th;
  const double Z_lo =
      std::min(800.0, 48.0 + log_bound(1.0 + 2.0 * beta * t_th_bound * (eps + top * top)));
  const double Z_hi = std::min(
      800.0, 48.0 + log_bound(1.0 + 2.0 * beta * delta_bound * (eps + x_th * x_th)) +
                 log_bound(2.0 + 2.0 * s / x_th));
  const double v_top = top - x_th;  // <= 0
  const double v_lo = std::max(-x_th, v_top - Z_lo * inv_beta);
  const double v_hi = Z_hi * inv_beta;
  const double x_max = x_th + v_hi;
  plan.combine = eps > 1e-150 && eps + x_max * x_max < 1e150;

  // The integrands at the breakpoints: a = sigma(-|z|), b = 1 - a; K(x) of (G30, G31).
  auto K_of = [&](double t, double x) { return (t + x / (eps + x * x)) * half_inv_eps; };
  double aX = 0, bX = 1;
  if (X_finite) aX = logistic_small(beta * DX, &bX);
  const double KX = X_finite ? K_of(T, X) : 0.0;
  double K_th = 0.0;
  if (grad) {
    const double t_th = x_th >= s ? (kHalfPiHi - std::atan(s / x_th)) / s : std::atan(x_th / s) / s;
    K_th = K_of(t_th, x_th);
  }

  const double pi_over_beta = kPi * inv_beta;
  plan.n_panels = plan.n_kpanels = 0;
  PanelSink sink{plan.panels, plan.n_panels};
  PanelSink ksink{plan.kpanels, plan.n_kpanels};
  double boundary = 0;  // sum of [g K] at region ends (G30)
  bool x_split = false, x_split_in_v = false, x_split_kform = false;

  // Lower range [x_th + v_lo, top]: delay-correct below X, response-wrong above (G29).
  // Gradient by parts (G30) only when the range reaches from where g vanishes (the cut
  // below, or x = 0 with beta x_th >= 8) up to x_th: then F sweeps its whole range inside it
  // and the boundary terms are within a small factor of the true parts (§4.2). Otherwise
  // (cut short by Y, or a broad front) they could cancel: the K form (G31), atan per node.
  if (v_top > v_lo) {
    const bool kform = grad && (top < x_th || (beta * top < 8.0 && v_lo <= -x_th));
    PanelSink& out = kform ? ksink : sink;
    auto add = [&](double c, double c_off, double h, bool delay) {
      out(Panel{c, c_off, h, delay ? 0.0 : -2.0, delay ? 1.0 : -1.0, delay ? 0.0 : 1.0});
    };
    bool delay_at_top = true;
    // When Y < x_th the decaying integrands peak at Y, not at x_th: Y gets the front's pole
    // distance too, so that no panel's ellipse reaches far past Y, where they grow like
    // e^{beta (x - Y)} (otherwise a duplicate of the front's pole).
    const bool in_x = v_lo <= -x_th;  // reaches x = 0: march in x, where w's pole at i s sits;
                                      // else in offsets v = x - x_th, exact near the front
    const double lo = in_x ? 0.0 : v_lo, hi = in_x ? top : v_top, at_X = in_x ? X : DX;
    const double shift_c = in_x ? 0.0 : -x_th;  // pole positions in the marching coordinate
    const Pole poles[3] = {{shift_c, s}, {x_th + shift_c, pi_over_beta},
                           {top + shift_c, pi_over_beta}};
    auto emit = [&](double c_coord, double h, bool delay) {
      const double c = in_x ? c_coord : x_th + c_coord;
      add(c, in_x ? c - x_th : c_coord, h, delay);
    };
    auto range = [&](double a, double b, bool delay) {
      march<3>(a, b, poles, [&](double l, double r) { emit(0.5 * (l + r), 0.5 * (r - l), delay); });
    };
    if (X_finite && at_X > lo && at_X < hi) {
      range(lo, at_X, true);
      if (top < x_th) {
        // [X, Y]: in the ghost region Y - X can be << X; its width comes from (G23)
        // inverted, W = (eps + X Y) tan(s Tr) / s, and the panels are marched in u = x - X
        // so that their lengths (the weights) carry no cancellation.
        const double W = (eps + X * Y) * std::tan(s * Tr) / s;
        const Pole local[3] = {{poles[0].p - at_X, s}, {poles[1].p - at_X, pi_over_beta},
                               {W, pi_over_beta}};
        march<3>(0.0, W, local, [&](double l, double r) {
          emit(at_X + 0.5 * (l + r), 0.5 * (r - l), false);
        });
      } else {
        range(at_X, hi, false);
      }
      x_split = true;
      x_split_in_v = !in_x;
      delay_at_top = false;
    } else {
      delay_at_top = !(X_finite && at_X <= lo);
      range(lo, hi, delay_at_top);
    }
    if (x_split) x_split_kform = kform;
    if (grad && !kform) {  // [g K] at the region ends (G30); g ~ 0 at the bottom, K(0) = 0
      if (x_split) boundary += 2.0 * aX * KX;  // g_delay - g_response at X (below x_th)
      boundary += (delay_at_top ? 0.25 : -0.75) * K_th;  // g at x_th from below
    }
  }
  // Upper range [x_th, min(Y, x_th + Z_hi/beta)] in offsets: delay-wrong below X,
  // response-correct above (G29). Gradient by parts (G30) when it reaches the cut above
  // (where g vanishes), by the K form (G31) when Y cuts it short.
  if (!(Y_finite && DY <= 0.0)) {
    const bool y_inside = Y_finite && DY < v_hi;
    const double v_end = y_inside ? DY : v_hi;
    const bool kform = grad && y_inside;
    PanelSink& out = kform ? ksink : sink;
    const Pole poles[2] = {{-x_th, s}, {0.0, pi_over_beta}};
    auto range = [&](double a, double b, bool delay) {
      march<2>(a, b, poles, [&](double l, double r) {
        const double c_off = 0.5 * (l + r);
        out(Panel{x_th + c_off, c_off, 0.5 * (r - l), delay ? -2.0 : 0.0, delay ? 1.0 : -1.0,
                  delay ? 1.0 : 0.0});
      });
    };
    bool delay_at_bottom = true;
    if (X_finite && DX > 0.0 && DX < v_end) {
      range(0.0, DX, true);
      range(DX, v_end, false);
      x_split = x_split_in_v = true;
      x_split_kform = kform;
      if (grad && !kform) boundary += -2.0 * aX * KX;  // g_delay - g_response at X (> x_th)
    } else {
      delay_at_bottom = !(X_finite && DX <= 0.0);
      range(0.0, v_end, delay_at_bottom);
    }
    if (grad && !kform) boundary -= (delay_at_bottom ? -0.75 : 0.25) * K_th;  // g at x_th+
  }

  // The breakpoint X entered the panels rounded to double; add the sliver between it and
  // the long-double X to first order: shift times the jump of each integrand at X.
  double loss_corr = 0, grad_corr = 0;
  const double shift = static_cast<double>(x_split_in_v ? shift_v : shift_x);
  if (x_split && shift != 0.0) {
    const double wX = 1.0 / (eps + X * X);
    const double jump = (DX < 0 ? 2.0 : -2.0) * aX;  // g_delay - g_response at X
    loss_corr = shift * jump * wX;
    if (grad) {
      grad_corr = x_split_kform ? shift * plan.grad_scale * aX * bX * (T + X * wX)  // G31
                                : -shift * jump * wX * wX;                          // G30
    }
  }
  plan.loss_closed = H + loss_corr;
  plan.grad_closed = boundary + grad_corr;
}

// ---- the time form (eps < 0, and 0 < eps tiny) -------------------------------------------------
// d0 = atan(D_sigma / s) / s with D_sigma = |x_th + i pi/beta|: no singularity of the time
// integrands lies in the disc |t| < d0, and for eps < 0 none in Re t > 0 (proofs §4.2, G32).
inline double singularity_radius(double s, double beta, double x_th) {
  const double p = kPi / beta;
  const double d_sigma = std::sqrt(x_th * x_th + p * p);  // +inf is fine: atan -> pi/2
  return std::atan(d_sigma / s) / s;
}

inline void plan_time(double T, double Tr, double beta, double x_th, double eps, bool grad,
                      Plan& plan) {
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

  // Cut time t_c (eps < 0 only). Beyond it the integrands equal their limits (x -> -s) to
  // 1e-20 relative, either because x has relaxed (|x + s| <= 2 s e^{-2st}, dx/deps ->
  // 1/(2s)) or because the front has passed (y(t)/y(0) <= e^{-beta s tanh(st)}); the rest
  // is added in closed form with the limits.
  double t_c = std::numeric_limits<double>::infinity();
  double a_inf = 0, b_inf = 1;
  if (negative) {
    const double ratio = 1.0 + total / Tr;
    const double relax = (48.0 + log_bound(4.0 * beta * s) + log_bound(2.0 + 4.0 * s * total) +
                          log_bound(ratio)) /
                         (2.0 * s);
    const double lambda =
        48.0 + 2.0 * log_bound(2.0 + beta * std::fabs(eps) * total) + log_bound(8.0 * ratio);
    const double r = lambda / (beta * s);
    const double front =
        r < 1 ? std::atanh(r) / s : std::numeric_limits<double>::infinity();
    t_c = std::min(relax, front);
    a_inf = logistic_small(-beta * (s + x_th), &b_inf);
  }

  plan.n_panels = plan.n_kpanels = 0;
  PanelSink sink{plan.panels, plan.n_panels};
  // Besides the singularities, the integrands decay at rate <= 2 beta |dx/dt| <= 4 beta |eps|
  // (y ~ e^{beta x}): a virtual pole on the real axis tau_r = 1/(4 beta |eps|) behind each
  // window's start keeps every panel's ellipse where the integrand is <= e times its values
  // on the window (G32).
  const double tau_r = 0.25 / (beta * std::fabs(eps));
  // delay window [0, min(T, t_c)]
  const double delay_num = std::min(T, t_c);
  if (delay_num > 0) {
    const Pole poles[2] = {{0.0, d0}, {-tau_r, 0.0}};
    march<2>(0.0, delay_num, poles, [&](double l, double r) {
      sink(Panel{0.5 * (l + r), 0, 0.5 * (r - l), 0, 1.0, 0});
    });
  }
  // response window [T, min(T + Tr, t_c)], marched in local time tau = t - T
  const double resp_num = std::min(Tr, t_c - T);
  if (resp_num > 0) {
    const Pole poles[2] = {{-T, d0}, {-tau_r, 0.0}};
    march<2>(0.0, resp_num, poles, [&](double l, double r) {
      sink(Panel{T + 0.5 * (l + r), 0, 0.5 * (r - l), 0, -1.0, 0});
    });
  }
  const double delay_rest = T - std::max(0.0, delay_num);
  const double resp_rest = Tr - std::max(0.0, resp_num);
  plan.loss_closed = delay_rest * a_inf * a_inf + resp_rest * b_inf * b_inf;
  plan.grad_closed = 0;
  if (grad && negative && (delay_rest > 0 || resp_rest > 0)) {
    const double xi_inf = 0.5 / s;  // dx/deps -> 1/(2s) (G7)
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
  const double p = kPi / beta;
  const double d_sigma = std::sqrt(x_th * x_th + p * p);
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

// Space form (G29, G30, G31): over `panels`, the sums of h w_i g w (loss) and h w_i g w^2
// (gradient by parts); over `kpanels`, of h w_i g w and h sign w_i a b q (t(x) + x w)
// (gradient by the K form, without its factor beta/eps). a = sigma(-|z|), b = 1 - a,
// z = beta (x - x_th), g = a (a + m), q = b on the wrong side and a on the correct one,
// w = 1/(eps + x^2), t(x) = atan(x/s)/s. With kCombine, r = 1/(1 + e) and w share one
// division (the plan checked that the product cannot over- or underflow).
template <bool kGradient, bool kCombine>
HWY_NOINLINE void SpaceSums(const fd::Plan& plan, const fd::Rule& rule, double* loss_sum,
                            double* parts_sum, double* kform_sum) {
  static_assert(fd::kPadded % HWY_LANES(double) == 0, "the padded rule must fill whole vectors");
  const hn::ScalableTag<double> d;
  const std::size_t lanes = hn::Lanes(d);
  const auto one = hn::Set(d, 1.0);
  const auto zero = hn::Zero(d);
  const auto v_beta = hn::Set(d, plan.beta);
  const auto v_eps = hn::Set(d, plan.eps);
  const auto v_inv_s = hn::Set(d, plan.inv_s);
  auto acc_l = hn::Zero(d);
  auto acc_p = hn::Zero(d);
  auto acc_k = hn::Zero(d);
  for (int pass = 0; pass < 2; ++pass) {
    const fd::Panel* panels = pass == 0 ? plan.panels.data() : plan.kpanels.data();
    const std::size_t count = pass == 0 ? plan.n_panels : plan.n_kpanels;
    for (std::size_t i = 0; i < count; ++i) {
      const fd::Panel& p = panels[i];
      const auto vc = hn::Set(d, p.c);
      const auto voff = hn::Set(d, p.c_off);
      const auto vh = hn::Set(d, p.h);
      const auto vm = hn::Set(d, p.m);
      for (std::size_t j = 0; j < static_cast<std::size_t>(fd::kPadded); j += lanes) {
        const auto xi = hn::Load(d, rule.node + j);
        const auto wt = hn::Mul(vh, hn::Load(d, rule.weight + j));
        const auto x = hn::MulAdd(vh, xi, vc);
        const auto off = hn::MulAdd(vh, xi, voff);
        const auto e = hn::Exp(d, hn::Neg(hn::Abs(hn::Mul(v_beta, off))));
        const auto e1 = hn::Add(one, e);
        const auto den = hn::MulAdd(x, x, v_eps);
        hn::Vec<decltype(d)> r, w;
        if constexpr (kCombine) {
          const auto q = hn::Div(one, hn::Mul(e1, den));
          r = hn::Mul(q, den);
          w = hn::Mul(q, e1);
        } else {
          r = hn::Div(one, e1);
          w = hn::Div(one, den);
        }
        const auto a = hn::Mul(e, r);
        const auto gw = hn::Mul(hn::Mul(a, hn::Add(a, vm)), w);
        acc_l = hn::MulAdd(wt, gw, acc_l);
        if constexpr (kGradient) {
          if (pass == 0) {
            acc_p = hn::MulAdd(wt, hn::Mul(gw, w), acc_p);
          } else {
            const auto wrong = hn::Gt(hn::Set(d, p.wrong), zero);
            const auto q = hn::IfThenElse(wrong, r, a);
            const auto t = hn::Mul(hn::Atan(d, hn::Mul(x, v_inv_s)), v_inv_s);
            const auto k = hn::MulAdd(x, w, t);
            const auto gg = hn::Mul(hn::Mul(hn::Mul(a, r), q), k);
            acc_k = hn::MulAdd(hn::Mul(wt, hn::Set(d, p.sign)), gg, acc_k);
          }
        }
      }
    }
  }
  *loss_sum = hn::GetLane(hn::SumOfLanes(d, acc_l));
  *parts_sum = kGradient ? hn::GetLane(hn::SumOfLanes(d, acc_p)) : 0.0;
  *kform_sum = kGradient ? hn::GetLane(hn::SumOfLanes(d, acc_k)) : 0.0;
}

// Time form: sum of h * w_i * y_sel^2 (loss, y_sel = y on the delay, 1 - y on the response)
// and of h * sign * w_i * y (1 - y) y_sel dx/deps (G24 without its factor 2 beta).
template <bool kGradient, bool kNegative>
HWY_NOINLINE void TimeSums(const fd::Plan& plan, const fd::Rule& rule, double* loss_sum,
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
  for (std::size_t i = 0; i < plan.n_panels; ++i) {
    const fd::Panel& p = plan.panels[i];
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

void FiniteLossBatch(const double T_in, const double Tr_in, const double beta_in,
                     const double x_th_in, const double* HWY_RESTRICT eps,
                     const std::size_t n, double* HWY_RESTRICT loss,
                     double* HWY_RESTRICT gradient) {
  // Units: the loss is homogeneous under t -> t/lambda, x -> lambda x, eps -> lambda^2 eps,
  // beta -> beta/lambda (L -> L/lambda, dL/deps -> dL/deps / lambda^3). With lambda = 2^k,
  // 2^k <= T + Tr < 2^(k+1), the scaling is exact and keeps the intermediates (1/eps^2, x^2,
  // t/eps, ...) away from overflow for extreme magnitudes of T, Tr, eps.
  const int k = std::ilogb(T_in + Tr_in);
  const double T = std::ldexp(T_in, -k), Tr = std::ldexp(Tr_in, -k);
  const double beta = std::ldexp(beta_in, -k), x_th = std::ldexp(x_th_in, k);
  const fd::Rule& rule = fd::rule();
  thread_local fd::Plan plan;  // reused: no allocation per call once warm
  const bool with_grad = gradient != nullptr;
  for (std::size_t i = 0; i < n; ++i) {
    const double e = std::ldexp(eps[i], 2 * k);
    if (std::isnan(e)) {
      loss[i] = e;
      if (with_grad) gradient[i] = e;
      continue;
    }
    if (std::isinf(e)) {  // the limits: y = 1 from t = 0 (eps = +inf), y = 0 (eps = -inf)
      loss[i] = e > 0 ? T_in : Tr_in;
      if (with_grad) gradient[i] = 0.0;
      continue;
    }
    if (e == 0.0) {
      double l, g;
      fd::closed_zero(T, Tr, beta, x_th, &l, with_grad ? &g : nullptr);
      loss[i] = std::ldexp(l, k);
      if (with_grad) gradient[i] = std::ldexp(g, 3 * k);
      continue;
    }
    if (e < 0.0 || fd::use_tiny_time_form(T, Tr, beta, x_th, e)) {
      fd::plan_time(T, Tr, beta, x_th, e, with_grad, plan);
    } else {
      fd::plan_space(T, Tr, beta, x_th, e, with_grad, plan);
    }
    double ls = 0, g = 0;
    switch (plan.form) {
      case fd::Form::space: {
        double parts = 0, kform = 0;
        if (with_grad) {
          if (plan.combine) SpaceSums<true, true>(plan, rule, &ls, &parts, &kform);
          else SpaceSums<true, false>(plan, rule, &ls, &parts, &kform);
          g = plan.grad_closed - parts + plan.grad_scale * kform;  // (G30) + (G31)
        } else {
          if (plan.combine) SpaceSums<false, true>(plan, rule, &ls, &parts, &kform);
          else SpaceSums<false, false>(plan, rule, &ls, &parts, &kform);
        }
        break;
      }
      case fd::Form::time_negative:
        if (with_grad) TimeSums<true, true>(plan, rule, &ls, &g);
        else TimeSums<false, true>(plan, rule, &ls, &g);
        g = plan.grad_closed + plan.grad_scale * g;
        break;
      case fd::Form::time_tiny_positive:
        if (with_grad) TimeSums<true, false>(plan, rule, &ls, &g);
        else TimeSums<false, false>(plan, rule, &ls, &g);
        g = plan.grad_closed + plan.grad_scale * g;
        break;
    }
    loss[i] = std::ldexp(plan.loss_closed + ls, k);
    if (with_grad) gradient[i] = std::ldexp(g, 3 * k);
  }
}

}  // namespace HWY_NAMESPACE
}  // namespace learndyn::fast::ghost
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include <learndyn/common/argument_error.hpp>

namespace learndyn::fast::ghost {

HWY_EXPORT(FiniteLossBatch);

void validate(const Readout& readout) {
  require(is_finite_positive(readout.beta), "beta", readout.beta, "beta > 0 (finite)");
  require(is_finite_positive(readout.x_th), "xth", readout.x_th, "xth > 0 (finite)");
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
