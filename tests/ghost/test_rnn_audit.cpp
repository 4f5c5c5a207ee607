// `ghost rnn-audit` (experiments/ghost/rnn_audit.hpp, proofs/ghost_rnn.md R42-R44) at tiny
// sizes: its float64 run is the fast trainer's run bit for bit (DA, and DCD/DMTS on drawn noisy
// batches), its 50-digit run is within the fast-vs-reference bound (R38) of the float64 run
// after one epoch, the permuted control un-permutes to within that bound too (and only with
// its batch relabelled), and a short slow run has no 1e-2 horizon.
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

// A_T of (R38) along the 50-digit trajectory of every trial of `batch` (as
// tests/ghost/test_rnn_fast.cpp computes it), the largest over the trials.
double amplification(const fg::RnnConfig& c, const fg::RnnNet& net, const fg::RnnBatch& batch) {
  const rg::RnnConfig<real> rc = learndyn::oracle::to_reference<real>(c);
  const rg::RnnParams<real> rp = learndyn::oracle::to_reference<real>(net);
  const rg::RnnBatch<real> rb = learndyn::oracle::to_reference<real>(batch);
  const Eigen::MatrixXd W = rg::recurrent_matrix(rp).cast<double>();
  double out = 1;
  for (Eigen::Index b = 0; b < batch.target.rows(); ++b) {
    const Eigen::MatrixXd r = rg::rnn_states(rc, rp, rb, static_cast<int>(b)).cast<double>();
    std::vector<double> norms;
    for (Eigen::Index k = 0; k + 1 < r.cols(); ++k) {
      // The pre-activation from the update r' = (1-a) r + a tanh(h): tanh(h) = (r' - (1-a) r)/a.
      const Eigen::VectorXd p = (r.col(k + 1) - (1 - c.alpha) * r.col(k)) / c.alpha;
      Eigen::MatrixXd J = c.alpha * (1 - p.array().square()).matrix().asDiagonal() * W;
      J.diagonal().array() += 1 - c.alpha;
      norms.push_back(std::max(1.0, J.cwiseAbs().rowwise().sum().maxCoeff()));
    }
    double worst = 1, product = 1;
    for (auto it = norms.rbegin(); it != norms.rend(); ++it) worst = std::max(worst, product *= *it);
    out = std::max(out, worst);
  }
  return out;
}

// Every block the audit's distance measures (R44): M, Nm or W, b, W_in, and w_out, b_out
// unless the readout is latent.
std::vector<Eigen::MatrixXd> measured_blocks(const fg::RnnNet& n, bool readout) {
  std::vector<Eigen::MatrixXd> out = {n.W, n.M, n.Nm, n.b, n.W_in};
  if (readout) {
    out.push_back(n.w_out);
    out.push_back(Eigen::MatrixXd::Constant(1, 1, n.b_out));
  }
  return out;
}

// After one SGD epoch on `batch` from `net`, |theta_64 - theta_ref|_2 / |theta_ref|_2 is at
// most sqrt(P) (lr * (R38) + 2u max|theta|) / |theta_ref|: the gradient within (R38) per
// entry, the update's own rounding one u of the result (R36, §10 "Adam and SGD"), and the
// 50-digit -> double rounding of the comparison one more u.
double one_epoch_parameter_bound(const fg::RunSpec& s, const fg::RnnNet& net, const fg::RnnBatch& batch) {
  const rg::RnnGradient<real> ref =
      rg::rnn_gradient(learndyn::oracle::to_reference<real>(s.config), learndyn::oracle::to_reference<real>(net),
                       learndyn::oracle::to_reference<real>(batch));
  const bool readout = s.config.readout != fg::RnnReadout::latent;
  const rg::RnnParams<real>& g = ref.gradient;
  double gmax = std::max({static_cast<double>(g.M.size() ? g.M.cwiseAbs().maxCoeff() : real(0)),
                          static_cast<double>(g.Nm.size() ? g.Nm.cwiseAbs().maxCoeff() : real(0)),
                          static_cast<double>(g.W.size() ? g.W.cwiseAbs().maxCoeff() : real(0)),
                          static_cast<double>(g.W_in.size() ? g.W_in.cwiseAbs().maxCoeff() : real(0)),
                          static_cast<double>(g.b.cwiseAbs().maxCoeff())});
  if (readout)
    gmax = std::max({gmax, static_cast<double>(g.w_out.cwiseAbs().maxCoeff()), static_cast<double>(abs(g.b_out))});
  const long T = batch.target.cols(), B = batch.target.rows();
  const long n_in = batch.input.empty() ? 0 : batch.input[0].rows();
  const double A = amplification(s.config, net, batch);
  const double terms = gmax + batch.scale * batch.target.cwiseAbs().sum() + batch.scale * B * T;
  const double r38 = 64 * (net.b.size() + n_in + T) * u * A * A * terms;  // (R38)
  double theta_max = 0, norm2 = 0, P = 0;
  for (const Eigen::MatrixXd& m : measured_blocks(net, readout)) {
    if (m.size() == 0) continue;
    theta_max = std::max(theta_max, m.cwiseAbs().maxCoeff());
    norm2 += m.squaredNorm();
    P += static_cast<double>(m.size());
  }
  theta_max += s.lr * gmax;
  return std::sqrt(P) * (s.lr * r38 + 2 * u * theta_max) / (0.5 * std::sqrt(norm2));  // |theta_ref| >= |theta_0| / 2 here
}

