// The fast ghost RNN (fast/ghost/rnn.hpp) against the 50-digit reference with the bound (R38)
// of proofs/ghost_rnn.md §10, the fused rank-one kernel against the generic path, the tanh
// kernel's ulp bound, the optimisers, and determinism over thread counts.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <vector>

#include <boost/math/special_functions/next.hpp>

#include <learndyn/common/argument_error.hpp>
#include <learndyn/common/random.hpp>
#include <learndyn/common/scalar.hpp>
#include <learndyn/fast/ghost/rnn.hpp>
#include <learndyn/fast/ghost/rnn_kernels.hpp>
#include <learndyn/oracle/to_reference.hpp>
#include <learndyn/reference/ghost/rnn_bptt.hpp>
#include <learndyn/reference/ghost/rnn_model.hpp>
#include <learndyn/reference/ghost/rnn_tasks.hpp>
#include "support/same_rnn_parameters.hpp"

namespace {
using learndyn::real;
namespace fg = learndyn::fast::ghost;
namespace rg = learndyn::reference::ghost;
using Eigen::MatrixXd;
using Eigen::VectorXd;
constexpr double u = 0x1p-53;

// The fast path's doubles at 50 digits, exactly (oracle/to_reference.hpp).
template <class Fast>
auto to_reference(const Fast& x) {
  return learndyn::oracle::to_reference<real>(x);
}

// A_T of (R38): max over trials and k of prod_{j >= k} max(1, |J_j|_inf), J_j the step Jacobian
// (1-alpha) I + alpha D_j W along the reference trajectory.
double amplification(const fg::RnnConfig& c, const fg::RnnNet& net, const fg::RnnBatch& batch) {
  const rg::RnnConfig<real> rc = to_reference(c);
  const rg::RnnParams<real> rp = to_reference(net);
  const rg::RnnBatch<real> rb = to_reference(batch);
  const MatrixXd W = rg::recurrent_matrix(rp).cast<double>();
  double worst = 1;
  for (int b = 0; b < batch.target.rows(); ++b) {
    const MatrixXd r = rg::rnn_states(rc, rp, rb, b).cast<double>();
    std::vector<double> norms;
    for (Eigen::Index k = 0; k + 1 < r.cols(); ++k) {
      // p_k recovered from the update: p = (r_{k+1} - (1-a) r_k) / a.
      const VectorXd p = (r.col(k + 1) - (1 - c.alpha) * r.col(k)) / c.alpha;
      MatrixXd J = c.alpha * (1 - p.array().square()).matrix().asDiagonal() * W;
      J.diagonal().array() += 1 - c.alpha;
      norms.push_back(std::max(1.0, J.cwiseAbs().rowwise().sum().maxCoeff()));
    }
    double product = 1;
    for (auto it = norms.rbegin(); it != norms.rend(); ++it) worst = std::max(worst, product *= *it);
  }
  return worst;
}

// The largest error / bound ratio seen (printed by the last test: the measured margin).
double worst_ratio = 0;

// Per block: |fast - reference| <= (R38).
// With `reference_batch`, the reference runs on that batch (its own noise draws) instead of the
// fast batch converted.
void check_gradient(const fg::RnnConfig& c, const fg::RnnNet& net, const fg::RnnBatch& batch,
                    const fg::RnnNet& fast, double fast_loss,
                    const rg::RnnBatch<real>* reference_batch = nullptr) {
  const rg::RnnGradient<real> ref = rg::rnn_gradient(to_reference(c), to_reference(net),
                                                     reference_batch ? *reference_batch : to_reference(batch));
  const fg::RnnNet& g = fast;
  const rg::RnnParams<real>& r = ref.gradient;
  const double A = amplification(c, net, batch);
  const long n_in = net.W_in.cols(), T = batch.target.cols(), B = batch.target.rows();
  double gmax = std::abs(static_cast<double>(r.b_out));
  for (const auto* blk : {&r.W, &r.M, &r.Nm, &r.W_in})
    if (blk->size()) gmax = std::max(gmax, static_cast<double>(blk->cwiseAbs().maxCoeff()));
  for (const auto* blk : {&r.b, &r.w_out})
    if (blk->size()) gmax = std::max(gmax, static_cast<double>(blk->cwiseAbs().maxCoeff()));
  const double terms = gmax + batch.scale * batch.target.cwiseAbs().sum() + batch.scale * B * T;
  const double bound = 64 * (net.b.size() + n_in + T) * u * A * A * terms;  // (R38)
  const auto diff = [](const MatrixXd& f, const rg::RnnMatrix<real>& x) {
    return f.size() ? (f - x.cast<double>()).cwiseAbs().maxCoeff() : 0.0;
  };
  for (double e : {diff(g.W, r.W), diff(g.M, r.M), diff(g.Nm, r.Nm), diff(g.b, r.b),
                   diff(g.W_in, r.W_in), diff(g.w_out, r.w_out)})
    worst_ratio = std::max(worst_ratio, e / bound);
  RC_ASSERT(diff(g.W, r.W) <= bound);
  RC_ASSERT(diff(g.M, r.M) <= bound);
  RC_ASSERT(diff(g.Nm, r.Nm) <= bound);
  RC_ASSERT(diff(g.b, r.b) <= bound);
  RC_ASSERT(diff(g.W_in, r.W_in) <= bound);
  RC_ASSERT(diff(g.w_out, r.w_out) <= bound);
  RC_ASSERT(std::abs(g.b_out - static_cast<double>(r.b_out)) <= bound);
  const double L = static_cast<double>(ref.loss);
  RC_ASSERT(std::abs(fast_loss - L) <= 64 * (net.b.size() + n_in + T) * u * A * (L + batch.scale * B * T));
}

fg::RnnBatch random_batch(int neurons, int inputs, int trials, int steps, bool noise,
                          std::uint64_t seed) {
  learndyn::Rng rng(seed);
  fg::RnnBatch batch;
  for (int b = 0; b < trials; ++b) {
    MatrixXd x(inputs, steps);
    for (Eigen::Index i = 0; i < x.size(); ++i) x.data()[i] = rng.normal();
    batch.input.push_back(x);
  }
  batch.target.resize(trials, steps);
  for (Eigen::Index i = 0; i < batch.target.size(); ++i) batch.target.data()[i] = rng.uniform();
  batch.initial.resize(neurons, trials);
  for (Eigen::Index i = 0; i < batch.initial.size(); ++i) batch.initial.data()[i] = 0.8 * (2 * rng.uniform() - 1);
  if (noise)
    for (int b = 0; b < trials; ++b) {
      MatrixXd xi(neurons, steps);
      for (Eigen::Index i = 0; i < xi.size(); ++i) xi.data()[i] = 0.1 * rng.normal();
      batch.noise.push_back(xi);
    }
  batch.scale = 1.0 / 3;
  return batch;
}

RC_GTEST_PROP(GhostRnnFast, GradientMatchesTheReferenceWithinR38, ()) {
  const int neurons = *rc::gen::inRange(1, 9);
  const int rank = *rc::gen::inRange(0, 3) % (neurons + 1);
  const int readout = *rc::gen::inRange(0, 4);
  fg::RnnConfig c;
  c.readout = static_cast<fg::RnnReadout>(readout);
  if (c.readout == fg::RnnReadout::latent && rank != 1) c.readout = fg::RnnReadout::sigmoid;
  c.timing = *rc::gen::inRange(0, 2) ? fg::ReadoutTiming::after_update : fg::ReadoutTiming::before_update;
  c.alpha = *rc::gen::element(0.5, 0.25, 1.0);
  c.confidence = *rc::gen::element(0.5, 2.0);
  // (R48): the projected gradient's terms are a subset of the differentiated one's: (R38) bounds both.
  c.confidence_readout = *rc::gen::element(fg::ConfidenceReadout::projected, fg::ConfidenceReadout::differentiated);
  const std::uint64_t seed = *rc::gen::inRange(0, 1 << 30);
  const int inputs = *rc::gen::inRange(0, 3);
  const fg::RnnNet net = fg::random_net(neurons, rank, inputs, fg::RnnInit::xavier, seed);
  const fg::RnnBatch batch = random_batch(neurons, inputs, *rc::gen::inRange(1, 4),
                                          *rc::gen::inRange(1, 9), *rc::gen::arbitrary<bool>(), seed + 3);
  fg::RnnNet grad;
  const double loss = fg::rnn_gradient(c, net, batch, grad);
  check_gradient(c, net, batch, grad, loss);
}

RC_GTEST_PROP(GhostRnnFast, FusedRankOneKernelMatchesTheReferenceWithinR38, ()) {
  const int neurons = *rc::gen::inRange(1, 40);  // pads of every size up to 7
  fg::RnnConfig c;  // latent readout after the update (the DA network)
  fg::RnnNet net = fg::random_net(neurons, 1, 0, fg::RnnInit::gaussian, *rc::gen::inRange(0, 1 << 30));
  net.M *= 2;
  net.Nm *= 2;
  fg::RunSpec spec = fg::default_run(fg::RnnTask::da, 1);
  spec.neurons = neurons;
  spec.delay_steps = *rc::gen::inRange(1, 8);
  spec.response_steps = *rc::gen::inRange(1, 8);
  const fg::RnnBatch batch = fg::make_batch(spec, 0);
  fg::RnnNet fused, generic;
  const double loss = fg::rank_one_gradient(c, net, batch, fused);
  const double generic_loss = fg::rnn_gradient(c, net, batch, generic);
  check_gradient(c, net, batch, fused, loss);
  check_gradient(c, net, batch, generic, generic_loss);
  // dL/dbeta (R53) of the generic path against the reference, within (R38)'s bound of the same run.
  double d_beta = 0;
  fg::RnnNet unused;
  fg::rnn_gradient(c, net, batch, unused, nullptr, &d_beta);
  const rg::RnnGradient<real> ref = rg::rnn_gradient(to_reference(c), to_reference(net), to_reference(batch));
  const double A = amplification(c, net, batch);
  const double bound = 64 * (net.b.size() + fg::steps_of(spec)) * u * A * A *
                       (std::abs(static_cast<double>(ref.d_beta)) + batch.scale * batch.target.cwiseAbs().sum() +
                        batch.scale * batch.target.cols());
  RC_ASSERT(std::abs(d_beta - static_cast<double>(ref.d_beta)) <= bound);
}

// (R4a): a noisy DCD/DMTS batch's noise is NormalStream(key) with key the Rng(draw) output after
// the initial states' draws; the reference's set_noise draws the same doubles from that key.
std::uint64_t noise_key(const fg::RunSpec& s, const fg::RnnBatch& batch, std::uint64_t draw) {
  learndyn::Rng rng(draw);
  if (s.task != fg::RnnTask::da)
    for (Eigen::Index i = 0; i < batch.initial.size(); ++i) rng.normal();
  return rng.next();
}

RC_GTEST_PROP(GhostRnnFast, NoisyBatchSeesTheReferenceNoiseAndGradientWithinR38, ()) {
  fg::RunSpec spec = fg::default_run(*rc::gen::element(fg::RnnTask::dcd, fg::RnnTask::dmts), 2);
  spec.neurons = *rc::gen::inRange(1, 7);
  spec.noise = *rc::gen::element(0.01, 0.1, 0.5);
  spec.delay_steps = *rc::gen::inRange(1, 5);
  spec.response_steps = *rc::gen::inRange(1, 4);
  const std::uint64_t draw = *rc::gen::inRange(0, 1 << 30);
  const fg::RnnBatch batch = fg::make_batch(spec, draw);
  RC_ASSERT(batch.noise.size() == static_cast<std::size_t>(batch.target.rows()));
  // The reference's own draw from the same key: sigma z at 50 digits against fl(sigma z).
  rg::RnnBatch<real> ref_batch = to_reference(batch);
  rg::set_noise(ref_batch, spec.neurons, real(spec.noise), noise_key(spec, batch, draw));
  RC_ASSERT(ref_batch.noise.size() == batch.noise.size());
  for (std::size_t b = 0; b < batch.noise.size(); ++b)
    for (Eigen::Index i = 0; i < batch.noise[b].size(); ++i) {
      const double f = batch.noise[b].data()[i];
      RC_ASSERT(std::abs(f - static_cast<double>(ref_batch.noise[b].data()[i])) <= u * std::abs(f));
    }
  // Loss and gradient on that noisy batch: the fast path on its batch, the reference on its own.
  fg::RnnConfig c;
  c.readout = fg::RnnReadout::sigmoid;
  const fg::RnnNet net = fg::random_net(spec.neurons, 2 % (spec.neurons + 1), static_cast<int>(batch.input[0].rows()),
                                        fg::RnnInit::xavier, draw + 1);
  fg::RnnNet grad;
  const double loss = fg::rnn_gradient(c, net, batch, grad);
  check_gradient(c, net, batch, grad, loss, &ref_batch);
}

TEST(GhostRnnFast, TanhKernelWithin4UlpOfTheCorrectlyRoundedValue) {
  std::vector<double> x;
  for (int i = -4000; i <= 4000; ++i) x.push_back(i * 0.005 + 1e-3);  // [-20, 20], odd length
  for (int e = -40; e < 0; ++e) x.push_back(std::ldexp(1.3, e));
  std::vector<double> y = x;
  fg::tanh_in_place(y.data(), y.size());
  double worst = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double exact = static_cast<double>(tanh(real(x[i])));
    worst = std::max(worst, std::abs(boost::math::float_distance(y[i], exact)));
  }
  EXPECT_LE(worst, 4);  // Highway's documented bound (math-inl.h); measured 3 (proofs/common.md C10)
}

