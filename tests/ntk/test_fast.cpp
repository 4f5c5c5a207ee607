// The fast NTK against the reference (proofs/ntk.md N36) on both kernel builds, its thread
// determinism, and the estimators against exact values (N28-N32, N37).
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include <Eigen/Eigenvalues>

#include "support/normal_block.hpp"
#include <learndyn/common/scalar.hpp>
#include <learndyn/fast/ntk/estimators.hpp>
#include <learndyn/fast/ntk/operators.hpp>
#include <learndyn/fast/ntk/parameters.hpp>
#include <learndyn/oracle/to_reference.hpp>
#include <learndyn/reference/ntk/model.hpp>
#include <learndyn/reference/ntk/operators.hpp>

namespace {
namespace fn = learndyn::fast::ntk;
namespace rn = learndyn::reference::ntk;
using learndyn::real;

struct Sizes {
  int kind, n, n_in, batch, steps, alpha_quarters;
  bool bias;
  int seed;
};

rc::Gen<Sizes> random_sizes() {
  return rc::gen::map(
      rc::gen::tuple(rc::gen::inRange(0, 3), rc::gen::inRange(1, 6), rc::gen::inRange(1, 4),
                     rc::gen::inRange(1, 5), rc::gen::inRange(1, 7), rc::gen::inRange(1, 5),
                     rc::gen::arbitrary<bool>(), rc::gen::inRange(0, 1 << 20)),
      [](const std::tuple<int, int, int, int, int, int, bool, int>& t) {
        const auto [kind, n, n_in, batch, steps, aq, bias, seed] = t;
        return Sizes{kind, n, n_in, batch, steps, aq, bias, seed};
      });
}

fn::Shape fast_shape(const Sizes& s) {
  return {static_cast<fn::ModelKind>(s.kind), s.n, s.n_in, s.bias};
}

// The reference model and inputs holding exactly the fast path's doubles.
template <class Real>
rn::Model<Real> reference_model(const fn::Model& m) {
  return learndyn::oracle::to_reference<Real>(m);
}
template <class Real>
rn::Inputs<Real> reference_inputs(const fn::Inputs& in, int n_in) {
  return learndyn::oracle::to_reference<Real>(in, n_in);
}

// The majorant linearisation of (N36): every factor replaced by its absolute value, and every
// gain array g by |g| + sigma, sigma = 1 + max|g| + max_j ||W_j||_inf + max|theta|: a computed
// gain carries an absolute error ~u times the magnitudes of the terms of its formula, which
// cancel (1 - tanh^2 at saturation, h - nu, 1 - sigma); those magnitudes are at most
// max(alpha, 1, |h| + |nu|, |a_nh| <= ||W_hn||_inf max|h| + |b|) with |h| <= 1 here (h0 = 0).
rn::Linearization<double> absolute(rn::Linearization<double> lin, double max_theta) {
  double scale = 1 + max_theta;
  for (const auto& w : lin.w) scale += w.cwiseAbs().rowwise().sum().maxCoeff();
  const auto slack = [scale](const rn::Matrix<double>& g) {
    return rn::Matrix<double>((g.cwiseAbs().array() + g.cwiseAbs().maxCoeff() + scale).matrix());
  };
  lin.c = slack(lin.c);
  lin.right = slack(lin.right);
  for (auto& l : lin.left) l = slack(l);
  for (auto& w : lin.w) w = w.cwiseAbs();
  for (auto& s : lin.sites) {
    s.v = s.v.cwiseAbs();
    s.gain = slack(s.gain);
  }
  return lin;
}

using learndyn::testing::normal_block;

// The dense matrix of a fast operator (identity block through it).
Eigen::MatrixXd dense_of(const fn::SymmetricOperator& a) {
  Eigen::MatrixXd id = Eigen::MatrixXd::Identity(a.dimension, a.dimension), out(a.dimension, a.dimension);
  a.apply(id.data(), out.data(), static_cast<int>(a.dimension));
  return out;
}

fn::SymmetricOperator ntk_operator(const fn::Ntk& ntk) {
  return {ntk.dimension(), [&ntk](const double* in, double* out, int m) { ntk.apply_ntk(in, out, m); }};
}

}  // namespace

