// The ghost-paper RNN, reference side (proofs/ghost_rnn.md): the BPTT gradient of every
// parameter block against 50-digit central differences (R13-R19), the latent reduction (R20-R22),
// the speed Hessians (R24-R25), Newton on known fixed points and a constructed ghost (R26-R29),
// and the rank-one canonical scale with its first-order change (R31-R35).
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <vector>

#include <Eigen/LU>
#include <Eigen/SVD>

#include <learndyn/common/argument_error.hpp>
#include <learndyn/common/random.hpp>
#include <learndyn/common/scalar.hpp>
#include <learndyn/reference/ghost/rnn_bptt.hpp>
#include <learndyn/reference/ghost/rnn_dynamics.hpp>
#include <learndyn/reference/ghost/rnn_model.hpp>
#include <learndyn/reference/ghost/rnn_tasks.hpp>

namespace {
using learndyn::real;
namespace rg = learndyn::reference::ghost;
using Params = rg::RnnParams<real>;
using Config = rg::RnnConfig<real>;
using Batch = rg::RnnBatch<real>;
using Vec = rg::RnnVector<real>;
using Mat = rg::RnnMatrix<real>;

// Every scalar of the parameters, in a fixed order (for finite differences).
std::vector<real*> entries(Params& p) {
  std::vector<real*> out;
  for (auto* block : {&p.W, &p.M, &p.Nm, &p.W_in})
    for (Eigen::Index i = 0; i < block->size(); ++i) out.push_back(block->data() + i);
  for (auto* block : {&p.b, &p.w_out})
    for (Eigen::Index i = 0; i < block->size(); ++i) out.push_back(block->data() + i);
  out.push_back(&p.b_out);
  return out;
}

// A small batch with random inputs (n_in inputs), targets in [0, 1], random initial states and
// optionally noise.
Batch random_batch(int neurons, int inputs, int trials, int steps, bool noise, std::uint64_t seed) {
  learndyn::Rng rng(seed);
  Batch batch;
  for (int b = 0; b < trials; ++b) {
    Mat u(inputs, steps);
    for (Eigen::Index i = 0; i < u.size(); ++i) u.data()[i] = real(rng.normal());
    batch.input.push_back(u);
  }
  batch.target.resize(trials, steps);
  for (Eigen::Index i = 0; i < batch.target.size(); ++i) batch.target.data()[i] = real(rng.uniform());
  batch.initial.resize(neurons, trials);
  for (Eigen::Index i = 0; i < batch.initial.size(); ++i)
    batch.initial.data()[i] = real(0.8 * (2 * rng.uniform() - 1));
  if (noise) rg::set_noise(batch, neurons, real("0.1"), seed + 1);
  batch.scale = real(1) / 3;
  return batch;
}

// Gradient of every entry against the central difference (R19): |g - fd| <= 1e-25 max(1, |g|).
void expect_gradient_matches(const Config& config, Params params, const Batch& batch) {
  const rg::RnnGradient<real> g = rg::rnn_gradient(config, params, batch);
  Params grad = g.gradient;
  EXPECT_LT(abs(g.loss - rg::rnn_loss(config, params, batch)), real("1e-45"));
  const std::vector<real*> x = entries(params), dx = entries(grad);
  ASSERT_EQ(x.size(), dx.size());
  real scale = 1;
  for (real* d : dx) scale = std::max(scale, real(abs(*d)));
  const real h("1e-15");
  for (std::size_t j = 0; j < x.size(); ++j) {
    const real saved = *x[j];
    *x[j] = saved + h;
    const real up = rg::rnn_loss(config, params, batch);
    *x[j] = saved - h;
    const real down = rg::rnn_loss(config, params, batch);
    *x[j] = saved;
    const real fd = (up - down) / (2 * h);
    EXPECT_LT(abs(fd - *dx[j]), real("1e-25") * scale)
        << "entry " << j << ": bptt " << static_cast<double>(*dx[j]) << ", fd "
        << static_cast<double>(fd);
  }
}

TEST(GhostRnnGradient, RankOneLatentReadoutAfterUpdateDA) {
  Config config;  // latent readout, after the update (the public DA code)
  Params p = rg::random_params<real>(5, 1, 0, rg::RnnInit::gaussian, 11);
  p.M *= 3;  // stronger coupling than the N(0, 1/N) start: every term of (R17)-(R18) matters
  p.Nm *= 3;
  p.b = Vec::Constant(5, real("0.2"));
  rg::RnnBatch<real> batch = rg::make_task<real>(rg::RnnTaskKind::da, {0, 3, 3}, rg::LossScale::delay);
  rg::set_constant_initial(batch, 5, real("-0.3"));
  expect_gradient_matches(config, p, batch);
}

TEST(GhostRnnGradient, LatentReadoutBetaGradientMatchesFiniteDifferences) {
  // (R53): dL/dbeta = sum_k e_k sigma'_k (n.rho_k - kappa_th), against the central difference in beta.
  Config config;
  config.beta = real("3.5");
  Params p = rg::random_params<real>(5, 1, 0, rg::RnnInit::gaussian, 41);
  p.M *= 3;
  p.Nm *= 3;
  rg::RnnBatch<real> batch = rg::make_task<real>(rg::RnnTaskKind::da, {0, 3, 3}, rg::LossScale::delay);
  rg::set_constant_initial(batch, 5, real("-0.3"));
  const real g = rg::rnn_gradient(config, p, batch).d_beta;
  const real h("1e-15");
  Config up = config, down = config;
  up.beta += h;
  down.beta -= h;
  const real fd = (rg::rnn_loss(up, p, batch) - rg::rnn_loss(down, p, batch)) / (2 * h);
  EXPECT_LT(abs(fd - g), real("1e-25") * std::max(real(1), real(abs(g))));  // (R19)
  EXPECT_GT(abs(g), real("1e-4"));  // not trivially zero
}

TEST(GhostRnnGradient, FullRankSigmoidBeforeUpdateWithInputsAndNoise) {
  Config config;
  config.readout = rg::RnnReadout::sigmoid;
  config.timing = rg::ReadoutTiming::before_update;
  const Params p = rg::random_params<real>(4, 0, 2, rg::RnnInit::xavier, 12);
  expect_gradient_matches(config, p, random_batch(4, 2, 2, 5, true, 13));
}

TEST(GhostRnnGradient, RankTwoTanhReadoutAfterUpdate) {
  Config config;
  config.readout = rg::RnnReadout::tanh;
  config.alpha = real("0.3");
  const Params p = rg::random_params<real>(5, 2, 1, rg::RnnInit::xavier, 14);
  expect_gradient_matches(config, p, random_batch(5, 1, 2, 5, false, 15));
}

TEST(GhostRnnGradient, ConfidenceFixedReadout) {
  Config config;
  config.readout = rg::RnnReadout::confidence;
  config.confidence_readout = rg::ConfidenceReadout::differentiated;  // (R8a): the gradient of L
  config.confidence = real("2.5");
  config.timing = rg::ReadoutTiming::before_update;
  const Params p = rg::random_params<real>(4, 0, 1, rg::RnnInit::gaussian, 16);
  expect_gradient_matches(config, p, random_batch(4, 1, 1, 5, true, 17));
}

TEST(GhostRnnGradient, ConfidenceReadoutIsScaleInvariantInItsWeights) {
  // (R8): y depends on (w, b_out) only through their direction, so w.dL/dw + b_out dL/db_out = 0.
  Config config;
  config.readout = rg::RnnReadout::confidence;
  config.confidence_readout = rg::ConfidenceReadout::differentiated;
  const Params p = rg::random_params<real>(6, 0, 1, rg::RnnInit::gaussian, 18);
  const rg::RnnGradient<real> g = rg::rnn_gradient(config, p, random_batch(6, 1, 2, 6, false, 19));
  const real euler = p.w_out.dot(g.gradient.w_out) + p.b_out * g.gradient.b_out;
  EXPECT_LT(abs(euler), real("1e-45") * (1 + g.gradient.w_out.norm()));
  EXPECT_GT(g.gradient.w_out.norm(), real("1e-3"));  // not trivially zero
}

RC_GTEST_PROP(GhostRnnGradient, RandomNetworksMatchFiniteDifferences, ()) {
  const int neurons = *rc::gen::inRange(2, 5);
  const int rank = *rc::gen::inRange(0, 3) % (neurons + 1);
  const int readout = *rc::gen::inRange(0, 3);  // sigmoid, tanh, confidence
  Config config;
  config.readout = readout == 0 ? rg::RnnReadout::sigmoid
                   : readout == 1 ? rg::RnnReadout::tanh
                                  : rg::RnnReadout::confidence;
  config.confidence_readout = rg::ConfidenceReadout::differentiated;  // the gradient of L (R8a)
  config.timing = *rc::gen::inRange(0, 2) ? rg::ReadoutTiming::after_update
                                          : rg::ReadoutTiming::before_update;
  const std::uint64_t seed = *rc::gen::inRange(0, 1 << 30);
  const Params p = rg::random_params<real>(neurons, rank, 1, rg::RnnInit::xavier, seed);
  const Batch batch = random_batch(neurons, 1, 1, *rc::gen::inRange(1, 5), true, seed + 7);
  const rg::RnnGradient<real> g = rg::rnn_gradient(config, p, batch);
  Params q = p, grad = g.gradient;
  const std::vector<real*> x = entries(q), dx = entries(grad);
  real scale = 1;
  for (real* d : dx) scale = std::max(scale, real(abs(*d)));
  const real h("1e-15");
  for (std::size_t j = 0; j < x.size(); ++j) {
    const real saved = *x[j];
    *x[j] = saved + h;
    const real up = rg::rnn_loss(config, q, batch);
    *x[j] = saved - h;
    const real down = rg::rnn_loss(config, q, batch);
    *x[j] = saved;
    RC_ASSERT(abs((up - down) / (2 * h) - *dx[j]) < real("1e-25") * scale);
  }
}

// The loss with the confidence readout's norm frozen at that of `p` (R45): the tanh readout (R7) of
// (w, b_out) scaled by c / s0, s0 = |w(p)|_1 fixed. The projected gradient is its gradient.
real frozen_norm_loss(const Config& config, const Params& p, const Params& q, const Batch& batch) {
  Config tanh_config = config;
  tanh_config.readout = rg::RnnReadout::tanh;
  Params scaled = q;
  const real factor = config.confidence / p.w_out.template lpNorm<1>();
  scaled.w_out *= factor;
  scaled.b_out *= factor;
  return rg::rnn_loss(tanh_config, scaled, batch);
}

RC_GTEST_PROP(GhostRnnGradient, ProjectedConfidenceGradientIsTheFrozenNormGradient, ()) {
  // (R45): every block of the projected gradient against central differences of the loss with
  // |w|_1 held at its value (R19's step and bound), at any |w|_1 (projected or not).
  const int neurons = *rc::gen::inRange(2, 5);
  const int rank = *rc::gen::inRange(0, 3) % (neurons + 1);
  Config config;
  config.readout = rg::RnnReadout::confidence;
  config.confidence = *rc::gen::element(real("0.1"), real("1"), real("3"));
  config.timing = *rc::gen::inRange(0, 2) ? rg::ReadoutTiming::after_update : rg::ReadoutTiming::before_update;
  const std::uint64_t seed = *rc::gen::inRange(0, 1 << 30);
  const Params p = rg::random_params<real>(neurons, rank, 1, rg::RnnInit::xavier, seed);
  const Batch batch = random_batch(neurons, 1, 2, *rc::gen::inRange(1, 5), true, seed + 7);
  const rg::RnnGradient<real> g = rg::rnn_gradient(config, p, batch);
  RC_ASSERT(abs(g.loss - frozen_norm_loss(config, p, p, batch)) < real("1e-45"));
  Params q = p, grad = g.gradient;
  const std::vector<real*> x = entries(q), dx = entries(grad);
  real scale = 1;
  for (real* d : dx) scale = std::max(scale, real(abs(*d)));
  const real h("1e-15");
  for (std::size_t j = 0; j < x.size(); ++j) {
    const real saved = *x[j];
    *x[j] = saved + h;
    const real up = frozen_norm_loss(config, p, q, batch);
    *x[j] = saved - h;
    const real down = frozen_norm_loss(config, p, q, batch);
    *x[j] = saved;
    RC_ASSERT(abs((up - down) / (2 * h) - *dx[j]) < real("1e-25") * scale);
  }
}

TEST(GhostRnnGradient, DifferentiatedConfidenceGradientIsTheProjectedOneThroughTheNorm) {
  // (R46): grad_w(diff) = grad_w(proj) - sign(w) (w.grad_w(proj) + b_out grad_b(proj)) / |w|_1;
  // every other block (and grad_b) the same.
  Config proj;
  proj.readout = rg::RnnReadout::confidence;
  proj.confidence = real("0.5");
  Config diff = proj;
  diff.confidence_readout = rg::ConfidenceReadout::differentiated;
  const Params p = rg::random_params<real>(6, 0, 1, rg::RnnInit::xavier, 31);
  const Batch batch = random_batch(6, 1, 2, 5, true, 32);
  const Params gp = rg::rnn_gradient(proj, p, batch).gradient, gd = rg::rnn_gradient(diff, p, batch).gradient;
  const real s = p.w_out.template lpNorm<1>();
  const real radial = (p.w_out.dot(gp.w_out) + p.b_out * gp.b_out) / s;
  Vec sign(p.w_out.size());
  for (Eigen::Index i = 0; i < sign.size(); ++i) sign(i) = p.w_out(i) > 0 ? real(1) : real(-1);
  EXPECT_LT(real((gd.w_out - (gp.w_out - radial * sign)).cwiseAbs().maxCoeff()), real("1e-45"));
  EXPECT_LT(abs(gd.b_out - gp.b_out), real("1e-45"));
  EXPECT_LT(real((gd.W - gp.W).cwiseAbs().maxCoeff()), real("1e-45"));
  EXPECT_GT(abs(radial), real("1e-3"));  // the two differ: the test can fail
}

TEST(GhostRnnGradient, ProjectedStepIsThePublicCodesTanhStep) {
  // (R45): after project_confidence (|w|_1 = c), the readout is tanh(w.rho + b_out) and the
  // projected gradient is the tanh readout's (R7): what autograd gives the public code.
  Config proj;
  proj.readout = rg::RnnReadout::confidence;
  proj.confidence = real(3);
  Params p = rg::random_params<real>(5, 0, 1, rg::RnnInit::xavier, 33);
  const Batch batch = random_batch(5, 1, 2, 4, false, 34);
  const real before = rg::rnn_loss(proj, p, batch);
  rg::project_confidence(p, proj.confidence);
  EXPECT_LT(abs(p.w_out.template lpNorm<1>() - 3), real("1e-45"));
  EXPECT_LT(abs(rg::rnn_loss(proj, p, batch) - before), real("1e-45"));  // (R8) scale invariant
  Config tanh_config = proj;
  tanh_config.readout = rg::RnnReadout::tanh;
  const Params gp = rg::rnn_gradient(proj, p, batch).gradient, gt = rg::rnn_gradient(tanh_config, p, batch).gradient;
  EXPECT_LT(real((gp.w_out - gt.w_out).cwiseAbs().maxCoeff()), real("1e-45"));
  EXPECT_LT(abs(gp.b_out - gt.b_out), real("1e-45"));
  EXPECT_LT(real((gp.W - gt.W).cwiseAbs().maxCoeff()), real("1e-45"));
}

TEST(GhostRnnGradient, InitialAdjointIsTheGradientInTheInitialState) {
  Config config;
  config.readout = rg::RnnReadout::sigmoid;
  const Params p = rg::random_params<real>(4, 2, 1, rg::RnnInit::xavier, 20);
  Batch batch = random_batch(4, 1, 1, 4, false, 21);
  const Vec lambda0 = rg::rnn_gradient(config, p, batch).initial_adjoint;
  const real h("1e-15");
  for (int i = 0; i < 4; ++i) {
    Batch up = batch, down = batch;
    up.initial(i, 0) += h;
    down.initial(i, 0) -= h;
    const real fd = (rg::rnn_loss(config, p, up) - rg::rnn_loss(config, p, down)) / (2 * h);
    EXPECT_LT(abs(fd - lambda0(i)), real("1e-25"));
  }
}

// ---- optimisers (R36) ----

TEST(GhostRnnOptimiser, AdamFirstStepMovesEachParameterByTheRateTimesTheSign) {
  // Step 1: m^ = g, v^ = g^2, so the step is lr g / (|g| + 1e-8).
  Params p = rg::random_params<real>(3, 0, 0, rg::RnnInit::gaussian, 22);
  Params g = p;
  g.W *= real(-2);
  g.b = Vec::Constant(3, real("0.5"));
  g.w_out *= 3;
  g.b_out = real("-0.25");
  rg::AdamState<real> state = rg::adam_start(p);
  const Params before = p;
  rg::adam_update(p, g, state, real("0.01"));
  for (Eigen::Index i = 0; i < p.W.size(); ++i) {
    const real gi = g.W.data()[i];
    const real expected = before.W.data()[i] - real("0.01") * gi / (abs(gi) + real("1e-8"));
    EXPECT_LT(abs(p.W.data()[i] - expected), real("1e-45"));
  }
  EXPECT_LT(abs(p.b_out - (before.b_out + real("0.01") * real("0.25") / (real("0.25") + real("1e-8")))),
            real("1e-45"));
  const Params s = rg::sgd_update(before, g, real("0.1"));
  EXPECT_LT(Mat(s.W - (before.W - real("0.1") * g.W)).cwiseAbs().maxCoeff(), real("1e-48"));
}

// ---- tasks (R10-R12) ----

TEST(GhostRnnTasks, TargetsAndInputsFollowThePaper) {
  const Batch da = rg::make_task<real>(rg::RnnTaskKind::da, rg::default_timings(rg::RnnTaskKind::da),
                                       rg::LossScale::delay);
  ASSERT_EQ(da.target.cols(), 40);
  EXPECT_EQ(da.target(0, 19), 0);
  EXPECT_EQ(da.target(0, 20), 1);
  EXPECT_EQ(da.scale, real(1) / 20);
  const Batch dcd = rg::make_task<real>(rg::RnnTaskKind::dcd, rg::default_timings(rg::RnnTaskKind::dcd),
                                        rg::LossScale::mean);
  ASSERT_EQ(dcd.target.rows(), 2);
  ASSERT_EQ(dcd.target.cols(), 22);
  EXPECT_EQ(dcd.input[1](0, 1), -1);
  EXPECT_EQ(dcd.input[1](0, 2), 0);
  EXPECT_EQ(dcd.target(1, 11), 0);
  EXPECT_EQ(dcd.target(1, 12), -1);
  EXPECT_EQ(dcd.scale, real(1) / 44);
  const Batch dmts = rg::make_task<real>(rg::RnnTaskKind::dmts,
                                         rg::default_timings(rg::RnnTaskKind::dmts), rg::LossScale::mean);
  ASSERT_EQ(dmts.target.rows(), 4);
  ASSERT_EQ(dmts.target.cols(), 38);
  for (int b = 0; b < 4; ++b) {
    const bool match = dmts.input[b](0, 0) == dmts.input[b](0, 22);
    EXPECT_EQ(dmts.target(b, 37), match ? 1 : 0);
    EXPECT_EQ(dmts.target(b, 27), 0);
    EXPECT_EQ(dmts.input[b](0, 28), 0);
  }
  EXPECT_THROW(rg::make_task<real>(rg::RnnTaskKind::dcd, {0, 10, 10}, rg::LossScale::mean),
               learndyn::ArgumentError);
}

TEST(GhostRnnModel, BadInputIsAnArgumentError) {
  Config config;  // latent readout needs rank one
  const Params p = rg::random_params<real>(4, 2, 0, rg::RnnInit::gaussian, 1);
  Batch batch = rg::make_task<real>(rg::RnnTaskKind::da, {0, 2, 2}, rg::LossScale::delay);
  rg::set_constant_initial(batch, 4, real("-0.3"));
  EXPECT_THROW(rg::rnn_loss(config, p, batch), learndyn::ArgumentError);
  config.readout = rg::RnnReadout::sigmoid;
  config.alpha = real("1.5");
  EXPECT_THROW(rg::rnn_loss(config, p, batch), learndyn::ArgumentError);
  EXPECT_THROW(rg::random_params<real>(3, 4, 0, rg::RnnInit::gaussian, 1), learndyn::ArgumentError);
}

// ---- latent reduction (R20-R22) ----

TEST(GhostRnnLatent, LatentMapReproducesTheFullNetworkForInputsOutsideSpanM) {
  Config config;
  config.readout = rg::RnnReadout::sigmoid;
  const int neurons = 7;
  const Params p = rg::random_params<real>(neurons, 2, 3, rg::RnnInit::xavier, 30);
  // Three inputs with random weights: W_in has components outside span(M) (checked below).
  const Mat proj = p.M * (p.M.transpose() * p.M).inverse() * p.M.transpose();
  ASSERT_GT(Mat(p.W_in - proj * p.W_in).norm(), real("0.1"));
  const Batch batch = random_batch(neurons, 3, 2, 12, true, 31);
  for (int b = 0; b < 2; ++b) {
    const Mat r = rg::rnn_states(config, p, batch, b);
    const Mat kappa = rg::latent_trajectory(config, p, batch, b);
    EXPECT_LT(Mat(kappa - p.Nm.transpose() * r).cwiseAbs().maxCoeff(), real("1e-45"));  // (R20)
    const Mat rebuilt = rg::states_from_latent(config, p, batch, b, kappa);
    EXPECT_LT(Mat(rebuilt - r).cwiseAbs().maxCoeff(), real("1e-45"));  // (R22)
  }
}

TEST(GhostRnnLatent, PopulationReadoutIsLatentOnlyForWeightsInSpanN) {
  // (R21): w = Nm c gives w.r = c.kappa exactly; a generic w does not.
  Config config;
  config.readout = rg::RnnReadout::sigmoid;
  Params p = rg::random_params<real>(6, 2, 1, rg::RnnInit::xavier, 32);
  Vec c(2);
  c << real("0.7"), real("-1.3");
  p.w_out = p.Nm * c;
  const Batch batch = random_batch(6, 1, 1, 8, false, 33);
  const Mat r = rg::rnn_states(config, p, batch, 0);
  const Mat kappa = rg::latent_trajectory(config, p, batch, 0);
  EXPECT_LT(Vec(r.transpose() * p.w_out - kappa.transpose() * c).cwiseAbs().maxCoeff(), real("1e-45"));
}

// ---- speed (R23-R25) ----

TEST(GhostRnnSpeed, HessiansMatchFiniteDifferencesOfTheGradient) {
  const Params full = rg::random_params<real>(5, 0, 0, rg::RnnInit::xavier, 40);
  learndyn::Rng rng(41);
  Vec r(5);
  for (int i = 0; i < 5; ++i) r(i) = real(rng.normal() * 0.5);
  const Mat H = rg::speed_hessian(full, r);
  const real h("1e-20");
  for (int j = 0; j < 5; ++j) {
    Vec up = r, down = r;
    up(j) += h;
    down(j) -= h;
    const Vec fd = (rg::speed_gradient(full, up) - rg::speed_gradient(full, down)) / (2 * h);
    EXPECT_LT(Vec(fd - H.col(j)).cwiseAbs().maxCoeff(), real("1e-30"));
  }
  // Latent (R25): against differences of J_F^T F.
  const Params low = rg::random_params<real>(6, 2, 0, rg::RnnInit::xavier, 42);
  Vec k(2);
  k << real("0.3"), real("-0.4");
  const Mat HL = rg::latent_speed_hessian(low, k);
  const auto grad = [&](const Vec& x) {
    return Vec(rg::latent_jacobian(low, x).transpose() * rg::latent_flow(low, x));
  };
  for (int j = 0; j < 2; ++j) {
    Vec up = k, down = k;
    up(j) += h;
    down(j) -= h;
    EXPECT_LT(Vec((grad(up) - grad(down)) / (2 * h) - HL.col(j)).cwiseAbs().maxCoeff(), real("1e-30"));
  }
}

// A network built to have the fixed point r*: b = atanh(r*) - W r*.
TEST(GhostRnnSpeed, NewtonFindsAKnownFixedPoint) {
  Params p = rg::random_params<real>(6, 0, 0, rg::RnnInit::gaussian, 50);
  learndyn::Rng rng(51);
  Vec star(6), start(6);
  for (int i = 0; i < 6; ++i) {
    star(i) = real(0.8 * (2 * rng.uniform() - 1));
    start(i) = star(i) + real(0.05 * rng.normal());
  }
  p.b = star.unaryExpr([](const real& x) { return real(atanh(x)); }) - p.W * star;
  const auto options = rg::default_search_options<real>();
  const rg::SpeedMinimum<real> m = rg::minimise_speed(p, start, rg::SearchSpace::full, options);
  ASSERT_TRUE(m.converged);
  EXPECT_LT(Vec(m.point - star).cwiseAbs().maxCoeff(), real("1e-40"));
  const rg::DynamicalObject<real> o = rg::classify(p, m, rg::SearchSpace::full, options);
  EXPECT_EQ(o.kind, rg::PointKind::fixed_point);
  // The same at double precision, through the search over several starts.
  rg::RnnParams<double> pd;
  pd.rank = 0;
  pd.W = p.W.cast<double>();
  pd.b = p.b.cast<double>();
  Eigen::MatrixXd starts(6, 3);
  for (int j = 0; j < 3; ++j)
    for (int i = 0; i < 6; ++i) starts(i, j) = static_cast<double>(star(i)) + 0.03 * rng.normal();
  const auto found = rg::find_objects(pd, starts, rg::default_search_options<double>());
  ASSERT_GE(found.size(), 1u);
  EXPECT_EQ(found[0].kind, rg::PointKind::fixed_point);
  EXPECT_LT((found[0].state - star.cast<double>()).cwiseAbs().maxCoeff(), 1e-12);
}

// ---- a constructed full-space ghost (R26-R28) ----

// A full-rank network (N = 5) whose flow has a ghost at a known state r*. Unit 0 excites itself
// only: f_0 = -r_0 + tanh(2 r_0 + b_0), whose local minimum is where 2 sech^2 = 1 with tanh = -1/sqrt2
// (f_0'' = 2^2 tanh'' = -8 t (1 - t^2) = 2 sqrt2 > 0), at r_0 = x_g = -1/sqrt2 - delta when
// b_0 = sqrt2 - acosh(sqrt2) + 2 delta, where f_0 = delta. Units i >= 1 are driven by unit 0
// (W_i0 = a_i) and by themselves (W_ii = w_i); b_i = atanh(r*_i) - w_i r*_i - a_i x_g puts them at
// rest (f_i = 0) at r*. So f(r*) = delta e_0, row 0 of J is zero (J = -I + D W is lower
// triangular with diagonal f_0'(x_g) = 0 and -1 + w_i (1 - r*_i^2)), J^T f = 0 (a critical point
// of q, R23), and grad^2 q = J^T J + delta f_0'' e_0 e_0^T is positive definite (J^T J is PSD with
// the 1-d null space of J, spanned by v with v_0 = 1, on which the second term is delta 2 sqrt2 > 0).
// Hence r* is a ghost in the sense of (R28): q = delta^2/2 > 0, one eigenvalue 0, the others
// -1 + w_i (1 - r*_i^2) < 0 for |w_i| < 1. The canonical reduction (R40) along v, with the left
// null vector l = e_0 (l.v = 1): a = l.f = delta, b = l.d2f[v,v]/2 = f_0''/2 = sqrt2: eps = sqrt2 delta.
// transverse_w1 != 0 replaces w_1 (and r*_1 = 0.1): with w_1 = 2 unit 1 sits at its unstable rest
// point (J eigenvalue -1 + 2 (1 - 0.01) = +0.98): still a strict minimum of q with q > 0, but not
// transversally stable, so a slow point, not a ghost.
struct FullGhost {
  Params params;
  Vec state;                 // r*
  std::vector<real> lambda;  // the eigenvalues of J(r*) other than 0, closed form
};

FullGhost constructed_full_ghost(const real& delta, const real& transverse_w1 = real(0)) {
  const int n = 5;
  learndyn::Rng rng(70);
  FullGhost g;
  Params& p = g.params;
  p.rank = 0;
  p.W = Mat::Zero(n, n);
  p.b = Vec::Zero(n);
  p.W_in = Mat::Zero(n, 0);
  p.w_out = Vec::Zero(n);
  g.state = Vec::Zero(n);
  const real x_g = -1 / sqrt(real(2)) - delta;
  p.W(0, 0) = 2;
  p.b(0) = sqrt(real(2)) - acosh(sqrt(real(2))) + 2 * delta;
  g.state(0) = x_g;
  for (int i = 1; i < n; ++i) {
    real w = real(0.8 * rng.uniform() - 0.4);
    const real a = real(rng.normal());
    real r = real(0.8 * (2 * rng.uniform() - 1));
    if (i == 1 && transverse_w1 != 0) {
      w = transverse_w1;
      r = real("0.1");
    }
    p.W(i, i) = w;
    p.W(i, 0) = a;
    p.b(i) = atanh(r) - w * r - a * x_g;
    g.state(i) = r;
    g.lambda.push_back(-1 + w * (1 - r * r));
  }
  return g;
}

// Starts around r*: r* + 0.05 z per coordinate.
template <class Real>
rg::RnnMatrix<Real> starts_near(const Vec& state, int count, std::uint64_t seed) {
  learndyn::Rng rng(seed);
  rg::RnnMatrix<Real> starts(state.size(), count);
  for (int j = 0; j < count; ++j)
    for (Eigen::Index i = 0; i < state.size(); ++i)
      starts(i, j) = Real(static_cast<double>(state(i)) + 0.05 * rng.normal());
  return starts;
}

TEST(GhostRnnSpeed, FullSpaceSearchClassifiesAConstructedGhost) {
  const real delta("0.01");
  const FullGhost g = constructed_full_ghost(delta);
  // Closed form at r* (exact to rounding): f = delta e_0, J^T f = 0.
  EXPECT_LT(Vec(rg::flow(g.params, g.state) - delta * Vec::Unit(5, 0)).cwiseAbs().maxCoeff(), real("1e-45"));
  EXPECT_LT(rg::speed_gradient(g.params, g.state).cwiseAbs().maxCoeff(), real("1e-45"));
  // 50 digits: Newton from a perturbed start. Near a minimum with q* > 0 the search stops where
  // q's rounding hides its decrease (R26): |r - r*| ~ sqrt(u q* / lambda_min(grad^2 q)) ~ 1e-26 at
  // u = 1e-50, q* = 5e-5 and lambda_min ~ delta f_0'' ~ 3e-2 (the ghost direction); 1e-20 leaves
  // a margin of 1e6, as the latent ghost test (ConstructedGhostHasTheClosedFormScale) does.
  const auto options = rg::default_search_options<real>();
  const rg::SpeedMinimum<real> m =
      rg::minimise_speed(g.params, Vec(starts_near<real>(g.state, 1, 71).col(0)), rg::SearchSpace::full, options);
  ASSERT_TRUE(m.converged);
  EXPECT_LT(Vec(m.point - g.state).cwiseAbs().maxCoeff(), real("1e-20"));
  const rg::DynamicalObject<real> o = rg::classify(g.params, m, rg::SearchSpace::full, options);
  EXPECT_EQ(o.kind, rg::PointKind::ghost);
  EXPECT_LT(abs(o.speed - delta * delta / 2), real("1e-40"));
  ASSERT_EQ(o.eigenvalues.size(), 5u);
  EXPECT_LT(std::abs(o.eigenvalues[0]), 1e-12);  // the zero mode, computed in double (R28)
  std::vector<double> expected, got;
  for (const real& l : g.lambda) expected.push_back(static_cast<double>(l));
  for (std::size_t i = 1; i < 5; ++i) {
    EXPECT_LT(std::abs(o.eigenvalues[i].imag()), 1e-12);  // triangular J: real spectrum
    got.push_back(o.eigenvalues[i].real());
  }
  std::sort(expected.begin(), expected.end());
  std::sort(got.begin(), got.end());
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_LT(got[i], 0);
    EXPECT_NEAR(got[i], expected[i], 1e-12);
  }
}

