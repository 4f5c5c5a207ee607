// The fast finite-confidence loss and gradient (fast/ghost/finite_confidence.hpp) against
// the 50-digit reference (reference/ghost/finite_confidence.hpp), which integrates the time
// form (G21, G24) by tanh-sinh: an independent algorithm (the fast path integrates the space
// form G29/G30 by fixed Gauss-Legendre panels, proofs/ghost.md §4, §6).
//
// Bounds asserted (proofs/ghost.md §6, "Finite-confidence loss"), on the domain
// T, Tr in [1, 1000], beta in [0.01, 100], x_th in [0.1, 100], eps in [-10 eps*, 100 eps*]:
//   loss:      |L^ - L| <= 1e-12 |L|
//   gradient:  |g^ - g| <= 1e-12 |g| + 1e-13 Phi + 1e-300
// where Phi >= |delay part| + |response part| of (G24) is the gradient's condition scale
// (the two parts cancel where the gradient crosses zero; no summation can do better than a
// few ulps of Phi there) and 1e-300 covers gradients that underflow in double.
// Measured (seed 20261123, 200 cases and the fixed samples below): see the report printed
// by FiniteReferenceDoubleIsTheThirdPoint and proofs/ghost.md §6.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iomanip>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include <boost/math/quadrature/gauss_kronrod.hpp>
#include <hwy/targets.h>

#include <learndyn/common/argument_error.hpp>
#include <learndyn/common/scalar.hpp>
#include <learndyn/fast/ghost/finite_confidence.hpp>
#include <learndyn/reference/ghost/canonical_model.hpp>
#include <learndyn/reference/ghost/finite_confidence.hpp>