// (N36): P, P*, K and NTK_S of the fast path (both kernel builds) against the 50-digit
// reference, componentwise: |fast - exact| <= 64 T (k n + d) u |A|' |q|, |A|' the majorant.
RC_GTEST_PROP(NtkFast, MatchesReferenceWithinTheMajorantBound, ()) {
  const Sizes s = *random_sizes();
  RC_LOG() << "kind " << s.kind << " n " << s.n << " n_in " << s.n_in << " B " << s.batch << " T "
           << s.steps << " alpha " << s.alpha_quarters << "/4 bias " << s.bias << " seed " << s.seed;
  const fn::Shape shape = fast_shape(s);
  const fn::Model model = fn::random_model(shape, s.alpha_quarters / 4.0, 1.5, s.seed);
  const fn::Inputs inputs = fn::random_inputs(shape, s.batch, s.steps, s.seed + 1);
  const auto ref_lin = rn::linearize(reference_model<real>(model), reference_inputs<real>(inputs, s.n_in));
  double max_theta = 0;
  for (double v : model.theta) max_theta = std::max(max_theta, std::fabs(v));
  const auto abs_lin = absolute(rn::linearize(reference_model<double>(model), reference_inputs<double>(inputs, s.n_in)),
                                max_theta);
  const int m = 3;
  const std::vector<double> q = normal_block(std::ptrdiff_t(s.batch) * s.steps * s.n, m, s.seed + 2);
  const std::ptrdiff_t dim = std::ptrdiff_t(s.batch) * s.steps * s.n;
  const int k = fn::gate_count(shape), d = s.n + s.n_in + 1;
  const double u = std::numeric_limits<double>::epsilon() / 2;
  const double factor = 64.0 * s.steps * (k * s.n + d) * u;
  using Apply = void (fn::Ntk::*)(const double*, double*, int) const;
  using RefApply = rn::Vector<real> (*)(const rn::Linearization<real>&, const rn::Vector<real>&);
  using AbsApply = rn::Vector<double> (*)(const rn::Linearization<double>&, const rn::Vector<double>&);
  const struct {
    Apply fast;
    RefApply ref;
    AbsApply majorant;
  } ops[] = {{&fn::Ntk::apply_p, &rn::apply_p<real>, &rn::apply_p<double>},
             {&fn::Ntk::apply_p_adjoint, &rn::apply_p_adjoint<real>, &rn::apply_p_adjoint<double>},
             {&fn::Ntk::apply_k, &rn::apply_k<real>, &rn::apply_k<double>},
             {&fn::Ntk::apply_ntk, &rn::apply_ntk<real>, &rn::apply_ntk<double>}};
  double worst = 0;  // error / bound of this case, tabulated by decade
  for (const bool generic : {false, true}) {
    const fn::Ntk ntk(model, inputs, {2, generic});
    for (const auto& op : ops) {
      std::vector<double> out(q.size());
      (ntk.*op.fast)(q.data(), out.data(), m);
      for (int p = 0; p < m; ++p) {
        rn::Vector<real> qr(dim);
        rn::Vector<double> qa(dim);
        for (std::ptrdiff_t e = 0; e < dim; ++e) {
          qr(e) = real(q[p * dim + e]);
          qa(e) = std::fabs(q[p * dim + e]);
        }
        const rn::Vector<real> exact = op.ref(ref_lin, qr);
        const rn::Vector<double> bound = op.majorant(abs_lin, qa);
        for (std::ptrdiff_t e = 0; e < dim; ++e) {
          const double err = std::fabs(out[p * dim + e] - static_cast<double>(exact(e)));
          worst = std::max(worst, err / (factor * bound(e)));
          if (err > factor * bound(e))
            RC_LOG() << "op " << (&op - ops) << " generic " << generic << " probe " << p << " e " << e
                     << " exact " << static_cast<double>(exact(e)) << " fast " << out[p * dim + e] << "\n";
          RC_ASSERT(err <= factor * bound(e));
        }
      }
    }
  }
  RC_TAG(worst < 1e-3 ? "error/bound < 1e-3" : worst < 1e-2 ? "error/bound < 1e-2" : "error/bound < 1");
}

// The majorants of G and G^T (N49): the site variables |V|, the slack gains of `absolute`
// (abs_lin), |v| or |q|, each PyTorch bias once.
rn::Vector<double> majorant_g(const rn::Linearization<double>& abs_lin, const fn::Shape& s,
                              const std::vector<double>& v) {
  const int n = s.hidden, rows_g = fn::gate_count(s) * n;
  const Eigen::Index rows = abs_lin.c.rows();
  const std::ptrdiff_t hh = std::ptrdiff_t(rows_g) * s.inputs, b_ih = hh + std::ptrdiff_t(rows_g) * n, b_hh = b_ih + rows_g;
  rn::Vector<double> out = rn::Vector<double>::Zero(rows * n);
  for (std::size_t k = 0; k < abs_lin.sites.size(); ++k) {
    const fn::SiteBlock blk = fn::site_block(s, int(k));
    const auto& site = abs_lin.sites[k];
    for (Eigen::Index r = 0; r < rows; ++r)
      for (int i = 0; i < n; ++i) {
        double acc = (blk.b_ih ? std::fabs(v[b_ih + blk.row0 + i]) : 0.0) + (blk.b_hh ? std::fabs(v[b_hh + blk.row0 + i]) : 0.0);
        if (blk.h_col >= 0)
          for (int j = 0; j < n; ++j) acc += site.v(r, blk.h_col + j) * std::fabs(v[hh + (blk.row0 + i) * n + j]);
        if (blk.x_col >= 0)
          for (int j = 0; j < s.inputs; ++j) acc += site.v(r, blk.x_col + j) * std::fabs(v[(blk.row0 + i) * s.inputs + j]);
        out(r * n + i) += site.gain(r, i) * acc;
      }
  }
  return out;
}
std::vector<double> majorant_g_adjoint(const rn::Linearization<double>& abs_lin, const fn::Shape& s,
                                       const rn::Vector<double>& q) {
  const int n = s.hidden, rows_g = fn::gate_count(s) * n;
  const Eigen::Index rows = abs_lin.c.rows();
  const std::ptrdiff_t hh = std::ptrdiff_t(rows_g) * s.inputs, b_ih = hh + std::ptrdiff_t(rows_g) * n, b_hh = b_ih + rows_g;
  std::vector<double> out(std::size_t(fn::parameter_count(s)), 0.0);
  for (std::size_t k = 0; k < abs_lin.sites.size(); ++k) {
    const fn::SiteBlock blk = fn::site_block(s, int(k));
    const auto& site = abs_lin.sites[k];
    for (Eigen::Index r = 0; r < rows; ++r)
      for (int i = 0; i < n; ++i) {
        const double w = site.gain(r, i) * std::fabs(q(r * n + i));
        if (blk.b_ih) out[b_ih + blk.row0 + i] += w;
        if (blk.b_hh) out[b_hh + blk.row0 + i] += w;
        if (blk.h_col >= 0)
          for (int j = 0; j < n; ++j) out[hh + (blk.row0 + i) * n + j] += w * site.v(r, blk.h_col + j);
        if (blk.x_col >= 0)
          for (int j = 0; j < s.inputs; ++j) out[(blk.row0 + i) * s.inputs + j] += w * site.v(r, blk.x_col + j);
      }
  }
  return out;
}