TEST(GhostRnnSpeed, FullSpaceGhostAtDoubleHasTheCanonicalScaleOfItsReduction) {
  // The CLI's path: find_objects at double from several starts (R26-R28).
  const real delta("0.01");
  const FullGhost g = constructed_full_ghost(delta);
  rg::RnnParams<double> p;
  p.rank = 0;
  p.W = g.params.W.cast<double>();
  p.b = g.params.b.cast<double>();
  const Eigen::VectorXd star = g.state.cast<double>();
  const auto found = rg::find_objects(p, starts_near<double>(g.state, 6, 72), rg::default_search_options<double>());
  const rg::DynamicalObject<double>* ghost = nullptr;
  for (const auto& o : found)
    if (o.kind == rg::PointKind::ghost) ghost = &o;
  ASSERT_NE(ghost, nullptr);
  // Position: sqrt(u q*/lambda_min) ~ 6e-10 at u = 1.1e-16 (R26); 1e-7 leaves a margin of 100.
  EXPECT_LT((ghost->state - star).cwiseAbs().maxCoeff(), 1e-7);
  EXPECT_NEAR(ghost->speed, 0.5e-4, 1e-10);  // q* = delta^2/2 (relative error ~ the position's)
  // The reduction (R40) from the numerical J: left and right null vectors l, v (the singular
  // vectors of the smallest singular value), a = l.f / (l.v), b = l.d2f[v,v] / (2 l.v) with
  // d2f[v,v]_i = tanh''(h_i) (W v)_i^2; eps = a b = sqrt2 delta (closed form above). The null
  // vectors carry the position's error times |grad J| ~ 1: 1e-6 relative.
  const Eigen::VectorXd h = p.W * ghost->state + p.b;
  const Eigen::VectorXd t = h.array().tanh();
  const Eigen::MatrixXd J =
      (Eigen::VectorXd::Ones(5) - t.cwiseProduct(t)).asDiagonal() * p.W - Eigen::MatrixXd::Identity(5, 5);
  const Eigen::JacobiSVD<Eigen::MatrixXd> svd(J, Eigen::ComputeFullU | Eigen::ComputeFullV);
  const Eigen::VectorXd l = svd.matrixU().col(4), v = svd.matrixV().col(4);
  const Eigen::VectorXd f = t - ghost->state;
  const Eigen::VectorXd Wv = p.W * v;
  const Eigen::VectorXd d2f = (-2 * t.array() * (1 - t.array().square()) * Wv.array().square()).matrix();
  const double lv = l.dot(v);
  const double eps = (l.dot(f) / lv) * (l.dot(d2f) / (2 * lv));
  EXPECT_NEAR(eps, std::sqrt(2.0) * 0.01, 1e-6 * std::sqrt(2.0) * 0.01);
  EXPECT_GT(eps, 0);
}

