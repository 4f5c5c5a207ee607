// Proved enclosures of the NTK metrics (reference/ntk/enclosures.hpp, proofs/ntk.md N59): for
// the golden suite's three models, the trace, Frobenius norm, participation ratios, tr K and
// core cosine hold the 100-digit values; tr K from the dense K and from the closed sum over the
// sites (N21) intersect (two routes); a wrong formula is caught.
#include <gtest/gtest.h>

#include <string>
#include <type_traits>
#include <vector>

#include <learndyn/common/interval.hpp>
#include <learndyn/common/scalar.hpp>
#include <learndyn/reference/ntk/enclosures.hpp>

namespace ntk_enclosures {  // named: the test target is a unity build

using learndyn::interval;
using learndyn::real_hi;
namespace rn = learndyn::reference::ntk;

// The reference's own seeded model (doubles, exact on every scalar), n = 3, n_in = 2, B = 2, T = 4.
template <class Real>
std::vector<Real> metrics(rn::ModelKind kind, double alpha) {
  const rn::Shape shape{kind, 3, 2, true};
  const rn::Model<double> m = rn::random_model<double>(shape, alpha, 1.0, 1);
  const rn::Inputs<double> in = rn::random_inputs<double>(shape, 2, 4, 2);
  rn::Model<Real> model;
  model.shape = m.shape;
  model.alpha = Real(m.alpha);
  model.theta = m.theta.template cast<Real>();
  rn::Inputs<Real> inputs;
  inputs.batch = in.batch;
  inputs.steps = in.steps;
  inputs.x = in.x.template cast<Real>();
  inputs.h0 = in.h0.template cast<Real>();
  const rn::Linearization<Real> lin = rn::linearize(model, inputs);
  const Eigen::Index n = Eigen::Index(lin.batch) * lin.steps * lin.hidden;
  const rn::Matrix<Real> a = rn::dense<Real>([&](const rn::Vector<Real>& q) { return rn::apply_ntk(lin, q); }, n);
  const rn::Matrix<Real> c = rn::dense<Real>([&](const rn::Vector<Real>& q) { return rn::apply_core(lin, q); }, n);
  const rn::ExactMetrics<Real> e = rn::trace_metrics(a);
  return {e.trace, e.frobenius, e.participation_ratio, e.participation_ratio_aastar, c.trace(),
          rn::operator_cosine(a, c), a.squaredNorm()};
}

std::pair<interval, interval> k_traces(rn::ModelKind kind, double alpha) {
  const rn::Shape shape{kind, 3, 2, true};
  const rn::Model<double> m = rn::random_model<double>(shape, alpha, 1.0, 1);
  const rn::Inputs<double> in = rn::random_inputs<double>(shape, 2, 4, 2);
  rn::Model<interval> model;
  model.shape = m.shape;
  model.alpha = interval(m.alpha);
  model.theta = m.theta.cast<interval>();
  rn::Inputs<interval> inputs;
  inputs.batch = in.batch;
  inputs.steps = in.steps;
  inputs.x = in.x.cast<interval>();
  inputs.h0 = in.h0.cast<interval>();
  const rn::Linearization<interval> lin = rn::linearize(model, inputs);
  const Eigen::Index n = Eigen::Index(lin.batch) * lin.steps * lin.hidden;
  const rn::Matrix<interval> k = rn::dense<interval>([&](const rn::Vector<interval>& q) { return rn::apply_k(lin, q); }, n);
  return {k.trace(), rn::core_trace(lin)};
}

TEST(NtkEnclosures, MetricsHoldTheHundredDigitValueAndTheTwoTracesOfKIntersect) {
  for (const auto& [kind, alpha] : {std::pair{rn::ModelKind::rnn_rate, 0.5}, std::pair{rn::ModelKind::rnn_vanilla, 1.0},
                                    std::pair{rn::ModelKind::gru, 1.0}}) {
    const std::vector<interval> e = metrics<interval>(kind, alpha);
    const std::vector<real_hi> p = metrics<real_hi>(kind, alpha);
    for (std::size_t i = 0; i < e.size(); ++i) {
      EXPECT_TRUE(e[i].contains(p[i])) << i << " " << e[i] << " vs " << p[i];
      EXPECT_GE(e[i].proved_digits(), 45) << i << " " << e[i];  // (N59)
    }
    // tr K two ways on balls: the trace of the dense K and the closed sum over the sites (N21).
    const auto [dense_trace, site_trace] = k_traces(kind, alpha);
    EXPECT_FALSE(dense_trace.hi() < site_trace.lo() || site_trace.hi() < dense_trace.lo())
        << dense_trace << " vs " << site_trace;
    EXPECT_GE(site_trace.proved_digits(), 45) << site_trace;
    // A wrong formula: the participation ratio with ||A||_F in place of ||A||_F^2.
    EXPECT_FALSE(e[2].contains(real_hi(p[0] * p[0] / p[1])));
  }
}

}  // namespace ntk_enclosures
