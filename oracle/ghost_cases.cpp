#include <learndyn/oracle/ghost_cases.hpp>

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

#include <learndyn/common/decimal.hpp>
#include <learndyn/fast/ghost/analytic.hpp>
#include <learndyn/fast/ghost/finite_confidence.hpp>
#include <learndyn/fast/ghost/gradient_descent.hpp>
#include <learndyn/oracle/ghost_quantities.hpp>
#include <learndyn/reference/ghost/canonical_model.hpp>
#include <learndyn/reference/ghost/delayed_activation.hpp>
#include <learndyn/reference/ghost/finite_confidence.hpp>

namespace learndyn::oracle {
namespace rg = learndyn::reference::ghost;
namespace fg = learndyn::fast::ghost;

namespace {

std::string flags(const Inputs& inputs) {
  std::string out;
  for (const auto& [name, value] : inputs) out += " --" + name + " " + value;
  return out;
}

double to_double(const std::string& text) { return parse_decimal<double>(text, "input"); }

fg::DelayTask fast_task(const GhostTaskText& task) {
  return fg::DelayTask{to_double(task.delay), to_double(task.response)};
}

constexpr double u = 0x1p-53;
constexpr double kPi = 3.14159265358979323846;

// ---- the fast path's error bounds (proofs/ghost.md §6, proofs/common.md C33) ----

// Within 4u eps* of eps* or eps_nr either neighbouring branch is correct (ghost.md §6).
bool near_kink(double eps, const fg::DelayTask& t) {
  const double star = fg::optimal_scale(t), nr = fg::point_of_no_return(t);
  return std::fabs(eps - star) <= 5 * u * star || std::fabs(eps - nr) <= 5 * u * nr;
}

// |L^ - L| <= 4u (t* + |L|) where t* is finite, exact (T_r) in the no-learning zone; the
// gradient within 5 ulps (ghost.md §6, tests/ghost/test_fast_analytic.cpp).
// The exact loss and gradient at the double eps the fast path received (C36).
std::vector<FastValue> analytic_with_bounds(const fg::DelayTask& task, double eps, double loss, double grad) {
  if (near_kink(eps, task)) {
    const FastBound none = no_bound("within 4u eps* of a kink: either neighbouring branch is correct (ghost.md §6)");
    return {{"loss", loss, none}, {"grad", grad, none}};
  }
  const double t_star = eps > 0 ? kPi / (2 * std::sqrt(eps)) : 0.0;
  const bool learning = eps > fg::point_of_no_return(task);
  const rg::DelayTask<real> exact_task{real(task.delay), real(task.response)};
  FastBound loss_bound = absolute_bound(learning ? 4 * u * t_star * (1 + 4 * u) : 0.0, "4u(t*+|L|) (ghost.md §6)",
                                        learning ? 4 * u : 0.0);
  loss_bound.exact_at_fast_inputs = rg::analytic_loss(real(eps), exact_task);
  FastBound grad_bound = ulps_bound(5, "5 ulps (ghost.md §6)");
  grad_bound.exact_at_fast_inputs = rg::analytic_gradient(real(eps), exact_task);
  return {{"loss", loss, loss_bound}, {"grad", grad, grad_bound}};
}

// The running forward-error bound of tests/ghost/test_fast_gradient_descent.cpp along the fast
// trajectory (C33): B_{k+1} = L_k B_k + 8u|step_k| + 2u|eps_{k+1}|, L_k the step map's
// Lipschitz constant on [eps_k - B_k, eps_k + B_k], while that interval stays on one branch;
// the final loss adds |L'| B on the interval to (ghost.md §6)'s bound at eps.
std::vector<FastValue> gd_with_bounds(const fg::DelayTask& task, double rate, const std::vector<double>& eps,
                                      double loss_final) {
  const double star = fg::optimal_scale(task), nr = fg::point_of_no_return(task);
  const auto straddles = [](double lo, double hi, double kink) {
    return lo <= kink * (1 + 5 * u) && kink * (1 - 5 * u) <= hi;
  };
  // The decimal eps0 and eta reach the fast path rounded to double: B_0 = u |eps0| (rounded up),
  // and eta's relative u adds u |step| to the step's 8u (C33).
  double bound = u * std::fabs(eps[0]) * (1 + 2 * u);
  const std::size_t epochs = eps.size() - 1;
  for (std::size_t k = 0; k < epochs; ++k) {
    const double lo = eps[k] - bound, hi = eps[k] + bound;
    if (straddles(lo, hi, star) || straddles(lo, hi, nr) || lo <= 0) {
      const FastBound none = no_bound("the run's forward-error interval reaches eps* or eps_nr at epoch " +
                                      std::to_string(k) + " (the step map is not Lipschitz across a kink; C33)");
      return {{"eps_final", eps.back(), none}, {"loss_final", loss_final, none}};
    }
    const double lipschitz = lo < nr ? 1.0 : 1 + 3 * rate * kPi / (8 * lo * lo * std::sqrt(lo));
    bound = lipschitz * bound + 9 * u * std::fabs(eps[k + 1] - eps[k]) + 2 * u * std::fabs(eps[k + 1]);
  }
  bound *= 1 + 1e-9;  // the bound's own rounding over <= 1e5 epochs (C33)
  const double e = eps.back(), lo = e - bound, hi = e + bound;
  const std::string eps_source = "running bound of test_fast_gradient_descent (C33)";
  if (straddles(lo, hi, star) || straddles(lo, hi, nr) || lo <= 0)
    return {{"eps_final", e, absolute_bound(bound, eps_source)},
            {"loss_final", loss_final, no_bound("the final interval reaches a kink of L (C33)")}};
  const bool learning = lo >= nr;
  const double slope = learning ? kPi / (4 * lo * std::sqrt(lo)) : 0.0;  // |L'| = t*/(2 eps) on [lo, hi]
  const double t_star = learning ? kPi / (2 * std::sqrt(lo)) : 0.0;
  return {{"eps_final", e, absolute_bound(bound, eps_source)},
          {"loss_final", loss_final,
           absolute_bound((4 * u * t_star + (1 + 4 * u) * slope * bound) * (1 + 4 * u),
                          "4u(t*+|L|) + |L'| B (ghost.md §6, C33)", learning ? 4 * u : 0.0)}};
}

CaseDefinition critical_rate_case(const GhostTaskText& task, rg::Normalisation normalisation) {
  const Inputs inputs{{"T", task.delay}, {"Tr", task.response}, {"normalise", normalisation_name(normalisation)}};
  return CaseDefinition{
      make_case_id("ghost.critical_rate", inputs), "ghost", "ghost.critical_rate",
      "critical learning rate eta_c (G16/G17), eps* (G12), eps_nr (G13), slope (G15), exponents (G19, G20)",
      inputs, "learndyn ghost critical-rate" + flags(inputs) + " --json",
      [=] { return critical_rate_quantities(task, normalisation); },
      [=] {
        const fg::DelayTask t = fast_task(task);
        // eps* = fl(fl(pi^2/4) / fl(T^2)): 3 roundings (ghost.md §6); eps_nr one more for
        // T + T_r, doubled by the square: 5 (C33).
        return std::vector<FastValue>{
            {"eps_star", fg::optimal_scale(t), absolute_bound(0, "3u relative (ghost.md §6)", 3 * u / (1 - 3 * u))},
            {"eps_nr", fg::point_of_no_return(t), absolute_bound(0, "5u relative (C33)", 5 * u / (1 - 5 * u))}};
      }};
}

CaseDefinition analytic_loss_case(const GhostTaskText& task, const std::string& eps) {
  const Inputs inputs{{"T", task.delay}, {"Tr", task.response}, {"eps", eps}};
  return CaseDefinition{
      make_case_id("ghost.loss", inputs), "ghost", "ghost.loss",
      "analytical delayed-activation loss L(eps) (G11) and dL/deps (G14)", inputs,
      "learndyn ghost loss" + flags(inputs) + " --json",
      [=] { return loss_quantities(task, eps, std::nullopt); },
      [=] {
        const double e = to_double(eps);
        double loss = 0, grad = 0;
        fg::analytic_loss_and_gradient(fast_task(task), &e, 1, &loss, &grad);
        return analytic_with_bounds(fast_task(task), e, loss, grad);
      }};
}

CaseDefinition finite_loss_case(const GhostTaskText& task, const ReadoutText& readout,
                                const std::string& eps) {
  const Inputs inputs{{"T", task.delay}, {"Tr", task.response}, {"beta", readout.beta},
                      {"xth", readout.x_th}, {"eps", eps}};
  return CaseDefinition{
      make_case_id("ghost.finite_loss", inputs), "ghost", "ghost.finite_loss",
      "finite-confidence loss (G21) and dL/deps (G24)", inputs,
      "learndyn ghost loss" + flags(inputs) + " --json",
      [=] { return loss_quantities(task, eps, readout); },
      [=] {
        const double e = to_double(eps);
        double loss = 0, grad = 0;
        fg::finite_loss_and_gradient(fast_task(task), fg::Readout{to_double(readout.beta), to_double(readout.x_th)},
                                     &e, 1, &loss, &grad);
        // (ghost.md §6): |L^ - L| <= 1e-12 |L|, |L'^ - L'| <= 1e-12 |L'| + 1e-13 Phi + 1e-300 with
        // Phi >= |L'|: the audit takes Phi = |L'|, a smaller bound (C33).
        FastBound loss_bound = absolute_bound(0, "1e-12 |L| (ghost.md §6)", 1e-12);
        FastBound grad_bound = absolute_bound(1e-300, "1e-12 |L'| + 1e-13 Phi, Phi >= |L'| (ghost.md §6, C33)", 1.1e-12);
        const rg::LossAndGradient<real> at = rg::finite_loss_and_gradient(
            real(e), rg::DelayTask<real>{real(to_double(task.delay)), real(to_double(task.response))},
            rg::Readout<real>{real(to_double(readout.beta)), real(to_double(readout.x_th))});
        loss_bound.exact_at_fast_inputs = at.loss;
        grad_bound.exact_at_fast_inputs = at.gradient;
        return std::vector<FastValue>{{"loss", loss, loss_bound}, {"grad", grad, grad_bound}};
      }};
}

CaseDefinition gradient_descent_case(const GhostTaskText& task, const std::string& eta,
                                     const std::string& eps0, long epochs) {
  const Inputs inputs{{"T", task.delay}, {"Tr", task.response}, {"eta", eta}, {"eps0", eps0},
                      {"epochs", std::to_string(epochs)}};
  return CaseDefinition{
      make_case_id("ghost.gd", inputs), "ghost", "ghost.gd",
      "eps and L after `epochs` plain GD steps on the analytical loss (G11, G14; section 5)", inputs,
      "learndyn ghost train --reference" + flags(inputs) + " --record-every " + std::to_string(epochs) +
          " --format json",
      [=] { return gradient_descent_quantities(task, eta, eps0, epochs); },
      [=] {
        const fg::GradientDescentBatch batch{fast_task(task), 1.0, {to_double(eta)}, {to_double(eps0)}};
        const fg::GradientDescentResult r = fg::run_gradient_descent(batch, epochs, 1, 1);
        return gd_with_bounds(batch.task, batch.rates[0], r.eps_history, r.loss_history.back());
      }};
}

// The default suite: every quantity at a few documented points (docs/oracle.md).
void add_default_ghost(std::vector<CaseDefinition>& cases) {
  using N = rg::Normalisation;
  for (const GhostTaskText& task : {GhostTaskText{"10", "10"}, GhostTaskText{"100", "100"},
                                    GhostTaskText{"1000", "1000"}, GhostTaskText{"100", "10"},
                                    GhostTaskText{"7", "3"}})
    for (const N n : {N::none, N::delay, N::total}) cases.push_back(critical_rate_case(task, n));
  // eps* = 2.4674e-4 and eps_nr = 6.1685e-5 at T = T_r = 100: points on every branch of (G11).
  for (const char* eps : {"-1e-4", "1e-6", "6e-5", "1e-4", "2e-4", "2.5e-4", "3e-4", "1e-3", "0.1"})
    cases.push_back(analytic_loss_case({"100", "100"}, eps));
  for (const char* eps : {"-1e-4", "6e-5", "2e-4", "3e-4", "1e-3"})
    cases.push_back(finite_loss_case({"100", "100"}, {"1", "10"}, eps));
  // eta_c = 9.13e-10 at T = T_r = 100: one rate that learns, one that gets stuck.
  for (const char* eta : {"5e-10", "2e-9"}) cases.push_back(gradient_descent_case({"100", "100"}, eta, "2.5e-3", 2000));
}

// The full suite adds grids: more tasks, a dense eps sweep, more readouts, longer runs.
void add_full_ghost(std::vector<CaseDefinition>& cases) {
  using N = rg::Normalisation;
  for (const char* t : {"3", "30", "300", "3000", "10000"})
    for (const char* tr : {"1", "10"})
      for (const N n : {N::none, N::delay, N::total}) cases.push_back(critical_rate_case({t, tr}, n));
  for (int k = -8; k <= 8; ++k)
    for (const char* mantissa : {"1", "3"}) {
      const std::string eps = std::string(mantissa) + "e" + std::to_string(k - 4);
      cases.push_back(analytic_loss_case({"100", "10"}, eps));
    }
  for (const ReadoutText& readout : {ReadoutText{"0.1", "10"}, ReadoutText{"10", "1"}, ReadoutText{"1", "100"}})
    for (const char* eps : {"-1e-4", "1e-4", "3e-4"})
      cases.push_back(finite_loss_case({"100", "100"}, readout, eps));
  for (const char* eta : {"1e-10", "9e-10", "1e-8"})
    cases.push_back(gradient_descent_case({"100", "100"}, eta, "2.5e-3", 20000));
}

}  // namespace

std::vector<CaseDefinition> ghost_cases(SuiteName suite) {
  std::vector<CaseDefinition> cases;
  add_default_ghost(cases);
  if (suite == SuiteName::full) add_full_ghost(cases);
  return cases;
}

}  // namespace learndyn::oracle