namespace {

namespace fg = learndyn::fast::ghost;
namespace rg = learndyn::reference::ghost;
using learndyn::real;

constexpr double kLossBound = 1e-12;
constexpr double kGradRelative = 1e-12;
constexpr double kGradScale = 1e-13;
constexpr double kGradUnderflow = 1e-300;
constexpr double kPiSquaredOver4 = 2.4674011002723395;

struct Case {
  double T, Tr, beta, x_th, eps;
};

std::string describe(const Case& c) {
  std::ostringstream out;
  out << std::setprecision(17) << "T=" << c.T << " Tr=" << c.Tr << " beta=" << c.beta
      << " x_th=" << c.x_th << " eps=" << c.eps;
  return out.str();
}

struct Pair {
  double loss, gradient;
};

Pair fast(const Case& c) {
  Pair out{};
  fg::finite_loss_and_gradient({c.T, c.Tr}, {c.beta, c.x_th}, &c.eps, 1, &out.loss,
                               &out.gradient);
  return out;
}

rg::LossAndGradient<real> reference(const Case& c) {
  return rg::finite_loss_and_gradient<real>(real(c.eps), {real(c.T), real(c.Tr)},
                                            {real(c.beta), real(c.x_th)});
}

double sigmoid(double z) {
  return z >= 0 ? 1 / (1 + std::exp(-z)) : std::exp(z) / (1 + std::exp(z));
}

// sigma(z1) - sigma(z0) = sigma(z1) sigma(-z0) (1 - e^{z0 - z1}), without cancellation.
double sigmoid_difference(double z1, double z0) {
  return sigmoid(z1) * sigmoid(-z0) * -std::expm1(z0 - z1);
}

// Phi: an upper bound of |D| + |R|, D and R the delay and response integrals of (G24). For
// eps > 0, in the space form, D = int_0^X (s^2)' K dx <= K(X) (s(X)^2 - s(0)^2) and
// |R| = int_X^Y |((1-s)^2)'| K dx <= K(Y) ((1-s(X))^2 - (1-s(Y))^2), K increasing
// (K = dx/deps / (dx/dt) = (t + x/(eps + x^2)) / (2 eps)). For eps <= 0, the two integrals
// of |integrand| in time, by adaptive Gauss-Kronrod at double (a scale: 1e-6 is plenty).
double gradient_scale(const Case& c) {
  const double eps = c.eps, beta = c.beta, x_th = c.x_th;
  if (eps > 0) {
    const double s = std::sqrt(eps);
    const double t_star = 1.5707963267948966 / s;
    auto K = [&](double t, double x) {
      return std::isinf(x) ? t_star / (2 * eps) : (t + x / (eps + x * x)) / (2 * eps);
    };
    const double X = rg::state(eps, c.T), Y = rg::state(eps, c.T + c.Tr);
    const double z0 = -beta * x_th;
    const double zX = std::isinf(X) ? std::numeric_limits<double>::infinity() : beta * (X - x_th);
    const double zY = std::isinf(Y) ? std::numeric_limits<double>::infinity() : beta * (Y - x_th);
    const double sX = sigmoid(zX), s0 = sigmoid(z0), sY = sigmoid(zY);
    const double delay = (std::isinf(zX) ? 1 - s0 : sigmoid_difference(zX, z0)) * (sX + s0);
    const double response =
        std::isinf(zX) ? 0.0
                       : (std::isinf(zY) ? 1 - sX : sigmoid_difference(zY, zX)) * (2 - sX - sY);
    return K(c.T, X) * delay + K(c.T + c.Tr, Y) * response;
  }
  auto integrand = [&](double t, bool delay) {
    const double x = rg::state(eps, t), xi = rg::state_sensitivity(eps, t);
    const double y = sigmoid(beta * (x - x_th)), ybar = sigmoid(-beta * (x - x_th));
    return 2 * beta * y * ybar * xi * (delay ? y : ybar);
  };
  using GK = boost::math::quadrature::gauss_kronrod<double, 31>;
  const double d = GK::integrate([&](double t) { return integrand(t, true); }, 0.0, c.T, 30, 1e-6);
  const double r =
      GK::integrate([&](double t) { return integrand(t, false); }, c.T, c.T + c.Tr, 30, 1e-6);
  return d + r;
}

struct Errors {
  double loss;      // |L^ - L| / |L|
  double gradient;  // |g^ - g| / (|g| + (kGradScale / kGradRelative) Phi + ...): <= 1 passes
  double gradient_relative;  // |g^ - g| / |g|
};

Errors errors(const Pair& got, const rg::LossAndGradient<real>& want, double phi) {
  using std::abs;
  Errors e{};
  e.loss = static_cast<double>(abs(real(got.loss) - want.loss) / abs(want.loss));
  const double dg = static_cast<double>(abs(real(got.gradient) - want.gradient));
  const double g = std::fabs(static_cast<double>(want.gradient));
  e.gradient = dg / (kGradRelative * g + kGradScale * phi + kGradUnderflow);
  e.gradient_relative = g > 0 ? dg / g : dg;
  return e;
}

// eps at which the threshold crossing happens exactly at T (t_th(eps) = T, G6): the bottom
// of the loss for sharp readouts, where L is smallest and hardest (bisection in s).
double eps_threshold_at_delay(double T, double x_th) {
  double lo = 0, hi = 1.5707963267948966 / T;  // t_th(s) = atan(x_th/s)/s decreases in s
  for (int i = 0; i < 200; ++i) {
    const double mid = 0.5 * (lo + hi);
    (std::atan(x_th / mid) / mid > T ? lo : hi) = mid;
  }
  return hi * hi;
}

rc::Gen<double> log_uniform_between(double lo, double hi) {
  return rc::gen::map(rc::gen::inRange(0, (1 << 20) + 1), [lo, hi](int k) {
    return lo * std::pow(hi / lo, k / static_cast<double>(1 << 20));
  });
}

// 1 + sign 2^-m (1 + f), m in [m_lo, m_hi): relative offsets spread over many scales.
rc::Gen<double> near_one(int m_lo, int m_hi) {
  return rc::gen::apply(
      [](int m, int f, bool negative) {
        const double offset = std::ldexp(1.0 + f / static_cast<double>(1 << 20), -m);
        return 1.0 + (negative ? -offset : offset);
      },
      rc::gen::inRange(m_lo, m_hi), rc::gen::inRange(0, 1 << 20), rc::gen::arbitrary<bool>());
}

// ---------------------------------------------------------------------------------------------
// (a) Property: fast vs reference<real> over the whole domain.
// ---------------------------------------------------------------------------------------------
RC_GTEST_PROP(GhostFastFinite, MatchesReferenceAt50Digits, ()) {
  Case c{};
  c.T = *log_uniform_between(1, 1000);
  c.Tr = *log_uniform_between(1, 1000);
  c.beta = *log_uniform_between(0.01, 100);
  c.x_th = *log_uniform_between(0.1, 100);
  const double eps_star = kPiSquaredOver4 / (c.T * c.T);
  const double eps_nr = kPiSquaredOver4 / ((c.T + c.Tr) * (c.T + c.Tr));
  const int kind = *rc::gen::inRange(0, 8);
  switch (kind) {
    case 0:  // anywhere in [-10 eps*, 100 eps*]
      c.eps = eps_star * (-10.0 + 110.0 * *rc::gen::inRange(0, (1 << 20) + 1) / (1 << 20));
      break;
    case 1:  // near eps* (t* near T)
      c.eps = eps_star * *near_one(8, 53);
      break;
    case 2:  // near eps_nr (t* near T + Tr)
      c.eps = eps_nr * *near_one(8, 53);
      break;
    case 3:  // near 0, both signs
      c.eps = eps_star * (*near_one(0, 1) - 1.0) * std::ldexp(1.0, -*rc::gen::inRange(0, 60));
      break;
    case 4:  // exactly 0
      c.eps = 0.0;
      break;
    case 5:  // log-uniform positive
      c.eps = eps_star * *log_uniform_between(1e-3, 100);
      break;
    case 6:  // log-uniform negative
      c.eps = -eps_star * *log_uniform_between(1e-3, 10);
      break;
    default:  // near the bottom of the loss: the front crosses x_th at t = T
      c.eps = eps_threshold_at_delay(c.T, c.x_th) * *near_one(4, 53);
      break;
  }
  RC_LOG() << std::setprecision(17) << "kind=" << kind << " " << describe(c) << "\n";
  const Pair got = fast(c);
  const auto want = reference(c);
  const double phi = gradient_scale(c);
  const Errors e = errors(got, want, phi);
  RC_LOG() << std::setprecision(17) << "fast L=" << got.loss << " g=" << got.gradient
           << " | ref L=" << static_cast<double>(want.loss)
           << " g=" << static_cast<double>(want.gradient) << " | Phi=" << phi
           << " | rel L " << e.loss << " rel g " << e.gradient_relative << "\n";
  RC_ASSERT(std::isfinite(got.loss));
  RC_ASSERT(e.loss <= kLossBound);
  RC_ASSERT(e.gradient <= 1.0);
}

// ---------------------------------------------------------------------------------------------
// (b) The reference at double as a third point, on a fixed sample.
// ---------------------------------------------------------------------------------------------
TEST(GhostFastFinite, FiniteReferenceDoubleIsTheThirdPoint) {
  // Two opposite corners of the domain (long horizon with a broad front at a low threshold;
  // short horizon with a sharp front at a high one), eps below 0, below eps*, just above it
  // and well above it. (Kept small: the 50-digit reference takes ~0.1-1 s per point here.)
  std::vector<Case> cases;
  for (const Case corner : {Case{1000.0, 2000.0, 0.01, 0.1, 0.0}, Case{1.0, 2.0, 100.0, 100.0, 0.0}}) {
    const double eps_star = kPiSquaredOver4 / (corner.T * corner.T);
    for (const double f : {-1.0, 0.5, 1.0 + 1e-6, 3.0}) {
      Case c = corner;
      c.eps = f * eps_star;
      cases.push_back(c);
    }
  }
  double fast_loss = 0, fast_grad = 0, refd_loss = 0, refd_grad = 0;
  for (const Case& c : cases) {
    const auto want = reference(c);
    const Pair got = fast(c);
    const auto refd =
        rg::finite_loss_and_gradient<double>(c.eps, {c.T, c.Tr}, {c.beta, c.x_th});
    const double phi = gradient_scale(c);
    const Errors ef = errors(got, want, phi);
    const Errors ed = errors({refd.loss, refd.gradient}, want, phi);
    EXPECT_LE(ef.loss, kLossBound) << describe(c);
    EXPECT_LE(ef.gradient, 1.0) << describe(c);
    fast_loss = std::max(fast_loss, ef.loss);
    fast_grad = std::max(fast_grad, ef.gradient_relative);
    refd_loss = std::max(refd_loss, ed.loss);
    refd_grad = std::max(refd_grad, ed.gradient_relative);
  }
  // The fast path must be at least as close to the truth as the reference run at double
  // (which loses digits near t*, where tan(s t) is evaluated close to its pole).
  EXPECT_LE(fast_loss, std::max(refd_loss, 1e-15));
  std::printf(
      "[ finite  ] %zu cases, max relative error vs reference<real>:\n"
      "            fast:              loss %.2e  gradient %.2e\n"
      "            reference<double>: loss %.2e  gradient %.2e\n",
      cases.size(), fast_loss, fast_grad, refd_loss, refd_grad);
  RecordProperty("fast_loss_max_relative_error", std::to_string(fast_loss));
  RecordProperty("reference_double_loss_max_relative_error", std::to_string(refd_loss));
}

// ---------------------------------------------------------------------------------------------
// (c) Edge cases.
// ---------------------------------------------------------------------------------------------
TEST(GhostFastFinite, EpsZeroIsTheClosedForm) {
  // eps = 0: x = 0, dx/deps = t (G4, G7), y = a = sigma(-beta x_th) throughout, so
  // L = T a^2 + Tr (1-a)^2 and dL/deps = 2 beta a (1-a) [a T^2/2 - (1-a) ((T+Tr)^2 - T^2)/2].
  for (const Case c : {Case{100, 100, 0.5, 10, 0.0}, Case{3, 700, 40, 0.2, 0.0},
                       Case{1000, 1, 0.01, 100, 0.0}}) {
    const Pair got = fast(c);
    const auto want = reference(c);
    const double phi = gradient_scale(c);
    const Errors e = errors(got, want, phi);
    EXPECT_LE(e.loss, kLossBound) << describe(c);
    EXPECT_LE(e.gradient, 1.0) << describe(c);
    const long double a = 1 / (1 + std::exp(static_cast<long double>(c.beta) * c.x_th));
    const long double b = 1 - a;
    const long double L = c.T * a * a + c.Tr * b * b;
    const long double g = c.beta * a * b * (a * c.T * c.T - b * c.Tr * (2 * c.T + c.Tr));
    EXPECT_NEAR(got.loss, static_cast<double>(L), 1e-14 * static_cast<double>(L));
    EXPECT_NEAR(got.gradient, static_cast<double>(g), 1e-13 * phi);
  }
}

TEST(GhostFastFinite, NegativeEpsMatchesReference) {
  for (const Case c : {Case{100, 100, 2, 10, -2.4674011002723395e-4},
                       Case{1, 5, 100, 0.1, -24.674011002723395},
                       Case{700, 30, 0.01, 3, -1e-9}}) {
    const Errors e = errors(fast(c), reference(c), gradient_scale(c));
    EXPECT_LE(e.loss, kLossBound) << describe(c);
    EXPECT_LE(e.gradient, 1.0) << describe(c);
  }
}

TEST(GhostFastFinite, EscapeTimeExactlyAtTheDelay) {
  // eps* rounded; t* = pi / (2 sqrt(eps)) crosses T within a few ulps of it. Every
  // neighbour must agree with the reference, and the fast loss must be continuous there
  // (the space form switches from X finite to X = inf, §4).
  const double T = 100, Tr = 100;
  const double eps_star = kPiSquaredOver4 / (T * T);
  for (const double beta : {0.5, 50.0}) {
    std::vector<double> eps, loss(9), grad(9);
    for (int k = -4; k <= 4; ++k) eps.push_back(eps_star * (1 + k * 0x1p-52));
    fg::finite_loss_and_gradient({T, Tr}, {beta, 10.0}, eps.data(), eps.size(), loss.data(),
                                 grad.data());
    for (std::size_t i = 0; i < eps.size(); i += 8) {
      const Case c{T, Tr, beta, 10.0, eps[i]};
      const Errors e = errors({loss[i], grad[i]}, reference(c), gradient_scale(c));
      EXPECT_LE(e.loss, kLossBound) << describe(c);
      EXPECT_LE(e.gradient, 1.0) << describe(c);
    }
    for (std::size_t i = 1; i < eps.size(); ++i) {
      // |L(eps_i) - L(eps_{i-1})| <= |g| delta eps + rounding: delta eps = 2^-52 eps*.
      const double step = std::fabs(grad[i]) * (eps[i] - eps[i - 1]);
      EXPECT_LE(std::fabs(loss[i] - loss[i - 1]), 2 * step + 1e-14 * loss[i]) << i;
    }
  }
}

TEST(GhostFastFinite, NanEpsGivesNanAndTheRestIsUnaffected) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const std::vector<double> eps{nan, 1e-4, nan, -1e-4, 0.0};
  std::vector<double> loss(eps.size()), grad(eps.size());
  fg::finite_loss_and_gradient({100, 100}, {1.0, 10.0}, eps.data(), eps.size(), loss.data(),
                               grad.data());
  EXPECT_TRUE(std::isnan(loss[0]) && std::isnan(grad[0]));
  EXPECT_TRUE(std::isnan(loss[2]) && std::isnan(grad[2]));
  for (const std::size_t i : {1u, 3u, 4u}) {
    double l, g;
    fg::finite_loss_and_gradient({100, 100}, {1.0, 10.0}, &eps[i], 1, &l, &g);
    EXPECT_EQ(loss[i], l);  // a batch computes each eps on its own
    EXPECT_EQ(grad[i], g);
    EXPECT_TRUE(std::isfinite(l) && std::isfinite(g));
  }
}

