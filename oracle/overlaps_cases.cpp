#include <learndyn/oracle/overlaps_cases.hpp>

#include <algorithm>
#include <cmath>
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
        // (OF26): 2^-36 times the magnitude scale dt T (|A1| + |A2| max(1, |mu|^T) + 1)^2 for the
        // loss; the gradient T times that (OF22: one more factor S_1 ~ T S; C33).
        const double dzm = parse_decimal<double>(zm, "zm"), dzu = parse_decimal<double>(zu, "zu");
        const double dvm = parse_decimal<double>(vm, "vm"), dvu = parse_decimal<double>(vu, "vu");
        const double a2 = std::fabs(dzu * dvm / dvu), a1 = std::fabs(dzm) + a2, mu = 1 - 0.05 * (1 - dvu);
        const double m = a1 + a2 * std::max(1.0, std::pow(std::fabs(mu), t)) + 1;
        const double loss_bound = 0x1p-36 * 0.05 * t * m * m;
        const FastBound grad = std::fabs(dvu) >= 1.0 / 16 ? absolute_bound(t * loss_bound, "T 2^-36 dt T (|A1|+|A2|max(1,|mu|^T)+1)^2 (OF22, OF26, C33)")
                                                          : no_bound("|sigma_vu| < 1/16: outside (OF26)");
        const FastBound loss = std::fabs(dvu) >= 1.0 / 16 ? absolute_bound(loss_bound, "2^-36 dt T (|A1|+|A2|max(1,|mu|^T)+1)^2 (OF26)")
                                                          : no_bound("|sigma_vu| < 1/16: outside (OF26)");
        // The exact values at the doubles the fast path received (C36).
        const real rdt(0.05);
        const ro::FilterTarget<real> target{real(0.2)};
        OverlapText sigma = kSigmaA;
        sigma[0].second = zm, sigma[1].second = zu, sigma[2].second = vm, sigma[3].second = vu;
        ro::Matrix<real> rsigma = sigma_of<double>(sigma).cast<real>();
        const ro::OverlapGradient<real> g =
            ro::overlap_gradient(ro::linear_model<real>(kRank, rdt), rsigma, ro::filter_task(target, rdt, t));
        const real at[] = {ro::filter_loss_closed_form(ro::RankOneVisible<real>{real(dzm), real(dzu), real(dvm), real(dvu)}, target, rdt, t),
                           g.F(0, 0), g.F(0, 1), g.F(1, 0), g.F(1, 1)};
        std::vector<FastValue> out{{"loss", f.loss, loss}, {"dL_dzm", f.d_zm, grad}, {"dL_dzu", f.d_zu, grad}, {"dL_dvm", f.d_vm, grad}, {"dL_dvu", f.d_vu, grad}};
        for (std::size_t i = 0; i < out.size(); ++i)
          if (out[i].bound.kind != FastBound::Kind::none) out[i].bound.exact_at_fast_inputs = at[i];
        return out;
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

constexpr double u = 0x1p-53;

// (OF23): the absolute error of L, F, H after T steps of the contractive recursion (or the
// sweep, OF29), eps_T = 2^9 (R+2) T u (1 + |L| + max|F| + max|H|); here max|F|, max|H| <= max|G|.
double overlap_error_bound(int steps, double loss, const Eigen::MatrixXd& G) {
  return 512.0 * (kRank + 2) * steps * u * (1 + std::fabs(loss) + 2 * G.cwiseAbs().maxCoeff());
}

// (OF24): one epoch's rounding error, max-norm, at Sigma: 2 n lr eps_G max|Sigma| (1 + lr max|G|)^2
// per rate evaluation plus 8 n u (1 + lr max|G|)^2 max|Sigma| for the n x n products.
double epoch_rounding_bound(fo::OverlapSolver& solver, int steps, double rate, fo::Stepper stepper,
                            const Eigen::MatrixXd& sigma) {
  Eigen::MatrixXd G;
  const double loss = solver.gradient(sigma, G);
  const double n = static_cast<double>(sigma.rows()), evaluations = stepper == fo::Stepper::rk4 ? 4 : 1;
  const double growth = 1 + rate * G.cwiseAbs().maxCoeff(), s = sigma.cwiseAbs().maxCoeff();
  return evaluations * (2 * n * rate * overlap_error_bound(steps, loss, G) * s + 8 * n * u * s) * growth * growth;
}