TEST(GhostRnnFast, RandomNetworkDrawsAreTheReferenceDraws) {
  for (int rank : {0, 1, 3})
    for (auto init : {fg::RnnInit::gaussian, fg::RnnInit::xavier}) {
      const fg::RnnNet f = fg::random_net(7, rank, 2, init, 99);
      const rg::RnnParams<double> r =
          rg::random_params<double>(7, rank, 2, static_cast<rg::RnnInit>(static_cast<int>(init)), 99);
      learndyn::testing::expect_same_rnn_parameters(f, r);
    }
}

TEST(GhostRnnFast, TasksAreTheReferenceTasks) {
  for (auto task : {fg::RnnTask::da, fg::RnnTask::dcd, fg::RnnTask::dmts}) {
    const fg::RunSpec s = fg::default_run(task, 1);
    const fg::RnnBatch f = fg::make_batch(s, 5);
    const auto kind = static_cast<rg::RnnTaskKind>(static_cast<int>(task));
    const rg::RnnBatch<double> r = rg::make_task<double>(
        kind, {s.input_steps, s.delay_steps, s.response_steps},
        static_cast<rg::LossScale>(static_cast<int>(s.scale)));
    EXPECT_EQ(f.target, r.target);
    ASSERT_EQ(f.input.size(), r.input.size());
    for (std::size_t b = 0; b < f.input.size(); ++b) EXPECT_EQ(f.input[b], r.input[b]);
    EXPECT_EQ(f.scale, r.scale);
  }
}

