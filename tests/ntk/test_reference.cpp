// The NTK reference against independent ground truths (proofs/ntk.md §6): NTK_S = P K P* and
// K = sum_k B_k (V_k V_k^T (x) I) B_k* to 40 digits against the forward-mode dense Jacobian
// (N33, N34); forward mode against 50-digit central differences; adjointness (N35); Neumann
// exactness (N3, N4); small-Gram identities (N19-N21); reductions (N22, N24); the
// tempting simplifications that fail (N38).
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cmath>

#include <learndyn/common/random.hpp>
#include <learndyn/common/scalar.hpp>
#include <learndyn/reference/ntk/attention.hpp>
#include <learndyn/reference/ntk/model.hpp>
#include <learndyn/reference/ntk/operators.hpp>

namespace {
using learndyn::real;
namespace nt = learndyn::reference::ntk;
using M = nt::Matrix<real>;
using V = nt::Vector<real>;

const real kDigits40 = real("1e-40");

struct Case {
  nt::Model<real> model;
  nt::Inputs<real> inputs;
  nt::Linearization<real> lin;
  Eigen::Index size() const { return nt::forward(model, inputs).size(); }
};

Case make_case(nt::ModelKind kind, int n, int n_in, int batch, int steps, const real& alpha,
               bool bias, std::uint64_t seed) {
  const nt::Shape shape{kind, n, n_in, bias};
  Case c{nt::random_model<real>(shape, alpha, real(1.5), seed),
         nt::random_inputs<real>(shape, batch, steps, seed + 1), {}};
  if (seed % 2 == 0) {  // a non-zero initial state half of the time
    c.inputs.h0 = M(batch, n);
    for (int b = 0; b < batch; ++b)
      for (int i = 0; i < n; ++i) c.inputs.h0(b, i) = real(b - i) / 5;
  }
  c.lin = nt::linearize(c.model, c.inputs);
  return c;
}

rc::Gen<Case> random_case() {
  return rc::gen::map(
      rc::gen::tuple(rc::gen::inRange(0, 3), rc::gen::inRange(1, 5), rc::gen::inRange(1, 4),
                     rc::gen::inRange(1, 4), rc::gen::inRange(1, 6), rc::gen::inRange(1, 5),
                     rc::gen::arbitrary<bool>(), rc::gen::inRange(0, 1 << 20)),
      [](const std::tuple<int, int, int, int, int, int, bool, int>& p) {
        const auto [kind, n, n_in, batch, steps, alpha_q, bias, seed] = p;
        return make_case(static_cast<nt::ModelKind>(kind), n, n_in, batch, steps,
                         real(alpha_q) / 4, bias, static_cast<std::uint64_t>(seed));
      });
}

// max |a - b| / max |b|: entrywise error relative to the matrix's scale (N34).
real relative_error(const M& a, const M& b) {
  return (a - b).cwiseAbs().maxCoeff() / b.cwiseAbs().maxCoeff();
}

V random_vector(Eigen::Index size, std::uint64_t seed) {
  learndyn::Rng rng(seed);
  V v(size);
  for (Eigen::Index k = 0; k < size; ++k) v(k) = real(rng.normal());
  return v;
}

nt::Operator<real> ntk_of(const nt::Linearization<real>& lin) {
  return [&lin](const V& q) { return nt::apply_ntk(lin, q); };
}

}  // namespace

// (N9, N34): the dense NTK from P K P* equals M M^T with M = dh/dtheta by forward mode (N33).
RC_GTEST_PROP(NtkReference, NtkIsPKPstarTo40Digits, ()) {
  const Case c = *random_case();
  const M jac = nt::state_jacobian_forward_mode(c.model, c.inputs);
  const M expected = jac * jac.transpose();
  const M ntk = nt::dense(ntk_of(c.lin), c.size());
  RC_ASSERT(relative_error(ntk, expected) <= kDigits40);
}

// (N11, N34): the Kronecker core equals G G^T with G = df/dtheta at fixed previous states.
RC_GTEST_PROP(NtkReference, KroneckerCoreIsGGtTo40Digits, ()) {
  const Case c = *random_case();
  const M g = nt::one_step_parameter_jacobian(c.model, c.inputs);
  const M k = nt::dense<real>([&](const V& q) { return nt::apply_k(c.lin, q); }, c.size());
  RC_ASSERT(relative_error(k, M(g * g.transpose())) <= kDigits40);
}

// (N8): dh/dtheta = P G, column by column.
RC_GTEST_PROP(NtkReference, StateJacobianIsPTimesG, ()) {
  const Case c = *random_case();
  const M g = nt::one_step_parameter_jacobian(c.model, c.inputs);
  const M jac = nt::state_jacobian_forward_mode(c.model, c.inputs);
  M pg(g.rows(), g.cols());
  for (Eigen::Index k = 0; k < g.cols(); ++k) pg.col(k) = nt::apply_p(c.lin, V(g.col(k)));
  RC_ASSERT(relative_error(pg, jac) <= kDigits40);
}

