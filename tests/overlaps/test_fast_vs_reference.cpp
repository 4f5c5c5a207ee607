// Fast (double) against the 50-digit reference (reference/overlaps) over random valid inputs,
// with the bounds of proofs/overlaps_fast.md §6 (OF23-OF26): the overlap-space loss, dL/dsigma
// (F, H) and G, one exact-map / Euler / RK4 epoch, the full network's loss and gradient at
// small N, and the filter task's closed form.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <ostream>
#include <vector>

#include <Eigen/Eigenvalues>

#include <learndyn/common/random.hpp>
#include <learndyn/common/scalar.hpp>
#include <learndyn/fast/overlaps/filter_closed_form.hpp>
#include <learndyn/fast/overlaps/network.hpp>
#include <learndyn/fast/overlaps/overlap_ode.hpp>
#include <learndyn/reference/overlaps/learning.hpp>
#include <learndyn/reference/overlaps/network.hpp>
#include <learndyn/reference/overlaps/tasks.hpp>
#include "support/generators.hpp"
#include "support/unit_roundoff.hpp"

// RapidCheck prints counterexamples through operator<< (found by ADL).
namespace learndyn::fast::overlaps {
inline std::ostream& operator<<(std::ostream& os, Activation a) {
  return os << (a == Activation::erf ? "erf" : "linear");
}
inline std::ostream& operator<<(std::ostream& os, Readout r) {
  return os << (r == Readout::after_update ? "after_update" : "before_update");
}
inline std::ostream& operator<<(std::ostream& os, Stepper s) {
  return os << (s == Stepper::exact_map ? "exact_map" : s == Stepper::euler ? "euler" : "rk4");
}
}  // namespace learndyn::fast::overlaps

