#include <learndyn/oracle/overlaps_cases.hpp>

#include <stdexcept>
#include <string>
#include <utility>

#include <learndyn/common/decimal.hpp>
#include <learndyn/common/eigen_scalar.hpp>
#include <learndyn/fast/overlaps/filter_closed_form.hpp>
#include <learndyn/fast/overlaps/overlap_ode.hpp>
#include <learndyn/reference/overlaps/learning.hpp>
#include <learndyn/reference/overlaps/overlaps.hpp>
#include <learndyn/reference/overlaps/tasks.hpp>
#include <learndyn/oracle/enclose.hpp>
#ifdef LEARNDYN_HAS_ENCLOSURES
#include <learndyn/reference/overlaps/enclosures.hpp>
#include <learndyn/reference/overlaps/tanh_gain_enclosure.hpp>
#endif

namespace learndyn::oracle {
namespace ro = learndyn::reference::overlaps;
namespace fo = learndyn::fast::overlaps;

namespace {

// The rank-1 overlaps of a case, by name: the public code's linear ordering
// [zm, zu, vm, vu, mu, zv, mm, uu, vv, zz] (O6).
using OverlapText = std::vector<std::pair<std::string, std::string>>;

// Sigma_A: unit norms, small couplings; positive definite (the eigenvalues of
// [[I, V], [V^T, I]] are 1 +- the singular values of V, all below 0.7 here).
const OverlapText kSigmaA{{"zm", "0.3"}, {"zu", "0.2"}, {"vm", "0.25"}, {"vu", "0.5"}, {"mu", "0.1"},
                          {"zv", "-0.05"}, {"mm", "1"}, {"uu", "1.2"}, {"vv", "0.9"}, {"zz", "1"}};

constexpr int kRank = 1;

template <class Real>
ro::Matrix<Real> sigma_of(const OverlapText& text) {
  const std::vector<std::string> names = ro::overlap_names(kRank, ro::OverlapOrdering::linear);
  ro::Vector<Real> flat(static_cast<Eigen::Index>(names.size()));
  for (std::size_t i = 0; i < names.size(); ++i)
    for (const auto& [name, value] : text)
      if (name == names[i]) flat(static_cast<Eigen::Index>(i)) = parse_exact<Real>(value, name);
  return ro::unflatten<Real>(flat, kRank, ro::OverlapOrdering::linear);
}

Eigen::MatrixXd fast_sigma_of(const OverlapText& text) {
  const ro::Matrix<double> s = sigma_of<double>(text);  // parsing and placement only
  return Eigen::MatrixXd(s);
}

Inputs with_sigma(Inputs inputs, const OverlapText& sigma) {
  for (const auto& [name, value] : sigma) inputs.emplace_back("sigma_" + name, value);
  return inputs;
}

std::string show_command(const std::string& id) { return "learndyn oracle show --case " + id; }

// ---- the closed-form filter loss and its gradient (O26a, O13) ----

CaseDefinition filter_case(const std::string& zm, const std::string& zu, const std::string& vm,
                           const std::string& vu, const std::string& steps) {
  const Inputs inputs{{"zm", zm}, {"zu", zu}, {"vm", vm}, {"vu", vu}, {"dt", "0.05"}, {"steps", steps}, {"decay", "0.2"}};
  const std::string id = make_case_id("overlaps.filter", {{"zm", zm}, {"zu", zu}, {"vm", vm}, {"vu", vu}, {"steps", steps}});
  const int t = std::stoi(steps);
  return CaseDefinition{
      id, "overlaps", "overlaps.filter",
      "rank-1 linear filter task: closed-form loss (O26a) and dL/dsigma of the visible overlaps by the adjoint (O13)",
      inputs, show_command(id),
      [=] {
        const auto compute = [&]<class Real>() {
          const Real dt = parse_exact<Real>("0.05", "dt");
          const ro::FilterTarget<Real> target{parse_exact<Real>("0.2", "decay")};
          const ro::RankOneVisible<Real> s{parse_exact<Real>(zm, "zm"), parse_exact<Real>(zu, "zu"),
                                           parse_exact<Real>(vm, "vm"), parse_exact<Real>(vu, "vu")};
          // The invisible overlaps do not enter (O12); Sigma_A's are used to complete Sigma.
          OverlapText sigma = kSigmaA;
          sigma[0].second = zm, sigma[1].second = zu, sigma[2].second = vm, sigma[3].second = vu;
          const ro::OverlapGradient<Real> g =
              ro::overlap_gradient(ro::linear_model<Real>(kRank, dt), sigma_of<Real>(sigma), ro::filter_task(target, dt, t));
          return std::vector<Real>{ro::filter_loss_closed_form(s, target, dt, t), g.F(0, 0), g.F(0, 1), g.F(1, 0), g.F(1, 1)};
        };
        std::vector<NamedValue> values = certify_named({"loss", "dL_dzm", "dL_dzu", "dL_dvm", "dL_dvu"}, compute);
        enclose_named(values, compute);  // (O47)
        return values;
      },
      [=] {
        const fo::FilterLoss f = fo::filter_loss_closed_form(
            fo::FilterSettings{0.05, t, 0.2, 1.0}, parse_decimal<double>(zm, "zm"), parse_decimal<double>(zu, "zu"),
            parse_decimal<double>(vm, "vm"), parse_decimal<double>(vu, "vu"));
        return std::vector<FastValue>{{"loss", f.loss}, {"dL_dzm", f.d_zm}, {"dL_dzu", f.d_zu}, {"dL_dvm", f.d_vm}, {"dL_dvu", f.d_vu}};
      }};
}

// ---- the linear exact map (O16) and the gradient flow (O17) from Sigma_A ----

std::vector<std::string> endpoint_names() {
  std::vector<std::string> names{"loss_final"};
  for (const std::string& n : ro::overlap_names(kRank, ro::OverlapOrdering::linear)) names.push_back("sigma_" + n);
  return names;
}

// The loss and every overlap (linear ordering) after `epochs` of `method` on the rank-1 filter
// task with `steps` steps, from Sigma_A.
template <class Real>
std::vector<Real> reference_endpoint(ro::FlowMethod method, const std::string& lr, long epochs, int steps) {
  const Real dt = parse_exact<Real>("0.05", "dt");
  const ro::Task<Real> task = ro::filter_task(ro::FilterTarget<Real>{parse_exact<Real>("0.2", "decay")}, dt, steps);
  ro::Matrix<Real> sigma;
  Real loss;
  if constexpr (requires { Real::pi(); }) {
    // The interval scalar: the exact map (O16) epoch by epoch, as integrate_flow runs it (O48);
    // the adaptive and extrapolating ODE solvers are not instantiated on intervals.
    if (method != ro::FlowMethod::exact_map) throw std::logic_error("reference_endpoint: only the exact map is enclosed");
    const ro::Model<Real> model = ro::linear_model<Real>(kRank, dt);
    const Real rate = parse_exact<Real>(lr, "lr");
    sigma = sigma_of<Real>(kSigmaA);
    for (long e = 0; e < epochs; ++e) sigma = ro::discrete_map_step(model, task, rate, sigma);
    loss = ro::overlap_loss(model, sigma, task);
  } else {
    ro::FlowSettings<Real> settings{parse_exact<Real>(lr, "lr")};
    settings.method = method;
    const auto samples = ro::integrate_flow(ro::linear_model<Real>(kRank, dt), task, sigma_of<Real>(kSigmaA), settings, {Real(epochs)});
    sigma = samples.back().sigma;
    loss = samples.back().loss;
  }
  const ro::Vector<Real> flat = ro::flatten<Real>(sigma, kRank, ro::OverlapOrdering::linear);
  std::vector<Real> out{loss};
  for (Eigen::Index i = 0; i < flat.size(); ++i) out.push_back(flat(i));
  return out;
}

std::vector<FastValue> fast_endpoint(fo::Stepper stepper, const std::string& lr, long epochs, int steps) {
  fo::OverlapSolver solver(fo::linear_model(kRank, 0.05), fo::filter_task(0.05, steps, 0.2, 1.0));
  Eigen::MatrixXd sigma = fast_sigma_of(kSigmaA);
  const double rate = parse_decimal<double>(lr, "lr");
  for (long e = 0; e < epochs; ++e) solver.epoch(rate, stepper, sigma);
  const ro::Vector<double> flat = ro::flatten<double>(sigma, kRank, ro::OverlapOrdering::linear);
  const std::vector<std::string> names = endpoint_names();
  std::vector<FastValue> out{{names[0], solver.loss(sigma)}};
  for (Eigen::Index i = 0; i < flat.size(); ++i) out.push_back({names[static_cast<std::size_t>(i) + 1], flat(i)});
  return out;
}

CaseDefinition exact_map_case(const std::string& lr, long epochs) {
  const Inputs shown{{"sigma0", "A"}, {"lr", lr}, {"epochs", std::to_string(epochs)}};
  const std::string id = make_case_id("overlaps.exact_map", shown);
  const Inputs inputs = with_sigma({{"lr", lr}, {"epochs", std::to_string(epochs)}, {"dt", "0.05"}, {"steps", "400"}, {"decay", "0.2"}}, kSigmaA);
  return CaseDefinition{
      id, "overlaps", "overlaps.exact_map",
      "linear rank-1 filter task (T = 400, dt = 0.05): every overlap after `epochs` full-network SGD steps at rate N lr, "
      "by the exact map Sigma' = (I - lr G) Sigma (I - lr G) (O16)",
      inputs, show_command(id),
      [=] {
        const auto compute = [&]<class Real>() {
          return reference_endpoint<Real>(ro::FlowMethod::exact_map, lr, epochs, 400);
        };
        std::vector<NamedValue> values = certify_named(endpoint_names(), compute);
        enclose_named(values, compute);  // (O48)
        return values;
      },
      [=] { return fast_endpoint(fo::Stepper::exact_map, lr, epochs, 400); }};
}

CaseDefinition flow_case(const std::string& lr, long epochs, int steps) {
  const Inputs shown{{"sigma0", "A"}, {"lr", lr}, {"epochs", std::to_string(epochs)}, {"steps", std::to_string(steps)}};
  const std::string id = make_case_id("overlaps.flow", shown);
  const Inputs inputs = with_sigma({{"lr", lr}, {"epochs", std::to_string(epochs)}, {"dt", "0.05"}, {"steps", std::to_string(steps)}, {"decay", "0.2"}}, kSigmaA);
  return CaseDefinition{
      id, "overlaps", "overlaps.flow",
      "linear rank-1 filter task: every overlap after `epochs` of the gradient flow dSigma/dt = -lr (G Sigma + Sigma G) "
      "(O17), integrated to the working precision's tolerance (O41, O43); fast path: RK4, one step per epoch",
      inputs, show_command(id),
      [=] {
        return certify_named(endpoint_names(), [&]<class Real>() {
          return reference_endpoint<Real>(ro::FlowMethod::extrapolation, lr, epochs, steps);
        });
      },
      [=] { return fast_endpoint(fo::Stepper::rk4, lr, epochs, steps); }};
}

// ---- the erf mean-field loss and gradient (O10, O11, O13) ----

CaseDefinition erf_gradient_case() {
  const Inputs shown{{"sigma", "A"}};
  const std::string id = make_case_id("overlaps.erf_gradient", shown);
  const Inputs inputs = with_sigma({{"dt", "0.05"}, {"steps", "400"}, {"decay", "0.2"}}, kSigmaA);
  // The nonlinear model's visible overlaps (O12): V and Sigma_BB.
  const std::vector<std::string> visible{"zm", "zu", "vm", "vu", "mu", "mm", "uu"};
  std::vector<std::string> names{"loss"};
  for (const std::string& n : visible) names.push_back("dL_d" + n);
  return CaseDefinition{
      id, "overlaps", "overlaps.erf_gradient",
      "erf model, readout before the update, on the rank-1 filter task: mean-field loss (O10, O11) and dL/dsigma of the "
      "seven visible overlaps by the adjoint (O13)",
      inputs, show_command(id),
      [=] {
        const auto compute = [&]<class Real>() {
          const Real dt = parse_exact<Real>("0.05", "dt");
          const ro::Task<Real> task = ro::filter_task(ro::FilterTarget<Real>{parse_exact<Real>("0.2", "decay")}, dt, 400);
          const ro::OverlapGradient<Real> g = ro::overlap_gradient(ro::erf_model<Real>(kRank, dt), sigma_of<Real>(kSigmaA), task);
          const ro::Vector<Real> d = ro::unique_gradient<Real>(ro::gradient_matrix(g), kRank, ro::OverlapOrdering::nonlinear);
          std::vector<Real> out{g.loss};
          for (int i = 0; i < 7; ++i) out.push_back(d(i));  // the nonlinear ordering lists the visible first (O6)
          return out;
        };
        std::vector<NamedValue> values = certify_named(names, compute);
        enclose_named(values, compute);  // (O49)
        return values;
      },
      [=] {
        const fo::OverlapGradient g = fo::overlap_gradient(fo::erf_model(kRank, 0.05), fast_sigma_of(kSigmaA),
                                                           fo::filter_task(0.05, 400, 0.2, 1.0));
        const ro::Vector<double> d = ro::unique_gradient<double>(fo::gradient_matrix(g), kRank, ro::OverlapOrdering::nonlinear);
        std::vector<FastValue> out{{"loss", g.loss}};
        for (int i = 0; i < 7; ++i) out.push_back({names[static_cast<std::size_t>(i) + 1], d(i)});
        return out;
      }};
}

// ---- the Gaussian gains (O10, O10a) ----

CaseDefinition gain_case(ro::Activation phi, const std::string& delta) {
  const std::string phi_name = phi == ro::Activation::erf ? "erf" : "tanh";
  const Inputs inputs{{"phi", phi_name}, {"delta", delta}};
  const std::string id = make_case_id("overlaps.gain", inputs);
  return CaseDefinition{
      id, "overlaps", "overlaps.gain",
      "mean-field gain g(Delta) = E[phi'(h)], h ~ N(0, Delta), and g'(Delta) (O10, O10a): closed form for erf, "
      "tanh-sinh quadrature for tanh (enclosed by Arb's certified quadrature, O52)",
      inputs, show_command(id),
      [=] {
        const auto compute = [&]<class Real>() {
          const Real d = parse_exact<Real>(delta, "delta");
          return std::vector<Real>{ro::gain(phi, d), ro::gain_derivative(phi, d)};
        };
        std::vector<NamedValue> values = certify_named({"gain", "gain_derivative"}, compute);
        if (phi == ro::Activation::erf) {
          enclose_named(values, compute);  // closed form (O10, O10a)
        } else {
#ifdef LEARNDYN_HAS_ENCLOSURES
          // Arb's certified quadrature and a closed-form Gaussian tail (O52).
          enclose_named(values, [&]<class Real>() {
            const interval d = interval::from_decimal(delta, "delta");
            return std::vector<interval>{ro::tanh_gain_enclosure(1, d), ro::tanh_gain_enclosure(3, d)};
          });
#else
          enclose_named(values, compute);  // notes the build without enclosures
#endif
        }
        return values;
      },
      nullptr};
}

}  // namespace

std::vector<CaseDefinition> overlaps_cases(SuiteName suite) {
  std::vector<CaseDefinition> cases;
  cases.push_back(filter_case("0.3", "0.2", "0.25", "0.5", "400"));
  cases.push_back(filter_case("1", "0.9", "0.889", "0.8", "400"));  // near the zero-loss manifold (O28)
  cases.push_back(exact_map_case("5e-3", 100));
  cases.push_back(flow_case("5e-3", 10, 50));
  cases.push_back(erf_gradient_case());
  for (const char* delta : {"0", "0.5", "4"}) {
    cases.push_back(gain_case(ro::Activation::erf, delta));
    cases.push_back(gain_case(ro::Activation::tanh, delta));
  }
  if (suite == SuiteName::full) {
    for (const char* vu : {"0.01", "0.99", "1.5"}) cases.push_back(filter_case("0.3", "0.2", "0.25", vu, "400"));
    cases.push_back(exact_map_case("5e-3", 2000));
    cases.push_back(flow_case("5e-3", 100, 100));
  }
  return cases;
}

}  // namespace learndyn::oracle