TEST(GhostRnnSpeed, FullSpaceControlsPastTheSaddleNodeAndWithAnUnstableDirection) {
  const auto options = rg::default_search_options<double>();
  const auto to_double = [](const Params& q) {
    rg::RnnParams<double> p;
    p.rank = 0;
    p.W = q.W.cast<double>();
    p.b = q.b.cast<double>();
    return p;
  };
  // delta < 0: f_0 has two zeros near x_g (eps = sqrt2 delta < 0, R33), so the starts find fixed
  // points and (between them) at most a saddle of q: no ghost.
  const FullGhost past = constructed_full_ghost(real("-0.01"));
  const auto found = rg::find_objects(to_double(past.params), starts_near<double>(past.state, 6, 73), options);
  long fixed = 0;
  for (const auto& o : found) {
    EXPECT_NE(o.kind, rg::PointKind::ghost);
    fixed += o.kind == rg::PointKind::fixed_point;
  }
  EXPECT_GE(fixed, 1);
  // A transversally unstable direction: the same speed minimum is a slow point (R28).
  const FullGhost slow = constructed_full_ghost(real("0.01"), real(2));
  EXPECT_GT(slow.lambda[0], 0);
  const rg::SpeedMinimum<double> m = rg::minimise_speed(
      to_double(slow.params), Eigen::VectorXd(starts_near<double>(slow.state, 1, 74).col(0)),
      rg::SearchSpace::full, options);
  ASSERT_TRUE(m.converged);
  ASSERT_LT((m.point - slow.state.cast<double>()).cwiseAbs().maxCoeff(), 1e-7);
  const auto o = rg::classify(to_double(slow.params), m, rg::SearchSpace::full, options);
  EXPECT_EQ(o.kind, rg::PointKind::slow_point);
}

