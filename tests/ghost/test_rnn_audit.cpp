// `ghost rnn-audit` (experiments/ghost/rnn_audit.hpp, proofs/ghost_rnn.md R42-R44) at tiny
// sizes: its float64 run is the fast trainer's run bit for bit, its 50-digit run is within the
// fast-vs-reference bound (R38) of the float64 run after one epoch, the permuted control
// un-permutes to within that bound too, and a short slow run has no 1e-2 horizon.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <numeric>
#include <vector>

#include <learndyn/common/argument_error.hpp>
#include <learndyn/common/scalar.hpp>
#include <learndyn/experiments/ghost/rnn_audit.hpp>
#include <learndyn/fast/ghost/rnn.hpp>
#include <learndyn/oracle/to_reference.hpp>
#include <learndyn/reference/ghost/rnn_bptt.hpp>
#include <learndyn/reference/ghost/rnn_model.hpp>

namespace {
using learndyn::real;
namespace fg = learndyn::fast::ghost;
namespace rg = learndyn::reference::ghost;
namespace eg = learndyn::experiments::ghost;
constexpr double u = 0x1p-53;

fg::RunSpec tiny(long epochs, double lr) {
  fg::RunSpec s = fg::default_run(fg::RnnTask::da, 1);
  s.neurons = 6;
  s.epochs = epochs;
  s.lr = lr;
  s.seed = 3;
  return s;
}

// A_T of (R38) along the 50-digit trajectory (as tests/ghost/test_rnn_fast.cpp computes it).
double amplification(const fg::RnnConfig& c, const fg::RnnNet& net, const fg::RnnBatch& batch) {
  const rg::RnnConfig<real> rc = learndyn::oracle::to_reference<real>(c);
  const rg::RnnParams<real> rp = learndyn::oracle::to_reference<real>(net);
  const rg::RnnBatch<real> rb = learndyn::oracle::to_reference<real>(batch);
  const Eigen::MatrixXd W = rg::recurrent_matrix(rp).cast<double>();
  const Eigen::MatrixXd r = rg::rnn_states(rc, rp, rb, 0).cast<double>();
  std::vector<double> norms;
  for (Eigen::Index k = 0; k + 1 < r.cols(); ++k) {
    const Eigen::VectorXd p = (r.col(k + 1) - (1 - c.alpha) * r.col(k)) / c.alpha;
    Eigen::MatrixXd J = c.alpha * (1 - p.array().square()).matrix().asDiagonal() * W;
    J.diagonal().array() += 1 - c.alpha;
    norms.push_back(std::max(1.0, J.cwiseAbs().rowwise().sum().maxCoeff()));
  }
  double worst = 1, product = 1;
  for (auto it = norms.rbegin(); it != norms.rend(); ++it) worst = std::max(worst, product *= *it);
  return worst;
}

// After one SGD epoch from `net`, |theta_64 - theta_ref|_2 / |theta_ref|_2 is at most
// sqrt(P) (lr * (R38) + 2u max|theta|) / |theta_ref|: the gradient within (R38) per entry, the
// update's own rounding one u of the result (R36, §10 "Adam and SGD"), and the 50-digit ->
// double rounding of the comparison one more u.
double one_epoch_parameter_bound(const fg::RunSpec& s, const fg::RnnNet& net) {
  const fg::RnnBatch batch = fg::make_batch(s, 0);
  const rg::RnnGradient<real> ref =
      rg::rnn_gradient(learndyn::oracle::to_reference<real>(s.config), learndyn::oracle::to_reference<real>(net),
                       learndyn::oracle::to_reference<real>(batch));
  const double gmax = std::max({static_cast<double>(ref.gradient.M.cwiseAbs().maxCoeff()),
                                static_cast<double>(ref.gradient.Nm.cwiseAbs().maxCoeff()),
                                static_cast<double>(ref.gradient.b.cwiseAbs().maxCoeff())});
  const long T = batch.target.cols(), B = batch.target.rows();
  const double A = amplification(s.config, net, batch);
  const double terms = gmax + batch.scale * batch.target.cwiseAbs().sum() + batch.scale * B * T;
  const double r38 = 64 * (net.b.size() + T) * u * A * A * terms;  // (R38), n_in = 0
  const double theta_max = std::max({net.M.cwiseAbs().maxCoeff(), net.Nm.cwiseAbs().maxCoeff(),
                                     net.b.cwiseAbs().maxCoeff()}) + s.lr * gmax;
  const double P = 3.0 * net.b.size();
  const double norm = std::sqrt(net.M.squaredNorm() + net.Nm.squaredNorm() + net.b.squaredNorm());
  return std::sqrt(P) * (s.lr * r38 + 2 * u * theta_max) / (0.5 * norm);  // |theta_ref| >= |theta_0| / 2 here
}

TEST(GhostRnnAudit, Float64RunIsTheFastTrainersRunBitForBit) {
  const fg::RunSpec s = tiny(40, 0.02);
  const eg::AuditResult a = eg::run_rnn_audit(s, {});
  const fg::RunResult r = fg::train_run(s);
  const std::vector<double> loss = a.table.column("loss_float64");
  ASSERT_EQ(loss.size(), static_cast<std::size_t>(s.epochs + 1));
  for (long e = 0; e < s.epochs; ++e) EXPECT_EQ(loss[static_cast<std::size_t>(e)], r.loss[static_cast<std::size_t>(e)]) << e;
  EXPECT_EQ(loss.back(), r.final_loss);
  EXPECT_EQ(a.runs[2].name, "float64");
  EXPECT_EQ(a.runs[2].final_loss, r.final_loss);
}

TEST(GhostRnnAudit, ReferenceAgreesWithFloat64AfterOneEpochWithinR38) {
  const fg::RunSpec s = tiny(1, 0.02);
  const eg::AuditResult a = eg::run_rnn_audit(s, {});
  const double bound = one_epoch_parameter_bound(s, a.initial_net);
  EXPECT_EQ(a.table.column("parameter_distance_float64")[0], 0);  // the same start, exactly
  const double d = a.table.column("parameter_distance_float64")[1];
  EXPECT_LE(d, bound);
  EXPECT_GT(d, 0);
  std::cout << "one epoch, float64 vs 50 digits: " << d << " of the bound " << bound << "\n";  // the margin  // the runs really are different computations
  // The loss at the start: within (R38)'s loss bound (A_T (L + c_L B T)).
  const double L = a.table.column("loss_reference")[0];
  const fg::RnnBatch batch = fg::make_batch(s, 0);
  const double A = amplification(s.config, a.initial_net, batch);
  EXPECT_LE(a.table.column("loss_distance_float64")[0] * L,
            64 * (s.neurons + 40) * u * A * (L + batch.scale * 40));
}

TEST(GhostRnnAudit, PermutedControlUnpermutesWithinRoundingAtEpochOne) {
  const fg::RunSpec s = tiny(1, 0.02);
  eg::AuditSettings settings;
  settings.permutation_seed = 11;
  const eg::AuditResult a = eg::run_rnn_audit(s, settings);
  std::vector<int> identity(static_cast<std::size_t>(s.neurons));
  std::iota(identity.begin(), identity.end(), 0);
  ASSERT_NE(a.permutation, identity);  // a real relabelling
  const fg::RnnNet back = eg::unpermute_units(eg::permute_units(a.initial_net, a.permutation), a.permutation);
  EXPECT_EQ(back.M, a.initial_net.M);
  EXPECT_EQ(back.Nm, a.initial_net.Nm);
  EXPECT_EQ(back.b, a.initial_net.b);
  EXPECT_EQ(a.table.column("parameter_distance_float64_permuted")[0], 0);
  EXPECT_LE(a.table.column("parameter_distance_float64_permuted")[1], one_epoch_parameter_bound(s, a.initial_net));
}

TEST(GhostRnnAudit, PermutationRelabelsFullRankWeightsConsistently) {
  // W' = P W P^T: (W' r')_i = (W r)_{p(i)} for r'_i = r_{p(i)} (R43).
  const fg::RnnNet net = fg::random_net(5, 0, 0, fg::RnnInit::gaussian, 4);
  const std::vector<int> p = eg::unit_permutation(5, 9);
  const fg::RnnNet q = eg::permute_units(net, p);
  Eigen::VectorXd r(5), rp(5);
  for (int i = 0; i < 5; ++i) r(i) = 0.1 * (i + 1);
  for (int i = 0; i < 5; ++i) rp(i) = r(p[static_cast<std::size_t>(i)]);
  const Eigen::VectorXd h = net.W * r, hp = q.W * rp;
  for (int i = 0; i < 5; ++i) EXPECT_NEAR(hp(i), h(p[static_cast<std::size_t>(i)]), 1e-15);
}

TEST(GhostRnnAudit, SlowShortRunHasNoHorizonAtOnePercent) {
  const fg::RunSpec s = tiny(30, 0.003);
  const eg::AuditResult a = eg::run_rnn_audit(s, {});
  for (std::size_t k = 1; k < 4; ++k) {
    EXPECT_EQ(a.runs[k].horizon_1e2, -1) << a.runs[k].name;
    EXPECT_TRUE(a.runs[k].outcome_agrees) << a.runs[k].name;
  }
  // float32 starts from the weights rounded to float: about 2^-24 relative, below 1e-6 (R42).
  EXPECT_GT(a.table.column("parameter_distance_float32")[0], 1e-9);
  EXPECT_LT(a.table.column("parameter_distance_float32")[0], 1e-6);
  EXPECT_EQ(a.runs[0].fixed_points, a.runs[2].fixed_points);
  EXPECT_GE(a.runs[0].fixed_points, 1);
}

TEST(GhostRnnAudit, DeterministicTable) {
  const fg::RunSpec s = tiny(10, 0.02);
  const eg::AuditResult a = eg::run_rnn_audit(s, {}), b = eg::run_rnn_audit(s, {});
  for (const std::string& c : a.table.columns) EXPECT_EQ(a.table.column(c), b.table.column(c)) << c;
}

TEST(GhostRnnAudit, RefusesWhatItCannotAudit) {
  fg::RunSpec s = tiny(10, 0.02);
  s.noise = 0.1;
  EXPECT_THROW(eg::run_rnn_audit(s, {}), learndyn::ArgumentError);
  s = fg::default_run(fg::RnnTask::dcd, 1);
  EXPECT_THROW(eg::run_rnn_audit(s, {}), learndyn::ArgumentError);
  s = tiny(10, 0.02);
  s.neurons = 300;
  EXPECT_THROW(eg::run_rnn_audit(s, {}), learndyn::ArgumentError);
  s = tiny(10000000, 0.02);
  EXPECT_THROW(eg::run_rnn_audit(s, {}), learndyn::ArgumentError);
}

}  // namespace