double one_epoch_parameter_bound(const fg::RunSpec& s, const fg::RnnNet& net) {
  return one_epoch_parameter_bound(s, net, fg::BatchStream(s).next());
}

// DCD and DMTS at tiny sizes, with the paper's noise (0.01) and a fresh batch every epoch.
fg::RunSpec drawn(fg::RnnTask task, int rank, long epochs) {
  fg::RunSpec s = fg::default_run(task, rank);
  s.neurons = 6;
  s.epochs = epochs;
  s.seed = 5;
  return s;
}

// The audit's float64 column is train_run(s)'s losses, epoch by epoch, and its final loss.
void expect_float64_is_train_run(const fg::RunSpec& s, const eg::AuditResult& a) {
  const fg::RunResult r = fg::train_run(s);
  const std::vector<double> loss = a.table.column("loss_float64");
  ASSERT_EQ(loss.size(), static_cast<std::size_t>(s.epochs + 1));
  for (long e = 0; e < s.epochs; ++e) EXPECT_EQ(loss[static_cast<std::size_t>(e)], r.loss[static_cast<std::size_t>(e)]) << e;
  EXPECT_EQ(loss.back(), r.final_loss);
}

TEST(GhostRnnAudit, Float64RunIsTheFastTrainersRunBitForBit) {
  const fg::RunSpec s = tiny(40, 0.02);
  const eg::AuditResult a = eg::run_rnn_audit(s, {});
  expect_float64_is_train_run(s, a);
  EXPECT_EQ(a.runs[2].name, "float64");
  EXPECT_EQ(a.runs[2].final_loss, a.table.column("loss_float64").back());
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

TEST(GhostRnnAudit, Float64RunIsTheFastTrainersRunBitForBitOnDrawnNoisyBatches) {
  // DCD and DMTS draw their initial states and noise every epoch (R4, R2): the audit's stream
  // must hand the reference runs the very batches the fast trainer draws.
  for (const fg::RnnTask task : {fg::RnnTask::dcd, fg::RnnTask::dmts}) {
    fg::RunSpec s = drawn(task, 1, 12);
    s.change_epoch = 6;  // and Fig. 8B's change of confidence half way, as train_run makes it
    const eg::AuditResult a = eg::run_rnn_audit(s, {});
    expect_float64_is_train_run(s, a);
    EXPECT_EQ(a.runs[2].fixed_points, -1);  // R30's count is DA's
  }
}

TEST(GhostRnnAudit, ReferenceAndPermutedControlOnNoisyBatchesWithinR38AtEpochOne) {
  for (const fg::RnnTask task : {fg::RnnTask::dcd, fg::RnnTask::dmts})
    for (const int rank : {1, 0}) {
      const fg::RunSpec s = drawn(task, rank, 1);
      eg::AuditSettings settings;
      settings.permutation_seed = 11;
      const eg::AuditResult a = eg::run_rnn_audit(s, settings);
      const double bound = one_epoch_parameter_bound(s, a.initial_net);
      const double d64 = a.table.column("parameter_distance_float64")[1];
      const double dp = a.table.column("parameter_distance_float64_permuted")[1];
      EXPECT_GT(d64, 0) << fg::rnn_task_name(task) << " rank " << rank;
      EXPECT_LE(d64, bound) << fg::rnn_task_name(task) << " rank " << rank;
      EXPECT_LE(dp, bound) << fg::rnn_task_name(task) << " rank " << rank;
    }
}

TEST(GhostRnnAudit, PermutedControlNeedsTheRelabelledBatch) {
  // The control is the same mathematics only with the initial states and the noise relabelled
  // like the units (R43): fed the batch as drawn, the permuted network trains on other noise
  // and leaves the float64 run by far more than rounding.
  const fg::RunSpec s = drawn(fg::RnnTask::dcd, 1, 1);
  const fg::RnnNet start = fg::random_net(s);
  const std::vector<int> p = eg::unit_permutation(s.neurons, 11);
  const fg::RnnBatch batch = fg::BatchStream(s).next();
  fg::RnnTrainer plain(s, start), relabelled(s, eg::permute_units(start, p)), wrong(s, eg::permute_units(start, p));
  plain.epoch();
  relabelled.epoch(eg::permute_batch(batch, p));
  wrong.epoch(batch);
  const auto distance = [&](fg::RnnTrainer& t) {
    const fg::RnnNet back = eg::unpermute_units(t.net(), p);
    return std::sqrt((back.M - plain.net().M).squaredNorm() + (back.Nm - plain.net().Nm).squaredNorm() +
                     (back.b - plain.net().b).squaredNorm());
  };
  const double bound = one_epoch_parameter_bound(s, start, batch);
  EXPECT_LE(distance(relabelled), 2 * bound);  // both within the bound of the truth
  EXPECT_GT(distance(wrong), 1e3 * bound);
  EXPECT_THROW(fg::RnnTrainer(tiny(1, 0.02)).epoch(batch), learndyn::ArgumentError);  // DA trains on its own batch
}

TEST(GhostRnnAudit, RefusesWhatItCannotAudit) {
  fg::RunSpec s = tiny(10, 0.02);
  s.neurons = 300;
  EXPECT_THROW(eg::run_rnn_audit(s, {}), learndyn::ArgumentError);
  s = tiny(10000000, 0.02);
  EXPECT_THROW(eg::run_rnn_audit(s, {}), learndyn::ArgumentError);
}

}  // namespace
