// Proved enclosures of the overlap theory (reference/overlaps/enclosures.hpp, proofs/overlaps.md
// O47-O49): the golden suite's filter loss and gradient, the exact map over 100 epochs and the
// erf mean-field loss and gradient hold the 100-digit reference values; the filter's closed
// form and its latent recursion (two routes) intersect; a wrong input or formula is caught.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <learndyn/common/decimal.hpp>
#include <learndyn/common/interval.hpp>
#include <learndyn/common/scalar.hpp>
#include <learndyn/reference/overlaps/enclosures.hpp>
#include <learndyn/reference/overlaps/network.hpp>

namespace overlap_enclosures {  // named: the test target is a unity build

using learndyn::interval;
using learndyn::real_hi;
namespace ro = learndyn::reference::overlaps;

template <class Real>
Real parse(const std::string& text) {
  if constexpr (std::is_same_v<Real, interval>)
    return interval::from_decimal(text, "x");
  else
    return learndyn::parse_decimal<Real>(text, "x");
}

// Sigma_A of oracle/overlaps_cases.cpp, linear ordering [zm, zu, vm, vu, mu, zv, mm, uu, vv, zz].
template <class Real>
ro::Matrix<Real> sigma_a(const std::vector<std::string>& visible = {"0.3", "0.2", "0.25", "0.5"}) {
  const std::vector<std::string> values{visible[0], visible[1], visible[2], visible[3], "0.1", "-0.05", "1", "1.2", "0.9", "1"};
  ro::Vector<Real> flat(10);
  for (int i = 0; i < 10; ++i) flat(i) = parse<Real>(values[static_cast<std::size_t>(i)]);
  return ro::unflatten<Real>(flat, 1, ro::OverlapOrdering::linear);
}

template <class Real>
ro::Task<Real> task(int steps) {
  return ro::filter_task(ro::FilterTarget<Real>{parse<Real>("0.2")}, parse<Real>("0.05"), steps);
}

// loss (closed form O26a), loss (latent recursion O11), dL/dV (adjoint O13).
template <class Real>
std::vector<Real> filter_values(const std::vector<std::string>& v, int steps) {
  const Real dt = parse<Real>("0.05");
  const ro::RankOneVisible<Real> s{parse<Real>(v[0]), parse<Real>(v[1]), parse<Real>(v[2]), parse<Real>(v[3])};
  const ro::OverlapGradient<Real> g = ro::overlap_gradient(ro::linear_model<Real>(1, dt), sigma_a<Real>(v), task<Real>(steps));
  return {ro::filter_loss_closed_form(s, ro::FilterTarget<Real>{parse<Real>("0.2")}, dt, steps),
          ro::overlap_loss(ro::linear_model<Real>(1, dt), sigma_a<Real>(v), task<Real>(steps)),
          g.F(0, 0), g.F(0, 1), g.F(1, 0), g.F(1, 1)};
}

TEST(OverlapEnclosures, FilterHoldsTheHundredDigitValueAndRoutesIntersect) {
  for (const std::vector<std::string>& v : {std::vector<std::string>{"0.3", "0.2", "0.25", "0.5"},
                                            std::vector<std::string>{"1", "0.9", "0.889", "0.8"}}) {
    const std::vector<interval> e = filter_values<interval>(v, 400);
    const std::vector<real_hi> p = filter_values<real_hi>(v, 400);
    for (std::size_t i = 0; i < e.size(); ++i) {
      EXPECT_TRUE(e[i].contains(p[i])) << v[0] << " value " << i << " " << e[i] << " vs " << p[i];
      // (O47): >= 45 digits, but the loss near the zero-loss manifold (L = 7e-6, a sum of O(1)
      // terms that cancel) keeps >= 45 - 4.
      EXPECT_GE(e[i].proved_digits(), i < 2 ? 41 : 45) << v[0] << " value " << i << " " << e[i];
    }
    // Two routes to the loss: the closed form (O26a) and the latent recursion (O11).
    EXPECT_FALSE(e[0].hi() < e[1].lo() || e[1].hi() < e[0].lo()) << e[0] << " vs " << e[1];
  }
  // A wrong input: the closed form at T = 399 steps no longer meets the 400-step recursion.
  const std::vector<std::string> v{"0.3", "0.2", "0.25", "0.5"};
  const interval wrong = filter_values<interval>(v, 399)[0];
  const interval right = filter_values<interval>(v, 400)[1];
  EXPECT_TRUE(wrong.hi() < right.lo() || right.hi() < wrong.lo()) << wrong << " vs " << right;
}

// The exact map (O16) over the suite's 100 epochs at lr = 5e-3: every overlap and the loss hold
// the 100-digit values; the balls widen with the epochs (O48: >= 34 digits here).
TEST(OverlapEnclosures, ExactMapHoldsTheHundredDigitValue) {
  const auto run = [](auto zero) {
    using Real = decltype(zero);
    const Real dt = parse<Real>("0.05");
    const ro::Model<Real> model = ro::linear_model<Real>(1, dt);
    const ro::Task<Real> t = task<Real>(400);
    ro::Matrix<Real> sigma = sigma_a<Real>();
    for (int e = 0; e < 100; ++e) sigma = ro::discrete_map_step(model, t, parse<Real>("5e-3"), sigma);
    std::vector<Real> out{ro::overlap_loss(model, sigma, t)};
    const ro::Vector<Real> flat = ro::flatten<Real>(sigma, 1, ro::OverlapOrdering::linear);
    for (Eigen::Index i = 0; i < flat.size(); ++i) out.push_back(flat(i));
    return out;
  };
  const std::vector<interval> e = run(interval(0));
  const std::vector<real_hi> p = run(real_hi(0));
  for (std::size_t i = 0; i < e.size(); ++i) {
    EXPECT_TRUE(e[i].contains(p[i])) << i << " " << e[i] << " vs " << p[i];
    EXPECT_GE(e[i].proved_digits(), 30) << i << " " << e[i];
  }
  // One epoch fewer is caught.
  EXPECT_FALSE(e[0].contains(real_hi(p[0] * (1 + real_hi("1e-25")))));
}

// The erf mean-field loss (O10, O11) and its gradient (O13) at Sigma_A, T = 400.
TEST(OverlapEnclosures, ErfLossAndGradientHoldTheHundredDigitValue) {
  const auto run = [](auto zero) {
    using Real = decltype(zero);
    const ro::OverlapGradient<Real> g =
        ro::overlap_gradient(ro::erf_model<Real>(1, parse<Real>("0.05")), sigma_a<Real>(), task<Real>(400));
    const ro::Vector<Real> d = ro::unique_gradient<Real>(ro::gradient_matrix(g), 1, ro::OverlapOrdering::nonlinear);
    std::vector<Real> out{g.loss};
    for (int i = 0; i < 7; ++i) out.push_back(d(i));
    return out;
  };
  const std::vector<interval> e = run(interval(0));
  const std::vector<real_hi> p = run(real_hi(0));
  for (std::size_t i = 0; i < e.size(); ++i) {
    EXPECT_TRUE(e[i].contains(p[i])) << i << " " << e[i] << " vs " << p[i];
    EXPECT_GE(e[i].proved_digits(), 45) << i << " " << e[i];
  }
  // The erf gain with pi/2 replaced by 1.57 (a truncated constant) changes the loss beyond it.
  const interval delta = interval::from_decimal("0.5", "delta");
  const interval right = ro::gain(ro::Activation::erf, delta);
  EXPECT_FALSE(right.contains(interval(1 / sqrt(1 + interval::from_decimal("1.57", "x") * delta))));
}

}  // namespace overlap_enclosures