// (N49, N10): G v, G^T q and the state Fisher F v = G^T P* P G v of the fast path against the
// 50-digit reference, whose G is df/dtheta by dual numbers (one_step_parameter_jacobian, N33)
// and whose F is the reference apply_fisher: componentwise within 64 L u times the majorant,
// L = d + 2 for G, B T + 1 for G^T, 2 T (k n + d) + B T + d + 3 for F.
RC_GTEST_PROP(NtkFast, ParameterMapsAndFisherMatchTheReference, ()) {
  const Sizes s = *random_sizes();
  RC_LOG() << "kind " << s.kind << " n " << s.n << " n_in " << s.n_in << " B " << s.batch << " T "
           << s.steps << " bias " << s.bias << " seed " << s.seed;
  const fn::Shape shape = fast_shape(s);
  const fn::Model model = fn::random_model(shape, s.alpha_quarters / 4.0, 1.5, s.seed);
  const fn::Inputs inputs = fn::random_inputs(shape, s.batch, s.steps, s.seed + 1);
  const rn::Model<real> ref_model = reference_model<real>(model);
  const rn::Inputs<real> ref_inputs = reference_inputs<real>(inputs, s.n_in);
  const auto ref_lin = rn::linearize(ref_model, ref_inputs);
  const rn::Matrix<real> g = rn::one_step_parameter_jacobian(ref_model, ref_inputs);
  double max_theta = 0;
  for (double v : model.theta) max_theta = std::max(max_theta, std::fabs(v));
  const auto abs_lin = absolute(rn::linearize(reference_model<double>(model), reference_inputs<double>(inputs, s.n_in)),
                                max_theta);
  const std::ptrdiff_t dim = std::ptrdiff_t(s.batch) * s.steps * s.n, p = fn::parameter_count(shape);
  const std::vector<double> v = normal_block(p, 1, s.seed + 3), q = normal_block(dim, 1, s.seed + 4);
  rn::Vector<real> vr(p), qr(dim);
  rn::Vector<double> q_abs(dim);
  for (std::ptrdiff_t e = 0; e < p; ++e) vr(e) = real(v[e]);
  for (std::ptrdiff_t e = 0; e < dim; ++e) {
    qr(e) = real(q[e]);
    q_abs(e) = std::fabs(q[e]);
  }
  std::vector<double> v_abs(v.size());
  for (std::size_t e = 0; e < v.size(); ++e) v_abs[e] = std::fabs(v[e]);
  const int k = fn::gate_count(shape), d = s.n + s.n_in + 1;
  const double u = std::numeric_limits<double>::epsilon() / 2;
  const auto check = [](const std::vector<double>& fast, const rn::Vector<real>& exact, const auto& bound,
                        double factor, const char* what) {
    for (std::size_t e = 0; e < fast.size(); ++e) {
      const double err = std::fabs(fast[e] - static_cast<double>(exact(Eigen::Index(e))));
      if (err > factor * bound[e]) RC_LOG() << what << " e " << e << " err " << err << " bound " << factor * bound[e];
      RC_ASSERT(err <= factor * bound[e]);
    }
  };
  for (const bool generic : {false, true}) {
    const fn::Ntk ntk(model, inputs, {2, generic});
    const rn::Vector<double> gv_bound = majorant_g(abs_lin, shape, v_abs);
    check(fn::apply_g(ntk, shape, v), g * vr, gv_bound, 64.0 * (d + 2) * u, "G");
    const std::vector<double> gtq_bound = majorant_g_adjoint(abs_lin, shape, q_abs);
    check(fn::apply_g_adjoint(ntk, shape, q.data()), g.transpose() * qr, gtq_bound,
          64.0 * (double(s.batch) * s.steps + 1) * u, "G^T");
    const rn::Vector<double> state_bound = rn::apply_p_adjoint<double>(abs_lin, rn::apply_p<double>(abs_lin, gv_bound));
    const std::vector<double> fisher_bound = majorant_g_adjoint(abs_lin, shape, state_bound);
    const double fisher_factor = 64.0 * (2.0 * s.steps * (k * s.n + d) + double(s.batch) * s.steps + d + 3) * u;
    check(fn::apply_fisher(ntk, shape, v), rn::apply_fisher(ref_lin, g, vr), fisher_bound, fisher_factor, "F");
  }
}

