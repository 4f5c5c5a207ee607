#include "cli/report_command.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "cli/figure.hpp"
#include "cli/ghost_quantities.hpp"
#include "cli/options.hpp"
#include "cli/report.hpp"
#include "common/decimal.hpp"
#include "common/error_measures.hpp"
#include "fast/ghost/analytic.hpp"
#include "fast/ghost/finite_confidence.hpp"
#include "fast/ghost/gradient_descent.hpp"
#include "reference/ghost/canonical_model.hpp"
#include "reference/ghost/finite_confidence.hpp"
#include "reference/ghost/gradient_descent.hpp"

namespace learndyn::cli {
namespace rg = learndyn::reference::ghost;
namespace fg = learndyn::fast::ghost;
namespace fs = std::filesystem;

namespace {

// The certified critical-rate table (G12-G20) for T = T_r in {10, 100, 1000} and for a
// fixed T_r = 10 with T = 100.
std::string critical_rate_section() {
  std::ostringstream md;
  md << "## Ghost canonical model: critical learning rate (certified)\n\n"
     << "| T | T_r | normalise | eta_c | eps* | eps_nr | d log eta_c / d log T (T_r prop., fixed) | certified digits |\n"
     << "|---|---|---|---|---|---|---|---|\n";
  const std::vector<GhostTaskText> tasks{{"10", "10"}, {"100", "100"}, {"1000", "1000"}, {"100", "10"}};
  for (const GhostTaskText& task : tasks) {
    for (const auto n : {rg::Normalisation::none, rg::Normalisation::delay, rg::Normalisation::total}) {
      const std::vector<NamedValue> q = critical_rate_quantities(task, n);
      int digits = 50;
      for (const NamedValue& v : q) digits = std::min(digits, v.value.certified_digits);
      md << "| " << task.delay << " | " << task.response << " | " << normalisation_name(n) << " | "
         << format_significant(q[0].value.value, 20) << " | " << format_significant(q[1].value.value, 12)
         << " | " << format_significant(q[2].value.value, 12) << " | "
         << format_significant(q[4].value.value, 6) << ", " << format_significant(q[5].value.value, 6)
         << " | " << digits << " |\n";
    }
  }
  md << "\nValues to 20 digits here; `learndyn ghost critical-rate --T T --Tr Tr --json` prints all 50.\n\n";
  return md.str();
}

// The fast path against the 50-digit reference on grids (the numerical-accuracy audit), each
// error in the measure its bound is stated in (proofs/ghost.md §6).
std::string audit_section() {
  std::ostringstream md;
  md << "## Ghost canonical model: fast path against the 50-digit reference\n\n"
     << "| quantity | grid | worst error | stated bound |\n|---|---|---|---|\n";
  const fg::DelayTask task{100, 100};
  const rg::DelayTask<real> rtask{real(100), real(100)};
  const double eps_star = fg::optimal_scale(task);
  const double u = 0x1p-53;
  // 2^(k/8) eps* times an irrational-looking factor: 97 points from eps*/256 to 4096 eps*,
  // none on a kink of (G14), where either branch is right.
  std::vector<double> eps;
  for (int k = -64; k <= 96; k += 1) eps.push_back(eps_star * std::exp2(k / 8.0) * 1.0123456789);
  std::vector<double> loss(eps.size()), grad(eps.size());
  fg::analytic_loss_and_gradient(task, eps.data(), eps.size(), loss.data(), grad.data());
  double worst_l = 0, worst_g = 0;
  for (std::size_t i = 0; i < eps.size(); ++i) {
    const real e(eps[i]);
    const real exact = rg::analytic_loss(e, rtask);
    const real t_star = rg::escape_time(e);
    const real scale = isfinite(t_star) ? real(t_star + abs(exact)) : real(abs(exact));
    worst_l = std::max(worst_l, static_cast<double>(abs(real(loss[i]) - exact) / (u * scale)));
    worst_g = std::max(worst_g, ulp_distance(grad[i], static_cast<double>(rg::analytic_gradient(e, rtask))));
  }
  md << "| analytical loss | " << eps.size() << " points, eps*/256 .. 4096 eps*, T = T_r = 100 | "
     << format_significant(worst_l, 3) << " u (t* + abs(L)) | 4 u (t* + abs(L)) |\n";
  md << "| analytical gradient | same | " << format_significant(worst_g, 3) << " ulps | 5 ulps |\n";
  const rg::Readout<real> rreadout{real(1), real(10)};
  const std::vector<double> few{-eps_star, 0.25 * eps_star, 0.5 * eps_star, 0.9 * eps_star, 1.1 * eps_star, 2 * eps_star};
  std::vector<double> fl(few.size()), fgr(few.size());
  fg::finite_loss_and_gradient(task, fg::Readout{1.0, 10.0}, few.data(), few.size(), fl.data(), fgr.data());
  worst_l = worst_g = 0;
  for (std::size_t i = 0; i < few.size(); ++i) {
    const rg::LossAndGradient<real> r = rg::finite_loss_and_gradient(real(few[i]), rtask, rreadout);
    worst_l = std::max(worst_l, static_cast<double>(relative_error(real(fl[i]), r.loss)));
    worst_g = std::max(worst_g, static_cast<double>(relative_error(real(fgr[i]), r.gradient)));
  }
  md << "| finite-confidence loss (beta = 1, x_th = 10) | 6 points, -eps* .. 2 eps* | " << format_significant(worst_l, 3)
     << " relative | 1e-12 relative |\n";
  md << "| finite-confidence gradient | same | " << format_significant(worst_g, 3) << " relative | see proofs/ghost.md §6 |\n\n";
  return md.str();
}

// The finite-confidence loss approaching the analytical limit (G26): beta = x_th = s growing,
// at eps = eps*/2 (late branch) and 2 eps* (early branch), by the 50-digit reference.
std::string limit_section() {
  std::ostringstream md;
  md << "## Ghost canonical model: the analytical limit and its rate (G26)\n\n"
     << "beta = x_th = s, T = T_r = 100; delta = atan(sqrt(eps)/x_th)/sqrt(eps) ~ 1/x_th. "
     << "(G26) predicts L_s - L = -+delta - 1/(beta x_th^2) + ..., i.e. the last column -> -1.\n\n"
     << "| eps/eps* | s | L_s - L | s (L_s - L) | (L_s - L +- delta) beta x_th^2 |\n|---|---|---|---|---|\n";
  const rg::DelayTask<real> task{real(100), real(100)};
  for (const char* ratio : {"0.5", "2"}) {
    const real eps = rg::optimal_scale(task) * real(ratio);
    const real analytic = rg::analytic_loss(eps, task);
    const real s_eps = sqrt(eps);
    const int sign = real(ratio) < 1 ? 1 : -1;  // late branch: -delta; early: +delta
    for (const char* s : {"10", "100", "1000", "10000"}) {
      const real x(s);
      const real diff = rg::finite_loss(eps, task, rg::Readout<real>{x, x}) - analytic;
      const real delta = atan(s_eps / x) / s_eps;
      md << "| " << ratio << " | " << s << " | " << format_significant(diff, 6) << " | "
         << format_significant(real(x * diff), 6) << " | "
         << format_significant(real((diff + sign * delta) * x * x * x), 8) << " |\n";
    }
  }
  md << "\nThe loss converges at rate 1/x_th; beta enters only the second-order term.\n\n";
  return md.str();
}

// The numerical critical rate (G28) beside the formula.
std::string bisection_section() {
  std::ostringstream md;
  md << "## Ghost canonical model: numerical critical rate (bisection, G28) vs formula (G16)\n\n"
     << "| T | T_r | bracket lower | bracket upper | formula | inside |\n|---|---|---|---|---|---|\n";
  for (const auto& [t, tr] : std::vector<std::pair<double, double>>{{100, 100}, {100, 10}, {7, 3}}) {
    const fg::DelayTask task{t, tr};
    const std::vector<double> starts = rg::critical_rate_starts<double>(rg::DelayTask<double>{t, tr}, 10, 40, 0);
    const learndyn::Bracket b = fg::numerical_critical_rate(task, 1.0, starts, 10000, 1e-6);
    const double formula = static_cast<double>(rg::critical_rate(rg::DelayTask<real>{real(t), real(tr)}, rg::Normalisation::none));
    const bool inside = b.lower <= formula * (1 + 1e-6) && formula <= b.upper * (1 + 1e-6);
    md << "| " << t << " | " << tr << " | " << format_significant(b.lower, 10) << " | "
       << format_significant(b.upper, 10) << " | " << format_significant(formula, 10) << " | "
       << (inside ? "yes" : "**no**") << " |\n";
  }
  md << "\n";
  return md.str();
}

}  // namespace

void add_report_command(CLI::App& app, std::function<void()>& action) {
  auto out = std::make_shared<std::string>("out");
  auto* cmd = app.add_subcommand("report", "the main job: certified values, fast-path audit and figures, as Markdown + PNG");
  cmd->add_option("-o,--out", *out, "output folder (default ./out)");
  cmd->callback([out, &action] {
    action = [out] {
      const auto start = std::chrono::steady_clock::now();
      fs::create_directories(*out);
      std::ostringstream md;
      md << "# learndyn report\n\nGenerated by `learndyn report --out " << *out << "` (learndyn "
         << LEARNDYN_VERSION << "). Reference: 50-digit binary floats, certified against 100 digits; "
         << "fast path: double precision, SIMD.\n\n";
      md << critical_rate_section() << audit_section() << limit_section() << bisection_section();
      const std::string png = (fs::path(*out) / "ghost_fig2a_8a.png").string();
      write_ghost_figure(FigureRequest{fg::DelayTask{100, 100}, {0.01, 0.1, 0.5, 1, 2}, 10.0, 400}, png);
      md << "## Figures\n\n![Loss and normalised gradient vs eps (paper Fig. 2A / 8A)](ghost_fig2a_8a.png)\n\n"
         << "Drawn by `learndyn ghost figure -o ghost_fig2a_8a.png`.\n\n";
      const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      md << "Report computed in " << format_significant(seconds, 3) << " s.\n";
      write_file_atomically((fs::path(*out) / "report.md").string(), md.str());
      std::cout << "wrote " << (fs::path(*out) / "report.md").string() << " and " << png << "\n";
    };
  });
}

}  // namespace learndyn::cli
