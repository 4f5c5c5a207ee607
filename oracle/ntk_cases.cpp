#include <learndyn/oracle/ntk_cases.hpp>

#include <cmath>
#include <string>
#include <utility>

#include <Eigen/Core>

#include <learndyn/common/decimal.hpp>
#include <learndyn/common/eigen_scalar.hpp>
#include <learndyn/fast/ntk/estimators.hpp>
#include <learndyn/fast/ntk/model.hpp>
#include <learndyn/fast/ntk/operators.hpp>
#include <learndyn/oracle/enclose.hpp>
#include <learndyn/oracle/to_reference.hpp>
#ifdef LEARNDYN_HAS_ENCLOSURES
#include <learndyn/reference/ntk/enclosures.hpp>
#endif
#include <learndyn/reference/ntk/model.hpp>
#include <learndyn/reference/ntk/operators.hpp>

namespace learndyn::oracle {
namespace rn = learndyn::reference::ntk;
namespace fn = learndyn::fast::ntk;

namespace {

// A built-in model as `learndyn ntk metrics` and `ntk export` build it: the case is the NTK of
// exactly those double weights and inputs (what a user loads from `ntk export`'s .npy files),
// so the reference reads the same doubles, converted exactly to each precision
// (oracle/to_reference.hpp).
struct ModelText {
  fn::ModelKind kind;
  std::string hidden, inputs, batch, steps, alpha, gain, seed, bias;
};

Inputs inputs_of(const ModelText& m) {
  return {{"model", fn::model_kind_name(m.kind)},   {"hidden", m.hidden}, {"inputs", m.inputs}, {"batch", m.batch},
          {"steps", m.steps},  {"alpha", m.alpha},   {"gain", m.gain},     {"seed", m.seed},
          {"bias", m.bias}};
}

struct FastProblem {
  fn::Model model;
  fn::Inputs inputs;
};

FastProblem fast_problem(const ModelText& m) {
  const fn::Shape shape{m.kind, std::stoi(m.hidden), std::stoi(m.inputs), m.bias == "true"};
  const std::uint64_t seed = std::stoull(m.seed);
  return {fn::random_model(shape, parse_decimal<double>(m.alpha, "alpha"), parse_decimal<double>(m.gain, "gain"), seed),
          fn::random_inputs(shape, std::stoi(m.batch), std::stoi(m.steps), seed + 1)};  // as cli/ntk_commands.cpp
}

const std::vector<std::string> kQuantities{"trace", "frobenius", "participation_ratio", "participation_ratio_AAstar",
                                           "core_trace", "core_cosine"};

template <class Real>
std::vector<Real> reference_metrics(const FastProblem& p) {
  const rn::Linearization<Real> lin =
      rn::linearize(to_reference<Real>(p.model), to_reference<Real>(p.inputs, p.model.shape.inputs));
  const Eigen::Index n = Eigen::Index(lin.batch) * lin.steps * lin.hidden;
  const rn::Matrix<Real> a = rn::dense<Real>([&](const rn::Vector<Real>& q) { return rn::apply_ntk(lin, q); }, n);
  const rn::Matrix<Real> c = rn::dense<Real>([&](const rn::Vector<Real>& q) { return rn::apply_core(lin, q); }, n);
  const rn::ExactMetrics<Real> m = rn::trace_metrics(a);  // (N25, N32)
  return {m.trace, m.frobenius, m.participation_ratio, m.participation_ratio_aastar, c.trace(),
          rn::operator_cosine(a, c)};  // tr C = tr K (N21), (N26)
}

std::vector<FastValue> fast_metrics(const FastProblem& p) {
  const fn::Ntk ntk(p.model, p.inputs, {1});
  const Eigen::Index n = ntk.dimension();
  const Eigen::MatrixXd id = Eigen::MatrixXd::Identity(n, n);
  Eigen::MatrixXd a(n, n), c(n, n);
  ntk.apply_ntk(id.data(), a.data(), static_cast<int>(n));
  ntk.apply_core(id.data(), c.data(), static_cast<int>(n));
  // The CLI's exact estimator (the case's command): small_metrics of the dense NTK_S.
  const fn::SmallMetrics m = fn::small_metrics(std::vector<double>(a.data(), a.data() + a.size()), static_cast<int>(n));
  const double cosine = a.cwiseProduct(c).sum() / std::sqrt(a.squaredNorm() * c.squaredNorm());  // (N26)
  const double v[] = {m.trace, m.frobenius, m.participation_ratio, m.participation_ratio_aastar, c.trace(), cosine};
  // (N51): eps = 64 T (k n + d) u, d = n + n_in + 1, k = 3 for the GRU, 1 otherwise: trace and
  // Frobenius norm within eps, the participation ratios within 4 eps, relative; the core's trace
  // and the cosine by the same premise (C35).
  constexpr double u = 0x1p-53;
  const fn::Shape& shape = p.model.shape;
  const double hidden = shape.hidden, d = shape.hidden + shape.inputs + 1;
  const double k = shape.kind == fn::ModelKind::gru ? 3 : 1;
  const double eps = 64 * p.inputs.steps * (k * hidden + d) * u;
  const double dim = static_cast<double>(n);
  const double cosine_bound = 2 * eps * dim * (a.cwiseAbs().maxCoeff() / a.norm() + c.cwiseAbs().maxCoeff() / c.norm()) +
                              (2 * dim * dim + 4) * u;
  const FastBound bounds[] = {absolute_bound(0, "eps relative (N51)", eps),
                              absolute_bound(0, "eps relative (N51)", eps),
                              absolute_bound(0, "4 eps relative (N51)", 4 * eps),
                              absolute_bound(0, "4 eps relative (N51)", 4 * eps),
                              absolute_bound(0, "eps relative (C35)", eps),
                              absolute_bound(cosine_bound * (1 + 1e-12), "2 eps N (max|A|/|A|_F + max|C|/|C|_F) + (2N^2+4)u (C35)")};
  std::vector<FastValue> out;
  for (std::size_t i = 0; i < kQuantities.size(); ++i) out.push_back({kQuantities[i], v[i], bounds[i]});
  return out;
}

CaseDefinition metrics_case(const ModelText& m) {
  const Inputs inputs = inputs_of(m);
  const std::string id = make_case_id("ntk.metrics", inputs);
  const std::string command = "learndyn ntk metrics --model " + std::string(fn::model_kind_name(m.kind)) + " --hidden " + m.hidden + " --inputs " +
                              m.inputs + " --batch " + m.batch + " --steps " + m.steps + " --alpha " + m.alpha +
                              " --gain " + m.gain + " --seed " + m.seed + (m.bias == "true" ? "" : " --no-bias") +
                              " --estimator exact --json";
  const FastProblem problem = fast_problem(m);
  return CaseDefinition{
      id, "ntk", "ntk.metrics",
      "exact metrics of NTK_S = P K P* (N12) of the built-in model `ntk metrics`/`ntk export` make with these "
      "options (the NTK of exactly those double weights and inputs): trace, Frobenius norm, participation ratios of "
      "A and of A A* (N25, N32), tr K (N21) and cos(NTK_S, C_V (x) I_n) (N26; the command prints a probe estimate of it)",
      inputs, command,
      [=] {
        const auto compute = [&]<class Real>() { return reference_metrics<Real>(problem); };
        std::vector<NamedValue> values = certify_named(kQuantities, compute);
        enclose_named(values, compute);  // the same traces and norms on balls (N59)
        return values;
      },
      [=] { return fast_metrics(problem); }};
}

}  // namespace

std::vector<CaseDefinition> ntk_cases(SuiteName suite) {
  std::vector<CaseDefinition> cases;
  cases.push_back(metrics_case({fn::ModelKind::rnn_rate, "3", "2", "2", "4", "0.5", "1", "1", "true"}));
  cases.push_back(metrics_case({fn::ModelKind::rnn_vanilla, "3", "2", "2", "4", "1", "1", "1", "true"}));
  cases.push_back(metrics_case({fn::ModelKind::gru, "3", "2", "2", "4", "1", "1", "1", "true"}));
  if (suite == SuiteName::full) {
    cases.push_back(metrics_case({fn::ModelKind::gru, "8", "3", "3", "10", "1", "1", "2", "true"}));
    cases.push_back(metrics_case({fn::ModelKind::rnn_rate, "8", "3", "3", "10", "0.25", "1.5", "2", "false"}));
  }
  return cases;
}

}  // namespace learndyn::oracle