TEST(GhostFastFinite, LossWithoutGradientIsTheSameLoss) {
  std::vector<double> eps;
  for (int k = -20; k <= 40; ++k) eps.push_back(2.4674011002723395e-4 * k / 20.0);
  for (const double beta : {0.01, 1.0, 100.0}) {
    std::vector<double> with(eps.size()), without(eps.size()), grad(eps.size());
    fg::finite_loss_and_gradient({100, 100}, {beta, 10.0}, eps.data(), eps.size(), with.data(),
                                 grad.data());
    fg::finite_loss_and_gradient({100, 100}, {beta, 10.0}, eps.data(), eps.size(),
                                 without.data(), nullptr);
    for (std::size_t i = 0; i < eps.size(); ++i)
      EXPECT_NEAR(with[i], without[i], 1e-14 * with[i]) << "beta=" << beta << " eps=" << eps[i];
  }
}

TEST(GhostFastFinite, EveryFiniteEpsGivesAFiniteResult) {
  const double big = std::numeric_limits<double>::max();
  const double tiny = std::numeric_limits<double>::denorm_min();
  const std::vector<double> eps{big,   -big,  1e300, -1e300, 1e10, -1e10,  1e-300,
                                -1e-300, tiny, -tiny, 1e-12,  -1e-12, 5e-324, 2.2250738585072014e-308};
  for (const double beta : {0.01, 100.0}) {
    for (const double x_th : {0.1, 100.0}) {
      for (const double T : {1.0, 1000.0}) {
        std::vector<double> loss(eps.size()), grad(eps.size());
        fg::finite_loss_and_gradient({T, 3.0}, {beta, x_th}, eps.data(), eps.size(), loss.data(),
                                     grad.data());
        for (std::size_t i = 0; i < eps.size(); ++i) {
          EXPECT_TRUE(std::isfinite(loss[i]) && std::isfinite(grad[i]))
              << "eps=" << eps[i] << " beta=" << beta << " x_th=" << x_th << " T=" << T
              << " -> " << loss[i] << ", " << grad[i];
          // 0 < L < T + Tr, and the limits: L -> T (output on from t = 0) as eps -> +inf,
          // L -> Tr (never on) as eps -> -inf.
          EXPECT_GT(loss[i], 0.0);
          EXPECT_LT(loss[i], T + 3.0);
        }
        EXPECT_NEAR(loss[0], T, 1e-12 * T);
        EXPECT_NEAR(loss[1], 3.0, 1e-12);
      }
    }
  }
}