// ---- the rank-one ghost (R29-R35) ----

// f(kappa) = -kappa + 2 tanh(kappa) + c: a local minimum at kappa_g = -acosh(sqrt 2) with
// f(kappa_g) = c - (sqrt2 - acosh sqrt2) and f''(kappa_g) = +sqrt 2 (R31: 1 = 2 sech^2, t = -1/sqrt2,
// f'' = -4 t (1 - t^2)). Unit 2 has m = 0 and supplies the constant c = n_2 tanh(1); unit 3 is
// disconnected (n = 0). For c above the critical value the flow is positive at kappa_g: a ghost
// that trajectories from the left pass on their way to the one fixed point on the right.
Params constructed_ghost(const real& c) {
  Params p;
  p.rank = 1;
  p.M = Mat::Zero(3, 1);
  p.Nm = Mat::Zero(3, 1);
  p.M(0, 0) = 1;
  p.Nm(0, 0) = 2;
  p.Nm(1, 0) = c / tanh(real(1));
  p.M(2, 0) = real("0.7");
  p.b = Vec::Zero(3);
  p.b(1) = 1;
  p.b(2) = real("0.3");
  p.W_in = Mat::Zero(3, 0);
  p.w_out = Vec::Zero(3);
  return p;
}

real ghost_location() { return -acosh(sqrt(real(2))); }
real critical_value() { return sqrt(real(2)) - acosh(sqrt(real(2))); }  // -f(kappa_g) at c = 0