// The Jacobian of one epoch Phi on the unique overlaps in the linear ordering (a perturbation
// of sigma_ab moves sigma_ba too), by central differences, entrywise in absolute value plus a
// margin that covers their truncation and rounding (C32).
Eigen::MatrixXd epoch_jacobian(fo::OverlapSolver& solver, double rate, fo::Stepper stepper, const Eigen::MatrixXd& sigma) {
  const auto pairs = ro::overlap_pairs(kRank, ro::OverlapOrdering::linear);
  const Eigen::Index m = static_cast<Eigen::Index>(pairs.size());
  Eigen::MatrixXd J(m, m);
  for (Eigen::Index j = 0; j < m; ++j) {
    const auto [c, d] = pairs[static_cast<std::size_t>(j)];
    const double h = 1e-6 * std::max(1.0, std::fabs(sigma(c, d)));
    Eigen::MatrixXd plus = sigma, minus = sigma;
    plus(c, d) += h, minus(c, d) -= h;
    if (c != d) plus(d, c) += h, minus(d, c) -= h;
    solver.epoch(rate, stepper, plus);
    solver.epoch(rate, stepper, minus);
    for (Eigen::Index i = 0; i < m; ++i) {
      const auto [a, b] = pairs[static_cast<std::size_t>(i)];
      J(i, j) = std::fabs((plus(a, b) - minus(a, b)) / (2 * h)) * (1 + 1e-6) + 1e-6;
    }
  }
  return J;
}

// The loss and every overlap after `epochs` of `stepper`, each with the first-order bound of
// (C32): e_K = sum_k J_{K-1} ... J_{k+1} d_k, so |e_K| <= sum_k |J_{K-1}| ... |J_{k+1}| delta_k 1,
// delta_k the epoch's rounding (OF24) and, for RK4 against the flow, its local discretisation
// error measured against 64 substeps; the loss adds (OF23)'s bound at the final Sigma and
// sum_j |dL/dsigma_j| |e_j|.
// The decimal inputs reach the fast path rounded to double (C36): dt and the target's decay
// move every epoch's map, by at most u (|dPhi/d log dt| + |dPhi/d log c|) (central differences,
// relative step 1e-6); lr by u |Phi(Sigma) - Sigma| (the rate only scales the step); Sigma_0
// by u |sigma_0| per overlap.
struct ParameterSolvers {
  fo::OverlapSolver dt_plus, dt_minus, decay_plus, decay_minus;
  ParameterSolvers(int steps)
      : dt_plus(fo::linear_model(kRank, 0.05 * (1 + 1e-6)), fo::filter_task(0.05 * (1 + 1e-6), steps, 0.2, 1.0)),
        dt_minus(fo::linear_model(kRank, 0.05 * (1 - 1e-6)), fo::filter_task(0.05 * (1 - 1e-6), steps, 0.2, 1.0)),
        decay_plus(fo::linear_model(kRank, 0.05), fo::filter_task(0.05, steps, 0.2 * (1 + 1e-6), 1.0)),
        decay_minus(fo::linear_model(kRank, 0.05), fo::filter_task(0.05, steps, 0.2 * (1 - 1e-6), 1.0)) {}
  // u (|d/d log dt| + |d/d log c|) of one epoch from sigma, max over the entries.
  double epoch_term(double rate, fo::Stepper stepper, const Eigen::MatrixXd& sigma) {
    Eigen::MatrixXd a = sigma, b = sigma, c = sigma, d = sigma;
    dt_plus.epoch(rate, stepper, a), dt_minus.epoch(rate, stepper, b);
    decay_plus.epoch(rate, stepper, c), decay_minus.epoch(rate, stepper, d);
    return u * (((a - b).cwiseAbs() + (c - d).cwiseAbs()) / 2e-6).maxCoeff() * 1.01;
  }
  double loss_term(const Eigen::MatrixXd& sigma) {
    return u * (std::fabs(dt_plus.loss(sigma) - dt_minus.loss(sigma)) + std::fabs(decay_plus.loss(sigma) - decay_minus.loss(sigma))) /
           2e-6 * 1.01;
  }
};

