// Invariants of the overlap flow (proofs/overlaps.md §11): loss non-increasing (O30), the
// conserved quantities of the linear flow (O31-O35) and the rescale invariant of any phi (O34)
// along the integrated flow, frozen invisibles (O36), the O(lr^2) breaking by discrete steps
// (O37), exact conservation by a simultaneous Euler step (O38), and the full-network gradient
// flow against the overlap flow (closure is exact for linear phi).
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include <Eigen/SVD>

#include <learndyn/common/ode.hpp>
#include <learndyn/common/scalar.hpp>
#include <learndyn/reference/overlaps/learning.hpp>
#include "reference_support.hpp"
#include "support/generators.hpp"

namespace {
using learndyn::real;
using learndyn::real_hi;
namespace ro = learndyn::reference::overlaps;
namespace to = learndyn::testing::overlaps;
namespace ode = learndyn::ode;

// Differences of the invariants between two overlap matrices, each relative to its natural
// scale (s = max|Sigma0|, s^2 for the quadratic trace, s^3 for the cubic one, s^n for det).
template <class Real>
struct Drift {
  Real trace, trace2, trace3, det, zz_mm, uu_vv;
};
template <class Real>
Drift<Real> drift(const ro::Matrix<Real>& s0, const ro::Matrix<Real>& s1, int rank) {
  using std::abs;
  using std::pow;
  const ro::Invariants<Real> a = ro::invariants(s0, rank), b = ro::invariants(s1, rank);
  const Real s = to::max_abs(s0);
  return {abs(a.trace_j_sigma - b.trace_j_sigma) / s, abs(a.trace_j_sigma_2 - b.trace_j_sigma_2) / (s * s),
          abs(a.trace_j_sigma_3 - b.trace_j_sigma_3) / (s * s * s),
          abs(a.det_sigma - b.det_sigma) / pow(s, Real(ro::vector_count(rank))),
          abs(a.zz_minus_mm - b.zz_minus_mm) / s, to::max_abs<Real>(a.uu_minus_vv - b.uu_minus_vv) / s};
}

template <class Real>
std::vector<Real> sample_epochs(const Real& end, int count) {
  std::vector<Real> out;
  for (int i = 1; i <= count; ++i) out.push_back(end * i / count);
  return out;
}

// A random flow problem: Sigma0 of a random full-rank network with O(1) overlaps, a random
// task, and an end time long enough for the loss to change by O(1) (lr t_end |G| ~ 1).
struct FlowCase {
  ro::Model<double> model;
  ro::Matrix<double> sigma0;
  ro::Task<double> task;
  double lr, end;
};

FlowCase random_flow_case(ro::Activation phi) {
  const int rank = *rc::gen::inRange(1, 3);
  const auto seed = *rc::gen::inRange(0, 1 << 20);
  FlowCase c;
  c.model = phi == ro::Activation::linear ? ro::linear_model(rank, 0.2) : ro::erf_model(rank, 0.2);
  c.sigma0 = to::random_sigma<double>(rank, *rc::gen::inRange(0, 3), 0.7, seed);
  c.task = to::random_task<double>(2, *rc::gen::inRange(3, 9), 0.2, seed + 1);
  c.lr = *learndyn::testing::log_uniform(-8, -2);
  const double g = to::max_abs(ro::gradient_matrix(ro::overlap_gradient(c.model, c.sigma0, c.task)));
  c.end = *learndyn::testing::uniform(0.2, 1.0) / (c.lr * g);
  return c;
}

// The adaptive run at double with tolerance 1e-12: every conserved quantity is a smooth
// function of Sigma with O(1) gradient in units of its scale (up to n for det), each accepted
// step errs by <= 1e-12 relative, and the runs take tens of steps, so the drift is
// <~ 1e-11 (measured <= 4.4e-13 over 600 runs); the bound is 1e-10.
constexpr double kFlowTol = 1e-12;
constexpr double kDriftBound = 1e-10;

ro::FlowSettings<double> adaptive(double lr) {
  return {lr, ro::FlowMethod::adaptive, ro::Preconditioner::gram, 1, {kFlowTol, kFlowTol}};
}

RC_GTEST_PROP(OverlapsInvariants, LinearFlowConservesAllItsInvariants, ()) {
  const FlowCase c = random_flow_case(ro::Activation::linear);
  const int rank = c.model.rank;
  const auto run = ro::integrate_flow(c.model, c.task, c.sigma0, adaptive(c.lr), sample_epochs(c.end, 6));
  double previous = ro::overlap_loss(c.model, c.sigma0, c.task);
  for (const auto& s : run) {
    RC_ASSERT(s.loss <= previous + 1e-10 * previous);  // (O30)
    previous = s.loss;
    const Drift<double> d = drift(c.sigma0, s.sigma, rank);
    RC_ASSERT(d.trace <= kDriftBound);   // (O33)
    RC_ASSERT(d.trace2 <= kDriftBound);
    RC_ASSERT(d.trace3 <= kDriftBound);
    RC_ASSERT(d.det <= kDriftBound);
    RC_ASSERT(d.zz_mm <= kDriftBound);   // (O35)
    RC_ASSERT(d.uu_vv <= kDriftBound);   // (O34)
  }
  RC_ASSERT(run.back().loss < ro::overlap_loss(c.model, c.sigma0, c.task));  // it did learn
}

RC_GTEST_PROP(OverlapsInvariants, ErfFlowConservesUUminusVV, ()) {
  // (O34) holds for any phi; (O30) too. The other linear invariants are not conserved here
  // (test ErfFlowBreaksTheLinearInvariants).
  const FlowCase c = random_flow_case(ro::Activation::erf);
  const auto run = ro::integrate_flow(c.model, c.task, c.sigma0, adaptive(c.lr), sample_epochs(c.end, 6));
  double previous = ro::overlap_loss(c.model, c.sigma0, c.task);
  for (const auto& s : run) {
    RC_ASSERT(s.loss <= previous + 1e-10 * previous);
    previous = s.loss;
    RC_ASSERT(drift(c.sigma0, s.sigma, c.model.rank).uu_vv <= kDriftBound);
  }
}

TEST(OverlapsInvariants, ErfFlowBreaksTheLinearInvariants) {
  // The same measurement detects non-conservation: for erf, zz - mm and det Sigma move by
  // >= 1000 times the conservation bound (O35 needs phi linear; d log det/dt =
  // -2 lr tr H != 0).
  const ro::Model<double> model = ro::erf_model(1, 0.2);
  const ro::Matrix<double> sigma0 = to::random_sigma<double>(1, 1, 0.7, 5);
  const ro::Task<double> task = to::random_task<double>(2, 8, 0.2, 6);
  const auto run = ro::integrate_flow(model, task, sigma0, adaptive(0.01), {300.0});
  const Drift<double> d = drift(sigma0, run.back().sigma, 1);
  EXPECT_GT(d.zz_mm, 1000 * kDriftBound);
  EXPECT_GT(d.det, 1000 * kDriftBound);
  EXPECT_LT(d.uu_vv, kDriftBound);
}

TEST(OverlapsInvariants, LinearInvariantsToFiftyDigitsAtTightTolerance) {
  // At 50 digits with tolerance 1e-30 the drift falls with the tolerance (bound 1e-27: the same
  // accounting as kDriftBound, with ~1000 steps; measured 1.2e-31): conservation is exact, not
  // approximate.
  const ro::Model<real> model = ro::linear_model(2, real("0.25"));
  const ro::Matrix<real> sigma0 = to::random_sigma<real>(2, 1, real("0.7"), 9);
  const ro::Task<real> task = to::random_task<real>(1, 5, model.dt, 10);
  const ro::FlowSettings<real> settings{real("0.05"), ro::FlowMethod::adaptive, ro::Preconditioner::gram, 1,
                                        {real("1e-30"), real("1e-30")}};
  const auto run = ro::integrate_flow(model, task, sigma0, settings, {real(20)});
  const Drift<real> d = drift(sigma0, run.back().sigma, 2);
  for (const real& x : {d.trace, d.trace2, d.trace3, d.det, d.zz_mm, d.uu_vv}) EXPECT_LT(x, real("1e-27"));
  EXPECT_LT(run.back().loss, ro::overlap_loss(model, sigma0, task));
}

TEST(OverlapsInvariants, ExtrapolationAndFehlbergAgreeOnTheFlow) {
  // The two adaptive integrators (O40, O43) on the same erf flow at 50 digits: both at 1e-24,
  // they agree to the accumulated tolerance (bound 1e-21 relative to max|Sigma|).
  const ro::Model<real> model = ro::erf_model(2, real("0.25"));
  const ro::Matrix<real> sigma0 = to::random_sigma<real>(2, 1, real("0.7"), 12);
  const ro::Task<real> task = to::random_task<real>(1, 5, model.dt, 13);
  ro::FlowSettings<real> settings{real("0.05"), ro::FlowMethod::adaptive, ro::Preconditioner::gram, 1,
                                  {real("1e-24"), real("1e-24")}};
  const ro::Matrix<real> rk = ro::integrate_flow(model, task, sigma0, settings, {real(10)}).back().sigma;
  settings.method = ro::FlowMethod::extrapolation;
  const ro::Matrix<real> gbs = ro::integrate_flow(model, task, sigma0, settings, {real(10)}).back().sigma;
  EXPECT_LT(to::max_abs<real>(rk - gbs), real("1e-21") * to::max_abs(rk));
  EXPECT_GT(to::max_abs<real>(rk - sigma0), real("1e-3"));  // the flow moved
}

TEST(OverlapsInvariants, InvisiblesAreMemory) {
  // (O36): a student whose visible overlaps equal the teacher's has F = 0 (and H = 0), so the
  // flow leaves every overlap, visible or invisible, exactly where it is, whatever the
  // invisible values. Teacher targets are the teacher's outputs (O11).
  for (const ro::Model<double>& model : {ro::linear_model(2, 0.2), ro::erf_model(2, 0.2)}) {
    const ro::Matrix<double> teacher = to::random_sigma<double>(2, 1, 0.7, 11);
    ro::Task<double> task = to::random_task<double>(2, 7, 0.2, 12);
    task.target = ro::overlap_outputs(model, teacher, task);
    ro::Matrix<double> student = to::random_sigma<double>(2, 1, 0.7, 13);
    student.topRightCorner(3, 3) = teacher.topRightCorner(3, 3);
    student.bottomLeftCorner(3, 3) = teacher.bottomLeftCorner(3, 3);
    if (model.activation != ro::Activation::linear)
      student.bottomRightCorner(3, 3) = teacher.bottomRightCorner(3, 3);  // Sigma_BB is visible
    const auto grad = ro::overlap_gradient(model, student, task);
    EXPECT_EQ(grad.loss, 0.0);
    EXPECT_TRUE(grad.F.isZero(0));
    EXPECT_TRUE(ro::flow_rhs(model, task, 0.1, student).isZero(0));
    // The student's Sigma_AA differs from the teacher's, and stays so.
    EXPECT_GT(to::max_abs<double>(student.topLeftCorner(3, 3) - teacher.topLeftCorner(3, 3)), 0.1);
  }
}

TEST(OverlapsInvariants, DiscreteStepsBreakTheInvariantsAtOrderLr2) {
  // (O37): with Sigma' = (I - lr G) Sigma (I - lr G), the linear invariants change by exactly
  // lr^2 I(G Sigma G): halving lr divides the change by 4 (to rounding, 1e-30 relative; the
  // change is ~1e-6 of O(1) values at 50 digits). det and the traces of powers change by
  // lr^2 c2 + lr^3 c3 + ...: the ratio is 4 (1 + O(lr |G|)), within 4 lr |G| = 4e-3 of 4
  // (measured within 2e-5).
  for (const ro::Model<real>& model : {ro::linear_model(1, real("0.2")), ro::linear_model(2, real("0.2"))}) {
    const int rank = model.rank;
    const ro::Matrix<real> sigma = to::random_sigma<real>(rank, 1, real("0.7"), 20 + rank);
    const ro::Task<real> task = to::random_task<real>(2, 6, model.dt, 22);
    const real g = to::max_abs(ro::gradient_matrix(ro::overlap_gradient(model, sigma, task)));
    const real lr = real("1e-3") / g;
    const Drift<real> big = drift(sigma, ro::discrete_map_step(model, task, lr, sigma), rank);
    const Drift<real> small = drift(sigma, ro::discrete_map_step(model, task, real(lr / 2), sigma), rank);
    for (const auto& [b, s] : {std::pair{big.trace, small.trace}, std::pair{big.zz_mm, small.zz_mm},
                               std::pair{big.uu_vv, small.uu_vv}}) {
      EXPECT_GT(b, real("1e-12"));  // it is broken...
      EXPECT_LT(abs(b / s - 4), real("1e-30"));  // ...at exactly second order
    }
    for (const auto& [b, s] : {std::pair{big.trace2, small.trace2}, std::pair{big.trace3, small.trace3},
                               std::pair{big.det, small.det}}) {
      EXPECT_GT(b, real("1e-12"));
      EXPECT_LT(abs(b / s - 4), real("4e-3"));
    }
  }
}

TEST(OverlapsInvariants, SimultaneousEulerConservesTheLinearInvariantsExactly) {
  // (O38): an Euler step adds -lr (G Sigma + Sigma G), whose linear invariants vanish: the
  // change is rounding only (1e-45), while the quadratic trace changes at O(lr^2).
  const ro::Model<real> model = ro::linear_model(2, real("0.2"));
  const ro::Matrix<real> sigma = to::random_sigma<real>(2, 1, real("0.7"), 30);
  const ro::Task<real> task = to::random_task<real>(2, 6, model.dt, 31);
  const ro::FlowSettings<real> euler{real("0.02"), ro::FlowMethod::euler};
  const auto run = ro::integrate_flow(model, task, sigma, euler, {real(10)});
  const Drift<real> d = drift(sigma, run.back().sigma, 2);
  EXPECT_LT(d.trace, real("1e-45"));
  EXPECT_LT(d.zz_mm, real("1e-45"));
  EXPECT_LT(d.uu_vv, real("1e-45"));
  EXPECT_GT(d.trace2, real("1e-10"));
}

TEST(OverlapsInvariants, FullNetworkGradientFlowIsTheOverlapFlowAndConservesK) {
  // The N-dimensional gradient flow dC/dt = -N lr dL/dC (backpropagation, no overlaps) for the
  // linear network, integrated with the same integrator: its Gram matrix follows the overlap
  // flow (O17) and its charge K is constant (O31). Both runs at tolerance 1e-12 (double).
  const int rank = 1, neurons = 5;
  const ro::Model<double> model = ro::linear_model(rank, 0.2);
  const ro::Network<double> net = ro::random_network<double>(neurons, rank, 41);
  const ro::Task<double> task = to::random_task<double>(2, 6, 0.2, 42);
  const double lr = 0.02, end = 40;
  const auto rhs = [&](double, const ode::OdeState<double>& theta) {
    const ro::Matrix<double> C = Eigen::Map<const ro::Matrix<double>>(theta.data(), neurons, 4);
    const ro::Matrix<double> grad =
        ro::columns(ro::network_gradient(model, ro::from_columns(C, rank), task).gradient);
    return ode::OdeState<double>(-neurons * lr * Eigen::Map<const ode::OdeState<double>>(grad.data(), grad.size()));
  };
  const ro::Matrix<double> C0 = ro::columns(net);
  ode::OdeState<double> theta = Eigen::Map<const ode::OdeState<double>>(C0.data(), C0.size());
  theta = ode::integrate_adaptive(rhs, theta, 0.0, end, ode::Tolerance<double>{kFlowTol, kFlowTol});
  const ro::Network<double> final_net =
      ro::from_columns(ro::Matrix<double>(Eigen::Map<const ro::Matrix<double>>(theta.data(), neurons, 4)), rank);
  const auto overlap_run = ro::integrate_flow(model, task, ro::gram(net), adaptive(lr), {end});
  const ro::Matrix<double> sigma_full = ro::gram(final_net);
  EXPECT_LT(to::max_abs<double>(sigma_full - overlap_run.back().sigma), kDriftBound * to::max_abs(sigma_full));
  EXPECT_GT(to::max_abs<double>(sigma_full - ro::gram(net)), 0.01);  // it moved
  const ro::Matrix<double> K0 = ro::charge(net);
  EXPECT_LT(to::max_abs<double>(ro::charge(final_net) - K0), kDriftBound * to::max_abs(K0));
}

TEST(OverlapsInvariants, FiveLinearRankOneInvariantsAreIndependent) {
  // O33-O35: uu - vv, zz - mm, tr (J Sigma)^2, tr (J Sigma)^3, det Sigma. Their Jacobian
  // with respect to the 10 overlaps (central differences at 100 digits, h = 1e-30) has rank 5
  // at a random point: the smallest of its 5 singular values is far from 0 (> 1e-6 of the
  // largest; differencing error ~1e-60).
  const ro::Matrix<real_hi> sigma = to::random_sigma<real_hi>(1, 1, real_hi("0.7"), 50);
  const auto pairs = ro::overlap_pairs(1, ro::OverlapOrdering::linear);
  const auto values = [](const ro::Matrix<real_hi>& s) {
    const ro::Invariants<real_hi> inv = ro::invariants(s, 1);
    return std::vector<real_hi>{inv.uu_minus_vv(0, 0), inv.zz_minus_mm, inv.trace_j_sigma_2,
                                inv.trace_j_sigma_3, inv.det_sigma};
  };
  const real_hi h("1e-30");
  ro::Matrix<real_hi> jac(5, 10);
  for (int p = 0; p < 10; ++p) {
    ro::Matrix<real_hi> plus = sigma, minus = sigma;
    const auto [a, b] = pairs[p];
    plus(a, b) += h;
    minus(a, b) -= h;
    if (a != b) {
      plus(b, a) += h;
      minus(b, a) -= h;
    }
    const auto vp = values(plus), vm = values(minus);
    for (int i = 0; i < 5; ++i) jac(i, p) = (vp[i] - vm[i]) / (2 * h);
  }
  Eigen::JacobiSVD<ro::Matrix<real_hi>> svd(jac);
  const auto& sv = svd.singularValues();
  EXPECT_GT(sv(4), real_hi("1e-6") * sv(0));
}

}  // namespace