// (N10, N49) G G^T = K: the parameter maps and the Kronecker core agree (the bias column's
// sqrt 2 against the two PyTorch biases), and <u, F v> = <P G u, P G v> is symmetric.
TEST(NtkFast, ParameterMapsReproduceTheCoreAndASymmetricFisher) {
  for (const fn::ModelKind kind : {fn::ModelKind::rnn_rate, fn::ModelKind::rnn_vanilla, fn::ModelKind::gru}) {
    const fn::Shape shape{kind, 6, 3, true};
    const fn::Model model = fn::random_model(shape, 0.5, 1.2, 11);
    const fn::Inputs inputs = fn::random_inputs(shape, 3, 5, 12);
    const fn::Ntk ntk(model, inputs, {1});
    const std::vector<double> q = normal_block(ntk.dimension(), 1, 13);
    const std::vector<double> ggt = fn::apply_g(ntk, shape, fn::apply_g_adjoint(ntk, shape, q.data()));
    std::vector<double> kq(q.size());
    ntk.apply_k(q.data(), kq.data(), 1);
    double scale = 0;
    for (double x : kq) scale = std::max(scale, std::fabs(x));
    // Same products summed in other orders: a few hundred u of the largest entry (B T = 15
    // terms per inner product, gains O(1)) is far above rounding and far below any mapping error.
    for (std::size_t e = 0; e < q.size(); ++e) EXPECT_NEAR(ggt[e], kq[e], 1e-13 * scale);
    const std::vector<double> a = normal_block(fn::parameter_count(shape), 1, 14),
                              b = normal_block(fn::parameter_count(shape), 1, 15);
    const std::vector<double> fa = fn::apply_fisher(ntk, shape, a), fb = fn::apply_fisher(ntk, shape, b);
    double ab = 0, ba = 0, norm = 0;
    for (std::size_t e = 0; e < a.size(); ++e) {
      ab += a[e] * fb[e];
      ba += b[e] * fa[e];
      norm += std::fabs(a[e] * fb[e]) + std::fabs(b[e] * fa[e]);
    }
    EXPECT_NEAR(ab, ba, 1e-13 * norm);
  }
}

// Same results, bit for bit, with 1, 2, 3 and 8 threads (chunks fixed by the sizes: N40).
TEST(NtkFast, ThreadCountDoesNotChangeResults) {
  // B = 13: the sweeps' split (N62) has chunks of 1 and 2 sequences; m = 11: odd rows per chunk.
  const fn::Shape shape{fn::ModelKind::gru, 16, 4, true};
  const fn::Model model = fn::random_model(shape, 1.0, 1.0, 3);
  const fn::Inputs inputs = fn::random_inputs(shape, 13, 6, 4);
  const fn::Ntk one(model, inputs, {1});
  const std::vector<double> q = normal_block(one.dimension(), 11, 9);
  std::vector<double> a(q.size()), core_a(q.size());
  one.apply_ntk(q.data(), a.data(), 11);
  one.apply_core(q.data(), core_a.data(), 11);
  for (unsigned threads : {2u, 3u, 8u}) {
    const fn::Ntk many(model, inputs, {threads});
    std::vector<double> b(q.size()), core_b(q.size());
    many.apply_ntk(q.data(), b.data(), 11);
    many.apply_core(q.data(), core_b.data(), 11);
    EXPECT_EQ(a, b) << "threads " << threads;
    EXPECT_EQ(core_a, core_b) << "threads " << threads;
  }
}