TEST(GhostRnnCanonicalScale, ConstructedGhostHasTheClosedFormScale) {
  const real delta("0.01");
  const Params p = constructed_ghost(critical_value() + delta);  // f(kappa_g) = +delta
  const auto critical = rg::rank_one_critical_points(p, real(0), 2001);
  ASSERT_EQ(critical.size(), 2u);  // the local minimum and maximum of f
  const rg::CanonicalScale<real>& g = critical[0];
  EXPECT_LT(abs(g.kappa - ghost_location()), real("1e-45"));
  EXPECT_LT(abs(g.derivatives.f - delta), real("1e-45"));
  EXPECT_LT(abs(g.derivatives.f2 - sqrt(real(2))), real("1e-45"));
  EXPECT_LT(abs(g.eps - delta / sqrt(real(2))), real("1e-45"));  // (R32): eps = delta/sqrt2 > 0
  EXPECT_EQ(rg::rank_one_fixed_points(p, real(0), 2001).size(), 1u);  // one fixed point only
  // The latent search (R29) sees the stable fixed point and the ghost.
  const auto objects = rg::find_latent_objects(p, Vec(), 801, rg::default_search_options<real>());
  ASSERT_EQ(objects.size(), 2u);
  EXPECT_EQ(objects[0].kind, rg::PointKind::fixed_point);
  EXPECT_TRUE(objects[0].stable);
  EXPECT_EQ(objects[1].kind, rg::PointKind::ghost);
  EXPECT_LT(abs(objects[1].latent(0) - ghost_location()), real("1e-20"));
  // Past the saddle-node (c lowered by 2 delta): eps < 0 and two more fixed points (R33).
  const Params q = constructed_ghost(critical_value() - delta);
  EXPECT_LT(rg::rank_one_critical_points(q, real(0), 2001)[0].eps, 0);
  EXPECT_EQ(rg::rank_one_fixed_points(q, real(0), 2001).size(), 3u);
}

