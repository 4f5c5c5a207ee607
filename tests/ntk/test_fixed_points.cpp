// Added non-trivial fixed points (proofs/ntk_experiments.md X13-X16): every added point and its
// negative is a fixed point of the model's own forward pass (X13, bound of X15) for random
// networks, gains and leaks; the authors' sequential rule leaves its first point off (X14: the
// test's teeth); the construction keeps W on the orthogonal complement of span tanh(D); bad input
// names its parameter; the Fig. 8 dynamics are deterministic.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <Eigen/Dense>

#include <cmath>
#include <vector>

#include <learndyn/common/argument_error.hpp>
#include <learndyn/experiments/ntk/fixed_points.hpp>
#include <learndyn/experiments/ntk/memory_pro.hpp>

namespace {
namespace fn = learndyn::fast::ntk;
namespace ex = learndyn::experiments::ntk;

std::vector<double> point(const std::vector<double>& targets, int n, int j, double sign) {
  std::vector<double> p(targets.begin() + j * n, targets.begin() + (j + 1) * n);
  for (double& x : p) x *= sign;
  return p;
}

RC_GTEST_PROP(NtkFixedPoints, EveryAddedPointAndItsNegativeIsFixed, ()) {
  const int n = *rc::gen::inRange(2, 65);
  const int k = *rc::gen::inRange(1, std::min(n, 8) + 1);
  const double gain = *rc::gen::element(0.5, 1.0, 1.5, 2.0);
  const double alpha = *rc::gen::element(0.3, 0.7, 1.0);
  const auto seed = *rc::gen::inRange<std::uint64_t>(0, 1000);
  fn::Model m = ex::xavier_model(fn::ModelKind::rnn_rate, n, 3, alpha, gain, seed);
  const std::vector<double> d = ex::fixed_point_targets(n, k, seed);
  // X15's bound assumes kappa(S) < 1e2: check it for the draw (else the bound says nothing).
  Eigen::MatrixXd s(n, k);
  for (int j = 0; j < k; ++j)
    for (int i = 0; i < n; ++i) s(i, j) = std::tanh(d[j * n + i]);
  const Eigen::JacobiSVD<Eigen::MatrixXd> svd(s);
  const double kappa = svd.singularValues()(0) / svd.singularValues()(k - 1);
  RC_PRE(kappa < 1e2);
  ex::add_fixed_points(m, d, ex::FixedPointRule::simultaneous);
  for (int j = 0; j < k; ++j)
    for (double sign : {1.0, -1.0}) RC_ASSERT(ex::fixed_point_residual(m, point(d, n, j, sign)) <= 1e-9);
}

TEST(NtkFixedPoints, TheSequentialRuleFixesOnlyTheLastPoint) {
  const int n = 64, k = 5;
  fn::Model m = ex::xavier_model(fn::ModelKind::rnn_rate, n, 3, 0.7, 1.0, 3);
  const std::vector<double> d = ex::fixed_point_targets(n, k, 3);
  ex::add_fixed_points(m, d, ex::FixedPointRule::sequential);
  EXPECT_LE(ex::fixed_point_residual(m, point(d, n, k - 1, 1)), 1e-9);
  EXPECT_GT(ex::fixed_point_residual(m, point(d, n, 0, 1)), 1e-3);
}

TEST(NtkFixedPoints, TheConstructionKeepsWOnTheComplementOfTheAddedDirections) {
  const int n = 16, k = 3;
  const fn::Model before = ex::xavier_model(fn::ModelKind::rnn_rate, n, 3, 0.7, 1.0, 5);
  fn::Model after = before;
  const std::vector<double> d = ex::fixed_point_targets(n, k, 5);
  ex::add_fixed_points(after, d, ex::FixedPointRule::simultaneous);
  // A vector orthogonal to every tanh(d_j): W v unchanged.
  Eigen::MatrixXd s(n, k);
  for (int j = 0; j < k; ++j)
    for (int i = 0; i < n; ++i) s(i, j) = std::tanh(d[j * n + i]);
  Eigen::VectorXd v = Eigen::VectorXd::LinSpaced(n, -1, 1);
  v -= s * s.colPivHouseholderQr().solve(v);
  using Row = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  const Eigen::Map<const Row> w0(before.theta.data() + n * 3, n, n), w1(after.theta.data() + n * 3, n, n);
  EXPECT_LE(((w1 - w0) * v).cwiseAbs().maxCoeff(), 1e-12 * v.norm() * (w0.norm() + w1.norm()));
  EXPECT_GT((w1 - w0).cwiseAbs().maxCoeff(), 1e-3);  // and W did change
}

TEST(NtkFixedPoints, BadInputNamesItsParameter) {
  fn::Model gru = ex::xavier_model(fn::ModelKind::gru, 8, 3, 0.7, 1.0, 0);
  try {
    ex::add_fixed_points(gru, ex::fixed_point_targets(8, 1, 0), ex::FixedPointRule::simultaneous);
    FAIL() << "a GRU was accepted";
  } catch (const learndyn::ArgumentError& e) {
    EXPECT_NE(std::string(e.what()).find("model"), std::string::npos);
  }
  fn::Model rnn = ex::xavier_model(fn::ModelKind::rnn_rate, 4, 3, 0.7, 1.0, 0);
  EXPECT_THROW(ex::add_fixed_points(rnn, ex::fixed_point_targets(4, 5, 0), ex::FixedPointRule::simultaneous),
               learndyn::ArgumentError);
  EXPECT_THROW(ex::parse_fixed_point_rule("both"), learndyn::ArgumentError);
  ex::FixedPointDynamicsConfig c;
  c.gains = {0};
  EXPECT_THROW(ex::run_fixed_point_dynamics(c), learndyn::ArgumentError);
}

TEST(NtkFixedPoints, DynamicsAreDeterministicAndTheirPointsFixed) {
  ex::FixedPointDynamicsConfig c;
  c.hidden = 24;
  c.count = 3;
  c.trials = 4;
  c.steps = 30;
  c.gains = {1.0, 2.0};
  const auto a = ex::run_fixed_point_dynamics(c), b = ex::run_fixed_point_dynamics(c);
  EXPECT_EQ(a.trajectories.rows, b.trajectories.rows);
  EXPECT_EQ(a.per_gain.rows, b.per_gain.rows);
  ASSERT_EQ(a.per_gain.rows.size(), 2u);
  for (std::size_t r = 0; r < 2; ++r) EXPECT_LE(a.per_gain.at(r, "max_residual"), 1e-9);
  EXPECT_EQ(a.trajectories.rows.size(), 2u * 4 * 31);
  EXPECT_EQ(a.points.rows.size(), 2u * 6);
}

}  // namespace