// (N60) The forward pass runs its sequences on the operators' threads and computes the
// pre-activations row-parallel: every factor of the linearisation has the same bytes for 1, 2,
// 3 and 8 threads, for the three models with and without biases and with a given h0; and the
// GRU's states are bit for bit those of one dot product per row taken in the order k = 0, 1, ...
// then the bias (the arithmetic the row-parallel loop must keep; written out here).
TEST(NtkFast, ForwardPassIsTheSameBitsForAnyThreadCount) {
  for (int kind = 0; kind < 3; ++kind)
    for (const bool bias : {true, false}) {
      const fn::Shape shape{static_cast<fn::ModelKind>(kind), 9, 4, bias};
      const fn::Model model = fn::random_model(shape, 0.7, 1.3, 11 + kind);
      fn::Inputs inputs = fn::random_inputs(shape, 13, 5, 12 + kind);
      inputs.h0.resize(13 * 9);
      for (std::size_t i = 0; i < inputs.h0.size(); ++i) inputs.h0[i] = 0.1 * double(i % 7) - 0.3;
      const fn::Linearization one = fn::linearize(model, inputs, 1);
      const std::vector<double> states = fn::forward(model, inputs, 1);
      for (const unsigned threads : {2u, 3u, 8u}) {
        const fn::Linearization many = fn::linearize(model, inputs, threads);
        const std::string where = "kind " + std::to_string(kind) + " bias " + std::to_string(bias) + " threads " +
                                  std::to_string(threads);
        EXPECT_EQ(one.c, many.c) << where;
        EXPECT_EQ(one.left, many.left) << where;
        EXPECT_EQ(one.right, many.right) << where;
        EXPECT_EQ(one.joint.v, many.joint.v) << where;
        ASSERT_EQ(one.sites.size(), many.sites.size());
        for (std::size_t s = 0; s < one.sites.size(); ++s) {
          EXPECT_EQ(one.sites[s].v, many.sites[s].v) << where << " site " << s;
          EXPECT_EQ(one.sites[s].gain, many.sites[s].gain) << where << " site " << s;
        }
        EXPECT_EQ(states, fn::forward(model, inputs, threads)) << where;
      }
      if (shape.kind != fn::ModelKind::gru) continue;
      // The GRU (N15) with one dot product per row.
      const int n = shape.hidden, n_in = shape.inputs, rows = 3 * n;
      const double* th = model.theta.data();
      const auto dot = [](const double* a, const double* b, int len) {
        double s = 0;
        for (int k = 0; k < len; ++k) s += a[k] * b[k];
        return s;
      };
      const auto sigmoid = [](double x) { return 1 / (1 + std::exp(-x)); };
      for (int b = 0; b < inputs.batch; ++b) {
        std::vector<double> h(inputs.h0.begin() + b * n, inputs.h0.begin() + (b + 1) * n), next(n), a_ih(rows), a_hh(rows);
        for (int t = 0; t < inputs.steps; ++t) {
          const double* x = inputs.x.data() + (std::size_t(b) * inputs.steps + t) * n_in;
          for (int r = 0; r < rows; ++r) {
            a_ih[r] = dot(th + r * n_in, x, n_in) + (bias ? th[rows * (n_in + n) + r] : 0.0);
            a_hh[r] = dot(th + rows * n_in + r * n, h.data(), n) + (bias ? th[rows * (n_in + n + 1) + r] : 0.0);
          }
          for (int i = 0; i < n; ++i) {
            const double rg = sigmoid(a_ih[i] + a_hh[i]), z = sigmoid(a_ih[n + i] + a_hh[n + i]);
            const double nu = std::tanh(a_ih[2 * n + i] + rg * a_hh[2 * n + i]);
            next[i] = (1 - z) * nu + z * h[i];
          }
          h = next;
          for (int i = 0; i < n; ++i)
            ASSERT_EQ(h[i], states[(std::size_t(b) * inputs.steps + t) * n + i]) << "b " << b << " t " << t << " i " << i;
        }
      }
    }
}

// The same at the tiny sizes (n <= 4 hidden units, 1-2 inputs, short sequences) where Eigen
// would take its coefficient-based small-product path, whose last bit depends on the
// destination's alignment (proofs/ntk.md N46; kernels_avx2.cpp sends every product through
// GEMM/GEMV): every operator, on both kernel builds, gives the same bytes with 1 and 2 threads
// and with its blocks at every alignment mod 32 bytes (shifts of 0-3 doubles).
TEST(NtkFast, TinyModelsDoNotDependOnThreadsOrAddresses) {
  using Apply = void (fn::Ntk::*)(const double*, double*, int) const;
  const Apply ops[] = {&fn::Ntk::apply_p, &fn::Ntk::apply_p_adjoint, &fn::Ntk::apply_k,
                       &fn::Ntk::apply_core, &fn::Ntk::apply_ntk};
  for (const bool generic : {false, true})
    for (int kind = 0; kind < 3; ++kind)
      for (int n = 1; n <= 4; ++n) {
        const fn::Shape shape{static_cast<fn::ModelKind>(kind), n, 1 + n % 2, n % 2 == 0};
        const fn::Model model = fn::random_model(shape, 0.8, 1.0, 40 + n);
        const fn::Inputs inputs = fn::random_inputs(shape, 3, 2 + n, 50 + n);
        const fn::Ntk one(model, inputs, {1, generic}), two(model, inputs, {2, generic}),
            eight(model, inputs, {8, generic});
        const int m = 3;
        const std::ptrdiff_t dim = one.dimension();
        const std::vector<double> q = normal_block(dim, m, 60 + n);
        for (const Apply op : ops) {
          std::vector<double> expected(q.size()), other(q.size());
          (one.*op)(q.data(), expected.data(), m);
          (two.*op)(q.data(), other.data(), m);
          EXPECT_EQ(expected, other) << "kind " << kind << " n " << n << " generic " << generic;
          (eight.*op)(q.data(), other.data(), m);
          EXPECT_EQ(expected, other) << "8 threads, kind " << kind << " n " << n << " generic " << generic;
          for (int shift = 1; shift <= 3; ++shift) {
            std::vector<double> in(q.size() + shift), out(q.size() + shift);
            std::copy(q.begin(), q.end(), in.begin() + shift);
            (two.*op)(in.data() + shift, out.data() + shift, m);
            EXPECT_TRUE(std::equal(expected.begin(), expected.end(), out.begin() + shift))
                << "kind " << kind << " n " << n << " generic " << generic << " shift " << shift;
          }
        }
      }
}

namespace {
struct SmallNtk {
  fn::Model model;
  fn::Inputs inputs;
  fn::Ntk ntk;
  Eigen::MatrixXd dense;
  SmallNtk(fn::ModelKind kind, int n, int batch, int steps, std::uint64_t seed)
      : model(fn::random_model({kind, n, 2, true}, 0.5, 1.2, seed)),
        inputs(fn::random_inputs(model.shape, batch, steps, seed + 1)),
        ntk(model, inputs),
        dense(dense_of(ntk_operator(ntk))) {}
};
}  // namespace

