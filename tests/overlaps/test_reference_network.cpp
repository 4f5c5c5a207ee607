// The full network (proofs/overlaps.md §1, §7): backpropagation (O23) against 100-digit
// central differences, the exact latent decomposition (O7), the charge K (O31), input checks.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cmath>
#include <limits>

#include <learndyn/common/argument_error.hpp>
#include <learndyn/common/scalar.hpp>
#include <learndyn/reference/overlaps/network.hpp>
#include <learndyn/reference/overlaps/overlaps.hpp>
#include "reference_support.hpp"

namespace {
using learndyn::real;
using learndyn::real_hi;
namespace ro = learndyn::reference::overlaps;
namespace to = learndyn::testing::overlaps;

const ro::Activation kActivations[] = {ro::Activation::linear, ro::Activation::erf,
                                       ro::Activation::tanh};
const ro::Readout kReadouts[] = {ro::Readout::after_update, ro::Readout::before_update};

// dL/dC by central differences, entry by entry, at 100 digits.
ro::Matrix<real_hi> numerical_gradient(const ro::Model<real_hi>& model,
                                       const ro::Network<real_hi>& net,
                                       const ro::Task<real_hi>& task, const real_hi& h) {
  const ro::Matrix<real_hi> C = ro::columns(net);
  ro::Matrix<real_hi> grad(C.rows(), C.cols());
  for (Eigen::Index i = 0; i < C.rows(); ++i)
    for (Eigen::Index j = 0; j < C.cols(); ++j) {
      ro::Matrix<real_hi> plus = C, minus = C;
      plus(i, j) += h;
      minus(i, j) -= h;
      grad(i, j) = (ro::network_loss(model, ro::from_columns(plus, model.rank), task) -
                    ro::network_loss(model, ro::from_columns(minus, model.rank), task)) /
                   (2 * h);
    }
  return grad;
}

TEST(OverlapsNetwork, BackpropagationMatchesCentralDifferences) {
  // h = 1e-30: truncation h^2 |L'''| / 6 ~ 1e-60 |L'''/L'|, rounding 1e-100 / h = 1e-70; the
  // bound 1e-55 (relative to the largest entry; measured 3e-61) fails on any wrong term.
  const real_hi h("1e-30");
  for (int rank : {1, 2})
    for (ro::Activation phi : kActivations)
      for (ro::Readout readout : kReadouts) {
        const ro::Model<real_hi> model{rank, real_hi("0.3"), phi, readout};
        const ro::Network<real_hi> net = ro::random_network<real_hi>(3, rank, 11 + rank);
        const ro::Task<real_hi> task = to::random_task<real_hi>(2, 5, model.dt, 7);
        const auto exact = ro::network_gradient(model, net, task);
        const ro::Matrix<real_hi> adjoint = ro::columns(exact.gradient);
        const ro::Matrix<real_hi> numeric = numerical_gradient(model, net, task, h);
        const real_hi scale = to::max_abs(numeric);
        EXPECT_GT(scale, real_hi("1e-3"));
        EXPECT_LT(to::max_abs<real_hi>(adjoint - numeric), real_hi("1e-55") * scale)
            << "R=" << rank << " phi=" << int(phi) << " readout=" << int(readout);
        // Same terms, summed in another association (per trial): rounding only.
        EXPECT_LT(abs(exact.loss - ro::network_loss(model, net, task)), real_hi("1e-95") * exact.loss);
      }
}

TEST(OverlapsNetwork, StateIsExactlyInTheSpanOfMAndU) {
  // (O7): h_k = m kappa_m + U kappa_u with kappa from its own recursion, any phi. The two
  // computations differ only by rounding: ~T (N + R) eps relative.
  for (ro::Activation phi : kActivations) {
    const ro::Model<real> model{2, real("0.2"), phi, ro::Readout::before_update};
    const ro::Network<real> net = ro::random_network<real>(7, 2, 3);
    const ro::Task<real> task = to::random_task<real>(2, 12, model.dt, 5);
    for (int b = 0; b < 2; ++b) {
      const ro::Matrix<real> h = ro::network_states(model, net, task, b);
      const ro::Matrix<real> kappa = ro::latent_trajectory(model, net, task, b);
      const ro::Matrix<real> rebuilt = net.m * kappa.row(0) + net.U * kappa.bottomRows(2);
      EXPECT_LT(to::max_abs<real>(h - rebuilt), real("1e-45") * to::max_abs(h)) << int(phi);
    }
  }
}

TEST(OverlapsNetwork, SgdStepIsGradientTimesNLr) {
  const ro::Model<double> model = ro::erf_model(1, 0.1);
  const ro::Network<double> net = ro::random_network<double>(5, 1, 1);
  const ro::Task<double> task = to::random_task<double>(1, 6, 0.1, 2);
  const double lr = 0.01;
  const ro::Network<double> next = ro::sgd_step(model, net, task, lr);
  const ro::Network<double> grad = ro::network_gradient(model, net, task).gradient;
  EXPECT_DOUBLE_EQ(next.z(2), net.z(2) - 5 * lr * grad.z(2));
  EXPECT_DOUBLE_EQ(next.U(4, 0), net.U(4, 0) - 5 * lr * grad.U(4, 0));
  EXPECT_LT(ro::network_loss(model, next, task), ro::network_loss(model, net, task));
}

TEST(OverlapsNetwork, ChargeTracesAreTheSpectralInvariants) {
  // K = C J C^T, so tr(K)/N = tr(J Sigma) and tr(K^2)/N^2 = tr((J Sigma)^2) (O33).
  const ro::Network<real> net = ro::random_network<real>(9, 2, 4);
  const ro::Matrix<real> K = ro::charge(net);
  const ro::Invariants<real> inv = ro::invariants(ro::gram(net), 2);
  EXPECT_LT(abs(K.trace() / 9 - inv.trace_j_sigma), real("1e-45"));
  EXPECT_LT(abs(ro::Matrix<real>(K * K).trace() / 81 - inv.trace_j_sigma_2), real("1e-45"));
  EXPECT_EQ(to::max_abs<real>(K - K.transpose()), 0);
}

TEST(OverlapsNetwork, RandomNetworkIsNormalised) {
  const ro::Matrix<real> sigma = ro::gram(ro::random_network<real>(50, 2, 9));
  for (int a = 0; a < 6; ++a) EXPECT_LT(abs(sigma(a, a) - 1), real("1e-45"));
}

TEST(OverlapsNetwork, GaussianNetworkHasTheRequestedCovariance) {
  // Rows iid N(0, Sigma): the empirical Gram matrix converges at the rate N^-1/2; at
  // N = 20000 each entry is within 5 standard deviations (sd <= sqrt(2/N) max sigma_aa).
  ro::Matrix<double> sigma = to::random_sigma<double>(1, 2, 0.8, 3);
  const ro::Matrix<double> sample = ro::gram(ro::gaussian_network<double>(20000, sigma, 5));
  EXPECT_LT(to::max_abs<double>(sample - sigma), 5 * std::sqrt(2.0 / 20000) * to::max_abs(sigma));
}

TEST(OverlapsNetwork, BadInputsThrow) {
  const ro::Network<double> net = ro::random_network<double>(4, 1, 1);
  const ro::Task<double> task = to::random_task<double>(1, 3, 0.1, 1);
  EXPECT_THROW(ro::network_loss(ro::linear_model(2, 0.1), net, task), learndyn::ArgumentError);
  EXPECT_THROW(ro::network_loss(ro::linear_model(1, 0.0), net, task), learndyn::ArgumentError);
  EXPECT_THROW(ro::network_loss(ro::linear_model(1, 1.5), net, task), learndyn::ArgumentError);
  EXPECT_THROW(ro::sgd_step(ro::linear_model(1, 0.1), net, task, -1.0), learndyn::ArgumentError);
  EXPECT_THROW(ro::sgd_step(ro::linear_model(1, 0.1), net, task,
                            std::numeric_limits<double>::quiet_NaN()),
               learndyn::ArgumentError);
  ro::Task<double> bad = task;
  bad.weight(0, 1) = -1;
  EXPECT_THROW(ro::network_loss(ro::linear_model(1, 0.1), net, bad), learndyn::ArgumentError);
  bad = task;
  bad.target.resize(1, 2);
  EXPECT_THROW(ro::network_loss(ro::linear_model(1, 0.1), net, bad), learndyn::ArgumentError);
  EXPECT_THROW(ro::random_network<double>(0, 1, 1), learndyn::ArgumentError);
  EXPECT_THROW(ro::random_network<double>(3, 0, 1), learndyn::ArgumentError);
  ro::Matrix<double> not_psd = ro::Matrix<double>::Identity(4, 4);
  not_psd(0, 0) = -1;
  EXPECT_THROW(ro::gaussian_network<double>(10, not_psd, 1), learndyn::ArgumentError);
}

}  // namespace