TEST(GhostRnnFast, TrialsPerClassRepeatTheClassesWithTheirOwnInitialStates) {
  fg::RunSpec one = fg::default_run(fg::RnnTask::dmts, 2);
  one.neurons = 6;
  fg::RunSpec three = one;
  three.trials_per_class = 3;
  const fg::RnnBatch a = fg::make_batch(one, 5), b = fg::make_batch(three, 5);
  ASSERT_EQ(b.target.rows(), 12);  // 4 classes x 3 (R12)
  for (int t = 0; t < 12; ++t) {
    EXPECT_EQ(b.target.row(t), a.target.row(t % 4));
    EXPECT_EQ(b.input[t], a.input[t % 4]);
    EXPECT_EQ(b.noise[t].cols(), a.noise[0].cols());
  }
  EXPECT_EQ(b.scale, 1.0 / (12.0 * double(b.target.cols())));  // mean over B T (R9)
  EXPECT_NE(b.initial.col(0), b.initial.col(4));  // same class, its own draw
  three.trials_per_class = 0;
  EXPECT_THROW(fg::validate(three), learndyn::ArgumentError);
}

// The Fig. 4 code's draw (RnnInit::lowrank): M ~ N(0, 1), Nm ~ N(0, 1/N), b ~ N(0, 0.01). With
// n = 800 draws per block the sample s.d. has a relative standard error sqrt(1/(2n)) = 2.5%; 15%
// is six standard errors.
TEST(GhostRnnFast, LowRankInitialisationHasThePublicCodesScales) {
  const int n = 400;
  const fg::RnnNet net = fg::random_net(n, 2, 1, fg::RnnInit::lowrank, 3);
  const auto sd = [](const Eigen::MatrixXd& x) {
    return std::sqrt((x.array() - x.mean()).square().sum() / double(x.size() - 1));
  };
  EXPECT_NEAR(sd(net.M), 1.0, 0.15);
  EXPECT_NEAR(sd(net.Nm) * std::sqrt(double(n)), 1.0, 0.15);
  EXPECT_NEAR(sd(net.b), 0.1, 0.1 * 0.15 * std::sqrt(2.0));  // n = 400 draws: 3.5% s.e.
  EXPECT_EQ(fg::random_net(5, 0, 1, fg::RnnInit::lowrank, 3).W, fg::random_net(5, 0, 1, fg::RnnInit::xavier, 3).W);
}