TEST(GhostFastFinite, InvalidReadoutOrTaskThrowsArgumentError) {
  const double eps = 1e-4;
  double l, g;
  auto throws_for = [&](fg::DelayTask task, fg::Readout readout, const std::string& name) {
    try {
      fg::finite_loss_and_gradient(task, readout, &eps, 1, &l, &g);
      ADD_FAILURE() << "no ArgumentError for " << name;
    } catch (const learndyn::ArgumentError& e) {
      EXPECT_EQ(e.parameter(), name);
    }
  };
  const double inf = std::numeric_limits<double>::infinity();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (const double bad : {0.0, -1.0, inf, nan}) {
    throws_for({100, 100}, {bad, 10}, "beta");
    throws_for({100, 100}, {1, bad}, "xth");
    throws_for({bad, 100}, {1, 10}, "T");
    throws_for({100, bad}, {1, 10}, "Tr");
  }
  EXPECT_THROW(fg::validate(fg::Readout{-1, 1}), learndyn::ArgumentError);
  EXPECT_NO_THROW(fg::validate(fg::Readout{1e-300, 1e300}));
}

TEST(GhostFastFinite, EveryDispatchedTargetAgrees) {
  // HWY_DYNAMIC_DISPATCH picks the best target of the CPU; every other compiled target this
  // CPU supports (SSE4, SSSE3, SCALAR, ...) must give the same numbers up to rounding: the
  // same panels, in a different summation order and with or without fused multiply-adds.
  // The best target is checked against the reference above; here each one against it.
  std::vector<double> eps;
  for (int k = -30; k <= 60; ++k) eps.push_back(2.4674011002723395e-4 * (k + 0.41) / 30.0);
  const std::size_t n = eps.size();
  std::vector<double> best_loss(n), best_grad(n);
  for (const double beta : {0.01, 1.0, 100.0}) {
    hwy::SetSupportedTargetsForTest(0);
    fg::finite_loss_and_gradient({100, 100}, {beta, 10.0}, eps.data(), n, best_loss.data(),
                                 best_grad.data());
    const std::vector<int64_t> targets = hwy::SupportedAndGeneratedTargets();
    EXPECT_GE(targets.size(), 1u);
    if (beta == 1.0) {
      std::printf("[ finite  ] targets:");
      for (const int64_t target : targets) std::printf(" %s", hwy::TargetName(target));
      std::printf("\n");
    }
    for (const int64_t target : targets) {
      hwy::SetSupportedTargetsForTest(target);
      std::vector<double> loss(n), grad(n);
      fg::finite_loss_and_gradient({100, 100}, {beta, 10.0}, eps.data(), n, loss.data(),
                                   grad.data());
      for (std::size_t i = 0; i < n; ++i) {
        const double phi = gradient_scale({100, 100, beta, 10.0, eps[i]});
        EXPECT_NEAR(loss[i], best_loss[i], 1e-14 * best_loss[i])
            << hwy::TargetName(target) << " beta=" << beta << " eps=" << eps[i];
        EXPECT_NEAR(grad[i], best_grad[i], 1e-14 * (std::fabs(best_grad[i]) + phi) + 1e-300)
            << hwy::TargetName(target) << " beta=" << beta << " eps=" << eps[i];
      }
    }
  }
  hwy::SetSupportedTargetsForTest(0);
}