// (N33): forward mode against central differences at 50 digits, step 1e-20: truncation
// ~1e-40, rounding ~1e-30, so 1e-25 relative leaves a wide margin yet catches any wrong term.
TEST(NtkReference, ForwardModeMatchesFiniteDifferences) {
  for (int kind = 0; kind < 3; ++kind) {
    const Case c = make_case(static_cast<nt::ModelKind>(kind), 3, 2, 2, 4, real(3) / 4, true, 7);
    const M fm = nt::state_jacobian_forward_mode(c.model, c.inputs);
    const M fd = nt::state_jacobian_finite_differences(c.model, c.inputs, real("1e-20"));
    EXPECT_LT(relative_error(fd, fm), real("1e-25")) << "kind " << kind;
  }
}

// (N35): <A q, p> = <q, A* p> for S, P, K, NTK and the Fisher.
RC_GTEST_PROP(NtkReference, AdjointsAreAdjoint, ()) {
  using std::abs;
  const Case c = *random_case();
  const V q = random_vector(c.size(), 11), p = random_vector(c.size(), 12);
  const auto check = [&](const V& aq, const V& astar_p, const V& x, const V& y) {
    const real lhs = aq.dot(y), rhs = x.dot(astar_p);
    RC_ASSERT(abs(lhs - rhs) <= kDigits40 * (aq.norm() * y.norm() + x.norm() * astar_p.norm()));
  };
  check(nt::apply_s(c.lin, q), nt::apply_s_adjoint(c.lin, p), q, p);
  check(nt::apply_p(c.lin, q), nt::apply_p_adjoint(c.lin, p), q, p);
  check(nt::apply_k(c.lin, q), nt::apply_k(c.lin, p), q, p);
  check(nt::apply_ntk(c.lin, q), nt::apply_ntk(c.lin, p), q, p);
  const M g = nt::one_step_parameter_jacobian(c.model, c.inputs);
  const V u = random_vector(g.cols(), 13), w = random_vector(g.cols(), 14);
  check(nt::apply_fisher(c.lin, g, u), nt::apply_fisher(c.lin, g, w), u, w);
}

// (N7): a backward sweep with J_t^T q_{t+1} instead of J_{t+1}^T q_{t+1} is not the adjoint of
// S, so the adjointness check must reject it (a negative control: the check can fail). It is
// built from our S* on a linearisation whose factors are shifted one step later in time.
TEST(NtkReference, AdjointWithJacobianOneStepEarlyFailsAdjointness) {
  using std::abs;
  const Case c = make_case(nt::ModelKind::gru, 3, 2, 1, 4, real(1), true, 3);
  nt::Linearization<real> shifted = c.lin;  // row t holds J_{t-1}
  const auto shift = [&](M& m) {
    for (Eigen::Index t = m.rows() - 1; t >= 1; --t) m.row(t) = m.row(t - 1);
  };
  shift(shifted.c);
  shift(shifted.right);
  for (M& l : shifted.left) shift(l);
  const V q = random_vector(c.size(), 1), p = random_vector(c.size(), 2);
  const real ours = nt::apply_s(c.lin, q).dot(p) - q.dot(nt::apply_s_adjoint(c.lin, p));
  const real early = nt::apply_s(c.lin, q).dot(p) - q.dot(nt::apply_s_adjoint(shifted, p));
  EXPECT_LT(abs(ours), kDigits40);
  EXPECT_GT(abs(early), real("1e-3"));
}

// (N3, N4): S^T = 0 and P = sum_{k<T} S^k.
RC_GTEST_PROP(NtkReference, NeumannSeriesIsExact, ()) {
  const Case c = *random_case();
  const V q = random_vector(c.size(), 5);
  V term = q, sum = V::Zero(q.size());
  for (int k = 0; k < c.inputs.steps; ++k) {
    sum += term;
    term = nt::apply_s(c.lin, term);
  }
  RC_ASSERT(term.cwiseAbs().maxCoeff() == 0);  // S^T q = 0 exactly
  RC_ASSERT((sum - nt::apply_p(c.lin, q)).cwiseAbs().maxCoeff() <= kDigits40 * sum.norm());
}

