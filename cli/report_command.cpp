#include "cli/report_command.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "cli/figure.hpp"
#include "cli/ntk_experiment_commands.hpp"
#include "cli/oracle_commands.hpp"
#include "cli/overlaps_commands.hpp"
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
namespace eo = learndyn::experiments::overlaps;
namespace en = learndyn::experiments::ntk;
namespace fs = std::filesystem;

namespace {

// Wall and CPU seconds since the report started, for the progress lines and the report's end.
struct Clock {
  std::chrono::steady_clock::time_point wall = std::chrono::steady_clock::now();
  std::clock_t cpu = std::clock();
  double wall_seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - wall).count();
  }
  double cpu_seconds() const { return static_cast<double>(std::clock() - cpu) / CLOCKS_PER_SEC; }
};

// Seconds with one decimal ("46.0").
std::string seconds_text(double seconds) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f", seconds);
  return buffer;
}

void stage(const Clock& clock, int k, int n, const std::string& what) {
  std::cerr << "report [" << k << "/" << n << "] at " << seconds_text(clock.wall_seconds()) << " s: " << what << "\n";
}

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
  std::ostringstream md;
  md << "## Audit: the fast path against the 50-digit reference on the suite\n\n"
     << "Per quantity, the worst over the suite's cases (`learndyn oracle audit`; `--json` gives the same "
        "rows). Each row's bound is the a-priori error bound that the tests assert or proofs/ derive, "
        "evaluated at each case; *worst error/bound* is the largest ratio over the cases, in the bound's own "
        "measure (ulps or absolute error), and a row fails when any case exceeds its bound "
        "(proofs/common.md C36; docs/oracle.md, The audit).\n\n"
     << render_audit_markdown(audit) << "\n";
  int failed = 0;
  std::vector<std::string> unbounded;
  for (const oracle::AuditRow& r : audit.rows) {
    failed += r.failed;
    if (r.bounded_cases < r.cases)
      unbounded.push_back(r.kind + " " + r.quantity + " (" + std::to_string(r.cases - r.bounded_cases) + " of " +
                          std::to_string(r.cases) + " cases: " + r.no_bound_reason + ")");
  }
  md << "**Verdict:** " << (failed ? std::to_string(failed) + " rows FAIL their bound" : "every bounded case is within its bound")
     << ". Without an a-priori bound: " << (unbounded.empty() ? "none" : "") << "\n\n";
  for (const std::string& u : unbounded) md << "- " << u << "\n";
  md << "\n";
  return md.str();
}

// Three significant digits, without an exponent where none is needed ("2.46", "1.4e-14").
std::string short_text(double x) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.3g", x);
  return buffer;
}

// Overlaps: the paper's rank-1 filter run (Figs. 1/5 defaults, `learndyn overlaps filter`):
// the network trained by SGD against the overlap theory from the same initial overlaps.
std::string overlaps_section(const fs::path& out) {
  const eo::FilterSettings s = eo::filter_defaults(1);
  const eo::FilterResult r = eo::run_filter(s);
  filter_figure(r, s, (out / "overlaps_filter.png").string());
  const auto& v = r.summary;
  std::ostringstream md;
  md << "## Overlaps: the network against the overlap theory (filter task, rank 1)\n\n"
     << "`learndyn overlaps filter --figure overlaps_filter.png` (the paper's Figs. 1/5 settings: N = " << s.neurons
     << ", T = " << s.steps << ", lr = " << s.lr << ", " << s.epochs << " epochs, seed " << s.seed
     << "). The loss falls from " << short_text(v.get("loss_network_initial")) << " to "
     << short_text(v.get("loss_network_final")) << " (network) and "
     << short_text(v.get("loss_exact_map_final"))
     << " (overlap theory, exact map); the largest gap between the network's overlaps and the exact map's over the run is "
     << short_text(v.get("max_gap_exact_map")) << ", against "
     << short_text(v.get("max_gap_rounding"))
     << " between the network and a float64 twin with its units relabelled (verdict: " << r.theory_gap
     << "); the Euler theory is off by " << short_text(v.get("max_gap_euler")) << ".\n\n"
     << "![Filter task: loss and overlaps, network vs overlap theory](overlaps_filter.png)\n\n";
  return md.str();
}