TEST(GhostRnnFast, AdamEpochMatchesTheReferenceStep) {
  fg::RunSpec spec = fg::default_run(fg::RnnTask::dcd, 0);
  spec.neurons = 6;
  spec.noise = 0;
  spec.initial_sigma = 0;  // r0 = 0: the batch is the same every epoch
  spec.optimizer = fg::Optimizer::adam;
  spec.lr = 0.01;
  fg::RnnTrainer trainer(spec);
  const fg::RnnNet start = trainer.net();
  trainer.epoch();
  rg::RnnParams<real> p = to_reference(start);
  const rg::RnnGradient<real> g = rg::rnn_gradient(to_reference(spec.config), p, to_reference(fg::make_batch(spec, 0)));
  rg::AdamState<real> state = rg::adam_start(p);
  rg::adam_update(p, g.gradient, state, real(spec.lr));
  // Step 1 of Adam is lr sign(g) for |g| >> 1e-8: the fast and reference steps agree to
  // rounding wherever |g| > 1e-6 (below, the step depends on g/1e-8 and the gradient bound).
  const rg::RnnMatrix<double> W = p.W.cast<double>();
  for (Eigen::Index i = 0; i < W.size(); ++i)
    if (std::abs(static_cast<double>(g.gradient.W.data()[i])) > 1e-6) {
      EXPECT_NEAR(trainer.net().W.data()[i], W.data()[i], 1e-14);
    }
}

