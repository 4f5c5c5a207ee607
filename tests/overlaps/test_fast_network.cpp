// The fast full network (proofs/overlaps_fast.md §2-§3, OF6-OF11) against two independent
// ground truths: the straightforward dense implementation (W formed, states stored, std::erf,
// BPTT through W^T) within the forward-error bound (OF19), and central finite differences of
// its own loss within a self-validating truncation estimate (OF20). Also: bit-identical results
// for every thread count (OF10), the SGD step, and argument checking.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include <learndyn/common/argument_error.hpp>
#include <learndyn/common/random.hpp>
#include <learndyn/fast/overlaps/dense_network.hpp>
#include <learndyn/fast/overlaps/network.hpp>
#include "support/unit_roundoff.hpp"

namespace {
namespace fo = learndyn::fast::overlaps;
using learndyn::testing::u;  // 2^-53

fo::Model model_of(int activation, int readout, int rank, double dt) {
  return {rank, dt, activation ? fo::Activation::erf : fo::Activation::linear,
          readout ? fo::Readout::before_update : fo::Readout::after_update};
}

// A random task: inputs N(0,1), targets 0.3 N(0,1), weights U(0,1).
fo::Task gaussian_task(int batch, int steps, std::uint64_t seed) {
  learndyn::Rng rng(seed);
  fo::Task t{Eigen::MatrixXd(batch, steps), Eigen::MatrixXd(batch, steps), Eigen::MatrixXd(batch, steps)};
  for (int b = 0; b < batch; ++b)
    for (int k = 0; k < steps; ++k) {
      t.input(b, k) = rng.normal();
      t.target(b, k) = 0.3 * rng.normal();
      t.weight(b, k) = rng.uniform();
    }
  return t;
}

// The initialisation (O44) with v pulled towards u, so that the recurrence matters (W has
// an eigenvalue ~0.8 instead of O(N^-1/2)).
fo::Network coupled_network(int neurons, int rank, std::uint64_t seed) {
  fo::Network net = fo::random_network(neurons, rank, seed);
  net.V = 0.6 * net.V + 0.8 * net.U;
  return net;
}

double max_abs(const fo::Network& g) {
  return std::max({g.z.cwiseAbs().maxCoeff(), g.m.cwiseAbs().maxCoeff(),
                   g.U.cwiseAbs().maxCoeff(), g.V.cwiseAbs().maxCoeff()});
}

double max_difference(const fo::Network& a, const fo::Network& b) {
  return std::max({(a.z - b.z).cwiseAbs().maxCoeff(), (a.m - b.m).cwiseAbs().maxCoeff(),
                   (a.U - b.U).cwiseAbs().maxCoeff(), (a.V - b.V).cwiseAbs().maxCoeff()});
}

bool identical(const fo::Network& a, const fo::Network& b) {
  return a.z == b.z && a.m == b.m && a.U == b.U && a.V == b.V;
}

TEST(OverlapsFastNetwork, MatchesTheDenseImplementationWithinTheForwardErrorBound) {
  // (OF19): both are sums of the same terms in different orders; the relative forward error of
  // each output and gradient entry is below 8 (N + 4T) u times its condition, and the tasks
  // here have condition O(1): the bound used is 8 (N + 4T) u relative to the largest entry.
  // N covers one partial block, several blocks, and a partial last block.
  int cases = 0;
  for (int activation : {0, 1})
    for (int readout : {0, 1})
      for (int rank : {1, 2, 3})
        for (int neurons : {1, 7, 300, 777}) {
          const fo::Model model = model_of(activation, readout, rank, 0.1);
          const int batch = 1 + (neurons % 3), steps = 25;
          const fo::Network net = coupled_network(neurons, rank, 100 + neurons + rank);
          const fo::Task task = gaussian_task(batch, steps, 7 * neurons + rank);
          fo::Network fast, replay, dense;
          const double lf = fo::network_gradient(model, net, task, fast);
          const double ld = fo::dense::loss_and_gradient(model, net, task, dense);
          const double bound = 8 * (neurons + 4 * steps) * u;
          SCOPED_TRACE(::testing::Message() << "phi " << activation << " readout " << readout
                                            << " R " << rank << " N " << neurons);
          EXPECT_LE(std::fabs(lf - ld), bound * ld);
          EXPECT_LE(max_difference(fast, dense), bound * max_abs(dense));
          // Linear phi: the per-neuron replay (OF9) as well as the superposition (OF9a).
          fo::network_gradient(model, net, task, replay, {0, true});
          EXPECT_LE(max_difference(replay, dense), bound * max_abs(dense));
          const Eigen::MatrixXd yf = fo::network_outputs(model, net, task);
          const Eigen::MatrixXd yd = fo::dense::outputs(model, net, task);
          EXPECT_LE((yf - yd).cwiseAbs().maxCoeff(), bound * yd.cwiseAbs().maxCoeff());
          ++cases;
        }
  EXPECT_EQ(cases, 48);
}

// <gradient, direction> against central differences of the loss along `direction` (OF20): the
// truncation error of D(h) is c h^2 + O(h^4), estimated by |D(h) - D(2h)|/3; the rounding
// error of D(h) is below eps_L |L| / h with eps_L = 8 (N + 4T) u the loss's bound of (OF19).
void expect_directional_derivative(const fo::Model& model, const fo::Network& net,
                                   const fo::Task& task, std::uint64_t seed) {
  fo::Network grad;
  fo::network_gradient(model, net, task, grad);
  learndyn::Rng rng(seed);
  fo::Network dir = net;
  const auto fill = [&](auto& a) {
    for (Eigen::Index i = 0; i < a.size(); ++i) a.data()[i] = rng.normal();
  };
  fill(dir.z);
  fill(dir.m);
  fill(dir.U);
  fill(dir.V);
  const auto along = [&](double t) {
    fo::Network p = net;
    p.z += t * dir.z;
    p.m += t * dir.m;
    p.U += t * dir.U;
    p.V += t * dir.V;
    return fo::network_loss(model, p, task);
  };
  const double exact = grad.z.dot(dir.z) + grad.m.dot(dir.m) +
                       (grad.U.array() * dir.U.array()).sum() +
                       (grad.V.array() * dir.V.array()).sum();
  const double h = 1e-4;
  const double d1 = (along(h) - along(-h)) / (2 * h);
  const double d2 = (along(2 * h) - along(-2 * h)) / (4 * h);
  const double l0 = std::fabs(along(0));
  const double truncation = std::fabs(d1 - d2) / 3;
  const double eps_loss = 8.0 * (net.m.size() + 4 * task.input.cols()) * u;
  const double rounding = eps_loss * (l0 + std::fabs(exact) * h) / h;
  EXPECT_LE(std::fabs(d1 - exact), 2 * truncation + rounding)
      << "FD " << d1 << " gradient " << exact;
  // The estimate is meaningful only if the difference quotient is close to its limit.
  EXPECT_LE(truncation, 1e-5 * (std::fabs(exact) + l0));
}

TEST(OverlapsFastNetwork, GradientMatchesCentralDifferencesOfItsLoss) {
  for (int activation : {0, 1})
    for (int readout : {0, 1})
      for (int rank : {1, 2}) {
        SCOPED_TRACE(::testing::Message() << "phi " << activation << " readout " << readout << " R " << rank);
        const fo::Model model = model_of(activation, readout, rank, 0.1);
        expect_directional_derivative(model, coupled_network(40, rank, 5 + rank),
                                      gaussian_task(2, 30, 9 + rank), 17 + activation);
      }
}

TEST(OverlapsFastNetwork, BitIdenticalForEveryThreadCount) {
  // (OF10): the block partition of every sum is fixed; threads only take whole chunks of 64
  // blocks. N = 50000: 196 blocks, 4 chunks, so 2, 3 and 8 threads do run concurrently.
  for (int activation : {0, 1}) {
    const fo::Model model = model_of(activation, activation, 2, 0.05);
    const fo::Network net = coupled_network(50000, 2, 3);
    const fo::Task task = gaussian_task(2, 12, 4);
    fo::Network g1, a1 = net, r1;
    const double l1 = fo::network_gradient(model, net, task, g1, {1});
    fo::sgd_epoch(model, task, 1e-3, a1, {1});
    fo::network_gradient(model, net, task, r1, {1, true});
    for (unsigned threads : {2u, 3u, 8u}) {
      SCOPED_TRACE(::testing::Message() << "phi " << activation << " threads " << threads);
      fo::Network g, a = net, r;
      EXPECT_EQ(l1, fo::network_gradient(model, net, task, g, {threads}));
      EXPECT_TRUE(identical(g1, g));
      fo::sgd_epoch(model, task, 1e-3, a, {threads});
      EXPECT_TRUE(identical(a1, a));
      fo::network_gradient(model, net, task, r, {threads, true});
      EXPECT_TRUE(identical(r1, r));
    }
  }
}

TEST(OverlapsFastNetwork, SgdEpochIsThetaMinusNLrGradient) {
  const fo::Model model = fo::erf_model(1, 0.05);
  fo::Network net = coupled_network(513, 1, 8);
  const fo::Task task = gaussian_task(1, 30, 2);
  fo::Network grad;
  const double loss = fo::network_gradient(model, net, task, grad);
  const double lr = 0.05, step = 513 * lr;
  fo::Network expected = net;
  for (Eigen::Index i = 0; i < 513; ++i) {
    expected.z(i) -= step * grad.z(i);
    expected.m(i) -= step * grad.m(i);
    expected.U(i, 0) -= step * grad.U(i, 0);
    expected.V(i, 0) -= step * grad.V(i, 0);
  }
  EXPECT_EQ(fo::sgd_epoch(model, task, lr, net), loss);
  EXPECT_TRUE(identical(net, expected));
}

TEST(OverlapsFastNetwork, RandomNetworkIsNormalisedAndGramIsSymmetric) {
  const fo::Network net = fo::random_network(1000, 2, 5);
  const Eigen::MatrixXd sigma = fo::gram(net);
  ASSERT_EQ(sigma.rows(), 6);
  EXPECT_EQ(sigma, sigma.transpose());
  for (int a = 0; a < 6; ++a) EXPECT_NEAR(sigma(a, a), 1.0, 64 * u);
  // Off-diagonal overlaps of independent vectors are O(N^-1/2): |sigma| < 5/sqrt(N) is a
  // 5-sigma event per entry.
  for (int a = 0; a < 6; ++a)
    for (int b = a + 1; b < 6; ++b) EXPECT_LT(std::fabs(sigma(a, b)), 5 / std::sqrt(1000.0));
}

TEST(OverlapsFastNetwork, BadInputThrowsArgumentError) {
  const fo::Model model = fo::linear_model(1, 0.05);
  const fo::Network net = fo::random_network(10, 1, 1);
  const fo::Task task = gaussian_task(1, 5, 1);
  fo::Network bad = net;
  bad.z(3) = std::nan("");
  EXPECT_THROW(fo::network_loss(model, bad, task), learndyn::ArgumentError);
  bad = net;
  bad.U.resize(9, 1);
  EXPECT_THROW(fo::network_loss(model, bad, task), learndyn::ArgumentError);
  EXPECT_THROW(fo::network_loss(fo::linear_model(2, 0.05), net, task), learndyn::ArgumentError);
  EXPECT_THROW(fo::network_loss(fo::linear_model(1, 0), net, task), learndyn::ArgumentError);
  fo::Network copy = net;
  EXPECT_THROW(fo::sgd_epoch(model, task, -1, copy), learndyn::ArgumentError);
  fo::Task bad_task = task;
  bad_task.weight(0, 2) = -1;
  EXPECT_THROW(fo::network_loss(model, net, bad_task), learndyn::ArgumentError);
  EXPECT_THROW(fo::random_network(0, 1, 1), learndyn::ArgumentError);
  EXPECT_THROW(fo::network_loss(fo::linear_model(9, 0.05), fo::random_network(10, 9, 1), task),
               learndyn::ArgumentError);
}

}  // namespace