// NTK: the gain x input-rank sweep (paper Fig. 5) at a small size: the temporal and spatial
// participation ratios of the recurrent-weight NTK of a student-teacher tanh RNN.
std::string ntk_section(const fs::path& out) {
  en::GainSweepConfig c;
  c.hidden = 16, c.steps = 20, c.inputs = 8, c.train_steps = 20;
  c.input_ranks = {1, 2, 4, 8};
  const en::GainSweepResult r = en::run_gain_sweep(c);
  gain_sweep_figure(c, r, (out / "ntk_gain_sweep.png").string());
  // The temporal PR at the smallest and the largest input rank, at the gain where it is largest.
  const std::size_t G = c.gains.size(), R = c.input_ranks.size();
  const auto cell = [&](std::size_t gi, std::size_t ri, const char* column) { return r.grid.at(ri * G + gi, column); };
  std::size_t best = 0;
  for (std::size_t g = 0; g < G; ++g)
    if (cell(g, R - 1, "temporal") > cell(best, R - 1, "temporal")) best = g;
  bool core_rises = true;
  for (std::size_t ri = 0; ri < R; ++ri)
    for (std::size_t g = 1; g < G; ++g) core_rises = core_rises && cell(g, ri, "core_temporal") > cell(g - 1, ri, "core_temporal");
  std::ostringstream md;
  md << "## NTK: effective dimension against recurrent gain and input rank (paper Fig. 5, small)\n\n"
     << "`learndyn ntk gain-sweep --hidden 16 --steps 20 --inputs 8 --train-steps 20 --input-ranks 1,2,4,8 "
        "--figure ntk_gain_sweep.png` (seed 0; the paper: H = 64, 9000 GD steps). The NTK's temporal participation "
        "ratio is largest at g = "
     << c.gains[best] << " for r_x = " << c.input_ranks[R - 1] << " (" << short_text(cell(best, R - 1, "temporal"))
     << "), and at that gain it is " << short_text(cell(best, 0, "temporal"))
     << " at r_x = " << c.input_ranks[0] << "; the core K_W's temporal PR "
     << (core_rises ? "rises with g at every input rank" : "does not rise with g at every input rank") << " ("
     << short_text(cell(0, R - 1, "core_temporal")) << " at g = " << c.gains[0] << ", "
     << short_text(cell(G - 1, R - 1, "core_temporal")) << " at g = " << c.gains[G - 1]
     << ", r_x = " << c.input_ranks[R - 1] << ").\n\n"
     << "![NTK gain sweep: participation ratios over gain x input rank](ntk_gain_sweep.png)\n\n";
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
  set_example(*cmd, "learndyn report -o out");
  cmd->add_option("-o,--out", *out, "output folder (default ./out)")->check(non_empty_path());
  cmd->callback([out, &action] {
    action = [out] {
      const Clock clock;
      constexpr int kStages = 5;
      fs::create_directories(*out);
      const fs::path dir(*out);
      std::ostringstream md;
      md << "# learndyn report\n\nGenerated by `learndyn report --out " << *out << "` (learndyn "
         << LEARNDYN_VERSION << "). Reference: 50-digit binary floats, certified against 100 digits; "
         << "fast path: double precision, SIMD. Three areas: the ghost mechanism (Dinc et al. 2025), learning in "
            "overlap space (Ger & Barak 2026) and the global empirical NTK (Hazelden et al. 2026).\n\n";
      stage(clock, 1, kStages, "golden suite: certified values of every area and the fast path's audit");
      oracle::set_suite_progress(true);
      const oracle::SuiteResult suite =
          oracle::evaluate_suite(oracle::SuiteName::standard, kWorkingDigits, LEARNDYN_VERSION, true);
      oracle::set_suite_progress(false);
      write_file_atomically((dir / "golden.json").string(), oracle::to_json_text(suite.golden));
      md << audit_section(suite.audit) << golden_section(suite.golden);
      stage(clock, 2, kStages, "ghost: analytical limit, numerical critical rate, Fig. 2A/8A");
      md << limit_section() << bisection_section();
      write_ghost_figure(FigureRequest{fg::DelayTask{100, 100}, {0.01, 0.1, 0.5, 1, 2}, 10.0, 400},
                         (dir / "ghost_fig2a_8a.png").string());
      md << "![Loss and normalised gradient vs eps (paper Fig. 2A / 8A)](ghost_fig2a_8a.png)\n\n"
         << "Drawn by `learndyn ghost figure -o ghost_fig2a_8a.png`.\n\n";
      stage(clock, 3, kStages, "overlaps: the filter run, network vs overlap theory");
      md << overlaps_section(dir);
      stage(clock, 4, kStages, "ntk: gain x input-rank sweep");
      md << ntk_section(dir);
      stage(clock, 5, kStages, "writing report.md");
      md << "Report computed in " << seconds_text(clock.wall_seconds()) << " s wall, "
         << seconds_text(clock.cpu_seconds()) << " s CPU (all threads).\n";
      write_file_atomically((dir / "report.md").string(), md.str());
      std::cerr << "wrote " << (dir / "report.md").string()
                << ", golden.json, ghost_fig2a_8a.png, overlaps_filter.png and ntk_gain_sweep.png in "
                << seconds_text(clock.wall_seconds()) << " s (" << seconds_text(clock.cpu_seconds()) << " s CPU)\n";
    };
  });
}

}  // namespace learndyn::cli