TEST(GhostRnnFast, RunsAreDeterministicAndIndependentOfTheThreadCount) {
  std::vector<fg::RunSpec> specs;
  for (int j = 0; j < 5; ++j) {
    fg::RunSpec s = fg::default_run(j % 2 ? fg::RnnTask::da : fg::RnnTask::dcd, j % 3 == 0 ? 0 : 1);
    if (s.task == fg::RnnTask::da && s.rank == 0) s.config.readout = fg::RnnReadout::sigmoid;
    s.neurons = 12;
    s.epochs = 30;
    s.lr = 0.01 * (j + 1);
    s.seed = j;
    specs.push_back(s);
  }
  const auto one = fg::train_runs(specs, 1);
  const auto two = fg::train_runs(specs, 2);
  const auto again = fg::train_runs(specs, 2);
  for (std::size_t i = 0; i < specs.size(); ++i) {
    EXPECT_EQ(one[i].loss, two[i].loss);
    EXPECT_EQ(two[i].loss, again[i].loss);
    EXPECT_EQ(one[i].final_loss, two[i].final_loss);
    EXPECT_EQ(one[i].net.b, two[i].net.b);
  }
}

TEST(GhostRnnFast, FusedAndGenericTrainersFollowTheSameCurve) {
  // Rank-one DA: the trainer (fused kernel) against the generic gradient stepped by hand, over
  // 200 epochs (both within (R38) of the truth per epoch; 1e-10 leaves room for the drift).
  fg::RunSpec spec = fg::default_run(fg::RnnTask::da, 1);
  spec.neurons = 20;
  spec.epochs = 200;
  spec.lr = 0.003;
  fg::RnnTrainer trainer(spec);
  fg::RnnNet net = trainer.net();
  const fg::RnnBatch batch = fg::make_batch(spec, 0);
  for (int e = 0; e < 200; ++e) {
    fg::RnnNet g;
    const double generic = fg::rnn_gradient(spec.config, net, batch, g);
    const double fused = trainer.epoch();
    ASSERT_NEAR(fused, generic, 1e-10 * (1 + generic)) << "epoch " << e;
    net.M -= spec.lr * g.M;
    net.Nm -= spec.lr * g.Nm;
    net.b -= spec.lr * g.b;
  }
}

