// Independent routes to the enclosed overlap values (issue 18; proofs/overlaps.md O50-O51):
// the erf mean-field gradient by forward-mode differentiation on balls against the adjoint
// (O13), and the exact map (O16) against plain gradient descent on a factor X of Sigma
// (Sigma = X X^T, the gradient in X by forward mode). Two routes share only the loss (O10-O11)
// and the interval scalar; their enclosures must intersect, and a deliberately wrong formula
// on either side must be caught (disjoint balls). The tanh gain by two quadratures (O52).
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include <learndyn/common/decimal.hpp>
#include <learndyn/common/forward_dual.hpp>
#include <learndyn/common/interval.hpp>
#include <learndyn/reference/overlaps/enclosures.hpp>
#include <learndyn/reference/overlaps/learning_impl.hpp>
#include <learndyn/reference/overlaps/network_impl.hpp>
// overlaps_impl.hpp's file-local helpers serve overlap_pairs (defined in overlaps.cpp), unused here.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#include <learndyn/reference/overlaps/overlaps_impl.hpp>
#pragma GCC diagnostic pop
#include <learndyn/reference/overlaps/tasks_impl.hpp>
#include <learndyn/reference/overlaps/tanh_gain_enclosure.hpp>

namespace overlap_routes {  // named: the test target is a unity build

using learndyn::interval;
namespace ro = learndyn::reference::overlaps;

bool meet(const interval& a, const interval& b) { return !(a.hi() < b.lo() || b.hi() < a.lo()); }

interval ball(const std::string& text) { return interval::from_decimal(text, "x"); }

// Sigma_A of oracle/overlaps_cases.cpp (linear ordering [zm, zu, vm, vu, mu, zv, mm, uu, vv, zz]).
ro::Matrix<interval> sigma_a() {
  const std::vector<std::string> values{"0.3", "0.2", "0.25", "0.5", "0.1", "-0.05", "1", "1.2", "0.9", "1"};
  ro::Vector<interval> flat(10);
  for (int i = 0; i < 10; ++i) flat(i) = ball(values[static_cast<std::size_t>(i)]);
  return ro::unflatten<interval>(flat, 1, ro::OverlapOrdering::linear);
}

// The suite's filter task (T = 400, dt = 0.05, target decay 0.2) at scalar D.
template <class D>
ro::Task<D> task() {
  return ro::filter_task(ro::FilterTarget<D>{D(ball("0.2"))}, D(ball("0.05")), 400);
}

template <int N>
using Dual = learndyn::dual<interval, N>;

// (O51) The erf mean-field gradient: dL/dsigma over the ten unique overlaps by forward mode
// (one pass, ten directions) against the adjoint (O13) and unique_gradient; the loss of both.
TEST(OverlapRoutes, ErfGradientByForwardModeMeetsTheAdjoint) {
  const ro::OverlapOrdering order = ro::OverlapOrdering::nonlinear;
  const ro::Vector<interval> flat = ro::flatten<interval>(sigma_a(), 1, order);
  ro::Vector<Dual<10>> x(10);
  for (int i = 0; i < 10; ++i) x(i) = Dual<10>::variable(flat(i), i);
  const Dual<10> forward = ro::overlap_loss(ro::erf_model<Dual<10>>(1, Dual<10>(ball("0.05"))),
                                            ro::unflatten<Dual<10>>(x, 1, order), task<Dual<10>>());

  const ro::OverlapGradient<interval> adjoint =
      ro::overlap_gradient(ro::erf_model<interval>(1, ball("0.05")), sigma_a(), task<interval>());
  const ro::Vector<interval> d = ro::unique_gradient<interval>(ro::gradient_matrix(adjoint), 1, order);
  EXPECT_TRUE(meet(forward.v, adjoint.loss)) << forward.v << " vs " << adjoint.loss;
  const std::vector<std::string> names = ro::overlap_names(1, order);
  for (int i = 0; i < 10; ++i) {
    const interval& f = forward.d[static_cast<std::size_t>(i)];
    EXPECT_TRUE(meet(f, d(i))) << names[static_cast<std::size_t>(i)] << ": " << f << " vs " << d(i);
    // Both routes are proved to >= 45 digits where the derivative is not 0 (O51).
    if (!f.contains(learndyn::real_hi(0))) {
      EXPECT_GE(f.proved_digits(), 45) << names[static_cast<std::size_t>(i)] << " " << f;
    }
  }
  // The seven visible overlaps come first (O12) and have a nonzero derivative; the invisible
  // ones' derivative is exactly 0 on both routes.
  for (int i = 0; i < 7; ++i) EXPECT_FALSE(forward.d[static_cast<std::size_t>(i)].contains(learndyn::real_hi(0))) << i;

  // A wrong formula is caught: G_aa itself (not G_aa / 2) taken as dL/dsigma_aa on the diagonal
  // (the factor of (O14)) misses the forward-mode derivative of mm.
  const auto mm = std::find(names.begin(), names.end(), "mm") - names.begin();
  ASSERT_LT(mm, 10);
  const ro::Matrix<interval> G = ro::gradient_matrix(adjoint);
  const int m_index = ro::index_m(1);  // canonical order [z, v, m, u] for R = 1 (O5)
  ASSERT_TRUE(meet(G(m_index, m_index) / 2, forward.d[static_cast<std::size_t>(mm)]));
  EXPECT_FALSE(meet(G(m_index, m_index), forward.d[static_cast<std::size_t>(mm)]))
      << G(m_index, m_index) << " vs " << forward.d[static_cast<std::size_t>(mm)];
}

// Lower-triangular X with X X^T = S (Cholesky on balls: the exact factor of every S in the
// balls lies in the result).
ro::Matrix<interval> cholesky(const ro::Matrix<interval>& s) {
  const Eigen::Index n = s.rows();
  ro::Matrix<interval> x = ro::Matrix<interval>::Zero(n, n);
  for (Eigen::Index j = 0; j < n; ++j) {
    interval diag = s(j, j);
    for (Eigen::Index k = 0; k < j; ++k) diag -= x(j, k) * x(j, k);
    x(j, j) = sqrt(diag);
    for (Eigen::Index i = j + 1; i < n; ++i) {
      interval sum = s(i, j);
      for (Eigen::Index k = 0; k < j; ++k) sum -= x(i, k) * x(j, k);
      x(i, j) = sum / x(j, j);
    }
  }
  return x;
}

// (O50) Route 2 of the exact map: gradient descent on the 16 entries of a factor X of Sigma,
// X <- X - lr dL(X X^T)/dX with the gradient by forward mode through Sigma = X X^T (no
// adjoint, no G, no (O16) algebra); Sigma_epochs = X X^T.
struct FactorRun {
  ro::Matrix<interval> sigma;
  interval loss;
};

FactorRun factor_descent(int epochs) {
  using D = Dual<16>;
  const ro::Model<D> model = ro::linear_model<D>(1, D(ball("0.05")));
  const ro::Task<D> t = task<D>();
  const interval lr = ball("5e-3");
  ro::Matrix<interval> x = cholesky(sigma_a());
  for (int e = 0; e < epochs; ++e) {
    ro::Matrix<D> xd(4, 4);
    for (int i = 0; i < 4; ++i)
      for (int j = 0; j < 4; ++j) xd(i, j) = D::variable(x(i, j), 4 * i + j);
    const D loss = ro::overlap_loss(model, ro::Matrix<D>(xd * xd.transpose()), t);
    for (int i = 0; i < 4; ++i)
      for (int j = 0; j < 4; ++j) x(i, j) -= lr * loss.d[static_cast<std::size_t>(4 * i + j)];
  }
  const ro::Matrix<interval> sigma = x * x.transpose();
  return {sigma, ro::overlap_loss(ro::linear_model<interval>(1, ball("0.05")), sigma, task<interval>())};
}

TEST(OverlapRoutes, ExactMapEqualsGradientDescentOnAFactorOfSigma) {
  const int epochs = 100;  // the default suite's case
  const FactorRun route2 = factor_descent(epochs);
  const ro::Model<interval> model = ro::linear_model<interval>(1, ball("0.05"));
  const ro::Task<interval> t = task<interval>();
  const interval lr = ball("5e-3");
  ro::Matrix<interval> sigma = sigma_a(), euler = sigma_a();
  for (int e = 0; e < epochs; ++e) {
    sigma = ro::discrete_map_step(model, t, lr, sigma);  // (O16)
    // The wrong formula: Euler's step of (O17), (O16) without its lr^2 G Sigma G term.
    const ro::Matrix<interval> G = ro::gradient_matrix(ro::overlap_gradient(model, euler, t));
    euler = ro::Matrix<interval>(euler - lr * (G * euler + euler * G));
  }
  const interval loss = ro::overlap_loss(model, sigma, t);
  EXPECT_TRUE(meet(loss, route2.loss)) << loss << " vs " << route2.loss;
  EXPECT_GE(route2.loss.proved_digits(), 30) << route2.loss;
  RecordProperty("route2_loss_proved_digits", route2.loss.proved_digits());
  int caught = 0;
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j <= i; ++j) {
      EXPECT_TRUE(meet(sigma(i, j), route2.sigma(i, j))) << i << "," << j << ": " << sigma(i, j) << " vs "
                                                         << route2.sigma(i, j);
      EXPECT_GE(route2.sigma(i, j).proved_digits(), 30) << i << "," << j << " " << route2.sigma(i, j);
      caught += meet(euler(i, j), route2.sigma(i, j)) ? 0 : 1;
    }
  // Euler's step is caught on every overlap and on the loss (its lr^2 G Sigma G per epoch is
  // ~1e-6, the balls' width ~1e-34).
  EXPECT_EQ(caught, 10);
  EXPECT_FALSE(meet(ro::overlap_loss(model, euler, t), route2.loss));
}