// ---------------------------------------------------------------------------------------------
// (d) The shapes of paper Fig. 2A / 8A: T = Tr = 100, x_th = 10, eps on linspace(-eps*, 2 eps*).
// ---------------------------------------------------------------------------------------------
TEST(GhostFastFinite, Figure2ShapesAgreeWithReference) {
  const double T = 100, Tr = 100, x_th = 10;
  const double eps_star = kPiSquaredOver4 / (T * T);
  constexpr int kPoints = 5;  // linspace(-eps*, 2 eps*, 7) without -eps*/2 and 3 eps*/2
  for (const double beta : {0.01, 0.1, 0.5, 1.0, 2.0}) {
    std::vector<double> eps(kPoints), loss(kPoints), grad(kPoints);
    const double grid[kPoints] = {-1.0, 0.0, 0.5, 1.0, 2.0};
    for (int k = 0; k < kPoints; ++k) eps[k] = grid[k] * eps_star;
    fg::finite_loss_and_gradient({T, Tr}, {beta, x_th}, eps.data(), kPoints, loss.data(),
                                 grad.data());
    for (int k = 0; k < kPoints; ++k) {
      const Case c{T, Tr, beta, x_th, eps[k]};
      const Errors e = errors({loss[k], grad[k]}, reference(c), gradient_scale(c));
      EXPECT_LE(e.loss, kLossBound) << describe(c);
      EXPECT_LE(e.gradient, 1.0) << describe(c);
    }
  }
}