std::vector<FastValue> fast_endpoint(fo::Stepper stepper, const std::string& lr, long epochs, int steps) {
  fo::OverlapSolver solver(fo::linear_model(kRank, 0.05), fo::filter_task(0.05, steps, 0.2, 1.0));
  ParameterSolvers parameters(steps);
  Eigen::MatrixXd sigma = fast_sigma_of(kSigmaA);
  const double rate = parse_decimal<double>(lr, "lr");
  const bool flow = stepper == fo::Stepper::rk4;
  constexpr int kSubsteps = 64;
  std::vector<Eigen::MatrixXd> jacobians;
  std::vector<double> locals;
  const ro::Vector<double> initial = ro::flatten<double>(sigma, kRank, ro::OverlapOrdering::linear);
  for (long e = 0; e < epochs; ++e) {
    double local = epoch_rounding_bound(solver, steps, rate, stepper, sigma);
    Eigen::MatrixXd next = sigma;
    solver.epoch(rate, stepper, next);
    local += u * (next - sigma).cwiseAbs().maxCoeff() * 1.01 + parameters.epoch_term(rate, stepper, sigma);
    if (flow) {
      // RK4's error at M substeps is M^-4 of one step's (fourth order, test_fast_overlap_ode.cpp
      // Rk4EpochConvergesToTheFlowAtFourthOrder): one step's is |RK4_1 - RK4_M| / (1 - M^-4),
      // plus the rounding of the M substeps.
      Eigen::MatrixXd one = sigma, fine = sigma;
      solver.epoch(rate, stepper, one);
      double fine_rounding = 0;
      for (int i = 0; i < kSubsteps; ++i) {
        fine_rounding += epoch_rounding_bound(solver, steps, rate / kSubsteps, stepper, fine);
        solver.epoch(rate / kSubsteps, stepper, fine);
      }
      local += (one - fine).cwiseAbs().maxCoeff() / (1 - std::pow(kSubsteps, -4.0)) + fine_rounding;
    }
    jacobians.push_back(epoch_jacobian(solver, rate, stepper, sigma));
    locals.push_back(local);
    solver.epoch(rate, stepper, sigma);
  }
  const Eigen::Index m = static_cast<Eigen::Index>(ro::overlap_pairs(kRank, ro::OverlapOrdering::linear).size());
  Eigen::VectorXd bound = Eigen::VectorXd::Zero(m);
  Eigen::MatrixXd product = Eigen::MatrixXd::Identity(m, m);  // |J_{K-1}| ... |J_{k+1}|
  for (long k = epochs - 1; k >= 0; --k) {
    bound += product * Eigen::VectorXd::Constant(m, locals[static_cast<std::size_t>(k)]);
    product = product * jacobians[static_cast<std::size_t>(k)];
  }
  bound += product * (u * initial.cwiseAbs() * (1 + 2 * u));  // Sigma_0's decimals
  bound *= 1 + 1e-9;  // the bound's own rounding
  Eigen::MatrixXd G;
  const double loss = solver.gradient(sigma, G);
  const ro::Vector<double> unique = ro::unique_gradient<double>(G, kRank, ro::OverlapOrdering::linear);
  const double loss_bound = overlap_error_bound(steps, loss, G) + unique.cwiseAbs().dot(bound) + parameters.loss_term(sigma);
  const std::string source = flow ? "first-order running bound, RK4 local error by 64 substeps (OF24, C32)"
                                  : "first-order running bound (OF23, OF24, C32)";
  const ro::Vector<double> flat = ro::flatten<double>(sigma, kRank, ro::OverlapOrdering::linear);
  const std::vector<std::string> names = endpoint_names();
  std::vector<FastValue> out{{names[0], loss, absolute_bound(loss_bound * (1 + 1e-9), source)}};
  for (Eigen::Index i = 0; i < flat.size(); ++i)
    out.push_back({names[static_cast<std::size_t>(i) + 1], flat(i), absolute_bound(bound(i), source)});
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
        // (OF23): Sigma_A's visible block has spectral norm 0.65 <= 0.9, the premise of the bound.
        const FastBound bound = absolute_bound(overlap_error_bound(400, g.loss, fo::gradient_matrix(g)) * (1 + 1e-12),
                                               "2^9 (R+2) T u (1+|L|+max|F|+max|H|) (OF23)");
        std::vector<FastValue> out{{"loss", g.loss, bound}};
        for (int i = 0; i < 7; ++i) out.push_back({names[static_cast<std::size_t>(i) + 1], d(i), bound});
        // The exact values at the doubles the fast path received (C36).
        const real rdt(0.05);
        const ro::OverlapGradient<real> rg = ro::overlap_gradient(
            ro::erf_model<real>(kRank, rdt), ro::Matrix<real>(sigma_of<double>(kSigmaA).cast<real>()),
            ro::filter_task(ro::FilterTarget<real>{real(0.2)}, rdt, 400));
        const ro::Vector<real> rd = ro::unique_gradient<real>(ro::gradient_matrix(rg), kRank, ro::OverlapOrdering::nonlinear);
        out[0].bound.exact_at_fast_inputs = rg.loss;
        for (int i = 0; i < 7; ++i) out[static_cast<std::size_t>(i) + 1].bound.exact_at_fast_inputs = rd(i);
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
