// Learning in overlap space (proofs/overlaps.md §5-§6): the adjoint dL/dsigma (O13) against
// 100-digit central differences; the linear network's loss, gradient and SGD step against the
// overlap theory (O11, O15, O16); Gbar (O18-O20) against N J J^T and the public code's rows (§9);
// the block form (O21) and the direct baseline (O22).
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cmath>
#include <vector>

#include <Eigen/Eigenvalues>

#include <learndyn/common/argument_error.hpp>
#include <learndyn/common/scalar.hpp>
#include <learndyn/reference/overlaps/learning.hpp>
#include <learndyn/reference/overlaps/tasks.hpp>
#include "reference_support.hpp"
#include "support/generators.hpp"

namespace {
using learndyn::real;
using learndyn::real_hi;
namespace ro = learndyn::reference::overlaps;
namespace to = learndyn::testing::overlaps;

// Checks G of (O14) entry by entry against central differences of the overlap-space loss.
// At 100 digits with h = 1e-30: truncation h^2 |l'''|/6 ~ 1e-60 |l'''/l'|, rounding
// ~1e-100/h = 1e-70; bound 1e-55 relative to max|g| (measured <= 2e-61). At 50 digits (used
// for tanh, whose gains are quadratures, ~10x cheaper there) h = 1e-15: truncation 1e-30,
// rounding and quadrature noise ~1e-50/h = 1e-35; bound 1e-27 (measured 3e-31).
template <class Real>
void expect_adjoint_matches_differences(const ro::Model<Real>& model, int steps, const Real& h,
                                        const Real& bound) {
  using std::abs;
  const ro::Matrix<Real> sigma = to::random_sigma<Real>(model.rank, 1, Real("0.6"), 31);
  const ro::Task<Real> task = to::random_task<Real>(2, steps, model.dt, 32);
  const ro::OverlapGradient<Real> grad = ro::overlap_gradient(model, sigma, task);
  // Same terms; the adjoint sums them backwards in time: rounding only.
  EXPECT_LT(abs(grad.loss - ro::overlap_loss(model, sigma, task)), bound * grad.loss);
  const ro::Matrix<Real> G = ro::gradient_matrix(grad);
  Real worst = 0, scale = 0;
  for (int a = 0; a < ro::vector_count(model.rank); ++a)
    for (int b = a; b < ro::vector_count(model.rank); ++b) {
      const Real g = a == b ? Real(G(a, a) / 2) : G(a, b);  // dL/dsigma_ab
      const Real fd = to::central_difference(model, sigma, task, a, b, h);
      worst = std::max(worst, Real(abs(g - fd)));
      scale = std::max(scale, Real(abs(fd)));
    }
  EXPECT_GT(scale, Real("1e-4"));
  EXPECT_LT(worst, bound * scale)
      << "R=" << model.rank << " phi=" << int(model.activation) << " readout=" << int(model.readout);
}

void expect_adjoint_matches_differences_hi(const ro::Model<real_hi>& model, int steps) {
  expect_adjoint_matches_differences(model, steps, real_hi("1e-30"), real_hi("1e-55"));
}

TEST(OverlapsLearning, AdjointMatchesCentralDifferencesLinear) {
  for (int rank : {1, 2}) expect_adjoint_matches_differences_hi(ro::linear_model(rank, real_hi("0.2")), 8);
  expect_adjoint_matches_differences_hi({2, real_hi("0.2"), ro::Activation::linear, ro::Readout::before_update}, 8);
}

TEST(OverlapsLearning, AdjointMatchesCentralDifferencesErf) {
  for (int rank : {1, 2}) expect_adjoint_matches_differences_hi(ro::erf_model(rank, real_hi("0.2")), 8);
  expect_adjoint_matches_differences_hi({2, real_hi("0.2"), ro::Activation::erf, ro::Readout::after_update}, 8);
}

TEST(OverlapsLearning, AdjointMatchesCentralDifferencesTanh) {
  // Quadrature gains: at 50 digits, small cases.
  expect_adjoint_matches_differences<real>({1, real("0.3"), ro::Activation::tanh, ro::Readout::before_update}, 4,
                                           real("1e-15"), real("1e-27"));
  expect_adjoint_matches_differences<real>({2, real("0.3"), ro::Activation::tanh, ro::Readout::after_update}, 3,
                                           real("1e-15"), real("1e-27"));
}

TEST(OverlapsLearning, LinearFilterLossThreeWays) {
  // Full N-dimensional network == overlap recursion (O11) == closed form (O26a), R = 1,
  // filter task; the paper's dt = 0.05, c* = 0.2 (E13) with T = 60. Rounding only: 1e-45.
  const ro::FilterTarget<real> target{real("0.2")};
  const real dt("0.05");
  const ro::Task<real> task = ro::filter_task(target, dt, 60);
  const ro::Model<real> model = ro::linear_model(1, dt);
  for (std::uint64_t seed : {1u, 2u, 3u}) {
    const ro::Network<real> net = ro::random_network<real>(7, 1, seed);
    const ro::Matrix<real> sigma = ro::gram(net);
    const real full = ro::network_loss(model, net, task);
    const real overlap = ro::overlap_loss(model, sigma, task);
    const ro::Matrix<real> V = ro::visible_block(sigma);
    const real closed = ro::filter_loss_closed_form<real>({V(0, 0), V(0, 1), V(1, 0), V(1, 1)}, target, dt, 60);
    EXPECT_LT(abs(full - overlap), real("1e-45") * full);
    EXPECT_LT(abs(closed - overlap), real("1e-45") * full);
  }
}

RC_GTEST_PROP(OverlapsLearning, LinearSgdStepIsTheExactMap, ()) {
  // (O16): one full-network SGD step at rate N lr, re-projected, equals
  // (I - lr G) Sigma (I - lr G) for any N and R. At 50 digits both sides round at ~1e-50 per
  // operation; chains of T <= 10 steps of N-term dot products (N <= 8) amplify that by at most
  // ~T N (measured <= 4e-50 over 200 cases); the bound is 1e-46.
  const int rank = *rc::gen::inRange(1, 3);
  const int neurons = *rc::gen::inRange(1, 9);
  const int steps = *rc::gen::inRange(1, 11);
  const auto seed = *rc::gen::inRange(0, 1 << 20);
  const real lr = real(*learndyn::testing::log_uniform(-10, -1));
  const ro::Model<real> model{rank, real(*learndyn::testing::uniform(0.05, 1.0)),
                              ro::Activation::linear,
                              *rc::gen::element(ro::Readout::after_update, ro::Readout::before_update)};
  const ro::Network<real> net = ro::random_network<real>(neurons, rank, seed);
  const ro::Task<real> task = to::random_task<real>(2, steps, model.dt, seed + 7);
  const ro::Matrix<real> full = ro::gram(ro::sgd_step(model, net, task, lr));
  const ro::Matrix<real> map = ro::discrete_map_step(model, task, lr, ro::gram(net));
  RC_ASSERT(to::max_abs<real>(full - map) <= real("1e-46") * to::max_abs(full));
}

TEST(OverlapsLearning, LinearNetworkGradientIsCGOverN) {
  // (O15) for the linear network: dL/dC (backpropagation, no overlaps) = C G / N.
  for (int rank : {1, 2}) {
    const ro::Model<real> model = ro::linear_model(rank, real("0.1"));
    const ro::Network<real> net = ro::random_network<real>(6, rank, 40 + rank);
    const ro::Task<real> task = to::random_task<real>(2, 9, model.dt, 41);
    const ro::Matrix<real> C = ro::columns(net);
    const ro::Matrix<real> G = ro::gradient_matrix(ro::overlap_gradient(model, ro::gram(net), task));
    const ro::Matrix<real> backprop = ro::columns(ro::network_gradient(model, net, task).gradient);
    const ro::Matrix<real> predicted = C * G / 6;
    EXPECT_LT(to::max_abs<real>(backprop - predicted), real("1e-45") * to::max_abs(backprop));
  }
}

TEST(OverlapsLearning, EulerDiffersFromTheExactMapByLr2GSigmaG) {
  // Sigma' - (Sigma + lr dSigma/dt|_{lr=1}) = lr^2 G Sigma G (O16, O17).
  const ro::Model<real> model = ro::linear_model(2, real("0.1"));
  const ro::Matrix<real> sigma = to::random_sigma<real>(2, 1, real("0.5"), 5);
  const ro::Task<real> task = to::random_task<real>(1, 7, model.dt, 6);
  const real lr("0.03");
  const ro::Matrix<real> G = ro::gradient_matrix(ro::overlap_gradient(model, sigma, task));
  const ro::Matrix<real> euler = sigma + ro::flow_rhs(model, task, lr, sigma);
  const ro::Matrix<real> map = ro::discrete_map_step(model, task, lr, sigma);
  EXPECT_LT(to::max_abs<real>(map - euler - lr * lr * G * sigma * G), real("1e-46"));
}

TEST(OverlapsLearning, AugmentedGramIsNJJtAndGivesTheFlow) {
  // (O19): Gbar = N J J^T with J = dsigma/dvec(C) built explicitly from a random network;
  // (O18): -lr Gbar g equals the flattened (O17), for linear and erf.
  for (int rank : {1, 2}) {
    const int n = ro::vector_count(rank), neurons = 5;
    const ro::Network<real> net = ro::random_network<real>(neurons, rank, 50 + rank);
    const ro::Matrix<real> C = ro::columns(net);
    const ro::Matrix<real> sigma = ro::gram(net);
    const auto order = ro::OverlapOrdering::linear;
    const auto pairs = ro::overlap_pairs(rank, order);
    ro::Matrix<real> J = ro::Matrix<real>::Zero(pairs.size(), neurons * n);
    for (std::size_t p = 0; p < pairs.size(); ++p) {
      const auto [a, b] = pairs[p];
      J.block(p, a * neurons, 1, neurons) += C.col(b).transpose() / neurons;
      J.block(p, b * neurons, 1, neurons) += C.col(a).transpose() / neurons;
    }
    const ro::Matrix<real> gbar = ro::augmented_gram(sigma, rank, order);
    EXPECT_LT(to::max_abs<real>(gbar - neurons * J * J.transpose()), real("1e-46"));
    for (const ro::Model<real>& model : {ro::linear_model(rank, real("0.2")), ro::erf_model(rank, real("0.2"))}) {
      const ro::Task<real> task = to::random_task<real>(1, 6, model.dt, 52);
      const real lr("0.01");
      const ro::Vector<real> g =
          ro::unique_gradient(ro::gradient_matrix(ro::overlap_gradient(model, sigma, task)), rank, order);
      const ro::Vector<real> via_gbar = -lr * gbar * g;
      const ro::Vector<real> via_flow = ro::flatten(ro::flow_rhs(model, task, lr, sigma), rank, order);
      EXPECT_LT((via_gbar - via_flow).cwiseAbs().maxCoeff(), real("1e-46") * via_flow.cwiseAbs().maxCoeff());
    }
  }
}

RC_GTEST_PROP(OverlapsLearning, AugmentedGramIsSymmetricPsdWithTheZeroPattern, ()) {
  // (O19), (O20) on random PSD Sigma (also rank-deficient: N may be < n). PSD is checked as
  // smallest eigenvalue >= -1e-45 max|Gbar| (rounding of the 50-digit eigensolver ~1e-48).
  const int rank = *rc::gen::inRange(1, 3);
  const int extra = *rc::gen::inRange(-2, 3);
  const auto seed = *rc::gen::inRange(0, 1 << 20);
  const auto order = *rc::gen::element(ro::OverlapOrdering::linear, ro::OverlapOrdering::nonlinear);
  const ro::Matrix<real> sigma = to::random_sigma<real>(rank, extra, real("0.8"), seed);
  const ro::Matrix<real> gbar = ro::augmented_gram(sigma, rank, order);
  RC_ASSERT(gbar == ro::Matrix<real>(gbar.transpose()));
  Eigen::SelfAdjointEigenSolver<ro::Matrix<real>> eig(gbar, Eigen::EigenvaluesOnly);
  RC_ASSERT(eig.eigenvalues().minCoeff() >= -real("1e-45") * to::max_abs(gbar));
  const auto pairs = ro::overlap_pairs(rank, order);
  for (std::size_t i = 0; i < pairs.size(); ++i)
    for (std::size_t j = 0; j < pairs.size(); ++j) {
      const auto [a, b] = pairs[i];
      const auto [c, d] = pairs[j];
      const bool disjoint = a != c && a != d && b != c && b != d;
      if (disjoint) {
        RC_ASSERT(gbar(i, j) == 0);
      } else {
        RC_ASSERT(gbar(i, j) != 0);  // generic Sigma: every shared index gives a nonzero sum
      }
    }
}

TEST(OverlapsLearning, GbarMatchesThePublicCodesRankOneRows) {
  // The rank-1 rows of proofs/overlaps.md §9 (copied from the public code), written out term by
  // term, against (O18) with the erf model's full gradient (g_mu, g_mm, g_uu nonzero).
  const ro::Model<real> model = ro::erf_model(1, real("0.2"));
  const ro::Matrix<real> s = to::random_sigma<real>(1, 1, real("0.7"), 60);
  const ro::Task<real> task = to::random_task<real>(1, 8, model.dt, 61);
  const real lr("0.05");
  const ro::Matrix<real> G = ro::gradient_matrix(ro::overlap_gradient(model, s, task));
  const ro::Matrix<real> rate = ro::flow_rhs(model, task, lr, s);
  const int z = 0, v = 1, m = 2, u = 3;
  const auto g = [&](int a, int b) { return a == b ? real(G(a, a) / 2) : G(a, b); };
  const real zm = s(z, m), zu = s(z, u), vm = s(v, m), vu = s(v, u), mu = s(m, u), zv = s(z, v);
  const real mm = s(m, m), uu = s(u, u), zz = s(z, z);
  const real d_zm = -lr * ((mm + zz) * g(z, m) + mu * g(z, u) + zv * g(v, m) + zu * g(m, u) + 2 * zm * g(m, m));
  const real d_mu = -lr * (zu * g(z, m) + zm * g(z, u) + vu * g(v, m) + vm * g(v, u) + (mm + uu) * g(m, u) +
                           2 * mu * (g(m, m) + g(u, u)));
  const real d_zv = -lr * (vm * g(z, m) + vu * g(z, u) + zm * g(v, m) + zu * g(v, u));
  const real d_mm = -2 * lr * (zm * g(z, m) + vm * g(v, m) + mu * g(m, u) + 2 * mm * g(m, m));
  const real d_zz = -2 * lr * (zm * g(z, m) + zu * g(z, u));
  const real tol = real("1e-46") * to::max_abs(rate);
  EXPECT_LT(abs(rate(z, m) - d_zm), tol);
  EXPECT_LT(abs(rate(m, u) - d_mu), tol);
  EXPECT_LT(abs(rate(z, v) - d_zv), tol);
  EXPECT_LT(abs(rate(m, m) - d_mm), tol);
  EXPECT_LT(abs(rate(z, z) - d_zz), tol);
  // (O34) at R = 1: zu g_zu + mu g_mu + 2 uu g_uu = vm g_vm.
  EXPECT_LT(abs(zu * g(z, u) + mu * g(m, u) + 2 * uu * g(u, u) - vm * g(v, m)), real("1e-46"));
}

TEST(OverlapsLearning, BlockFormAndDirectBaseline) {
  for (const ro::Model<real>& model : {ro::linear_model(2, real("0.2")), ro::erf_model(2, real("0.2"))}) {
    const ro::Matrix<real> sigma = to::random_sigma<real>(2, 1, real("0.6"), 70);
    const ro::Task<real> task = to::random_task<real>(2, 6, model.dt, 71);
    const real lr("0.02");
    const ro::OverlapGradient<real> grad = ro::overlap_gradient(model, sigma, task);
    const ro::Matrix<real> rate = ro::flow_rhs(model, task, lr, sigma);
    const ro::BlockRates<real> blocks = ro::block_rates(sigma, grad, lr);
    const real tol = real("1e-46") * to::max_abs(rate);
    EXPECT_LT(to::max_abs<real>(ro::visible_block(rate) - blocks.visible), tol);  // (O21)
    EXPECT_LT(to::max_abs<real>(ro::left_block(rate) - blocks.left), tol);
    EXPECT_LT(to::max_abs<real>(ro::right_block(rate) - blocks.right), tol);
    EXPECT_EQ(grad.H.isZero(0), model.activation == ro::Activation::linear);
    // (O22): the direct rate is -lr dL/dsigma; it leaves every invisible overlap fixed.
    const ro::Matrix<real> direct = ro::direct_rhs(model, task, lr, sigma);
    for (int a = 0; a < 6; ++a)
      for (int b = a; b < 6; ++b)
        if (!ro::is_visible(model.activation, 2, a, b)) {
          EXPECT_EQ(direct(a, b), 0);
        }
    EXPECT_EQ(direct.topRightCorner(3, 3), -lr * grad.F);
  }
}

TEST(OverlapsLearning, BadInputsThrow) {
  const ro::Model<double> model = ro::linear_model(1, 0.1);
  const ro::Matrix<double> sigma = ro::Matrix<double>::Identity(4, 4);
  const ro::Task<double> task = to::random_task<double>(1, 3, 0.1, 1);
  EXPECT_THROW(ro::flow_rhs(model, task, 0.0, sigma), learndyn::ArgumentError);
  EXPECT_THROW(ro::discrete_map_step(model, task, -1.0, sigma), learndyn::ArgumentError);
  EXPECT_THROW(ro::overlap_loss(ro::linear_model(2, 0.1), sigma, task), learndyn::ArgumentError);
  EXPECT_THROW(ro::gain(ro::Activation::erf, -1.0), learndyn::ArgumentError);
  ro::Matrix<double> indefinite = sigma;
  indefinite(2, 2) = indefinite(3, 3) = -1;  // Sigma_BB negative definite
  EXPECT_THROW(ro::overlap_loss(ro::erf_model(1, 0.1), indefinite, task), learndyn::ArgumentError);
  EXPECT_THROW(ro::integrate_flow(model, task, indefinite, ro::FlowSettings<double>{0.1}, {1.0}),
               learndyn::ArgumentError);
  EXPECT_THROW(ro::integrate_flow(model, task, sigma, ro::FlowSettings<double>{0.1, ro::FlowMethod::exact_map}, {0.5}),
               learndyn::ArgumentError);
  EXPECT_THROW(ro::integrate_flow(model, task, sigma, ro::FlowSettings<double>{0.1}, {2.0, 1.0}),
               learndyn::ArgumentError);
}

}  // namespace