// (N28, N37): the mean of R Hutchinson estimates is within 5 sigma/sqrt(R) of tr A, sigma^2 the
// exact Rademacher variance 2(||A||_F^2 - sum a_ii^2)/m; the RMS error halves at 4x probes.
TEST(NtkEstimators, HutchinsonIsUnbiasedWithTheRightRate) {
  const SmallNtk s(fn::ModelKind::gru, 4, 3, 5, 11);
  const double tr = s.dense.trace();
  const double var1 = 2 * (s.dense.squaredNorm() - s.dense.diagonal().squaredNorm());
  const int reps = 200;
  double sum = 0, sq2 = 0, sq8 = 0;
  for (int r = 0; r < reps; ++r) {
    const double e2 = fn::hutchinson(ntk_operator(s.ntk), 2, 1000 + r).trace.value;
    const double e8 = fn::hutchinson(ntk_operator(s.ntk), 8, 5000 + r).trace.value;
    sum += e8;
    sq2 += (e2 - tr) * (e2 - tr);
    sq8 += (e8 - tr) * (e8 - tr);
  }
  EXPECT_LT(std::fabs(sum / reps - tr), 5 * std::sqrt(var1 / 8 / reps));
  const double ratio = std::sqrt(sq8 / sq2);
  EXPECT_GT(ratio, 0.35);
  EXPECT_LT(ratio, 0.7);
}

// (N73) The apply width: all of a block while it fits in 8 MB, else the fewest equal groups that
// fit, never below 8 columns (or the block); 16 of 32 at the benchmark size.
TEST(NtkEstimators, HutchinsonAppliesAtMost8MBAtATimeAndNotBelow8Columns) {
  EXPECT_EQ(fn::hutchinson_apply_width(48000, 32), 16);
  EXPECT_EQ(fn::hutchinson_apply_width(48000, 8), 8);
  EXPECT_EQ(fn::hutchinson_apply_width(32768, 32), 32);  // exactly 8 MB
  EXPECT_EQ(fn::hutchinson_apply_width(32769, 32), 16);
  EXPECT_EQ(fn::hutchinson_apply_width(1000000, 32), 8);  // 64 MB: the floor of 8 columns
  EXPECT_EQ(fn::hutchinson_apply_width(1000000, 5), 5);
  rc::check([](void) {
    const auto dim = *rc::gen::inRange<std::ptrdiff_t>(1, 4000000);
    const int m = *rc::gen::inRange(1, 129);
    const int w = fn::hutchinson_apply_width(dim, m);
    RC_ASSERT(w >= std::min(m, 8));
    RC_ASSERT(w <= m);
    // Above the floor: each group fits, and one group fewer would not.
    const int groups = (m + w - 1) / w;
    if (w > 8 || 8.0 * dim * m <= fn::kHutchinsonApplyBytes) {
      const bool fits = 8.0 * dim * w <= fn::kHutchinsonApplyBytes || w == m;
      const bool fewest = groups == 1 || 8.0 * dim * ((m + groups - 2) / (groups - 1)) > fn::kHutchinsonApplyBytes;
      RC_ASSERT(fits);
      RC_ASSERT(fewest);
    }
  });
}

// (N73, N63) A block applied in groups sees the probes of the whole block, each once, in order:
// the operator D + u u^T on N = 40,000 (a block of 32 is 10 MB: two groups of 16) receives, as
// probes 0-25, exactly what it receives with blocks of 26 (one group, the same draws), and the
// estimate is the mean of omega^T D omega + (u^T omega)^2 over the probes it received, in place
// or not. It fails when a group is filled from the block's first entries again.
TEST(NtkEstimators, HutchinsonInGroupsSeesTheBlocksProbes) {
  const std::ptrdiff_t dim = 40000;
  ASSERT_EQ(fn::hutchinson_apply_width(dim, 32), 16);
  ASSERT_EQ(fn::hutchinson_apply_width(dim, 26), 26);
  std::vector<double> d(dim), u(dim);
  for (std::ptrdiff_t i = 0; i < dim; ++i) {
    d[i] = 1.0 + std::sin(0.37 * static_cast<double>(i));
    u[i] = std::cos(0.11 * static_cast<double>(i)) / 100;
  }
  for (bool in_place : {false, true}) {
    std::vector<std::vector<double>> seen;
    int widest = 0;
    const auto apply = [&](const double* x, double* y, int m) {
      widest = std::max(widest, m);
      for (int j = 0; j < m; ++j) {
        const double* xj = x + j * dim;
        seen.emplace_back(xj, xj + dim);
        double s = 0;
        for (std::ptrdiff_t i = 0; i < dim; ++i) s += u[i] * xj[i];
        for (std::ptrdiff_t i = 0; i < dim; ++i) y[j * dim + i] = d[i] * xj[i] + u[i] * s;
      }
    };
    const fn::RankEstimate grouped = fn::hutchinson({dim, apply, 2, in_place}, 32, 9);
    const std::vector<std::vector<double>> grouped_probes = seen;
    EXPECT_EQ(widest, 16);
    ASSERT_EQ(grouped_probes.size(), 32u);
    double expected = 0;
    for (const std::vector<double>& w : grouped_probes) {
      double quad = 0, proj = 0;
      for (std::ptrdiff_t i = 0; i < dim; ++i) {
        quad += d[i] * w[i] * w[i];
        proj += u[i] * w[i];
      }
      expected += (quad + proj * proj) / 32;
    }
    EXPECT_NEAR(grouped.trace.value, expected, 1e-12 * expected) << in_place;
    seen.clear();
    widest = 0;
    fn::hutchinson({dim, apply, 2, in_place}, 26, 9, 26);
    EXPECT_EQ(widest, 26);
    ASSERT_EQ(seen.size(), 26u);
    for (int j = 0; j < 26; ++j) EXPECT_EQ(seen[j], grouped_probes[j]) << "probe " << j << " " << in_place;
    EXPECT_NE(grouped_probes[16], grouped_probes[0]);
  }
}

