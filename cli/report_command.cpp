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
#include "cli/oracle_commands.hpp"
#include "cli/options.hpp"
#include "cli/output.hpp"
#include <learndyn/common/decimal.hpp>
#include <learndyn/fast/ghost/gradient_descent.hpp>
#include <learndyn/oracle/suite.hpp>
#include <learndyn/reference/ghost/finite_confidence.hpp>
#include <learndyn/reference/ghost/gradient_descent.hpp>

namespace learndyn::cli {
namespace rg = learndyn::reference::ghost;
namespace fg = learndyn::fast::ghost;
namespace fs = std::filesystem;

namespace {

// The golden suite as a table: every certified value to 20 digits (golden.json has all 50).
std::string golden_section(const oracle::GoldenSuite& golden) {
  std::ostringstream md;
  md << "## Golden suite (certified values)\n\n"
     << "`golden.json` beside this report holds " << golden.cases.size()
     << " cases with every value to " << golden.digits << " digits; `" << golden.command
     << "` rewrites it byte for byte, and each case names the command that prints it. "
     << "Shown here to 20 digits.\n\n";
  // Proved values (issue 18): how many carry an enclosure, and its digits.
  std::vector<int> proved;
  std::size_t total = 0;
  for (const oracle::GoldenCase& c : golden.cases)
    for (const oracle::GoldenValue& v : c.values) {
      ++total;
      if (v.has_enclosure) proved.push_back(v.proved_digits);
    }
  std::sort(proved.begin(), proved.end());
  md << "**Proved:** " << proved.size() << " of the " << total
     << " golden values carry an enclosure that contains the exact value (interval arithmetic on Arb, "
        "proofs/common.md C17)";
  if (!proved.empty()) {
    const std::size_t n = proved.size();
    const double median = n % 2 ? proved[n / 2] : 0.5 * (proved[n / 2 - 1] + proved[n / 2]);
    md << ", proving " << proved.front() << " digits at least, " << number_text(median) << " (median)";
  }
  md << "; the others keep the two-precision certificate, and golden.json says why for each "
        "(`enclosure_note`).\n\n"
     << "| case | quantity | value | certified digits | proved digits |\n|---|---|---|---|---|\n";
  for (const oracle::GoldenCase& c : golden.cases)
    for (const oracle::GoldenValue& v : c.values)
      md << "| " << c.id << " | " << v.quantity << " | "
         << format_significant(parse_decimal<real>(v.value, "value"), 20) << " | " << v.certified_digits << " | "
         << (v.has_enclosure ? std::to_string(v.proved_digits) : std::string("-")) << " |\n";
  md << "\n";
  return md.str();
}

std::string audit_section(const oracle::Audit& audit) {
  return "## Audit: the fast path against the 50-digit reference on the suite\n\n"
         "Per quantity, the worst over the suite's cases (`learndyn oracle audit`; bounds in "
         "proofs/ghost.md §6 and docs/ghost.md).\n\n" +
         render_audit_markdown(audit) + "\n";
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
  set_example(*cmd, "learndyn report -o out");
  cmd->add_option("-o,--out", *out, "output folder (default ./out)")->check(non_empty_path());
  cmd->callback([out, &action] {
    action = [out] {
      const auto start = std::chrono::steady_clock::now();
      fs::create_directories(*out);
      std::ostringstream md;
      md << "# learndyn report\n\nGenerated by `learndyn report --out " << *out << "` (learndyn "
         << LEARNDYN_VERSION << "). Reference: 50-digit binary floats, certified against 100 digits; "
         << "fast path: double precision, SIMD.\n\n";
      const oracle::SuiteResult suite =
          oracle::evaluate_suite(oracle::SuiteName::standard, kWorkingDigits, LEARNDYN_VERSION, true);
      write_file_atomically((fs::path(*out) / "golden.json").string(), oracle::to_json_text(suite.golden));
      md << audit_section(suite.audit) << golden_section(suite.golden) << limit_section()
         << bisection_section();
      const std::string png = (fs::path(*out) / "ghost_fig2a_8a.png").string();
      write_ghost_figure(FigureRequest{fg::DelayTask{100, 100}, {0.01, 0.1, 0.5, 1, 2}, 10.0, 400}, png);
      md << "## Figures\n\n![Loss and normalised gradient vs eps (paper Fig. 2A / 8A)](ghost_fig2a_8a.png)\n\n"
         << "Drawn by `learndyn ghost figure -o ghost_fig2a_8a.png`.\n\n";
      const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      md << "Report computed in " << format_significant(seconds, 3) << " s.\n";
      write_file_atomically((fs::path(*out) / "report.md").string(), md.str());
      std::cerr << "wrote " << (fs::path(*out) / "report.md").string() << ", golden.json and " << png << "\n";
    };
  });
}

}  // namespace learndyn::cli