// A generic rank-one network near the constructed ghost.
Params perturbed_ghost(std::uint64_t seed) {
  Params p = constructed_ghost(critical_value() + real("0.02"));
  learndyn::Rng rng(seed);
  for (int i = 0; i < 3; ++i) {
    p.M(i, 0) += real(0.02 * rng.normal());
    p.Nm(i, 0) += real(0.02 * rng.normal());
    p.b(i) += real(0.02 * rng.normal());
  }
  return p;
}

TEST(GhostRnnCanonicalScale, GradientMatchesFiniteDifferences) {
  Params p = perturbed_ghost(60);
  const rg::CanonicalScale<real> g = rg::canonical_scale_near(p, ghost_location());
  const rg::ScaleGradient<real> d = rg::canonical_scale_gradient(p, g);
  const real h("1e-15");
  const auto eps_at = [&](const Params& q) { return rg::canonical_scale_near(q, g.kappa).eps; };
  for (int i = 0; i < 3; ++i) {
    for (auto [block, grad] : {std::pair{&Params::M, &d.d_m}, std::pair{&Params::Nm, &d.d_n}}) {
      Params up = p, down = p;
      (up.*block)(i, 0) += h;
      (down.*block)(i, 0) -= h;
      EXPECT_LT(abs((eps_at(up) - eps_at(down)) / (2 * h) - (*grad)(i)), real("1e-25"));
    }
    Params up = p, down = p;
    up.b(i) += h;
    down.b(i) -= h;
    EXPECT_LT(abs((eps_at(up) - eps_at(down)) / (2 * h) - d.d_b(i)), real("1e-25"));
  }
}

