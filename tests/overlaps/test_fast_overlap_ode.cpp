// The fast overlap ODE (proofs/overlaps_fast.md §4-§5, OF12-OF18) against independent ground
// truths: the full-network SGD trajectory (linear: the exact map equals it to rounding, OF21;
// erf: the mean-field mismatch shrinks with N), central differences of its own loss (OF20),
// the flow's conservation laws (proofs/overlaps.md O33-O35), the exact relation between the map and
// Euler, and the filter task's closed form against the recursion (OF22).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include <Eigen/Dense>

#include <learndyn/common/argument_error.hpp>
#include <learndyn/common/random.hpp>
#include <learndyn/fast/overlaps/filter_closed_form.hpp>
#include <learndyn/fast/overlaps/network.hpp>
#include <learndyn/fast/overlaps/overlap_ode.hpp>
#include "support/unit_roundoff.hpp"

namespace {
namespace fo = learndyn::fast::overlaps;
using learndyn::testing::u;  // 2^-53

fo::Task sine_target_task(int batch, int steps, std::uint64_t seed) {
  learndyn::Rng rng(seed);
  fo::Task t{Eigen::MatrixXd(batch, steps), Eigen::MatrixXd(batch, steps), Eigen::MatrixXd(batch, steps)};
  for (int b = 0; b < batch; ++b)
    for (int k = 0; k < steps; ++k) {
      t.input(b, k) = rng.normal();
      t.target(b, k) = 0.5 * std::sin(0.1 * k + b);
      t.weight(b, k) = 1.0 / (batch * steps);
    }
  return t;
}

// A PSD Sigma = C^T C / n of n correlated Gaussian rows: overlaps O(1), visible ones included.
Eigen::MatrixXd random_sigma(int rank, std::uint64_t seed) {
  const int n = 2 * rank + 2, rows = 3 * n;
  learndyn::Rng rng(seed);
  Eigen::MatrixXd c(rows, n);
  for (int i = 0; i < rows; ++i)
    for (int a = 0; a < n; ++a) c(i, a) = rng.normal();
  Eigen::MatrixXd mix = Eigen::MatrixXd::Identity(n, n);
  for (int a = 0; a < n; ++a)
    for (int b = 0; b < n; ++b) mix(a, b) += 0.4 * rng.normal();
  c = c * mix;
  Eigen::MatrixXd sigma = c.transpose() * c / rows;
  return 0.5 * (sigma + sigma.transpose());
}

fo::Model model_of(int activation, int readout, int rank) {
  return {rank, 0.1, activation ? fo::Activation::erf : fo::Activation::linear,
          readout ? fo::Readout::before_update : fo::Readout::after_update};
}

TEST(OverlapsFastOde, LinearExactMapTracksFullNetworkSgdToRounding) {
  // (OF21): for linear phi the map is one SGD step for every N. The two trajectories differ
  // by rounding only: delta = 8 (N + 4T) u max|Sigma| per epoch (the gradient and Gram sums of
  // OF19), propagated to epoch K with the map's measured amplification A of a perturbation.
  struct Case {
    int neurons, rank;
    fo::Task task;
    double lr;
  };
  const std::vector<Case> cases = {{37, 1, fo::filter_task(0.05, 400), 5e-2},
                                   {300, 1, fo::filter_task(0.05, 400), 5e-2},
                                   {2000, 1, fo::filter_task(0.05, 200), 5e-2},
                                   {300, 2, sine_target_task(2, 60, 3), 2.0},
                                   {1111, 2, sine_target_task(1, 100, 4), 2.0}};
  const int epochs = 25;
  for (const Case& c : cases) {
    SCOPED_TRACE(::testing::Message() << "N " << c.neurons << " R " << c.rank);
    const fo::Model model = fo::linear_model(c.rank, 0.05);
    fo::Network net = fo::random_network(c.neurons, c.rank, 11 + c.neurons);
    Eigen::MatrixXd sigma = fo::gram(net);
    // Amplification: the map from a perturbed start.
    const int n = 2 * c.rank + 2;
    Eigen::MatrixXd perturbed = sigma;
    const double eps = 1e-7;
    for (int a = 0; a < n; ++a)
      for (int b = a; b < n; ++b) perturbed(a, b) = perturbed(b, a) = sigma(a, b) + eps * ((a * 7 + b * 3) % 5 - 2) / 2.0;
    fo::OverlapSolver solver(model, c.task);
    double worst = 0, amplification = 1, scale = sigma.cwiseAbs().maxCoeff();
    for (int k = 0; k < epochs; ++k) {
      const double ln = fo::sgd_epoch(model, c.task, c.lr, net);
      const double lm = solver.epoch(c.lr, fo::Stepper::exact_map, sigma);
      solver.epoch(c.lr, fo::Stepper::exact_map, perturbed);
      EXPECT_NEAR(ln, lm, 8.0 * (c.neurons + 4 * c.task.input.cols()) * u * (k + 1) * amplification * std::max(1.0, lm));
      amplification = std::max(amplification, (perturbed - sigma).cwiseAbs().maxCoeff() / eps);
      worst = std::max(worst, (fo::gram(net) - sigma).cwiseAbs().maxCoeff());
      scale = std::max(scale, sigma.cwiseAbs().maxCoeff());
    }
    const double delta = 8.0 * (c.neurons + 4 * c.task.input.cols()) * u * scale;
    EXPECT_LE(worst, delta * epochs * amplification) << "amplification " << amplification;
    // The run must move the overlaps (else the test could not fail).
    EXPECT_GT((sigma - fo::gram(fo::random_network(c.neurons, c.rank, 11 + c.neurons))).cwiseAbs().maxCoeff(), 1e-3);
  }
}

// dL/dsigma_ab from G: G_ab off the diagonal, G_aa / 2 on it (OF14).
double unique_gradient(const Eigen::MatrixXd& G, int a, int b) { return a == b ? G(a, a) / 2 : G(a, b); }

TEST(OverlapsFastOde, GradientMatchesCentralDifferencesOfTheOverlapLoss) {
  // (OF20): D(h) = (L(sigma + h e_ab) - L(sigma - h e_ab)) / 2h (both triangles moved) has
  // truncation c h^2 + O(h^4), estimated by |D(h) - D(2h)|/3, and rounding below
  // eps_L max|L| / h with eps_L = 16 (R + 2) T u (OF20).
  for (int activation : {0, 1})
    for (int readout : {0, 1})
      for (int rank : {1, 2}) {
        SCOPED_TRACE(::testing::Message() << "phi " << activation << " readout " << readout << " R " << rank);
        const fo::Model model = model_of(activation, readout, rank);
        const fo::Task task = sine_target_task(2, 40, 5 + rank);
        const Eigen::MatrixXd sigma = random_sigma(rank, 31 + 4 * activation + 2 * readout + rank);
        fo::OverlapSolver solver(model, task);
        Eigen::MatrixXd G;
        const double loss = solver.gradient(sigma, G);
        const int n = 2 * rank + 2;
        const double h = 1e-5, eps_loss = 16.0 * (rank + 2) * 40 * u;
        const auto at = [&](int a, int b, double t) {
          Eigen::MatrixXd s = sigma;
          s(a, b) += t;
          if (a != b) s(b, a) += t;
          return solver.loss(s);
        };
        for (int a = 0; a < n; ++a)
          for (int b = a; b < n; ++b) {
            const double d1 = (at(a, b, h) - at(a, b, -h)) / (2 * h);
            const double d2 = (at(a, b, 2 * h) - at(a, b, -2 * h)) / (4 * h);
            const double g = unique_gradient(G, a, b);
            EXPECT_LE(std::fabs(d1 - g), 2 * std::fabs(d1 - d2) / 3 + eps_loss * loss / h)
                << "(" << a << "," << b << ") FD " << d1 << " G " << g;
            // Sigma_AA is invisible; Sigma_BB too for linear phi (O12): exactly zero.
            const bool left = a <= rank && b <= rank, right = a > rank && b > rank;
            if (left || (right && activation == 0)) {
              EXPECT_EQ(g, 0.0);
            }
          }
      }
}

TEST(OverlapsFastOde, ExactMapMinusEulerIsLrSquaredGSigmaG) {
  // (I - lr G) S (I - lr G) - (S - lr (G S + S G)) = lr^2 G S G, identically.
  for (int activation : {0, 1}) {
    const fo::Model model = model_of(activation, activation, 2);
    const fo::Task task = sine_target_task(2, 30, 8);
    const Eigen::MatrixXd sigma = random_sigma(2, 9);
    fo::OverlapSolver solver(model, task);
    Eigen::MatrixXd G;
    solver.gradient(sigma, G);
    const double lr = 0.3;
    Eigen::MatrixXd map = sigma, euler = sigma;
    solver.epoch(lr, fo::Stepper::exact_map, map);
    solver.epoch(lr, fo::Stepper::euler, euler);
    const Eigen::MatrixXd expected = lr * lr * G * sigma * G;
    const double scale = (lr * G).cwiseAbs().maxCoeff() + 1;
    EXPECT_LE((map - euler - expected).cwiseAbs().maxCoeff(),
              32 * u * scale * scale * sigma.cwiseAbs().maxCoeff() * 6);
    EXPECT_GT(expected.cwiseAbs().maxCoeff(), 1e-4);  // the identity is not trivially 0 = 0
  }
}

TEST(OverlapsFastOde, Rk4EpochConvergesToTheFlowAtFourthOrder) {
  // One epoch by M RK4 substeps (rate lr/M each) against M = 64: the error of classical RK4
  // falls as M^-4, so halving the step divides it by ~16 (asserted within [10, 22]).
  const fo::Model model = fo::erf_model(1, 0.05);
  const fo::Task task = sine_target_task(1, 80, 2);
  const Eigen::MatrixXd sigma0 = random_sigma(1, 4);
  fo::OverlapSolver solver(model, task);
  const double lr = 0.05;
  const auto run = [&](int substeps) {
    Eigen::MatrixXd s = sigma0;
    for (int i = 0; i < substeps; ++i) solver.epoch(lr / substeps, fo::Stepper::rk4, s);
    return s;
  };
  const Eigen::MatrixXd fine = run(64);
  const double e1 = (run(1) - fine).cwiseAbs().maxCoeff(), e2 = (run(2) - fine).cwiseAbs().maxCoeff();
  EXPECT_GT(e1 / e2, 10.0) << e1 << " " << e2;
  EXPECT_LT(e1 / e2, 22.0) << e1 << " " << e2;
  Eigen::MatrixXd euler = sigma0;
  solver.epoch(lr, fo::Stepper::euler, euler);
  EXPECT_GT((euler - fine).cwiseAbs().maxCoeff(), 100 * e1);  // Euler is first order
}

struct Charges {
  double tr1, tr2, tr3, det, zz_mm, uu_vv;
};
Charges charges(const Eigen::MatrixXd& s) {
  Eigen::MatrixXd j = Eigen::MatrixXd::Identity(4, 4);
  j(2, 2) = j(3, 3) = -1;  // +1 on A = (z, v), -1 on B = (m, u)
  const Eigen::MatrixXd js = j * s;
  return {js.trace(), (js * js).trace(), (js * js * js).trace(), s.determinant(),
          s(0, 0) - s(2, 2), s(3, 3) - s(1, 1)};
}

TEST(OverlapsFastOde, FlowConservesTheChargesOfO33ToO35) {
  // O33-O35. Linear charges of Sigma (tr J Sigma, zz - mm for linear phi, uu - vv for
  // any phi) are conserved by every stepper built from rate evaluations, to rounding (each
  // rate has them exactly 0 up to 8 u |lr G Sigma|: < 1e-13 over 40 epochs). The nonlinear
  // ones (tr (J Sigma)^2, tr (J Sigma)^3, det Sigma) are conserved by the flow, so RK4's drift in
  // them must fall ~16x when the step is halved.
  for (int activation : {0, 1}) {
    const fo::Model model = activation ? fo::erf_model(1, 0.05) : fo::linear_model(1, 0.05);
    const fo::Task task = activation ? sine_target_task(1, 100, 6) : fo::filter_task(0.05, 400);
    const double lr = activation ? 0.5 : 0.02;
    const Eigen::MatrixXd start = fo::gram(fo::random_network(500, 1, 3));
    const Charges c0 = charges(start);
    fo::OverlapSolver solver(model, task);
    const auto run = [&](int substeps) {
      Eigen::MatrixXd s = start;
      for (int k = 0; k < 40 * substeps; ++k) solver.epoch(lr / substeps, fo::Stepper::rk4, s);
      return s;
    };
    const Eigen::MatrixXd coarse = run(1), fine = run(2);
    const Charges c1 = charges(coarse), c2 = charges(fine);
    EXPECT_GT((coarse - start).cwiseAbs().maxCoeff(), 1e-2);  // the overlaps do move
    EXPECT_NEAR(c1.uu_vv, c0.uu_vv, 1e-13);
    if (activation == 0) {
      EXPECT_NEAR(c1.tr1, c0.tr1, 1e-13);
      EXPECT_NEAR(c1.zz_mm, c0.zz_mm, 1e-13);
      for (auto member : {&Charges::tr2, &Charges::tr3, &Charges::det}) {
        const double d1 = std::fabs(c1.*member - c0.*member), d2 = std::fabs(c2.*member - c0.*member);
        EXPECT_GT(d1 / d2, 10.0) << d1 << " " << d2;
        EXPECT_LT(d1, 1e-5);
      }
    }
  }
}

TEST(OverlapsFastOde, ErfMeanFieldMismatchShrinksWithN) {
  // O9, O24: the network's population sums differ from their Gaussian averages by O(N^-1/2).
  // RMS over seeds of the largest visible-overlap mismatch after K map epochs from the
  // network's own Gram matrix: 64x more neurons must shrink it below 1/4 (expected 1/8).
  const fo::Model model = fo::erf_model(1, 0.05);
  const fo::Task task = sine_target_task(2, 80, 12);
  const int epochs = 8, seeds = 6;
  const double lr = 0.5;
  const auto mismatch = [&](int neurons) {
    double sum2 = 0;
    for (int s = 0; s < seeds; ++s) {
      fo::Network net = fo::random_network(neurons, 1, 1000 + s);
      net.V = 0.6 * net.V + 0.8 * net.U;  // a recurrence that matters
      net.z = 0.6 * net.z + 0.8 * net.m;
      Eigen::MatrixXd sigma = fo::gram(net);
      fo::OverlapSolver solver(model, task);
      for (int k = 0; k < epochs; ++k) {
        fo::sgd_epoch(model, task, lr, net, {1});  // one thread: robust on a shared machine
        solver.epoch(lr, fo::Stepper::exact_map, sigma);
      }
      const Eigen::MatrixXd diff = fo::gram(net) - sigma;
      const double visible = std::max(diff.topRightCorner(2, 2).cwiseAbs().maxCoeff(),
                                      diff.bottomRightCorner(2, 2).cwiseAbs().maxCoeff());
      sum2 += visible * visible;
    }
    return std::sqrt(sum2 / seeds);
  };
  const double small = mismatch(250), large = mismatch(16000);
  RecordProperty("mismatch_250", std::to_string(small));
  RecordProperty("mismatch_16000", std::to_string(large));
  EXPECT_LT(large, 0.25 * small) << small << " -> " << large;
  EXPECT_GT(small, 1e-6);  // a real mismatch, not rounding
}

TEST(OverlapsFastOde, FilterClosedFormMatchesTheRecursion) {
  // (OF22): closed form (OF16-OF17; term-by-term sums where OF18 applies) against the latent
  // recursion, loss and the four visible gradients, relative to the scale
  // dt sum_k (|A1| rho^k + |A2| mu^k + a q^k)^2 of the cancelling terms, within 1e-11.
  const fo::FilterSettings settings{0.05, 400, 0.2, 1.0};
  const fo::Task task = fo::filter_task(settings.dt, settings.steps, settings.decay, settings.amplitude);
  const fo::Model model = fo::linear_model(1, settings.dt);
  fo::OverlapSolver solver(model, task);
  learndyn::Rng rng(77);
  int closed = 0;
  for (int i = 0; i < 300; ++i) {
    Eigen::MatrixXd sigma = Eigen::MatrixXd::Identity(4, 4);
    const double zm = 2 * rng.uniform() - 1, zu = 2 * rng.uniform() - 1;
    const double vm = 2 * rng.uniform() - 1, vu = 2.4 * rng.uniform() - 1.5;
    sigma(0, 2) = sigma(2, 0) = zm;
    sigma(0, 3) = sigma(3, 0) = zu;
    sigma(1, 2) = sigma(2, 1) = vm;
    sigma(1, 3) = sigma(3, 1) = vu;
    const fo::FilterLoss cf = fo::filter_loss_closed_form(settings, zm, zu, vm, vu);
    const fo::OverlapGradient rec = fo::overlap_gradient(model, sigma, task);
    const double rho = 1 - settings.dt, mu = 1 - settings.dt * (1 - vu);
    const double q = std::exp(-settings.decay * settings.dt * 400 / 399);
    const double a2 = std::fabs(vu) > 1e-3 ? std::fabs(zu * vm / vu) : 0, a1 = std::fabs(zm) + a2;
    double scale = 0;
    for (int k = 0; k < 400; ++k) {
      const double t = a1 * std::pow(rho, k) + a2 * std::pow(std::fabs(mu), k) + std::pow(q, k);
      scale += settings.dt * t * t;
    }
    const double tol = 1e-11 * scale;
    EXPECT_NEAR(cf.loss, rec.loss, tol) << "vu " << vu;
    EXPECT_NEAR(cf.d_zm, rec.F(0, 0), tol * 400);
    EXPECT_NEAR(cf.d_zu, rec.F(0, 1), tol * 400);
    EXPECT_NEAR(cf.d_vm, rec.F(1, 0), tol * 400);
    EXPECT_NEAR(cf.d_vu, rec.F(1, 1), tol * 400);
    closed += std::fabs(vu) >= 1.0 / 16 && std::fabs(1 - mu * mu) >= 1.0 / 64;
  }
  EXPECT_GT(closed, 150);  // most draws exercise the closed form itself
}

TEST(OverlapsFastOde, BadInputThrowsArgumentError) {
  const fo::Model model = fo::linear_model(1, 0.05);
  const fo::Task task = fo::filter_task(0.05, 10);
  Eigen::MatrixXd sigma = Eigen::MatrixXd::Identity(4, 4);
  EXPECT_THROW(fo::overlap_loss(model, Eigen::MatrixXd::Identity(6, 6), task), learndyn::ArgumentError);
  sigma(0, 2) = 0.5;  // asymmetric
  EXPECT_THROW(fo::overlap_loss(model, sigma, task), learndyn::ArgumentError);
  sigma(2, 0) = std::nan("");
  EXPECT_THROW(fo::overlap_loss(model, sigma, task), learndyn::ArgumentError);
  Eigen::MatrixXd ok = Eigen::MatrixXd::Identity(4, 4);
  EXPECT_THROW(fo::overlap_epoch(model, task, -1, fo::Stepper::rk4, ok), learndyn::ArgumentError);
  EXPECT_THROW(fo::filter_loss_closed_form({0.05, 0, 0.2, 1}, 1, 1, 1, 1), learndyn::ArgumentError);
  EXPECT_THROW(fo::filter_task(2, 10), learndyn::ArgumentError);
}

}  // namespace