TEST(GhostRnnFast, BadSettingsAreArgumentErrors) {
  fg::RunSpec s = fg::default_run(fg::RnnTask::da, 2);
  s.config.readout = fg::RnnReadout::latent;
  EXPECT_THROW(fg::train_run(s), learndyn::ArgumentError);
  s = fg::default_run(fg::RnnTask::da, 1);
  s.lr = -1;
  EXPECT_THROW(fg::train_run(s), learndyn::ArgumentError);
  s = fg::default_run(fg::RnnTask::dcd, 1);
  s.input_steps = 0;
  EXPECT_THROW(fg::train_run(s), learndyn::ArgumentError);
  s = fg::default_run(fg::RnnTask::da, 1);
  s.config.alpha = 0;
  EXPECT_THROW(fg::train_run(s), learndyn::ArgumentError);
}

TEST(GhostRnnFast, ProjectedConfidenceEpochIsTheReferencesProjectThenStep) {
  // (R45): one trainer epoch with the projected confidence readout = project_confidence, then an
  // SGD step with the projected gradient, at 50 digits; w_out then has |w|_1 = c - lr O(|g|).
  fg::RunSpec spec = fg::default_run(fg::RnnTask::dcd, 0);
  spec.neurons = 6;
  spec.noise = 0;
  spec.initial_sigma = 0;
  spec.config.readout = fg::RnnReadout::confidence;
  spec.config.confidence = 0.5;
  spec.lr = 0.05;
  fg::RnnTrainer trainer(spec);
  rg::RnnParams<real> p = to_reference(trainer.net());
  trainer.epoch();
  const rg::RnnConfig<real> rc = to_reference(spec.config);
  rg::project_confidence(p, rc.confidence);
  const rg::RnnGradient<real> g = rg::rnn_gradient(rc, p, to_reference(fg::make_batch(spec, 0)));
  p = rg::sgd_update(p, g.gradient, real(spec.lr));
  // (R38) per gradient entry times lr, plus the projection's few roundings: 1e-13 is ~100x both.
  for (Eigen::Index i = 0; i < p.w_out.size(); ++i)
    EXPECT_NEAR(trainer.net().w_out(i), static_cast<double>(p.w_out(i)), 1e-13);
  EXPECT_NEAR(trainer.net().b_out, static_cast<double>(p.b_out), 1e-13);
  EXPECT_NEAR(trainer.net().W(2, 3), static_cast<double>(p.W(2, 3)), 1e-13);
  // The differentiated readout takes another step (the test can fail).
  spec.config.confidence_readout = fg::ConfidenceReadout::differentiated;
  fg::RnnTrainer other(spec);
  other.epoch();
  EXPECT_GT((other.net().w_out - trainer.net().w_out).cwiseAbs().maxCoeff(), 1e-6);
}