TEST(GhostFastFinite, Figure2GradientIsTheDerivativeOfTheLoss) {
  // On a fine grid the gradient (G30) must match a difference quotient of the loss (G29):
  // two different integrands. Near eps_nr and eps* a sharp readout makes L vary on eps
  // scales ~ (front width in time) / |dt_th/deps|, far below any usable step, so the check
  // is made where the quotient has converged: Richardson from steps h and h/2, asserted
  // where the two quotients agree to 1e-6 of the gradient's scale Phi. (This is a check of
  // consistency, at ~1e-6; the accuracy is asserted against the reference above.)
  const double T = 100, Tr = 100, x_th = 10;
  const double eps_star = kPiSquaredOver4 / (T * T);
  const double h = 1e-5 * eps_star;
  int checked = 0, total = 0;
  for (const double beta : {0.01, 0.1, 0.5, 1.0, 2.0}) {
    std::vector<double> eps;
    for (int k = 0; k <= 60; ++k) eps.push_back(-eps_star + 3 * eps_star * (k + 0.37) / 61);
    const std::size_t n = eps.size();
    std::vector<double> shifted;
    for (const double step : {h, -h, h / 2, -h / 2})
      for (const double e : eps) shifted.push_back(e + step);
    std::vector<double> loss(n), grad(n), l(4 * n);
    fg::finite_loss_and_gradient({T, Tr}, {beta, x_th}, eps.data(), n, loss.data(), grad.data());
    fg::finite_loss_and_gradient({T, Tr}, {beta, x_th}, shifted.data(), 4 * n, l.data(), nullptr);
    for (std::size_t i = 0; i < n; ++i) {
      const double fd1 = (l[i] - l[n + i]) / (2 * h);
      const double fd2 = (l[2 * n + i] - l[3 * n + i]) / h;
      const double fd = (4 * fd2 - fd1) / 3;
      const double phi = gradient_scale({T, Tr, beta, x_th, eps[i]});
      ++total;
      if (std::fabs(fd1 - fd2) > 1e-6 * phi) continue;  // not converged at this step
      ++checked;
      // truncation (estimated by |fd1 - fd2|) + rounding: the loss is good to ~1e-15 L and
      // the Richardson weights amplify that by ~3/h.
      const double tolerance = 1e-6 * phi + 4 * std::fabs(fd1 - fd2) + 1e-14 * loss[i] / h;
      EXPECT_NEAR(grad[i], fd, tolerance) << "beta=" << beta << " eps=" << eps[i];
    }
  }
  EXPECT_GE(checked, total * 3 / 4);  // the check must not be vacuous
}

}  // namespace