// (N63, N64) Hutchinson gives the same bits whether the operator may write over its probes (one
// block, the probes written again from the draws piece by piece) or not (two blocks), and
// whatever the threads of its own passes: 1, 2, 3 and 8, with blocks of 32 + 5 probes, on
// dimensions 1248 and 1053 (above one 1024-entry piece; the second not a multiple of 8). And
// apply_ntk with out = in is apply_ntk into a second block, bit for bit.
TEST(NtkEstimators, HutchinsonInPlaceAndThreadedGiveTheSameBits) {
  const fn::Shape odd_shape{fn::ModelKind::gru, 9, 3, true};
  const fn::Ntk odd(fn::random_model(odd_shape, 1.0, 1.0, 7), fn::random_inputs(odd_shape, 13, 9, 8), {2});
  ASSERT_EQ(odd.dimension(), 1053);
  const auto odd_apply = [&odd](const double* in, double* out, int m) { odd.apply_ntk(in, out, m); };
  const fn::RankEstimate odd_two_blocks = fn::hutchinson({odd.dimension(), odd_apply, 1, false}, 37, 21);
  const fn::Shape shape{fn::ModelKind::gru, 16, 4, true};
  const fn::Model model = fn::random_model(shape, 1.0, 1.0, 5);
  const fn::Inputs inputs = fn::random_inputs(shape, 13, 6, 6);
  const fn::Ntk ntk(model, inputs, {2});
  const auto apply = [&ntk](const double* in, double* out, int m) { ntk.apply_ntk(in, out, m); };
  const fn::RankEstimate two_blocks = fn::hutchinson({ntk.dimension(), apply, 1, false}, 37, 21);
  for (unsigned threads : {1u, 2u, 3u, 8u})
    for (bool in_place : {false, true}) {
      const fn::RankEstimate e = fn::hutchinson({ntk.dimension(), apply, threads, in_place}, 37, 21);
      EXPECT_EQ(e.trace.value, two_blocks.trace.value) << threads << " " << in_place;
      EXPECT_EQ(e.trace.standard_error, two_blocks.trace.standard_error) << threads << " " << in_place;
      EXPECT_EQ(e.trace_of_square.value, two_blocks.trace_of_square.value) << threads << " " << in_place;
      EXPECT_EQ(e.participation_ratio.value, two_blocks.participation_ratio.value) << threads << " " << in_place;
      const fn::RankEstimate o = fn::hutchinson({odd.dimension(), odd_apply, threads, in_place}, 37, 21);
      EXPECT_EQ(o.trace.value, odd_two_blocks.trace.value) << threads << " " << in_place;
      EXPECT_EQ(o.trace.standard_error, odd_two_blocks.trace.standard_error) << threads << " " << in_place;
    }
  const std::vector<double> q = normal_block(ntk.dimension(), 9, 3);
  std::vector<double> out(q.size()), same = q;
  ntk.apply_ntk(q.data(), out.data(), 9);
  ntk.apply_ntk(same.data(), same.data(), 9);
  EXPECT_EQ(out, same);
  // The test has teeth: another seed's probes give another trace.
  EXPECT_NE(fn::hutchinson({ntk.dimension(), apply, 2, true}, 37, 22).trace.value, two_blocks.trace.value);
}

// (N29): Hutch++ is exact when the sketch spans the range (rank A <= sketch), and its reported
// error is then zero.
TEST(NtkEstimators, HutchPlusPlusIsExactOnLowRank) {
  const std::ptrdiff_t dim = 300;
  const std::vector<double> u = normal_block(dim, 3, 5);
  const Eigen::Map<const Eigen::MatrixXd> um(u.data(), dim, 3);
  const fn::SymmetricOperator a{dim, [&](const double* in, double* out, int m) {
                                  Eigen::Map<Eigen::MatrixXd>(out, dim, m) =
                                      um * (um.transpose() * Eigen::Map<const Eigen::MatrixXd>(in, dim, m));
                                }};
  const Eigen::MatrixXd gram = um.transpose() * um;
  const fn::RankEstimate r = fn::hutch_plus_plus(a, 6, 4, 1);
  EXPECT_NEAR(r.trace.value, gram.trace(), 1e-10 * gram.trace());
  EXPECT_NEAR(r.trace_of_square.value, gram.squaredNorm(), 1e-10 * gram.squaredNorm());
  EXPECT_LT(r.trace.standard_error, 1e-8 * gram.trace());
}

