#include "cli/ghost_commands.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "cli/figure.hpp"
#include "cli/options.hpp"
#include "cli/output.hpp"
#include <learndyn/common/argument_error.hpp>
#include <learndyn/common/decimal.hpp>
#include <learndyn/common/memory_budget.hpp>
#include <learndyn/common/scalar.hpp>
#include <learndyn/experiments/ghost/canonical_training.hpp>
#include <learndyn/fast/ghost/analytic.hpp>
#include <learndyn/fast/ghost/finite_confidence.hpp>
#include <learndyn/fast/ghost/gradient_descent.hpp>
#include <learndyn/oracle/ghost_quantities.hpp>
#include <learndyn/reference/ghost/finite_confidence.hpp>
#include <learndyn/reference/ghost/gradient_descent.hpp>

namespace learndyn::cli {
namespace rg = learndyn::reference::ghost;
namespace fg = learndyn::fast::ghost;
namespace ex = learndyn::experiments::ghost;

using oracle::GhostTaskText;
using oracle::NamedValue;
using oracle::ReadoutText;
using oracle::critical_rate_quantities;
using oracle::loss_quantities;
using oracle::normalisation_name;
using oracle::parse_normalisation;

namespace {

// Adds each value as a decimal string with `digits` significant digits, "certified_digits"
// (the minimum over the values), "certified_digits_by_quantity" and the proved enclosures
// (add_enclosures).
void add_certified(Json& report, const std::vector<NamedValue>& values, int digits) {
  int least = decimal_digits<real>;
  Json by_quantity = Json::object();
  for (const NamedValue& v : values) {
    report[v.name] = format_significant(v.value.value, digits);
    by_quantity[v.name] = v.value.certified_digits;
    least = std::min(least, v.value.certified_digits);
  }
  report["certified_digits"] = least;
  report["certified_digits_by_quantity"] = by_quantity;
  add_enclosures(report, values);
}

// Options every ghost command shares; held by shared_ptr so that callbacks outlive parsing.
struct GhostOptions {
  GhostTaskText task{"100", "100"};
  std::string beta, x_th;
  std::string normalise = "none";
  std::string digits = "50";
  bool json = false;
};

void add_task_options(CLI::App& cmd, GhostOptions& o, bool required) {
  auto* t = add_decimal(cmd, "T", o.task.delay, "delay T > 0 (default 100)");
  auto* tr = add_decimal(cmd, "Tr", o.task.response, "response window T_r > 0 (default 100)");
  if (required) {
    t->required();
    tr->required();
  }
}

void add_readout_options(CLI::App& cmd, GhostOptions& o) {
  add_decimal(cmd, "beta", o.beta, "readout confidence beta > 0 (with --xth; default: none, both omitted = the analytical limit)");
  add_decimal(cmd, "xth", o.x_th, "readout threshold x_th > 0 (with --beta; default: none)");
}

std::optional<ReadoutText> readout_of(const GhostOptions& o) {
  if (o.beta.empty() != o.x_th.empty())
    throw ArgumentError(o.beta.empty() ? "beta" : "xth", "(missing)",
                        "--beta and --xth together, or neither (analytical limit)");
  if (o.beta.empty()) return std::nullopt;
  return ReadoutText{o.beta, o.x_th};
}

int digits_of(const GhostOptions& o) {
  return static_cast<int>(parse_integer(o.digits, "digits", 1, kWorkingDigits));
}

Json inputs_of(const GhostOptions& o) {
  Json in = Json::object();
  in["T"] = o.task.delay;
  in["Tr"] = o.task.response;
  return in;
}

void add_precision(Json& report, int digits) {
  report["digits"] = digits;
  report["working_precision_digits"] = kWorkingDigits;
  report["certifying_precision_digits"] = kCertifyingDigits;
}

fg::DelayTask fast_task(const GhostOptions& o) {
  fg::DelayTask task{parse_double(o.task.delay, "T"), parse_double(o.task.response, "Tr")};
  fg::validate(task);
  // eps* = pi^2/(4 T^2) must be a normal double for the fast path: at T = 1e-320 it was inf
  // and the default grid all NaN, at T = 1e308 it was 0 and the error named eps-max.
  const double eps_star = fg::optimal_scale(task);
  require(std::isnormal(eps_star) && std::isfinite(10 * eps_star), "T", o.task.delay,
          "about 1e-153 < T < 1e153 on the fast path (eps* a normal double); critical-rate, loss "
          "and train --reference take any T > 0");
  return task;
}

// A double-precision result must be finite to be printed: a NaN or inf is refused, naming
// the option that drove it out of range.
void require_finite(const std::vector<double>& values, const std::string& parameter, const std::string& value,
                    const std::string& allowed) {
  const bool ok = std::all_of(values.begin(), values.end(), [](double x) { return std::isfinite(x); });
  require(ok, parameter, value, allowed);
}

// The loss rescaling c of proofs/ghost.md §3.1, from the reference's one definition.
double scale_of(const fg::DelayTask& task, rg::Normalisation n) {
  return rg::normalisation_factor(rg::DelayTask<double>{task.delay, task.response}, n);
}

std::string g17(double x) { return format_significant(x, 17); }

// ---- ghost critical-rate -------------------------------------------------------------
void add_critical_rate(CLI::App& ghost, std::function<void()>& action) {
  auto o = std::make_shared<GhostOptions>();
  auto* cmd = ghost.add_subcommand("critical-rate",
                                   "critical learning rate eta_c and the optimum, certified (G12-G20)");
  set_example(*cmd, "learndyn ghost critical-rate --T 100 --Tr 100 --json");
  add_task_options(*cmd, *o, true);
  cmd->add_option("--normalise", o->normalise, "loss rescaling: none | T | total (default none)");
  cmd->add_option("--digits", o->digits, "significant digits printed, 1..50 (default 50)")->type_name("INT");
  cmd->add_flag("--json", o->json, "print one JSON object");
  cmd->callback([o, &action] {
    action = [o] {
      const int digits = digits_of(*o);
      const rg::Normalisation n = parse_normalisation(o->normalise);
      Json report = Json::object();
      report["command"] = "ghost critical-rate";
      report["inputs"] = inputs_of(*o);
      report["inputs"]["normalise"] = normalisation_name(n);
      add_certified(report, critical_rate_quantities(o->task, n), digits);
      report["exponent_limit_Tr_proportional"] =
          rg::critical_rate_exponent_limit(n, rg::DelayScaling::proportional);
      report["exponent_limit_Tr_fixed"] =
          rg::critical_rate_exponent_limit(n, rg::DelayScaling::fixed_response);
      add_precision(report, digits);
      print_report(std::cout, report, o->json);
    };
  });
}

// ---- ghost loss ----------------------------------------------------------------------
void add_loss(CLI::App& ghost, std::function<void()>& action) {
  auto o = std::make_shared<GhostOptions>();
  auto eps = std::make_shared<std::string>();
  auto* cmd = ghost.add_subcommand("loss", "loss L(eps) and dL/deps, certified (G11/G14 or G21/G24)");
  set_example(*cmd, "learndyn ghost loss --T 100 --Tr 100 --eps 1e-4 --json");
  add_task_options(*cmd, *o, true);
  add_decimal(*cmd, "eps", *eps, "the scale parameter eps (any real)")->required();
  add_readout_options(*cmd, *o);
  cmd->add_option("--digits", o->digits, "significant digits printed, 1..50 (default 50)")->type_name("INT");
  cmd->add_flag("--json", o->json, "print one JSON object");
  cmd->callback([o, eps, &action] {
    action = [o, eps] {
      const int digits = digits_of(*o);
      const std::optional<ReadoutText> readout = readout_of(*o);
      Json report = Json::object();
      report["command"] = "ghost loss";
      report["inputs"] = inputs_of(*o);
      report["inputs"]["eps"] = *eps;
      if (readout) {
        report["inputs"]["beta"] = readout->beta;
        report["inputs"]["xth"] = readout->x_th;
      }
      report["model"] = readout ? "finite confidence (G21, G24)" : "analytical limit (G11, G14)";
      add_certified(report, loss_quantities(o->task, *eps, readout), digits);
      if (!readout)
        report["gradient_convention"] =
            "at eps_nr and eps_star the middle branch -pi/(4 eps^1.5) is returned (proofs/ghost.md §3)";
      add_precision(report, digits);
      print_report(std::cout, report, o->json);
    };
  });
}

// The bytes a row of train's trajectory takes as this file holds and renders it (four strings
// of 17 or 50 digits, the JSON tree, the rendered text and its copy), measured with peak RSS:
// ~360 bytes a row as CSV, ~1300 as JSON (tests/cli/test_audit_cli.sh checks the estimates
// within 2x of the peak). Scan streams its rows: ~170 bytes a row as CSV, ~1240 as JSON.
double rendered_row_bytes(bool json, bool fifty_digits) {
  return (json ? 1300.0 : 330.0) + (fifty_digits ? 250.0 : 0.0);
}

// ---- ghost train ---------------------------------------------------------------------
struct TrainOptions {
  std::string eta, etas, eps0, epochs = "3000", record_every = "1", format = "csv", runs = "1",
                       seed = "0";
  bool reference = false;
};

// rows: run, epoch, eps, loss; with --etas eta first.
std::string trajectory_csv(const std::vector<std::vector<std::string>>& rows, bool grid) {
  std::ostringstream out;
  out << (grid ? "eta," : "") << "run,epoch,eps,loss\n";
  for (const auto& r : rows) {
    for (std::size_t i = 0; i < r.size(); ++i) out << (i ? "," : "") << r[i];
    out << "\n";
  }
  return out.str();
}

void add_train(CLI::App& ghost, std::function<void()>& action) {
  auto o = std::make_shared<GhostOptions>();
  auto t = std::make_shared<TrainOptions>();
  auto* cmd = ghost.add_subcommand(
      "train", "plain GD on eps with the analytical gradient (paper Fig. 2B-D); CSV or JSON");
  set_example(*cmd, "learndyn ghost train --T 100 --Tr 100 --eta 0.001 --epochs 3000 --record-every 1000");
  add_task_options(*cmd, *o, false);
  add_decimal(*cmd, "eta", t->eta, "learning rate eta > 0 (default: none; give this or --etas)");
  cmd->add_option("--etas", t->etas,
                  "lo,hi,count: count rates log-spaced in [lo, hi], each from the same starts (Fig. 2D; adds an eta "
                  "column; default: none, one rate by --eta)");
  add_decimal(*cmd, "eps0", t->eps0, "starting eps (default 10 eps_star)");
  cmd->add_option("--epochs", t->epochs, "number of GD steps, 0..10^8 (default 3000)")->type_name("INT");
  cmd->add_option("--record-every", t->record_every, "record every k-th epoch, 1..10^8 (default 1)")->type_name("INT");
  cmd->add_option("--runs", t->runs,
                  "runs from eps0 + N(0,(eps_star/10)^2) as in Fig. 2D, 1..10^6 (default 1: eps0 exactly)")->type_name("INT");
  add_seed(*cmd, t->seed);
  cmd->add_option("--normalise", o->normalise, "loss rescaling: none | T | total (default none)");
  cmd->add_option("--format", t->format, "csv | json (default csv)");
  cmd->add_flag_callback("--json", [t] { t->format = "json"; }, "the same as --format json");
  cmd->add_flag("--reference", t->reference,
                "run the 50-digit reference instead of the fast path (one run)");
  cmd->add_option("--digits", o->digits, "digits printed with --reference, 1..50 (default 50)")->type_name("INT");
  cmd->callback([o, t, &action] {
    action = [o, t] {
      const rg::Normalisation n = parse_normalisation(o->normalise);
      require(t->eta.empty() != t->etas.empty(), "eta", t->eta.empty() ? "none" : t->eta,
              "one of --eta (one rate) or --etas lo,hi,count (a grid)");
      const long epochs = parse_integer(t->epochs, "epochs", 0, 100000000);
      const long every = parse_integer(t->record_every, "record-every", 1, 100000000);
      const long runs = parse_integer(t->runs, "runs", 1, 1000000);
      const std::uint64_t seed = parse_seed(t->seed);
      require(t->format == "csv" || t->format == "json", "format", "'" + t->format + "'",
              "csv or json");
      std::vector<double> grid;  // --etas: the rates
      if (!t->etas.empty()) {
        require(!t->reference, "reference", "on", "one rate (--eta) with --reference");
        const std::vector<std::string> parts = split_list(t->etas, "etas");
        require(parts.size() == 3, "etas", "'" + t->etas + "'", "lo,hi,count");
        const double lo = parse_double(parts[0], "etas"), hi = parse_double(parts[1], "etas");
        const long count = parse_integer(parts[2], "etas", 1, 100000);
        require(std::isnormal(lo) && lo > 0 && hi >= lo && std::isfinite(hi / lo), "etas", "'" + t->etas + "'",
                "0 < lo <= hi, normal doubles with hi / lo finite");
        grid = ex::log_spaced_rates(lo, hi, count);
      }
      const double total = static_cast<double>(runs) * static_cast<double>(std::max<std::size_t>(grid.size(), 1));
      const double records = static_cast<double>(fg::gradient_descent_records(epochs, every));
      require_memory((t->reference ? rg::trajectory_bytes<real>(epochs)
                                   : fg::gradient_descent_bytes(static_cast<std::size_t>(total), epochs, every)) +
                         total * records * rendered_row_bytes(t->format == "json", t->reference),
                     !grid.empty() ? "etas" : runs > 1 ? "runs" : "epochs", !grid.empty() ? t->etas : runs > 1 ? t->runs : t->epochs);
      std::vector<std::vector<std::string>> rows;
      Json stuck = Json::array();
      if (t->reference) {
        require(runs == 1, "runs", t->runs, "1 with --reference");
        const int digits = digits_of(*o);
        const rg::DelayTask<real> task{parse_decimal<real>(o->task.delay, "T"),
                                       parse_decimal<real>(o->task.response, "Tr")};
        rg::validate(task);
        const real eps0 = t->eps0.empty() ? real(10 * rg::optimal_scale(task))
                                          : parse_decimal<real>(t->eps0, "eps0");
        const rg::Trajectory<real> tr = rg::run_gradient_descent(
            rg::GradientDescent<real>{task, n, parse_decimal<real>(t->eta, "eta")}, eps0, epochs);
        for (long k = 0; k <= epochs; ++k)
          if (k % every == 0 || k == epochs)
            rows.push_back({"0", std::to_string(k), format_significant(tr.eps[k], digits),
                            format_significant(tr.loss[k], digits)});
        stuck.push_back(tr.stuck_epoch);
      } else {
        const fg::DelayTask task = fast_task(*o);
        const double base = t->eps0.empty() ? 10 * fg::optimal_scale(task) : parse_double(t->eps0, "eps0");
        ex::CanonicalTrainingOptions c;
        c.task = task;
        c.scale = scale_of(task, n);
        c.rates = grid.empty() ? std::vector<double>{parse_double(t->eta, "eta")} : grid;
        c.epochs = epochs;
        c.record_every = every;
        const std::vector<double> noisy = rg::critical_rate_starts<double>(
            rg::DelayTask<double>{task.delay, task.response}, static_cast<int>(runs), 0,
            static_cast<std::uint64_t>(seed));
        // One run starts at eps0 exactly; several add the Fig. 2D noise (eps_star/10 s.d.).
        for (long r = 0; r < runs; ++r) c.starts.push_back(runs == 1 ? base : base + (noisy[r] - 10 * fg::optimal_scale(task)));
        for (double eta : c.rates)
          require(eta > 0 && std::isfinite(eta), grid.empty() ? "eta" : "etas", grid.empty() ? t->eta : t->etas, "rates > 0");
        const std::string rate_text = grid.empty() ? t->eta : t->etas;
        ex::CanonicalTrainingResult res;
        try {
          res = ex::run_canonical_training(c);
        } catch (const ArgumentError&) {
          require(false, grid.empty() ? "eta" : "etas", rate_text,
                  "rates whose GD steps stay finite in double (eps overflowed; --reference has no such limit)");
        }
        for (long s : res.stuck_epoch) stuck.push_back(s);
        for (std::size_t i = 0; i < res.runs.rows.size(); ++i) {
          const auto& row = res.runs.rows[i];
          std::vector<std::string> line{std::to_string(static_cast<long>(row[1])), std::to_string(static_cast<long>(row[2])),
                                        g17(row[3]), g17(row[4])};
          if (!grid.empty()) line.insert(line.begin(), g17(row[0]));
          rows.push_back(line);
        }
      }
      if (t->format == "csv") {
        std::cout << trajectory_csv(rows, !grid.empty());
        return;
      }
      Json report = Json::object();
      report["command"] = "ghost train";
      report["path"] = t->reference ? "reference" : "fast";
      report["stuck_epoch"] = stuck;
      Json table = Json::array();
      const std::size_t o0 = grid.empty() ? 0 : 1;
      for (const auto& r : rows) {
        Json row = {{"run", std::stol(r[o0])}, {"epoch", std::stol(r[o0 + 1])}, {"eps", r[o0 + 2]}, {"loss", r[o0 + 3]}};
        if (o0) row["eta"] = r[0];
        table.push_back(row);
      }
      report["trajectory"] = table;
      print_report(std::cout, report, true);
    };
  });
}

// ---- ghost scan ----------------------------------------------------------------------
void add_scan(CLI::App& ghost, std::function<void()>& action) {
  auto o = std::make_shared<GhostOptions>();
  auto lo = std::make_shared<std::string>(), hi = std::make_shared<std::string>();
  auto points = std::make_shared<std::string>("100");
  auto format = std::make_shared<std::string>("csv");
  auto* cmd = ghost.add_subcommand(
      "scan", "loss and gradient over an eps grid (fast path; paper Fig. 2A / 8A); CSV or JSON");
  set_example(*cmd, "learndyn ghost scan --T 100 --Tr 100 --points 50 --json");
  add_task_options(*cmd, *o, false);
  add_readout_options(*cmd, *o);
  add_decimal(*cmd, "eps-min", *lo, "first eps of the grid (default -eps_star)");
  add_decimal(*cmd, "eps-max", *hi, "last eps of the grid (default 2 eps_star)");
  cmd->add_option("--points", *points, "grid points, 2..10^7 (default 100)")->type_name("INT");
  cmd->add_option("--format", *format, "csv | json (default csv)");
  cmd->add_flag_callback("--json", [format] { *format = "json"; }, "the same as --format json");
  cmd->callback([o, lo, hi, points, format, &action] {
    action = [o, lo, hi, points, format] {
      const fg::DelayTask task = fast_task(*o);
      const std::optional<ReadoutText> readout = readout_of(*o);
      const long n = parse_integer(*points, "points", 2, 10000000);
      require(*format == "csv" || *format == "json", "format", "'" + *format + "'", "csv or json");
      const double a = lo->empty() ? -fg::optimal_scale(task) : parse_double(*lo, "eps-min");
      const double b = hi->empty() ? 2 * fg::optimal_scale(task) : parse_double(*hi, "eps-max");
      require(a < b, "eps-max", g17(b), "eps-max > eps-min (" + g17(a) + ")");
      require_memory(static_cast<double>(n) * (*format == "json" ? 1250.0 : 170.0), "points", *points);
      std::vector<double> eps(n), loss(n), grad(n);
      for (long i = 0; i < n; ++i) eps[i] = a + (b - a) * static_cast<double>(i) / static_cast<double>(n - 1);
      require_finite(eps, "eps-max", g17(b), "a grid of finite doubles: (eps-max - eps-min) (points - 1) < 1.7e308");
      if (readout) {
        const fg::Readout r{parse_double(readout->beta, "beta"), parse_double(readout->x_th, "xth")};
        fg::finite_loss_and_gradient(task, r, eps.data(), eps.size(), loss.data(), grad.data());
        const std::string allowed = "beta and xth whose double-precision loss and gradient are finite on the grid "
                                    "(ghost loss takes any, at 50 digits)";
        require_finite(loss, "beta", readout->beta, allowed);
        require_finite(grad, "beta", readout->beta, allowed);
      } else {
        fg::analytic_loss_and_gradient(task, eps.data(), eps.size(), loss.data(), grad.data());
        const std::string allowed = "T and Tr whose double-precision loss and gradient are finite on the grid "
                                    "(ghost loss takes any, at 50 digits)";
        require_finite(loss, "T", o->task.delay, allowed);
        require_finite(grad, "T", o->task.delay, allowed);
      }
      if (*format == "csv") {
        std::ostringstream out;
        out << "eps,loss,grad\n";
        for (long i = 0; i < n; ++i) out << g17(eps[i]) << "," << g17(loss[i]) << "," << g17(grad[i]) << "\n";
        std::cout << out.str();
        return;
      }
      Json report = Json::object();
      report["command"] = "ghost scan";
      report["inputs"] = inputs_of(*o);
      Json rows = Json::array();
      for (long i = 0; i < n; ++i) rows.push_back({{"eps", g17(eps[i])}, {"loss", g17(loss[i])}, {"grad", g17(grad[i])}});
      report["grid"] = rows;
      print_report(std::cout, report, true);
    };
  });
}

// ---- ghost numerical-critical-rate -----------------------------------------------------
void add_numerical_critical_rate(CLI::App& ghost, std::function<void()>& action) {
  auto o = std::make_shared<GhostOptions>();
  auto runs = std::make_shared<std::string>("10"), near = std::make_shared<std::string>("40"),
       epochs = std::make_shared<std::string>("10000"), tol = std::make_shared<std::string>("1e-6"),
       seed = std::make_shared<std::string>("0");
  auto* cmd = ghost.add_subcommand(
      "numerical-critical-rate",
      "bisect the learn/no-learn outcome of an ensemble of GD runs (G28), beside the formula");
  set_example(*cmd, "learndyn ghost numerical-critical-rate --T 100 --Tr 100 --runs 10 --json");
  add_task_options(*cmd, *o, true);
  cmd->add_option("--normalise", o->normalise, "loss rescaling: none | T | total (default none)");
  cmd->add_option("--runs", *runs, "paper-style starts 10 eps* + N(0,(eps*/10)^2), 0..10^6 (default 10)")->type_name("INT");
  cmd->add_option("--near-optimum", *near, "starts eps*(1+2^-j), j=1..J, 0..60 (default 40)")->type_name("INT");
  cmd->add_option("--epochs", *epochs, "epochs per run, 1..10^8 (default 10000)")->type_name("INT");
  cmd->add_option("--rel-tol", *tol, "relative width of the final bracket (default 1e-6)");
  add_seed(*cmd, *seed);
  cmd->add_flag("--json", o->json, "print one JSON object");
  cmd->callback([o, runs, near, epochs, tol, seed, &action] {
    action = [o, runs, near, epochs, tol, seed] {
      const fg::DelayTask task = fast_task(*o);
      const rg::Normalisation n = parse_normalisation(o->normalise);
      const int r = static_cast<int>(parse_integer(*runs, "runs", 0, 1000000));
      const int j = static_cast<int>(parse_integer(*near, "near-optimum", 0, 60));
      require(r + j > 0, "runs", *runs, "runs + near-optimum >= 1");
      const long e = parse_integer(*epochs, "epochs", 1, 100000000);
      const double rel = parse_double(*tol, "rel-tol");
      require(rel >= 1e-12 && rel < 1, "rel-tol", *tol, "1e-12 <= rel-tol < 1");
      const std::uint64_t s = parse_seed(*seed);
      const std::vector<double> starts = rg::critical_rate_starts<double>(
          rg::DelayTask<double>{task.delay, task.response}, r, j, static_cast<std::uint64_t>(s));
      const real formula = rg::critical_rate(
          rg::DelayTask<real>{parse_decimal<real>(o->task.delay, "T"), parse_decimal<real>(o->task.response, "Tr")}, n);
      // The bisection's doubles reach about eta_c^2 (measured: fails from eta_c ~ 1e-165 and
      // 1e160); outside, the errors named its internal eta or threshold.
      const double eta_c = static_cast<double>(formula);
      require(eta_c >= 1e-150 && eta_c <= 1e150, "T", o->task.delay,
              "T and Tr whose eta_c lies in 1e-150..1e150 (here " + format_significant(formula, 5) +
                  "; critical-rate takes any)");
      const learndyn::Bracket bracket =
          fg::numerical_critical_rate(task, scale_of(task, n), starts, e, rel);
      Json report = Json::object();
      report["command"] = "ghost numerical-critical-rate";
      report["inputs"] = inputs_of(*o);
      report["inputs"]["normalise"] = normalisation_name(n);
      report["eta_lower"] = g17(bracket.lower);
      report["eta_upper"] = g17(bracket.upper);
      report["eta_c_formula"] = format_significant(formula, 17);
      report["formula_inside_bracket"] =
          real(bracket.lower) <= formula * (1 + real(rel)) && formula <= real(bracket.upper) * (1 + real(rel));
      report["relative_difference"] = g17(static_cast<double>((real(bracket.upper) - formula) / formula));
      report["ensemble"] = {{"paper_runs", r}, {"near_optimum", j}, {"epochs", e}, {"seed", s}};
      print_report(std::cout, report, o->json);
    };
  });
}

// ---- ghost figure --------------------------------------------------------------------
void add_figure(CLI::App& ghost, std::function<void()>& action) {
  auto o = std::make_shared<GhostOptions>();
  auto path = std::make_shared<std::string>();
  auto betas = std::make_shared<std::string>("0.01,0.1,0.5,1,2");
  auto xth = std::make_shared<std::string>("10");
  auto points = std::make_shared<std::string>("400");
  auto* cmd = ghost.add_subcommand(
      "figure", "PNG of loss and |gradient| vs eps for several beta (paper Fig. 2A / 8A)");
  set_example(*cmd, "learndyn ghost figure -o ghost.png --betas 0.1,1,2");
  add_task_options(*cmd, *o, false);
  cmd->add_option("-o,--output", *path, "PNG file to write")->required()->check(non_empty_path());
  cmd->add_option("--betas", *betas, "comma-separated confidences (default 0.01,0.1,0.5,1,2)");
  add_decimal(*cmd, "xth", *xth, "readout threshold x_th > 0 (default 10)");
  cmd->add_option("--points", *points, "grid points, 2..10^6 (default 400)")->type_name("INT");
  cmd->callback([o, path, betas, xth, points, &action] {
    action = [o, path, betas, xth, points] {
      const fg::DelayTask task = fast_task(*o);
      std::vector<double> beta_values;
      for (const std::string& item : split_list(*betas, "betas")) beta_values.push_back(parse_double(item, "betas"));
      require(!beta_values.empty(), "betas", "''", "at least one beta > 0");
      const FigureRequest request{task, beta_values, parse_double(*xth, "xth"),
                                  parse_integer(*points, "points", 2, 1000000)};
      write_ghost_figure(request, *path);
      std::cerr << "wrote " << *path << "\n";
    };
  });
}

}  // namespace

void add_ghost_commands(CLI::App& app, std::function<void()>& action) {
  auto* ghost = app.add_subcommand("ghost", "the ghost canonical model dx/dt = eps + x^2 (Dinc et al.)");
  ghost->require_subcommand(1);
  add_critical_rate(*ghost, action);
  add_loss(*ghost, action);
  add_train(*ghost, action);
  add_scan(*ghost, action);
  add_numerical_critical_rate(*ghost, action);
  add_figure(*ghost, action);
}

}  // namespace learndyn::cli
