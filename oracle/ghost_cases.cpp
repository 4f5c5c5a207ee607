#include <learndyn/oracle/ghost_cases.hpp>

#include <string>
#include <utility>

#include <learndyn/common/decimal.hpp>
#include <learndyn/fast/ghost/analytic.hpp>
#include <learndyn/fast/ghost/finite_confidence.hpp>
#include <learndyn/fast/ghost/gradient_descent.hpp>
#include <learndyn/oracle/ghost_quantities.hpp>

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

CaseDefinition critical_rate_case(const GhostTaskText& task, rg::Normalisation normalisation) {
  const Inputs inputs{{"T", task.delay}, {"Tr", task.response}, {"normalise", normalisation_name(normalisation)}};
  return CaseDefinition{
      make_case_id("ghost.critical_rate", inputs), "ghost", "ghost.critical_rate",
      "critical learning rate eta_c (G16/G17), eps* (G12), eps_nr (G13), slope (G15), exponents (G19, G20)",
      inputs, "learndyn ghost critical-rate" + flags(inputs) + " --json",
      [=] { return critical_rate_quantities(task, normalisation); },
      [=] {
        const fg::DelayTask t = fast_task(task);
        return std::vector<FastValue>{{"eps_star", fg::optimal_scale(t)},
                                      {"eps_nr", fg::point_of_no_return(t)}};
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
        return std::vector<FastValue>{{"loss", loss}, {"grad", grad}};
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
        return std::vector<FastValue>{{"loss", loss}, {"grad", grad}};
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
        const fg::GradientDescentResult r = fg::run_gradient_descent(batch, epochs, epochs, 1);
        return std::vector<FastValue>{{"eps_final", r.eps_history.back()},
                                      {"loss_final", r.loss_history.back()}};
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
