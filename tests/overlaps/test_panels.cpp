// The derived quantities of the overlap paper's reproduce panels (experiments/overlaps/
// responses.hpp, gram_pattern.hpp): Fig. 11's pattern (proofs/overlaps.md O53-O55), the
// white-noise error of a linear network (proofs/overlaps_experiments.md E32) and the hidden
// activity of equivalent networks (E31). Each test can fail: the bounds are justified there.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include <learndyn/common/random.hpp>
#include <learndyn/experiments/overlaps/equivalent.hpp>
#include <learndyn/experiments/overlaps/gram_pattern.hpp>
#include <learndyn/experiments/overlaps/responses.hpp>
#include <learndyn/experiments/overlaps/support.hpp>
#include <learndyn/experiments/overlaps/tasks.hpp>
#include <learndyn/fast/overlaps/network.hpp>
#include <learndyn/reference/overlaps/learning.hpp>

namespace {
namespace ex = learndyn::experiments::overlaps;
namespace fo = learndyn::fast::overlaps;
namespace ro = learndyn::reference::overlaps;

int count(const std::vector<std::vector<bool>>& p) {
  int n = 0;
  for (const auto& row : p)
    for (bool b : row) n += b;
  return n;
}

TEST(OverlapsPanels, DerivedGramPatternHas28LinearAnd43ErfEntriesAndNoInvisibleColumn) {
  // (O53) counted by hand: 4 visible columns of 7 rows (linear); + mu (7), mm, uu (4 each) for erf.
  const auto linear = ex::derived_gram_pattern(1, fo::Activation::linear);
  const auto erf = ex::derived_gram_pattern(1, fo::Activation::erf);
  EXPECT_EQ(count(linear), 28);
  EXPECT_EQ(count(erf), 43);
  const auto names = ex::overlap_names(1, fo::Activation::linear);  // zm zu vm vu mu zv mm uu vv zz
  for (std::size_t i = 0; i < names.size(); ++i)
    for (std::size_t j = 4; j < names.size(); ++j) EXPECT_FALSE(linear[i][j]) << names[i] << " " << names[j];
  // erf: the invisible rows zv, vv, zz are never reached through mu, mm, uu (O21: Sigma_AA sees F only).
  for (std::size_t i : {5u, 8u, 9u})
    for (std::size_t j : {4u, 6u, 7u}) EXPECT_FALSE(erf[i][j]) << names[i] << " " << names[j];
}

TEST(OverlapsPanels, NumericalGbarIsTheFormulaAndItsPatternIsTheDerivedOne) {
  // (O54) N J J^T from the vectors = (O18) at their Gram matrix to rounding; (O55) the nonzero
  // pattern of Gbar diag(g) equals (O53) entry for entry, linear (filter) and erf (flip-flop).
  for (std::uint64_t seed : {0u, 1u, 2u}) {
    const fo::Network net = fo::random_network(60, 1, seed);
    const Eigen::MatrixXd gbar = ex::numerical_augmented_gram(net);
    const Eigen::MatrixXd formula = ro::augmented_gram<double>(ex::exact_gram(net), 1, ro::OverlapOrdering::linear);
    EXPECT_LT(ex::max_abs_difference(gbar, formula), 1e-12 * formula.cwiseAbs().maxCoeff());
    ex::FlipFlopSettings ff;
    learndyn::Rng rng(seed);
    const fo::Task flip = ex::flip_flop(ff, rng);
    const fo::Task filter = ex::filter_task(0.2, 0, 1, 0.05, 400);
    for (fo::Activation phi : {fo::Activation::linear, fo::Activation::erf}) {
      const fo::Model model = phi == fo::Activation::linear ? fo::linear_model(1, 0.05) : fo::erf_model(1, 0.025);
      const Eigen::MatrixXd M = ex::gram_coefficients(net, model, phi == fo::Activation::linear ? filter : flip);
      const auto want = ex::derived_gram_pattern(1, phi);
      for (Eigen::Index i = 0; i < M.rows(); ++i)
        for (Eigen::Index j = 0; j < M.cols(); ++j)
          EXPECT_EQ(M(i, j) != 0, want[static_cast<std::size_t>(i)][static_cast<std::size_t>(j)])
              << "seed " << seed << " entry " << i << "," << j;
    }
  }
}

TEST(OverlapsPanels, WhiteNoiseErrorOfALinearNetworkIsItsImpulseResponseError) {
  // (E32) The empirical mean squared error between a random network and the exponential filter
  // over 2e5 white-noise steps is s^2 sum (r - r*)^2 within 15% (five standard errors).
  const fo::Network net = fo::random_network(80, 1, 3);
  const double dt = 0.05, decay = 0.2, s = 0.5;
  learndyn::Rng rng(7);
  const int steps = 200000, burn = 1000;
  Eigen::VectorXd x(steps);
  for (int k = 0; k < steps; ++k) x(k) = s * rng.normal();
  const Eigen::VectorXd y = ex::linear_rollout(net, dt, x).y, target = ex::exponential_filter(x, decay, dt);
  const double empirical = (y - target).tail(steps - burn).squaredNorm() / (steps - burn);
  const double predicted = ex::white_noise_error(net, dt, decay, s, 8000);
  EXPECT_NEAR(empirical / predicted, 1.0, 0.15);
  // The unit response of the rollout is the filter task's output times dt (x_0 = 1 vs 1/dt).
  Eigen::VectorXd unit = Eigen::VectorXd::Zero(400);
  unit(0) = 1 / dt;
  const Eigen::VectorXd impulse = ex::linear_rollout(net, dt, unit).y;
  const fo::Task task = ex::filter_task(decay, 0, 1, dt, 400);
  fo::NetworkTrainer trainer(fo::linear_model(1, dt), net, {1, false});
  EXPECT_LT((impulse.transpose() - trainer.outputs(task)).cwiseAbs().maxCoeff(), 1e-12);
}

TEST(OverlapsPanels, EquivalentNetworksShareOutputsButNotSingleNeurons) {
  // (E31) Same input, no state noise: outputs equal to rounding, the four neurons' activity not.
  ex::EquivalentSettings s;
  s.neurons = 60;
  s.steps = 100;
  s.epochs = 1;
  const ex::EquivalentResult r = ex::run_equivalent(s);
  ASSERT_EQ(r.hidden.rows.size(), 100u);
  double y_gap = 0;
  for (std::size_t k = 0; k < r.hidden.rows.size(); ++k)
    y_gap = std::max(y_gap, std::fabs(r.hidden.at(k, "y1") - r.hidden.at(k, "y2")));
  EXPECT_LT(y_gap, 1e-12);
  EXPECT_GT(r.summary.get("hidden_gap_start"), 1e-6 * r.summary.get("hidden_scale_start"));
}

}  // namespace