// (N19, N20, N24): the additive RNN's core is alpha^2 C (x) I_n, C = V V^T.
TEST(NtkReference, SmallGramIdentitiesOfThePureKroneckerCore) {
  using std::abs;
  const Case c = make_case(nt::ModelKind::rnn_rate, 3, 2, 2, 3, real(1) / 2, true, 21);
  const int n = 3, batch = 2, steps = 3;
  const M k = nt::dense<real>([&](const V& q) { return nt::apply_k(c.lin, q); }, c.size());
  const M& v = c.lin.sites[0].v;
  const real a2 = c.model.alpha * c.model.alpha;
  const M gram = v.transpose() * v;
  const nt::ExactMetrics<real> mk = nt::exact_metrics(k), mg = nt::exact_metrics(gram);
  EXPECT_LT(abs(mk.trace - a2 * n * v.squaredNorm()) / mk.trace, kDigits40);
  EXPECT_LT(abs(mk.frobenius * mk.frobenius - a2 * a2 * n * gram.squaredNorm()) /
                (mk.frobenius * mk.frobenius), kDigits40);
  EXPECT_LT(abs(mk.participation_ratio - n * mg.participation_ratio), kDigits40 * n);  // (N20)
  // (N24): reducing H gives alpha^2 C; reducing (B, T) gives alpha^2 (1^T C 1)/(BT) I_n.
  const M c_mat = v * v.transpose();
  EXPECT_LT(relative_error(nt::reduce_dense(k, batch, steps, n, {true, true, false}), M(a2 * c_mat)),
            kDigits40);
  const M expected_h = a2 * c_mat.sum() / (batch * steps) * M::Identity(n, n);
  EXPECT_LT(relative_error(nt::reduce_dense(k, batch, steps, n, nt::kSpatial), expected_h), kDigits40);
  // (1^T C 1) I_n without the 1/(BT) of the reduction is off by the factor BT = 6 (N38.2).
  EXPECT_GT(relative_error(nt::reduce_dense(k, batch, steps, n, nt::kSpatial),
                           M(a2 * c_mat.sum() * M::Identity(n, n))), real("0.5"));
}

// (N21): tr K and ||K||_F^2 from the sites, for every model (diagonal gains).
RC_GTEST_PROP(NtkReference, SiteTraceAndFrobeniusMatchDense, ()) {
  using std::abs;
  const Case c = *random_case();
  const M k = nt::dense<real>([&](const V& q) { return nt::apply_k(c.lin, q); }, c.size());
  RC_ASSERT(abs(nt::core_trace(c.lin) - k.trace()) <= kDigits40 * k.trace());
  RC_ASSERT(abs(nt::core_frobenius_squared(c.lin) - k.squaredNorm()) <= kDigits40 * k.squaredNorm());
}

// (N22): reductions by matvecs on broadcast vectors equal the dense reductions; they are
// symmetric PSD; the Fisher has the NTK's trace and Frobenius norm (N10).
RC_GTEST_PROP(NtkReference, ReductionsAndFisher, ()) {
  using std::abs;
  const Case c = *random_case();
  const M ntk = nt::dense(ntk_of(c.lin), c.size());
  const int batch = c.inputs.batch, steps = c.inputs.steps, n = c.model.shape.hidden;
  for (const nt::Axes keep : {nt::kTemporal, nt::kSpatial, nt::kBatch, nt::Axes{true, true, false}}) {
    const M by_matvec = nt::reduce_operator(ntk_of(c.lin), batch, steps, n, keep);
    const M by_dense = nt::reduce_dense(ntk, batch, steps, n, keep);
    RC_ASSERT(relative_error(by_matvec, by_dense) <= kDigits40);
    RC_ASSERT(relative_error(M(by_dense.transpose()), by_dense) <= kDigits40);
    RC_ASSERT(nt::exact_metrics(by_dense).eigenvalues.back() >= -kDigits40 * by_dense.norm());
  }
  const M g = nt::one_step_parameter_jacobian(c.model, c.inputs);
  const M fisher = nt::dense<real>([&](const V& v) { return nt::apply_fisher(c.lin, g, v); }, g.cols());
  RC_ASSERT(abs(fisher.trace() - ntk.trace()) <= kDigits40 * ntk.trace());
  RC_ASSERT(abs(fisher.squaredNorm() - ntk.squaredNorm()) <= kDigits40 * ntk.squaredNorm());
}

// (N38.1): the GRU core is four sites; one site V = [H, X, 1] with one gain per gate (the
// n gate's input gain for its whole site) is not G G^T.
TEST(NtkReference, GruCoreIsFourSitesNotOne) {
  const Case c = make_case(nt::ModelKind::gru, 3, 2, 2, 3, real(1), true, 5);
  const M g = nt::one_step_parameter_jacobian(c.model, c.inputs);
  const M expected = g * g.transpose();
  nt::Linearization<real> merged = c.lin;
  merged.sites = {c.lin.sites[0], c.lin.sites[1], {c.lin.joint, c.lin.sites[2].gain}};
  const auto dense_k = [&](const nt::Linearization<real>& lin) {
    return nt::dense<real>([&](const V& q) { return nt::apply_k(lin, q); }, c.size());
  };
  EXPECT_LT(relative_error(dense_k(c.lin), expected), kDigits40);
  EXPECT_GT(relative_error(dense_k(merged), expected), real("1e-3"));
}