TEST(GhostRnnCanonicalScale, LinearPredictionOfAnSgdStepHasAQuadraticRemainder) {
  // Eq. 35: Delta eps = -lr grad(eps).grad(L) + O(lr^2), for the DA loss's gradient.
  // A wider ghost (f(kappa_g) = 0.2: passage ~ 14 steps) and a start left of it, so that the
  // output rises inside the DA window and the loss has a gradient.
  Params p = constructed_ghost(critical_value() + real("0.2"));
  p.M(2, 0) += real("0.05");
  p.Nm(2, 0) = real("0.1");
  Config config;
  rg::RnnBatch<real> batch = rg::make_task<real>(rg::RnnTaskKind::da, {0, 10, 10}, rg::LossScale::delay);
  rg::set_constant_initial(batch, 3, real("-0.5"));
  const rg::RnnGradient<real> gl = rg::rnn_gradient(config, p, batch);
  const rg::CanonicalScale<real> g = rg::canonical_scale_near(p, ghost_location());
  const rg::ScaleGradient<real> d = rg::canonical_scale_gradient(p, g);
  const real slope = d.d_m.dot(gl.gradient.M.col(0)) + d.d_n.dot(gl.gradient.Nm.col(0)) +
                     d.d_b.dot(gl.gradient.b);
  ASSERT_GT(abs(slope), real("1e-6"));
  std::vector<real> remainder;
  for (const char* lr : {"1e-3", "1e-4", "1e-5"}) {
    const Params next = rg::sgd_update(p, gl.gradient, real(lr));
    const real actual = rg::canonical_scale_near(next, g.kappa).eps - g.eps;
    const real predicted = -real(lr) * slope;
    EXPECT_LT(abs(actual - predicted), real("0.01") * abs(predicted));  // small steps: linear
    remainder.push_back(abs(actual - predicted));
  }
  for (std::size_t j = 1; j < remainder.size(); ++j) {
    const real ratio = remainder[j] / remainder[j - 1];  // O(lr^2): about 1/100 per decade
    EXPECT_GT(ratio, real("0.008"));
    EXPECT_LT(ratio, real("0.012"));
  }
}

}  // namespace
