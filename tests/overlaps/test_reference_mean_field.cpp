// The mean-field gain and closure (proofs/overlaps.md §3, §8): the erf gain's closed form
// (O10, O10a) against quadrature, the tanh gain against its small- and large-Delta expansions
// (O10b, O10c) and its derivative against differences, and the nonlinear network against the
// mean-field overlap theory: the mismatch shrinks like N^-1/2 (O9).
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cmath>
#include <vector>

#include <boost/math/constants/constants.hpp>

#include <learndyn/common/scalar.hpp>
#include <learndyn/reference/overlaps/learning.hpp>
#include "reference_support.hpp"
#include "support/generators.hpp"

namespace {
using learndyn::real;
namespace ro = learndyn::reference::overlaps;
namespace to = learndyn::testing::overlaps;

RC_GTEST_PROP(OverlapsMeanField, ErfGainClosedFormMatchesQuadrature, ()) {
  // Tanh-sinh at 50 digits is accurate to ~eps relative to the L1 norm (proofs/common.md §3);
  // the integrands are positive (order 1) or have one sign change (order 3, at h^2 = 2/pi), so
  // the bound is 1e-46 relative (measured <= 3e-50 for g, 3e-48 for g').
  const real delta = real(*learndyn::testing::log_uniform(-20, 10));
  const real g = ro::gain(ro::Activation::erf, delta);
  RC_ASSERT(abs(g - ro::gaussian_average_by_quadrature(ro::Activation::erf, 1, delta)) <= real("1e-46") * g);
  const real dg = ro::gain_derivative(ro::Activation::erf, delta);
  const real dq = ro::gaussian_average_by_quadrature(ro::Activation::erf, 3, delta) / 2;
  RC_ASSERT(abs(dg - dq) <= real("1e-46") * abs(dg));
}

TEST(OverlapsMeanField, ErfGainSpecialValues) {
  EXPECT_EQ(ro::gain(ro::Activation::erf, real(0)), 1);  // phi'(0) = 1
  EXPECT_EQ(ro::gain(ro::Activation::linear, real(5)), 1);
  EXPECT_EQ(ro::gain_derivative(ro::Activation::linear, real(5)), 0);
  // 1 + pi Delta / 2 = 4 at Delta = 6/pi: g = 1/2.
  const real pi = boost::math::constants::pi<real>();
  EXPECT_LT(abs(ro::gain(ro::Activation::erf, real(6 / pi)) - real("0.5")), real("1e-48"));
}

TEST(OverlapsMeanField, TanhGainSmallDeltaSeries) {
  // (O10b): g = 1 - D + 2 D^2 - 17/3 D^3 + 62/3 D^4 - 92.1 D^5 + ... (asymptotic); the
  // truncation after D^4 errs by ~92 D^5, bounded by 200 D^5.
  for (const real& d : {real("1e-4"), real("1e-3"), real("1e-2")}) {
    const real series = 1 - d + 2 * d * d - real(17) / 3 * d * d * d + real(62) / 3 * d * d * d * d;
    const real g = ro::gain(ro::Activation::tanh, d);
    EXPECT_LT(abs(g - series), 200 * d * d * d * d * d) << d;
    EXPECT_GT(abs(g - series), 50 * d * d * d * d * d) << d;  // and the D^5 term is there
  }
  EXPECT_EQ(ro::gain(ro::Activation::tanh, real(0)), 1);
  EXPECT_EQ(ro::gain_derivative(ro::Activation::tanh, real(0)), -1);  // phi'''(0)/2
}

TEST(OverlapsMeanField, TanhGainLargeDeltaExpansion) {
  // (O10c): g sqrt(2 pi D) / 2 = 1 - pi^2/(24 D) + O(D^-2), next coefficient 7 pi^4/1920 < 1.
  const real pi = boost::math::constants::pi<real>();
  for (const real& d : {real(100), real(1000), real(10000)}) {
    using std::sqrt;
    const real scaled = ro::gain(ro::Activation::tanh, d) * sqrt(2 * pi * d) / 2;
    EXPECT_LT(abs(scaled - (1 - pi * pi / (24 * d))), 1 / (d * d)) << d;
  }
}

TEST(OverlapsMeanField, TanhGainDerivativeMatchesDifferences) {
  // g' by quadrature of phi''' / 2 (O10a) against a central difference of the quadrature g at
  // 50 digits, h = 1e-15: truncation h^2 g''' ~ 1e-30, quadrature noise ~1e-50/h = 1e-35.
  const real h("1e-15");
  for (const real& d : {real("0.01"), real("0.7"), real(5), real(60)}) {
    const real numeric = (ro::gain(ro::Activation::tanh, real(d + h)) - ro::gain(ro::Activation::tanh, real(d - h))) / (2 * h);
    const real exact = ro::gain_derivative(ro::Activation::tanh, d);
    EXPECT_LT(abs(numeric - exact), real("1e-25") * abs(exact)) << d;
  }
}

// RMS over outputs (and max over rates) of the network-minus-theory mismatch, per seed.
struct Mismatch {
  double output = 0;
  double rate = 0;
};

Mismatch mismatch(int neurons, std::uint64_t seed, const ro::Matrix<double>& sigma0,
                  const ro::Task<double>& task) {
  const ro::Model<double> model = ro::erf_model(1, 0.2);
  const ro::Network<double> net = ro::gaussian_network(neurons, sigma0, seed);
  const ro::Matrix<double> sigma = ro::gram(net);  // the theory sees the sampled overlaps
  const ro::Matrix<double> dy = ro::network_outputs(model, net, task) - ro::overlap_outputs(model, sigma, task);
  // The network's own overlap velocity under gradient flow at rate N lr, lr = 1:
  // dSigma/dt = -(C^T (N dL/dC) + (N dL/dC)^T C) / N.
  const ro::Matrix<double> C = ro::columns(net);
  const ro::Matrix<double> scaled_grad = neurons * ro::columns(ro::network_gradient(model, net, task).gradient);
  const ro::Matrix<double> full_rate = -(C.transpose() * scaled_grad + scaled_grad.transpose() * C) / neurons;
  const ro::Matrix<double> theory_rate = ro::flow_rhs(model, task, 1.0, sigma);
  return {std::sqrt(dy.squaredNorm() / dy.size()), to::max_abs<double>(full_rate - theory_rate) / to::max_abs(theory_rate)};
}

TEST(OverlapsMeanField, MeanFieldMismatchShrinksLikeInverseSqrtN) {
  // Loadings iid N(0, Sigma0) at N = 200, 800, 3200 (8 seeds each; the theory uses each
  // sample's own Sigma): the fluctuation of (1/N) sum_i v_i phi(h_i) about its Gaussian
  // expectation is O(N^-1/2) (O9, §8), for the outputs and for dSigma/dt. A factor 16 in N
  // must divide the RMS mismatch by 4; the pinned seeds give 8-sample RMS values whose ratio is
  // accepted in [2, 8] (the RMS of 8 samples scatters by ~25%).
  const ro::Matrix<double> sigma0 = to::random_sigma<double>(1, 2, 0.7, 17);
  const ro::Task<double> task = to::random_task<double>(2, 20, 0.2, 18);
  std::vector<Mismatch> rms;
  for (int neurons : {200, 800, 3200}) {
    Mismatch sum;
    for (std::uint64_t seed = 1; seed <= 8; ++seed) {
      const Mismatch m = mismatch(neurons, 1000 * seed + neurons, sigma0, task);
      sum.output += m.output * m.output / 8;
      sum.rate += m.rate * m.rate / 8;
    }
    rms.push_back({std::sqrt(sum.output), std::sqrt(sum.rate)});
  }
  for (int i = 0; i + 1 < 3; ++i) {
    EXPECT_GT(rms[i].output, rms[i + 1].output);
    EXPECT_GT(rms[i].rate, rms[i + 1].rate);
  }
  EXPECT_GT(rms[0].output / rms[2].output, 2.0);
  EXPECT_LT(rms[0].output / rms[2].output, 8.0);
  EXPECT_GT(rms[0].rate / rms[2].rate, 2.0);
  EXPECT_LT(rms[0].rate / rms[2].rate, 8.0);
  EXPECT_LT(rms[2].rate, 0.1);  // at N = 3200 the theory's rate is right to a few percent
}

TEST(OverlapsMeanField, LinearNetworkHasNoMismatchAtAnyN) {
  // The linear theory is exact (O11): the same measurement gives rounding only, even at N = 3.
  const ro::Model<double> model = ro::linear_model(1, 0.2);
  const ro::Matrix<double> sigma0 = to::random_sigma<double>(1, 2, 0.7, 17);
  const ro::Task<double> task = to::random_task<double>(2, 20, 0.2, 18);
  for (int neurons : {3, 50}) {
    const ro::Network<double> net = ro::gaussian_network(neurons, sigma0, 5);
    const ro::Matrix<double> y = ro::network_outputs(model, net, task);
    EXPECT_LT(to::max_abs<double>(y - ro::overlap_outputs(model, ro::gram(net), task)), 1e-12 * to::max_abs(y));
  }
}

}  // namespace