// (N25): PR of A in [1, rank A]; kpflow's PR of AA* is a different number.
TEST(NtkReference, ParticipationRatioConventions) {
  const Case c = make_case(nt::ModelKind::rnn_vanilla, 3, 1, 2, 4, real(1), false, 9);
  const nt::ExactMetrics<real> m = nt::exact_metrics(nt::dense(ntk_of(c.lin), c.size()));
  real sum = 0, sum2 = 0, sum4 = 0;
  for (const real& l : m.eigenvalues) {
    sum += l;
    sum2 += l * l;
    sum4 += l * l * l * l;
  }
  EXPECT_LT(abs(m.participation_ratio - sum * sum / sum2), real("1e-35"));
  EXPECT_LT(abs(m.participation_ratio_aastar - sum2 * sum2 / sum4), real("1e-35"));
  EXPECT_GE(m.participation_ratio, 1);
  EXPECT_LE(m.participation_ratio, real(c.size()));
  EXPECT_GT(abs(m.participation_ratio - m.participation_ratio_aastar), real("1e-3"));
}

// ---- single-block self-attention + MLP (N41-N44) --------------------------------------------

namespace {
struct AttentionCase {
  nt::AttentionModel<real> model;
  M x;
  int batch, steps;
};
rc::Gen<AttentionCase> random_attention_case() {
  return rc::gen::map(
      rc::gen::tuple(rc::gen::inRange(1, 4), rc::gen::inRange(1, 3), rc::gen::inRange(1, 4),
                     rc::gen::inRange(1, 3), rc::gen::inRange(1, 3), rc::gen::inRange(1, 5),
                     rc::gen::inRange(0, 1 << 20)),
      [](const std::tuple<int, int, int, int, int, int, int>& p) {
        const auto [di, da, dh, dout, batch, steps, seed] = p;
        const nt::AttentionShape shape{di, da, dh, dout};
        AttentionCase c{nt::random_attention<real>(shape, seed), M(batch * steps, di), batch, steps};
        learndyn::Rng rng(seed + 1);
        for (Eigen::Index k = 0; k < c.x.size(); ++k) c.x(k) = real(rng.normal());
        return c;
      });
}
}  // namespace

// (N42-N44): NTK_S = P K P* of the global attention state against forward mode, to 40 digits.
RC_GTEST_PROP(NtkAttention, NtkIsPKPstarTo40Digits, ()) {
  const AttentionCase c = *random_attention_case();
  const nt::AttentionNtk<real> ntk(c.model, c.x, c.batch, c.steps);
  const M jac = nt::attention_jacobian_forward_mode(c.model, c.x, c.batch, c.steps);
  const M dense = nt::dense<real>([&](const V& q) { return ntk.apply_ntk(q); }, ntk.dimension());
  RC_ASSERT(relative_error(dense, M(jac * jac.transpose())) <= kDigits40);
}

// (N43): the block Kronecker core is G G^T, G = df/dtheta at the fixed states.
RC_GTEST_PROP(NtkAttention, KroneckerCoreIsGGt, ()) {
  const AttentionCase c = *random_attention_case();
  const nt::AttentionNtk<real> ntk(c.model, c.x, c.batch, c.steps);
  const M g = nt::attention_parameter_jacobian(c.model, c.x, c.batch, c.steps);
  const M k = nt::dense<real>([&](const V& q) { return ntk.apply_k(q); }, ntk.dimension());
  RC_ASSERT(relative_error(k, M(g * g.transpose())) <= kDigits40);
}

// (N35, N42): S and P of the attention block are adjoint to S*, P*; S^4 = 0.
RC_GTEST_PROP(NtkAttention, AdjointsAndNilpotency, ()) {
  using std::abs;
  const AttentionCase c = *random_attention_case();
  const nt::AttentionNtk<real> ntk(c.model, c.x, c.batch, c.steps);
  const V q = random_vector(ntk.dimension(), 3), p = random_vector(ntk.dimension(), 4);
  const V sq = ntk.apply_s(q), ssp = ntk.apply_s_adjoint(p);
  RC_ASSERT(abs(sq.dot(p) - q.dot(ssp)) <= kDigits40 * (sq.norm() * p.norm() + q.norm() * ssp.norm()));
  const V pq = ntk.apply_p(q), psp = ntk.apply_p_adjoint(p);
  RC_ASSERT(abs(pq.dot(p) - q.dot(psp)) <= kDigits40 * (pq.norm() * p.norm() + q.norm() * psp.norm()));
  RC_ASSERT(ntk.apply_s(ntk.apply_s(ntk.apply_s(ntk.apply_s(q)))).cwiseAbs().maxCoeff() == 0);
}