// (N29-N31, N37): Hutch++ on an NTK: unbiased (mean of R estimates within 5 sd/sqrt(R)),
// its reported standard errors calibrated (RMS of error/se in [0.5, 2]), and beating plain
// Hutchinson at the same matvec count.
TEST(NtkEstimators, HutchPlusPlusUnbiasedCalibratedAndBetter) {
  const SmallNtk s(fn::ModelKind::rnn_vanilla, 5, 4, 6, 21);
  const double tr = s.dense.trace(), tr2 = s.dense.squaredNorm(), pr = tr * tr / tr2;
  const int reps = 100;
  double sum = 0, sum_sq = 0, z2 = 0, pp_err = 0, h_err = 0, pr_z2 = 0;
  for (int r = 0; r < reps; ++r) {
    const fn::RankEstimate e = fn::hutch_plus_plus(ntk_operator(s.ntk), 8, 16, 100 + r);
    const fn::RankEstimate h = fn::hutchinson(ntk_operator(s.ntk), e.matvecs, 900 + r);
    sum += e.trace.value;
    sum_sq += (e.trace.value - tr) * (e.trace.value - tr);
    z2 += std::pow((e.trace.value - tr) / e.trace.standard_error, 2);
    pr_z2 += std::pow((e.participation_ratio.value - pr) / e.participation_ratio.standard_error, 2);
    pp_err += (e.trace_of_square.value - tr2) * (e.trace_of_square.value - tr2);
    h_err += (h.trace_of_square.value - tr2) * (h.trace_of_square.value - tr2);
  }
  EXPECT_LT(std::fabs(sum / reps - tr), 5 * std::sqrt(sum_sq / reps / reps));
  EXPECT_GT(std::sqrt(z2 / reps), 0.5);
  EXPECT_LT(std::sqrt(z2 / reps), 2.0);
  EXPECT_LT(std::sqrt(pr_z2 / reps), 2.0);
  EXPECT_LT(pp_err, h_err);
}

// (N32): Lanczos with full reorthogonalisation and as many steps as dimensions is exact.
TEST(NtkEstimators, LanczosTopEigenvalues) {
  const SmallNtk s(fn::ModelKind::gru, 3, 2, 4, 31);
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig((s.dense + s.dense.transpose()) / 2);
  std::vector<double> residuals;
  const std::vector<double> top = fn::lanczos_top(ntk_operator(s.ntk), 4, 24, 7, &residuals);
  ASSERT_EQ(top.size(), 4u);
  const double scale = eig.eigenvalues().maxCoeff();
  for (int j = 0; j < 4; ++j) {
    EXPECT_NEAR(top[j], eig.eigenvalues()(23 - j), 1e-10 * scale);
    EXPECT_LT(residuals[j], 1e-8 * scale);
  }
}

// (N22): fast reductions equal the reference's dense reductions; small metrics agree with the
// reference's exact metrics (N25).
TEST(NtkEstimators, ReductionsMatchReference) {
  const SmallNtk s(fn::ModelKind::rnn_rate, 3, 3, 4, 41);
  const Eigen::MatrixXd& a = s.dense;
  for (const fn::KeptAxes keep : {fn::KeptAxes{false, true, false}, fn::KeptAxes{false, false, true},
                                  fn::KeptAxes{true, false, false}}) {
    const std::vector<double> fast = fn::reduced_operator(ntk_operator(s.ntk), 3, 4, 3, keep, 2);
    const Eigen::MatrixXd ref = rn::reduce_dense<double>(a, 3, 4, 3, {keep.batch, keep.time, keep.hidden});
    const int size = static_cast<int>(ref.rows());
    const Eigen::Map<const Eigen::Matrix<double, -1, -1, Eigen::RowMajor>> fm(fast.data(), size, size);
    EXPECT_LT((fm - ref).cwiseAbs().maxCoeff(), 1e-12 * ref.cwiseAbs().maxCoeff());
    const fn::SmallMetrics sm = fn::small_metrics(fast, size);
    const rn::ExactMetrics<double> em = rn::exact_metrics<double>(ref);
    EXPECT_NEAR(sm.participation_ratio, em.participation_ratio, 1e-10 * em.participation_ratio);
    EXPECT_NEAR(sm.participation_ratio_aastar, em.participation_ratio_aastar, 1e-10 * em.participation_ratio);
  }
}

// (N26): the estimated cosine between NTK_S and its core is within 5 standard errors of the
// exact cosine of the dense matrices.
TEST(NtkEstimators, CosineWithCore) {
  const SmallNtk s(fn::ModelKind::gru, 4, 3, 5, 51);
  const fn::SymmetricOperator core{s.ntk.dimension(), [&](const double* in, double* out, int m) {
                                     s.ntk.apply_core(in, out, m);
                                   }};
  const Eigen::MatrixXd c = dense_of(core);
  const double exact = s.dense.cwiseProduct(c).sum() / (s.dense.norm() * c.norm());
  const fn::Estimate e = fn::operator_cosine(ntk_operator(s.ntk), core, 64, 3);
  EXPECT_LT(std::fabs(e.value - exact), 5 * e.standard_error + 1e-12);
  EXPECT_GT(e.standard_error, 0);
}