// (O52) The tanh gain g(Delta) and g'(Delta): the direct Gaussian average and the Stein form
// E[xi tanh^(k-1)(a xi)] / a, both by Arb's certified quadrature with their own tail bounds,
// intersect, hold the 100-digit tanh-sinh value (the golden value's certificate) and are
// proved to >= 50 digits; the Stein form without its 1/a is caught.
TEST(OverlapRoutes, TanhGainDirectAndSteinRoutesIntersect) {
  for (const char* text : {"0.5", "4", "0.03125", "25"}) {
    const interval delta = ball(text);
    const auto hundred = learndyn::parse_decimal<learndyn::real_hi>(text, "delta");
    const learndyn::real_hi point[2] = {ro::gain(ro::Activation::tanh, hundred),
                                        ro::gain_derivative(ro::Activation::tanh, hundred)};
    for (int i = 0; i < 2; ++i) {
      const int order = i == 0 ? 1 : 3;
      const interval direct = ro::tanh_gain_enclosure(order, delta, ro::GainRoute::direct);
      const interval stein = ro::tanh_gain_enclosure(order, delta, ro::GainRoute::stein);
      EXPECT_TRUE(meet(direct, stein)) << text << " order " << order << ": " << direct << " vs " << stein;
      EXPECT_TRUE(direct.contains(point[i])) << text << " order " << order << ": " << direct << " vs " << point[i];
      EXPECT_GE(direct.proved_digits(), 50) << text << " " << direct;
      EXPECT_GE(stein.proved_digits(), 50) << text << " " << stein;
      EXPECT_FALSE(meet(direct, stein * sqrt(delta))) << text << " order " << order;
    }
  }
  // Delta = 0 is exact (tanh'(0) = 1, tanh'''(0) / 2 = -1); a negative Delta is refused.
  EXPECT_TRUE(ro::tanh_gain_enclosure(1, interval(0)).contains(learndyn::real_hi(1)));
  EXPECT_TRUE(ro::tanh_gain_enclosure(3, interval(0)).contains(learndyn::real_hi(-1)));
  EXPECT_THROW(ro::tanh_gain_enclosure(1, ball("-0.5")), learndyn::ArgumentError);
}

}  // namespace overlap_routes
