// Overlaps (proofs/overlaps.md §2-§4): the public code's orderings (O6), the Gram matrix (O5), the
// effective linear network (O8) and the visible/invisible classification (O12) against the paper's
// counts and against the exact zeros of the adjoint gradient.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include <learndyn/common/argument_error.hpp>
#include <learndyn/common/scalar.hpp>
#include <learndyn/reference/overlaps/learning.hpp>
#include <learndyn/reference/overlaps/overlaps.hpp>
#include "reference_support.hpp"

namespace {
using learndyn::real;
namespace ro = learndyn::reference::overlaps;
namespace to = learndyn::testing::overlaps;
using Names = std::vector<std::string>;

TEST(Overlaps, OrderingsAreThePublicCodes) {
  // The public code's orderings (O6).
  EXPECT_EQ(ro::overlap_names(1, ro::OverlapOrdering::linear),
            (Names{"zm", "zu", "vm", "vu", "mu", "zv", "mm", "uu", "vv", "zz"}));
  EXPECT_EQ(ro::overlap_names(1, ro::OverlapOrdering::nonlinear),
            (Names{"zm", "zu", "vm", "vu", "mu", "mm", "uu", "zv", "vv", "zz"}));
  EXPECT_EQ(ro::overlap_names(2, ro::OverlapOrdering::linear),
            (Names{"zm", "zu1", "zu2", "v1m", "v1u1", "v1u2", "v2m", "v2u1", "v2u2", "mu1", "mu2",
                   "zv1", "zv2", "u1u2", "v1v2", "mm", "uu1", "uu2", "vv1", "vv2", "zz"}));
}

TEST(Overlaps, EveryOrderingListsEachPairOnce) {
  for (int rank = 1; rank <= 4; ++rank)
    for (auto ordering : {ro::OverlapOrdering::linear, ro::OverlapOrdering::nonlinear}) {
      const auto pairs = ro::overlap_pairs(rank, ordering);
      ASSERT_EQ(static_cast<int>(pairs.size()), ro::overlap_count(rank));
      std::set<std::pair<int, int>> seen(pairs.begin(), pairs.end());
      EXPECT_EQ(seen.size(), pairs.size());
      for (const auto& [a, b] : pairs) EXPECT_LE(a, b);
    }
}

TEST(Overlaps, VisibilityCountsAreThePapers) {
  // Counts of §4: linear 4/6 (R=1), 9/12 (R=2); nonlinear 7/3, 15/6; and both code
  // orderings list the visible overlaps first.
  struct Row {
    ro::Activation phi;
    int rank, visible, invisible;
    ro::OverlapOrdering ordering;
  };
  for (const Row& row : {Row{ro::Activation::linear, 1, 4, 6, ro::OverlapOrdering::linear},
                         Row{ro::Activation::linear, 2, 9, 12, ro::OverlapOrdering::linear},
                         Row{ro::Activation::erf, 1, 7, 3, ro::OverlapOrdering::nonlinear},
                         Row{ro::Activation::erf, 2, 15, 6, ro::OverlapOrdering::nonlinear},
                         Row{ro::Activation::tanh, 2, 15, 6, ro::OverlapOrdering::nonlinear}}) {
    const std::vector<bool> vis = ro::visibility(row.phi, row.rank, row.ordering);
    EXPECT_EQ(std::count(vis.begin(), vis.end(), true), row.visible);
    EXPECT_EQ(std::count(vis.begin(), vis.end(), false), row.invisible);
    EXPECT_TRUE(std::is_partitioned(vis.begin(), vis.end(), [](bool v) { return v; }));
  }
}

RC_GTEST_PROP(Overlaps, InvisibleMeansExactlyZeroGradient, ()) {
  // (O12) against the adjoint (O13): an invisible overlap is never read, so its derivative is
  // exactly 0; a visible one is nonzero at a random point of a random task.
  const int rank = *rc::gen::inRange(1, 3);
  const auto phi = *rc::gen::element(ro::Activation::linear, ro::Activation::erf);
  const auto readout = *rc::gen::element(ro::Readout::after_update, ro::Readout::before_update);
  const ro::Model<double> model{rank, 0.25, phi, readout};
  const auto seed = *rc::gen::inRange(0, 1 << 20);
  const ro::Matrix<double> sigma = to::random_sigma<double>(rank, 1, 0.7, seed);
  const ro::Task<double> task = to::random_task<double>(2, 6, 0.25, seed + 1);
  const ro::Matrix<double> G = ro::gradient_matrix(ro::overlap_gradient(model, sigma, task));
  for (int a = 0; a < ro::vector_count(rank); ++a)
    for (int b = a; b < ro::vector_count(rank); ++b) {
      if (ro::is_visible(phi, rank, a, b)) {
        RC_ASSERT(G(a, b) != 0.0);
      } else {
        RC_ASSERT(G(a, b) == 0.0);
      }
    }
}

TEST(Overlaps, FlattenAndUnflattenAreInverse) {
  const ro::Matrix<real> sigma = to::random_sigma<real>(2, 1, real("0.5"), 3);
  for (auto ordering : {ro::OverlapOrdering::linear, ro::OverlapOrdering::nonlinear}) {
    const ro::Vector<real> flat = ro::flatten(sigma, 2, ordering);
    EXPECT_EQ(ro::unflatten(flat, 2, ordering), sigma);
  }
  // The linear ordering's first entry is sigma_zm, its last sigma_zz.
  const ro::Vector<real> flat = ro::flatten(sigma, 2, ro::OverlapOrdering::linear);
  EXPECT_EQ(flat(0), sigma(ro::index_z(), ro::index_m(2)));
  EXPECT_EQ(flat(20), sigma(0, 0));
}

TEST(Overlaps, GramIsExactlySymmetricAndHasTheBlocks) {
  const ro::Network<real> net = ro::random_network<real>(6, 2, 8);
  const ro::Matrix<real> sigma = ro::gram(net);
  EXPECT_EQ(sigma, ro::Matrix<real>(sigma.transpose()));
  // V = C_A^T C_B / N with A = (z, v), B = (m, u) (O5).
  ro::Matrix<real> left(6, 3), right(6, 3);
  left << net.z, net.V;
  right << net.m, net.U;
  EXPECT_LT(to::max_abs<real>(ro::visible_block(sigma) - left.transpose() * right / 6), real("1e-48"));
  EXPECT_LT(to::max_abs<real>(ro::left_block(sigma) - left.transpose() * left / 6), real("1e-48"));
  EXPECT_LT(to::max_abs<real>(ro::right_block(sigma) - right.transpose() * right / 6), real("1e-48"));
}

TEST(Overlaps, EffectiveNetworkReproducesTheLinearNetwork) {
  // (O8): kappa' = kappa + dt(-kappa + W_eff kappa + e_0 x), y = z_eff . kappa', from Sigma
  // alone, equals the N-dimensional linear network (after-update readout) to rounding.
  const int rank = 2;
  const ro::Model<real> model = ro::linear_model(rank, real("0.1"));
  const ro::Network<real> net = ro::random_network<real>(5, rank, 21);
  const ro::Task<real> task = to::random_task<real>(1, 15, model.dt, 22);
  const ro::EffectiveNetwork<real> eff = ro::effective_network(ro::gram(net), rank);
  const ro::Matrix<real> y = ro::network_outputs(model, net, task);
  ro::Vector<real> kappa = ro::Vector<real>::Zero(rank + 1);
  for (int k = 0; k < 15; ++k) {
    kappa = (kappa + model.dt * (-kappa + eff.recurrent * kappa + eff.input * task.input(0, k))).eval();
    EXPECT_LT(abs(eff.readout.dot(kappa) - y(0, k)), real("1e-45") * (1 + abs(y(0, k)))) << k;
  }
  EXPECT_EQ(to::max_abs<real>(eff.recurrent.row(0)), 0);
}

TEST(Overlaps, BadOverlapMatricesThrow) {
  ro::Matrix<double> sigma = ro::Matrix<double>::Identity(4, 4);
  EXPECT_NO_THROW(ro::validate_overlaps(sigma, 1, true));
  EXPECT_THROW(ro::validate_overlaps(sigma, 2, false), learndyn::ArgumentError);
  sigma(0, 1) = 0.5;  // asymmetric
  EXPECT_THROW(ro::validate_overlaps(sigma, 1, false), learndyn::ArgumentError);
  sigma(1, 0) = 0.5;
  sigma(2, 3) = sigma(3, 2) = 2;  // symmetric, indefinite
  EXPECT_NO_THROW(ro::validate_overlaps(sigma, 1, false));
  EXPECT_THROW(ro::validate_overlaps(sigma, 1, true), learndyn::ArgumentError);
  EXPECT_THROW(ro::overlap_pairs(0, ro::OverlapOrdering::linear), learndyn::ArgumentError);
  EXPECT_THROW(ro::is_visible(ro::Activation::erf, 1, 0, 4), learndyn::ArgumentError);
}

}  // namespace