TEST(GhostRnnFast, LearnedBetaTakesTheSgdStepOfItsGradient) {
  // (R53): with learn_beta, one fused epoch moves beta by -lr dL/dbeta (the reference's d_beta).
  fg::RunSpec spec = fg::default_run(fg::RnnTask::da, 1);
  spec.neurons = 12;
  spec.lr = 0.02;
  spec.config.learn_beta = true;
  fg::RnnTrainer trainer(spec);
  const fg::RnnNet start = trainer.net();
  const rg::RnnGradient<real> g =
      rg::rnn_gradient(to_reference(spec.config), to_reference(start), to_reference(fg::make_batch(spec, 0)));
  trainer.epoch();
  const double expected = 10 - 0.02 * static_cast<double>(g.d_beta);
  EXPECT_NEAR(trainer.config().beta, expected, 1e-14);
  EXPECT_NE(trainer.config().beta, 10);  // it moved: the test can fail
  spec.config.readout = fg::RnnReadout::sigmoid;
  EXPECT_THROW(fg::validate(spec), learndyn::ArgumentError);  // learn_beta needs the latent readout
}

TEST(GhostRnnFast, AccuracyIsThePublicCodesScore) {
  // (R47): DA [y > 1/2] = y*; DCD/DMTS ternary at +-0.33.
  MatrixXd y(1, 4), t(1, 4);
  y << 0.2, 0.5, 0.51, 0.9;
  t << 0, 0, 1, 0;
  EXPECT_DOUBLE_EQ(fg::rnn_accuracy(fg::RnnTask::da, y, t), 0.75);
  y << -0.5, -0.33, 0.32, 0.33;
  t << -1, 0, 0, 1;
  EXPECT_DOUBLE_EQ(fg::rnn_accuracy(fg::RnnTask::dcd, y, t), 0.75);  // -0.33 binarises to -1
  y << 0.1, 0.4, 0.2, 0.9;
  t << 0, 1, 1, 1;
  EXPECT_DOUBLE_EQ(fg::rnn_accuracy(fg::RnnTask::dmts, y, t), 0.75);
}

TEST(GhostRnnFast, FusedAndGenericAccuraciesAgree) {
  // The fused kernel counts (R47) itself: the same as the generic path's outputs.
  fg::RunSpec spec = fg::default_run(fg::RnnTask::da, 1);
  spec.neurons = 20;
  spec.lr = 0.02;
  fg::RnnTrainer trainer(spec);
  const fg::RnnBatch batch = fg::make_batch(spec, 0);
  for (int e = 0; e < 300; ++e) {
    fg::RnnNet g;
    MatrixXd y;
    fg::rnn_gradient(spec.config, trainer.net(), batch, g, &y);
    trainer.epoch();
    ASSERT_EQ(trainer.last_accuracy(), fg::rnn_accuracy(spec.task, y, batch.target)) << "epoch " << e;
  }
}

TEST(GhostRnnFast, ZzReportMeasuredMargin) {
  std::cout << "largest gradient error / (R38) bound over the properties: " << worst_ratio << "\n";
  EXPECT_LT(worst_ratio, 1.0);
}

}  // namespace