namespace {
namespace fo = learndyn::fast::overlaps;
namespace ro = learndyn::reference::overlaps;
using learndyn::real;
using learndyn::testing::uniform;
using learndyn::testing::u;  // 2^-53

// ---- conversions ----

ro::Model<real> to_reference(const fo::Model& m) {
  return {m.rank, real(m.dt),
          m.activation == fo::Activation::erf ? ro::Activation::erf : ro::Activation::linear,
          m.readout == fo::Readout::after_update ? ro::Readout::after_update
                                                 : ro::Readout::before_update};
}
ro::Task<real> to_reference(const fo::Task& t) {
  return {t.input.cast<real>(), t.target.cast<real>(), t.weight.cast<real>()};
}
ro::Network<real> to_reference(const fo::Network& n) {
  return {n.z.cast<real>(), n.m.cast<real>(), n.U.cast<real>(), n.V.cast<real>()};
}
template <class Dense>
double max_error(const Eigen::MatrixXd& fast, const Dense& ref) {
  return static_cast<double>((fast.cast<real>() - ref).cwiseAbs().maxCoeff());
}

// ---- generators (OF23: the inputs on which the bounds are stated) ----

struct Problem {
  fo::Model model;
  fo::Task task;
  Eigen::MatrixXd sigma;
};

fo::Model random_model() {
  fo::Model m;
  m.rank = *rc::gen::inRange(1, 3);
  m.dt = *uniform(0.02, 0.2);
  m.activation = *rc::gen::element(fo::Activation::linear, fo::Activation::erf);
  m.readout = *rc::gen::element(fo::Readout::after_update, fo::Readout::before_update);
  return m;
}

// Inputs N(0,1), targets N(0,1/4), weights U(0,1)/(B T): the loss is O(1).
fo::Task weighted_gaussian_task(int batch, int steps, std::uint64_t seed) {
  learndyn::Rng rng(seed);
  fo::Task t{Eigen::MatrixXd(batch, steps), Eigen::MatrixXd(batch, steps), Eigen::MatrixXd(batch, steps)};
  for (int b = 0; b < batch; ++b)
    for (int k = 0; k < steps; ++k) {
      t.input(b, k) = rng.normal();
      t.target(b, k) = 0.5 * rng.normal();
      t.weight(b, k) = rng.uniform() / (batch * steps);
    }
  return t;
}

// A PSD Sigma with O(1) overlaps whose visible block has spectral norm <= 0.9: the latent step
// (1 - dt) I + dt g M is then a contraction (g <= 1), so rounding errors do not grow (OF23).
Eigen::MatrixXd random_contractive_sigma(int rank, std::uint64_t seed) {
  const int n = 2 * rank + 2, rows = 3 * n, h = rank + 1;
  learndyn::Rng rng(seed);
  Eigen::MatrixXd c(rows, n), mix = Eigen::MatrixXd::Identity(n, n);
  for (int i = 0; i < rows; ++i)
    for (int a = 0; a < n; ++a) c(i, a) = rng.normal();
  for (int a = 0; a < n; ++a)
    for (int b = 0; b < n; ++b) mix(a, b) += 0.5 * rng.normal();
  c = c * mix;
  Eigen::MatrixXd sigma = c.transpose() * c / rows;
  sigma = (0.5 * (sigma + sigma.transpose())).eval();
  const double norm = Eigen::JacobiSVD<Eigen::MatrixXd>(sigma.topRightCorner(h, h)).singularValues()(0);
  if (norm > 0.9) sigma *= 0.9 / norm;
  return sigma;
}

Problem random_problem(int max_steps) {
  Problem p;
  p.model = random_model();
  const int batch = *rc::gen::inRange(1, 3), steps = *rc::gen::inRange(1, max_steps + 1);
  const auto seed = static_cast<std::uint64_t>(*rc::gen::inRange(0, 1 << 30));
  p.task = weighted_gaussian_task(batch, steps, seed);
  p.sigma = random_contractive_sigma(p.model.rank, seed + 1);
  RC_LOG() << "R=" << p.model.rank << " dt=" << p.model.dt << " erf="
           << (p.model.activation == fo::Activation::erf) << " before="
           << (p.model.readout == fo::Readout::before_update) << " B=" << batch << " T=" << steps
           << " seed=" << seed;
  return p;
}

// (OF23): the overlap-space quantities of these problems are O(1) and each step of the
// contractive recursion and of its adjoint adds at most 4(R+2) roundings of O(1) numbers; the
// accumulated absolute error of L, F, H after T steps is below eps_T = 2^9 (R+2) T u times
// the scale 1 + |L| + max|F| + max|H|.
double overlap_bound(const fo::Model& m, const fo::Task& t, double scale) {
  return 512.0 * (m.rank + 2) * static_cast<double>(t.input.cols()) * u * scale;
}

RC_GTEST_PROP(OverlapsFastVsReference, OverlapLossAndGradient, ()) {
  const Problem p = random_problem(60);
  const fo::OverlapGradient fast = fo::overlap_gradient(p.model, p.sigma, p.task);
  const ro::OverlapGradient<real> ref =
      ro::overlap_gradient(to_reference(p.model), Eigen::MatrixXd(p.sigma).cast<real>().eval(),
                           to_reference(p.task));
  const double scale = 1 + std::fabs(fast.loss) + fast.F.cwiseAbs().maxCoeff() + fast.H.cwiseAbs().maxCoeff();
  const double bound = overlap_bound(p.model, p.task, scale);
  RC_LOG() << std::setprecision(3) << "bound " << bound << " loss err "
           << static_cast<double>(abs(real(fast.loss) - ref.loss));
  RC_ASSERT(static_cast<double>(abs(real(fast.loss) - ref.loss)) <= bound);
  RC_ASSERT(max_error(fast.F, ref.F) <= bound);
  RC_ASSERT(max_error(fast.H, ref.H) <= bound);
  // G (OF14, O14): assembled the same way from F and H, exactly.
  const Eigen::MatrixXd G = fo::gradient_matrix(fast);
  RC_ASSERT(max_error(G, ro::gradient_matrix(ref)) <= bound);
  // The outputs too (the loss could hide compensating errors).
  const Eigen::MatrixXd y = fo::overlap_outputs(p.model, p.sigma, p.task);
  RC_ASSERT(max_error(y, ro::overlap_outputs(to_reference(p.model), Eigen::MatrixXd(p.sigma).cast<real>().eval(),
                                             to_reference(p.task))) <= bound);
}

RC_GTEST_PROP(OverlapsFastVsReference, OneEpochOfTheMapEulerAndRk4, ()) {
  // (OF24): Sigma' = Sigma + lr-linear terms in G: an error eps_G in G moves Sigma' by at most
  // 2 n lr eps_G max|Sigma| (1 + lr max|G|) per rate evaluation (4 for RK4), plus the rounding
  // of the n x n products, 8 n u (1 + lr max|G|)^2 max|Sigma|.
  const Problem p = random_problem(40);
  const double lr = *uniform(0.01, 1.0);
  const fo::Stepper stepper = *rc::gen::element(fo::Stepper::exact_map, fo::Stepper::euler, fo::Stepper::rk4);
  Eigen::MatrixXd fast = p.sigma;
  fo::OverlapSolver solver(p.model, p.task);
  Eigen::MatrixXd G;
  solver.gradient(p.sigma, G);
  solver.epoch(lr, stepper, fast);
  const ro::Model<real> model = to_reference(p.model);
  const ro::Task<real> task = to_reference(p.task);
  const ro::Matrix<real> sigma = p.sigma.cast<real>();
  ro::Matrix<real> ref;
  if (stepper == fo::Stepper::exact_map) {
    ref = ro::discrete_map_step(model, task, real(lr), sigma);
  } else if (stepper == fo::Stepper::euler) {
    ref = sigma + ro::flow_rhs(model, task, real(lr), sigma);
  } else {
    ro::FlowSettings<real> settings{real(lr)};
    settings.method = ro::FlowMethod::rk4;
    settings.steps_per_epoch = 1;
    ref = ro::integrate_flow(model, task, sigma, settings, {real(0), real(1)}).back().sigma;
  }
  const int n = 2 * p.model.rank + 2;
  const double g = G.cwiseAbs().maxCoeff(), s = p.sigma.cwiseAbs().maxCoeff();
  const double eps_g = overlap_bound(p.model, p.task, 1 + g);
  const double growth = 1 + lr * g;
  const double evaluations = stepper == fo::Stepper::rk4 ? 4 : 1;
  const double bound = evaluations * 2 * n * lr * eps_g * s * growth * growth +
                       8 * n * u * growth * growth * s * evaluations;
  RC_LOG() << "bound " << bound << " error " << max_error(fast, ref);
  RC_ASSERT(max_error(fast, ref) <= bound);
}

RC_GTEST_PROP(OverlapsFastVsReference, FullNetworkGradientAtSmallN, ()) {
  // (OF19, OF25): the fast network is a reordering of the same sums as the reference BPTT;
  // relative to the largest entry, its loss, outputs and gradient agree within
  // 8 (N + 4T) u. The networks drawn are the initialisation (O44) with v pulled towards u.
  const fo::Model model = random_model();
  const int neurons = *rc::gen::inRange(1, 41), steps = *rc::gen::inRange(1, 31);
  const int batch = *rc::gen::inRange(1, 3);
  const auto seed = static_cast<std::uint64_t>(*rc::gen::inRange(0, 1 << 30));
  fo::Network net = fo::random_network(neurons, model.rank, seed);
  net.V = 0.6 * net.V + 0.8 * net.U;
  const fo::Task task = weighted_gaussian_task(batch, steps, seed + 3);
  RC_LOG() << "N=" << neurons << " T=" << steps << " R=" << model.rank << " seed=" << seed;
  fo::Network fast;
  const double loss = fo::network_gradient(model, net, task, fast);
  const ro::NetworkGradient<real> ref =
      ro::network_gradient(to_reference(model), to_reference(net), to_reference(task));
  const double bound = 8.0 * (neurons + 4 * steps) * u;
  RC_ASSERT(static_cast<double>(abs(real(loss) - ref.loss)) <= bound * static_cast<double>(ref.loss));
  // Norm-wise over the whole gradient: one vector's gradient can vanish by cancellation (e.g.
  // dL/dm when no input reaches a scored output) and then carries only rounding noise of the
  // size of the others' terms.
  const double scale = static_cast<double>(std::max(
      {ref.gradient.z.cwiseAbs().maxCoeff(), ref.gradient.m.cwiseAbs().maxCoeff(),
       ref.gradient.U.cwiseAbs().maxCoeff(), ref.gradient.V.cwiseAbs().maxCoeff()}));
  const auto check = [&](const Eigen::MatrixXd& f, const ro::Matrix<real>& r) {
    RC_ASSERT(max_error(f, r) <= bound * scale);
  };
  check(fast.z, ref.gradient.z);
  check(fast.m, ref.gradient.m);
  check(fast.U, ref.gradient.U);
  check(fast.V, ref.gradient.V);
}

RC_GTEST_PROP(OverlapsFastVsReference, FilterClosedFormLoss, ()) {
  // (OF26): the closed form against the reference's (O26, 50 digits), |sigma_vu| >= 1/16 and
  // away from the r = 1 sums: relative to the magnitude scale of OF22, within 2^-36.
  const double zm = *uniform(-1, 1), zu = *uniform(-1, 1), vm = *uniform(-1, 1);
  const double vu = *rc::gen::element(-1, 1) * *uniform(1.0 / 16, 1.1);
  const fo::FilterSettings s{*uniform(0.02, 0.1), *rc::gen::inRange(2, 500), *uniform(0.05, 0.5), 1.0};
  const fo::FilterLoss fast = fo::filter_loss_closed_form(s, zm, zu, vm, vu);
  const real ref = ro::filter_loss_closed_form(ro::RankOneVisible<real>{real(zm), real(zu), real(vm), real(vu)},
                                               ro::FilterTarget<real>{real(s.decay)}, real(s.dt), s.steps);
  const double a2 = std::fabs(zu * vm / vu), a1 = std::fabs(zm) + a2;
  const double mu = 1 - s.dt * (1 - vu);
  const double scale = s.dt * s.steps * (a1 + a2 * std::max(1.0, std::pow(std::fabs(mu), s.steps)) + 1) *
                       (a1 + a2 * std::max(1.0, std::pow(std::fabs(mu), s.steps)) + 1);
  RC_ASSERT(static_cast<double>(abs(real(fast.loss) - ref)) <= 0x1p-36 * scale);
}

// ---- the impulse sweep (OF27-OF30) ----

// A rank-1 linear after-update problem on an impulse task (the sweep's domain): B trials, input
// N(0,1)/dt at step 0 and zero after, targets N(0,1/4), weights U(0,1)/(B T), a contractive
// Sigma as in OF23. T up to 700 covers T < 16 (one step a segment, padded lanes) and T not a
// multiple of the 16 segments.
Problem random_impulse_problem() {
  Problem p;
  p.model = fo::linear_model(1, *uniform(0.02, 0.2));
  const int batch = *rc::gen::inRange(1, 4), steps = *rc::gen::inRange(1, 701);
  const auto seed = static_cast<std::uint64_t>(*rc::gen::inRange(0, 1 << 30));
  p.task = weighted_gaussian_task(batch, steps, seed);
  p.task.input.rightCols(steps - 1).setZero();
  p.task.input.col(0) /= p.model.dt;
  p.sigma = random_contractive_sigma(1, seed + 1);
  RC_LOG() << "dt=" << p.model.dt << " B=" << batch << " T=" << steps << " seed=" << seed;
  return p;
}

RC_GTEST_PROP(OverlapsFastVsReference, ImpulseSweepMatchesTheRecursionAndTheReference, ()) {
  // (OF29): the sweep's L, y and F lie within eps_T of OF23 of the 50-digit reference, as the
  // T-step recursion's do; so the two double paths differ by at most 2 eps_T. H = 0 exactly.
  const Problem p = random_impulse_problem();
  fo::OverlapSolver sweep(p.model, p.task), steps(p.model, p.task, fo::OverlapMethod::recursion);
  RC_ASSERT(sweep.uses_impulse_sweep());
  RC_ASSERT(!steps.uses_impulse_sweep());
  const fo::OverlapGradient fast = sweep.blocks(p.sigma), rec = steps.blocks(p.sigma);
  const ro::Matrix<real> sr = p.sigma.cast<real>();
  const ro::OverlapGradient<real> ref = ro::overlap_gradient(to_reference(p.model), sr, to_reference(p.task));
  const double scale = 1 + std::fabs(fast.loss) + fast.F.cwiseAbs().maxCoeff();
  const double bound = overlap_bound(p.model, p.task, scale);
  const double loss_error = static_cast<double>(abs(real(fast.loss) - ref.loss));
  RC_LOG() << std::setprecision(3) << "bound " << bound << " loss err " << loss_error << " F err "
           << max_error(fast.F, ref.F);
  RC_ASSERT(loss_error <= bound);
  RC_ASSERT(max_error(fast.F, ref.F) <= bound);
  RC_ASSERT(fast.H.cwiseAbs().maxCoeff() == 0.0);
  RC_ASSERT(std::fabs(fast.loss - rec.loss) <= 2 * bound);
  RC_ASSERT((fast.F - rec.F).cwiseAbs().maxCoeff() <= 2 * bound);
  const Eigen::MatrixXd y = sweep.outputs(p.sigma);
  RC_ASSERT(max_error(y, ro::overlap_outputs(to_reference(p.model), sr, to_reference(p.task))) <= bound);
  RC_ASSERT((y - steps.outputs(p.sigma)).cwiseAbs().maxCoeff() <= 2 * bound);
}

RC_GTEST_PROP(OverlapsFastVsReference, ImpulseSweepLossIsResidualBasedAtZeroLoss, ()) {
  // (OF29, the trap of OF18a): with the targets the reference's own outputs rounded to double,
  // the exact loss is O(u^2). The sweep sums w_k r_k^2 of its own residuals, each within
  // delta = eps_T (outputs, OF23) + u|y_k| of zero, so L <= sum_k w_k (delta + u|y_k|)^2. A
  // closed form as a quadratic form of Gram sums would carry an error ~u sum_k w_k y_k^2 (OF18a:
  // 1e-15 at the end of the default run, where L = 2.3e-14).
  Problem p = random_impulse_problem();
  const ro::Matrix<real> sr = p.sigma.cast<real>();
  const auto exact = ro::overlap_outputs(to_reference(p.model), sr, to_reference(p.task));
  for (Eigen::Index b = 0; b < p.task.target.rows(); ++b)
    for (Eigen::Index k = 0; k < p.task.target.cols(); ++k) p.task.target(b, k) = static_cast<double>(exact(b, k));
  fo::OverlapSolver sweep(p.model, p.task);
  RC_ASSERT(sweep.uses_impulse_sweep());
  const double delta = overlap_bound(p.model, p.task, 1 + p.task.target.cwiseAbs().maxCoeff());
  const Eigen::ArrayXXd reach = delta + u * p.task.target.array().abs();
  const double bound = (p.task.weight.array() * reach.square()).sum();
  const double loss = sweep.loss(p.sigma);
  RC_LOG() << std::setprecision(3) << "loss " << loss << " bound " << bound;
  // Only the cases where the bound tells the two apart (outputs not vanishing against the
  // bound's absolute floor; most cases): a u-relative error of the Gram scale exceeds it 16x.
  const double gram_scale = (p.task.weight.array() * p.task.target.array().square()).sum();
  RC_PRE(bound < u * gram_scale / 16);
  RC_ASSERT(loss <= bound);
}

// (OF18a): near the zero-loss manifold the six closed-form terms cancel. There the fast loss
// must be as accurate as the plainest algorithm at double (the reference's latent recursion,
// the third point), whose error is the conditioning of summing O(1) residual parts: within 8x
// of it (or of 8u L). The closed form alone failed this by 1000x at the oracle's case
// overlaps.filter.zm=1.zu=0.9.vm=0.889.vu=0.8 (relative error 1.3e-9).
TEST(OverlapsFastVsReference, FilterLossNearTheZeroLossManifold) {
  const fo::FilterSettings s{0.05, 400, 0.2, 1.0};
  for (const double shrink : {1.0, 0.3, 0.1, 0.03}) {
    // From the zero-loss point (zm, vu, zu vm) = (1, vu*, 1 - vu* ...) towards the audit's case.
    const double vu0 = static_cast<double>(ro::filter_zero_loss_vu(ro::FilterTarget<real>{real("0.2")}, real("0.05"), 400));
    const double vu = vu0 + shrink * (0.8 - vu0), zm = 1.0, zu = 0.9, vm = 0.889;
    const fo::FilterLoss fast = fo::filter_loss_closed_form(s, zm, zu, vm, vu);
    Eigen::MatrixXd sigma = Eigen::MatrixXd::Identity(4, 4);
    sigma(0, 2) = sigma(2, 0) = zm;
    sigma(0, 3) = sigma(3, 0) = zu;
    sigma(1, 2) = sigma(2, 1) = vm;
    sigma(1, 3) = sigma(3, 1) = vu;
    const ro::Task<real> task_real = ro::filter_task(ro::FilterTarget<real>{real("0.2")}, real("0.05"), 400);
    const ro::Task<double> task_double = ro::filter_task(ro::FilterTarget<double>{0.2}, 0.05, 400);
    const real exact = ro::overlap_loss(ro::linear_model<real>(1, real("0.05")), ro::Matrix<real>(sigma.cast<real>()), task_real);
    const double plain = ro::overlap_loss(ro::linear_model<double>(1, 0.05), ro::Matrix<double>(sigma), task_double);
    const double fast_error = static_cast<double>(abs(real(fast.loss) - exact) / exact);
    const double plain_error = static_cast<double>(abs(real(plain) - exact) / exact);
    EXPECT_LE(fast_error, 8 * std::max(plain_error, 8 * 0x1p-53)) << "vu " << vu << " L " << fast.loss;
  }
}

}  // namespace
