#include "cli/overlaps_commands.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "cli/figure.hpp"
#include "cli/options.hpp"
#include "cli/output.hpp"
#include "cli/shard.hpp"
#include <learndyn/common/argument_error.hpp>
#include <learndyn/common/arrays.hpp>
#include <learndyn/experiments/overlaps/aba.hpp>
#include <learndyn/experiments/overlaps/audit.hpp>
#include <learndyn/experiments/overlaps/equivalent.hpp>
#include <learndyn/experiments/overlaps/filter.hpp>
#include <learndyn/experiments/overlaps/flipflop.hpp>
#include <learndyn/experiments/overlaps/memory.hpp>
#include <learndyn/experiments/overlaps/nscaling.hpp>
#include <learndyn/experiments/overlaps/user_inputs.hpp>

#ifdef __GLIBC__
#include <malloc.h>
#endif

namespace learndyn::cli {
namespace ex = learndyn::experiments::overlaps;

namespace {

// Colours for up to 21 overlap curves.
std::string colour(std::size_t i) {
  static const char* palette[] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9",
                                  "#000000", "#F0E442", "#882255", "#44AA99", "#999933"};
  return palette[i % (sizeof palette / sizeof *palette)];
}

// ---- option parsing helpers ------------------------------------------------------------

// The experiments allocate and free batches of about 1 MB every epoch. glibc hands freed blocks
// at the top of the heap back to the system (trim threshold about 2x the largest block seen) and
// the next epoch faults them in again, which on the CI's virtual machines costs ~10 us per page
// (measured: a 128-trial flip-flop batch 8 ms instead of 0.2 ms). Keeping freed memory in the
// process removes that cost; it changes no result.
void keep_freed_memory() {
#ifdef __GLIBC__
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  mallopt(M_MMAP_THRESHOLD, 256 << 20);
#endif
}

// The largest N and T of one run: the network keeps about 9 doubles per neuron and the
// theory about 26 per time step, so 10^7 of each stays within a few GB, refused up front;
// at 10^8 a run could exhaust memory midway instead.
constexpr long kMaxSize = 10000000;

// A diverged run (NaN or inf in `columns` of `t`) is refused, naming the option that drove it:
// it was printed as empty CSV cells and JSON null, the same as "not measured".
void require_finite_columns(const learndyn::experiments::Table& t, const std::vector<std::string>& columns,
                            const std::string& parameter, const std::string& value, const std::string& allowed) {
  for (const std::string& c : columns)
    for (double x : t.column(c)) require(std::isfinite(x), parameter, value, allowed);
}

// A diverging run makes the overlaps non-finite and the theory then refuses its own Sigma,
// an internal name ("invalid sigma = a non-finite entry"); the user's lever is the rate.
template <class Run>
auto run_naming_lr(double lr, Run&& run) {
  try {
    return run();
  } catch (const ArgumentError& e) {
    if (e.parameter() != "sigma" && e.parameter() != "Sigma") throw;
    throw ArgumentError("lr", render_value(lr), "a rate (and target) at which the overlaps stay finite: Sigma diverged");
  }
}

// ---- the user's vectors in and out (experiments/overlaps/user_inputs.hpp) ---------------

// --vectors FILE and --save-vectors FILE, the same text on every command that trains a network.
void add_vector_options(CLI::App& cmd, std::string& vectors, std::string& save, const std::string& what) {
  cmd.add_option("--vectors", vectors,
                 "initial vectors z, m (N), u, v (N x R) from an .npz or a folder of .npy files; " + what)
      ->check(non_empty_path())
      ->type_name("FILE");
  cmd.add_option("--save-vectors", save,
                 "write the initial and final vectors (initial/z, ..., final/v) and the theory's start "
                 "(initial/sigma) to an .npz or a folder of .npy files")
      ->check(non_empty_path())
      ->type_name("FILE");
}

// Where --save-vectors writes is checked before the run (a long run must not end in a refusal):
// in an existing folder, and not a file or folder write_arrays would refuse to replace.
void require_save_destination(const std::string& path) {
  if (path.empty()) return;
  const std::filesystem::path parent = std::filesystem::absolute(path).parent_path();
  std::error_code error;
  require(std::filesystem::is_directory(parent, error), "save-vectors", path, "a path in an existing folder");
  check_array_destination(path);
}

// --vectors of the rank-1 commands (aba, equivalent): read, checked against --N (`neurons`,
// 0 when not given) and N >= 4.
learndyn::fast::overlaps::Network rank_one_vectors(const std::string& path, int neurons) {
  learndyn::fast::overlaps::Network net = ex::read_vectors(path);
  ex::require_vectors_agree(net, path, neurons, 1);
  require(net.z.size() >= 4, "N", net.z.size(), "N >= 4 (the vectors of --vectors " + path + ")");
  return net;
}

// ---- overlaps filter -------------------------------------------------------------------

}  // namespace

void filter_figure(const ex::FilterResult& r, const ex::FilterSettings& s, const std::string& png) {
  const learndyn::experiments::Table& t = r.trajectory;
  const bool network = !s.sigma0.has_value();  // the theory alone draws its exact map as "solid"
  const std::string solid = network ? "" : "exact_";
  std::ostringstream gp;
  gp << datablock("loss", t, {"epoch", network ? "loss_network" : "loss_exact_map", "loss_exact_map", "loss_euler", "loss_direct"});
  std::vector<std::string> cols{"epoch"};
  for (const auto& n : r.overlap_names) {
    cols.push_back(solid + n);
    cols.push_back("euler_" + n);
  }
  gp << datablock("sigma", t, cols);
  const char* phi = s.activation == learndyn::reference::overlaps::Activation::linear ? "Linear"
                  : s.activation == learndyn::reference::overlaps::Activation::erf  ? "erf"
                                                                                   : "tanh";
  gp << "set multiplot layout 1,3 title '" << phi << " filter task, rank " << s.rank;
  if (network)
    gp << ", N = " << s.neurons << ", η = " << s.lr << " (network SGD at N lr; theory from the same initial overlaps)'\n";
  else
    gp << ", η = " << s.lr << " (overlap theory from the given Gram matrix)'\n";
  gp << "set xlabel 'epoch + 1'\nset logscale x\nset key bottom left\n"
     << "set logscale y\nset format y '10^{%L}'\nset ylabel 'loss'\nset title 'loss'\nplot ";
  if (network) gp << "$loss using ($1+1):2 with lines lw 4 lc '#0072B2' title 'network (theta space)', ";
  gp << (network ? "''" : "$loss") << " using ($1+1):3 with lines lw 2 dt 2 lc '#D55E00' title 'overlap theory, exact map', "
     << "'' using ($1+1):4 with lines lw 2 dt 3 lc '#009E73' title 'overlap theory, Euler', "
     << "'' using ($1+1):5 with lines lw 2 dt 4 lc 'black' title 'direct (Gbar = I)'\n"
     << "unset logscale y\nset format y '%g'\nset key outside right top vertical font ',9'\n";
  for (int pass = 0; pass < 2; ++pass) {
    const bool visible = pass == 0;
    gp << "set title '" << (visible ? "loss-visible overlaps" : "loss-invisible overlaps")
       << (network ? " (solid: network; dashed: Euler theory)" : " (solid: exact map; dashed: Euler theory)")
       << "'\nset ylabel 'σ'\nplot ";
    bool first = true;
    std::size_t k = 0;
    for (std::size_t i = 0; i < r.overlap_names.size(); ++i) {
      if (r.visible[i] != visible) continue;
      const std::size_t col = 2 + 2 * i;
      gp << (first ? "" : ", ") << "$sigma using ($1+1):" << col << " with lines lw 3 lc '" << colour(k)
         << "' title '" << r.overlap_names[i] << "', '' using ($1+1):" << col + 1
         << " with lines lw 2 dt 2 lc '" << colour(k) << "' notitle";
      first = false;
      ++k;
    }
    gp << "\n";
  }
  gp << "unset multiplot\n";
  write_png(gp.str(), png, 1800, 620);
}

namespace {

// The filter run's options, as given (empty: the default), shared by `overlaps filter` and
// `overlaps audit` (which trains the filter's run and has no reference, sigma0, save-vectors or
// threads options).
struct FilterOptions {
  std::string rank, neurons, dt, steps, decay, frequency, amplitude, lr, epochs, record_every,
              seed = "0", reference = "none", reference_epochs = "100", threads, activation = "linear",
              readout, vectors, save_vectors, sigma0, rounding_control = "on";
  Output out;
};

// The options of the network's run: size, task, rate, epochs, seed, activation, readout.
void add_filter_run_options(CLI::App& cmd, FilterOptions& o, const std::string& neurons, const std::string& epochs,
                            const std::string& record_every) {
  cmd.add_option("--rank", o.rank, "rank R, 1..8 (default 1; R >= 2 uses the Fig 12 target exp(-0.3t)cos(2t))")->type_name("INT");
  add_neurons(cmd, o.neurons, neurons);
  add_decimal(cmd, "dt", o.dt, "Euler step 0 < dt <= 1 (default 0.05)");
  cmd.add_option("--T", o.steps, "time steps T, 1..10^7 (default 400, t_max = 20)")->type_name("INT");
  add_decimal(cmd, "decay", o.decay, "target decay c* (default 0.2; rank >= 2: 0.3)");
  add_decimal(cmd, "frequency", o.frequency, "target frequency w* (default 0; rank >= 2: 2)");
  add_decimal(cmd, "amplitude", o.amplitude, "target amplitude a* (default 1)");
  add_decimal(cmd, "lr", o.lr, "overlap learning rate lr > 0; network SGD at N lr (default 5e-3)");
  cmd.add_option("--epochs", o.epochs, epochs)->type_name("INT");
  cmd.add_option("--record-every", o.record_every, record_every)->type_name("INT");
  add_seed(cmd, o.seed);
  cmd.add_option("--activation", o.activation, "phi: linear (default) | erf | tanh (O3; tanh runs on the reference at double)");
  cmd.add_option("--readout", o.readout, "after (y = z.h_{k+1}/N; default for linear) | before (y = z.phi(h_k)/N; default for erf, tanh)");
}

// The settings the options describe, from `defaults(rank)`; reads --vectors and --sigma0.
ex::FilterSettings filter_settings_of(const FilterOptions& o, ex::FilterSettings (*defaults)(int)) {
  namespace ro = learndyn::reference::overlaps;
  require(o.activation == "linear" || o.activation == "erf" || o.activation == "tanh", "activation",
          "'" + o.activation + "'", "linear, erf or tanh");
  const std::string readout = !o.readout.empty() ? o.readout : o.activation == "linear" ? "after" : "before";
  require(readout == "after" || readout == "before", "readout", "'" + readout + "'", "after or before");
  require(o.vectors.empty() || o.sigma0.empty(), "sigma0", o.sigma0,
          "a Gram matrix for the theory alone, not with --vectors (the theory then starts from the vectors' own)");
  require(o.save_vectors.empty() || o.sigma0.empty(), "save-vectors", o.save_vectors,
          "a file to write the network's vectors to, not with --sigma0 (the theory alone has none)");
  require_save_destination(o.save_vectors);
  const int given_rank = o.rank.empty() ? 0 : static_cast<int>(parse_integer(o.rank, "rank", 1, 8));
  const int given_neurons = o.neurons.empty() ? 0 : static_cast<int>(parse_integer(o.neurons, "N", 1, kMaxSize));
  std::optional<learndyn::fast::overlaps::Network> vectors;
  std::optional<Eigen::MatrixXd> sigma0;
  int rank = given_rank > 0 ? given_rank : 1;
  if (!o.vectors.empty()) {
    vectors = ex::read_vectors(o.vectors);
    ex::require_vectors_agree(*vectors, o.vectors, given_neurons, given_rank);
    rank = static_cast<int>(vectors->U.cols());
  }
  if (!o.sigma0.empty()) {
    require(given_neurons == 0, "N", o.neurons, "no N with --sigma0 (the theory alone has no network)");
    sigma0 = ex::read_sigma0(o.sigma0);
    ex::require_sigma0_agrees(*sigma0, o.sigma0, given_rank);
    rank = ex::sigma_rank(*sigma0);
    require(rank <= 8, "sigma0", o.sigma0, "a Gram matrix of rank R <= 8 (size at most 18 x 18)");
  }
  ex::FilterSettings s = defaults(rank);
  if (given_neurons > 0) s.neurons = given_neurons;
  if (vectors) s.neurons = static_cast<int>(vectors->z.size());
  s.vectors = std::move(vectors);
  s.sigma0 = std::move(sigma0);
  s.activation = o.activation == "linear" ? ro::Activation::linear
               : o.activation == "erf"    ? ro::Activation::erf
                                          : ro::Activation::tanh;
  s.readout = readout == "after" ? ro::Readout::after_update : ro::Readout::before_update;
  if (!o.dt.empty()) s.dt = parse_double(o.dt, "dt");
  if (!o.steps.empty()) s.steps = static_cast<int>(parse_integer(o.steps, "T", 1, kMaxSize));
  if (!o.decay.empty()) s.decay = parse_double(o.decay, "decay");
  if (!o.frequency.empty()) s.frequency = parse_double(o.frequency, "frequency");
  if (!o.amplitude.empty()) s.amplitude = parse_double(o.amplitude, "amplitude");
  if (!o.lr.empty()) s.lr = parse_double(o.lr, "lr");
  if (!o.epochs.empty()) s.epochs = parse_integer(o.epochs, "epochs", 0, 100000000);
  if (!o.record_every.empty()) s.record_every = parse_integer(o.record_every, "record-every", 1, 100000000);
  s.seed = parse_seed(o.seed);
  return s;
}

// The run's settings as a report states them, `after_seed`'s entries after the seed.
Json filter_run_json(const ex::FilterSettings& s, const FilterOptions& o, const Json& after_seed = Json::object()) {
  Json j{{"rank", s.rank}, {"N", s.sigma0 ? Json(nullptr) : Json(s.neurons)}, {"dt", s.dt}, {"T", s.steps},
         {"decay", s.decay}, {"frequency", s.frequency}, {"amplitude", s.amplitude},
         {"lr", s.lr}, {"network_sgd_rate", s.sigma0 ? Json(nullptr) : Json(s.lr * s.neurons)},
         {"epochs", s.epochs}, {"record_every", s.record_every}, {"seed", s.seed}};
  for (const auto& [key, value] : after_seed.items()) j[key] = value;
  j["activation"] = o.activation;
  j["readout"] = s.readout == learndyn::reference::overlaps::Readout::after_update ? "after" : "before";
  j["vectors"] = o.vectors.empty() ? Json(nullptr) : Json(o.vectors);
  return j;
}

void add_filter(CLI::App& group, std::function<void()>& action) {
  auto o = std::make_shared<FilterOptions>();
  auto* cmd = group.add_subcommand(
      "filter", "filter task (Figs 1, 5; --rank 2: Fig 12): N-dim network SGD vs the overlap theory");
  set_example(*cmd, "learndyn overlaps filter --N 500 --epochs 2000 -o filter.csv --figure filter.png");
  add_filter_run_options(*cmd, *o, "1..10^7 (default 500)", "epochs >= 0 (default 2000; rank >= 2: 10000)",
                         "record epochs 0..k-1, every k-th and the last (default 10; rank >= 2: 50)");
  cmd->add_option("--reference", o->reference,
                  "none | double | 50: also integrate the gradient flow with the reference (adaptive at double, "
                  "extrapolation at 50 digits) for --reference-epochs (default none)");
  cmd->add_option("--reference-epochs", o->reference_epochs, "epochs of the reference run (default 100)")->type_name("INT");
  add_vector_options(*cmd, o->vectors, o->save_vectors, "N and --rank are theirs");
  cmd->add_option("--sigma0", o->sigma0,
                  "the theory alone (no network) from this Gram matrix: JSON [[...], ...] or .npy, "
                  "(2R+2) x (2R+2) in the order z, v_1..v_R, m, u_1..u_R")
      ->check(non_empty_path())
      ->type_name("FILE");
  cmd->add_option("--rounding-control", o->rounding_control,
                  "on | off: also train the network with its units permuted (float64, the same mathematics "
                  "summed in another order; twice the network's time and memory) and report gap_rounding and "
                  "whether the theory gap is rounding amplified by chaotic SGD (E25; default on)")
      ->type_name("on|off");
  add_threads(*cmd, o->threads);
  add_output_options(*cmd, o->out);
  cmd->callback([o, &action] {
    action = [o] {
      keep_freed_memory();
      check_output(o->out, {"trajectory"});
      require(o->rounding_control == "on" || o->rounding_control == "off", "rounding-control",
              "'" + o->rounding_control + "'", "on or off");
      ex::FilterSettings s = filter_settings_of(*o, ex::filter_defaults);
      s.rounding_control = o->rounding_control == "on";
      require(o->reference == "none" || o->reference == "double" || o->reference == "50", "reference",
              "'" + o->reference + "'", "none, double or 50");
      s.reference = o->reference == "none" ? ex::ReferenceCheck::none
                  : o->reference == "double" ? ex::ReferenceCheck::double_precision
                                             : ex::ReferenceCheck::digits50;
      s.reference_epochs = parse_integer(o->reference_epochs, "reference-epochs", 0, 100000000);
      if (s.reference == ex::ReferenceCheck::none) s.reference_epochs = 0;
      s.reference_epochs = std::min(s.reference_epochs, s.epochs);
      s.threads = parse_threads(o->threads);
      ex::require_filter_memory(s, o->out.format == "json");
      const ex::FilterResult r = run_naming_lr(s.lr, [&] { return ex::run_filter(s); });
      Json report = Json::object();
      report["command"] = "overlaps filter";
      report["reproduces"] = std::string(s.rank == 1 ? "Ger & Barak 2026, Figs 1 and 5" : "Ger & Barak 2026, Fig 12") +
                             (o->activation == "linear" ? "" : " (the filter task; here with a nonlinear network)");
      Json settings = filter_run_json(s, *o, {{"reference", o->reference}, {"reference_epochs", s.reference_epochs}});
      settings["sigma0"] = o->sigma0.empty() ? Json(nullptr) : Json(o->sigma0);
      settings["rounding_control"] = o->rounding_control;
      report["settings"] = settings;
      report["overlaps"] = r.overlap_names;
      report["visible"] = r.visible;
      report["summary"] = json_of(r.summary);
      if (!r.theory_gap.empty()) report["summary"]["theory_gap"] = r.theory_gap;
      deliver(o->out, report, {{"trajectory", &r.trajectory}},
              [&](const std::string& png) { filter_figure(r, s, png); });
      if (!o->save_vectors.empty())
        ex::write_run_vectors(o->save_vectors, r.initial, r.final, r.sigma0);
    };
  });
}

// ---- overlaps audit ---------------------------------------------------------------------

void add_audit(CLI::App& group, std::function<void()>& action) {
  auto o = std::make_shared<FilterOptions>();
  auto learned = std::make_shared<std::string>("0.05");
  auto permutation_seed = std::make_shared<std::string>("1");
  auto* cmd = group.add_subcommand(
      "audit", "train one filter run in float32, float64 and at 50 digits (plus float64 with permuted units): "
               "per-epoch distance from the 50-digit run, predictability horizon, outcome agreement (E22-E24)");
  set_example(*cmd, "learndyn overlaps audit --N 50 --epochs 200 --json --figure audit.png");
  add_filter_run_options(*cmd, *o, "1.. (default 50; the 50-digit run bounds (epochs + 1) x T x N x (2R+2): 5e9 linear, 5e8 erf/tanh)",
                         "epochs >= 0 (default 200; within the same bound)",
                         "record epochs 0..k-1, every k-th and the last (default 1; the horizons use every epoch)");
  cmd->add_option("--vectors", o->vectors,
                  "initial vectors z, m (N), u, v (N x R) from an .npz or a folder of .npy files; N and --rank are theirs")
      ->check(non_empty_path())
      ->type_name("FILE");
  add_decimal(*cmd, "learned", *learned, "final loss below which a run counts as learned, > 0 (default 0.05)");
  cmd->add_option("--permutation-seed", *permutation_seed, "seed of the control's permutation of the units (default 1)")
      ->type_name("INT");
  add_output_options(*cmd, o->out);
  cmd->callback([o, learned, permutation_seed, &action] {
    action = [o, learned, permutation_seed] {
      keep_freed_memory();
      check_output(o->out, {});
      ex::AuditSettings a;
      a.run = filter_settings_of(*o, ex::audit_defaults);
      a.learned = parse_double(*learned, "learned");
      a.permutation_seed = parse_seed(*permutation_seed, "permutation-seed");
      ex::validate(a);
      const ex::AuditResult r = ex::run_audit(a);
      Json report = Json::object();
      report["command"] = "overlaps audit";
      report["settings"] = filter_run_json(a.run, *o, {{"permutation_seed", a.permutation_seed}});
      Json runs = Json::object();
      for (const ex::AuditRun& run : r.runs)
        runs[run.name] =
            audit_run_json(run, Json::object(), {{"final_overlap_distance", json_number(run.final_overlap_distance)}});
      report["summary"] = Json{{"reference", "the reference network at 50 digits"},
                               {"float32", "the reference network at float (E22)"},
                               {"float64", std::string("the run of overlaps filter (") +
                                               (o->activation == "tanh" ? "the reference network at double" : "the fast network") + ")"},
                               {"learned_threshold", a.learned},
                               {"runs", runs},
                               {"noise_floor", Json{{"max_parameter_distance", json_number(r.noise_floor.max_distance)},
                                                    {"horizon_1e-6", horizon_json(r.noise_floor.horizon_1e6)},
                                                    {"horizon_1e-2", horizon_json(r.noise_floor.horizon_1e2)}}}};
      deliver(o->out, report, {{"table", &r.table}}, [&](const std::string& png) {
        std::ostringstream subject;
        subject << o->activation << " rank " << a.run.rank << " filter, N " << a.run.neurons << ", η = " << a.run.lr;
        write_audit_figure(r.table, subject.str(), png);
      });
    };
  });
}

// ---- overlaps nscaling -----------------------------------------------------------------

void nscaling_figure(const ex::NScalingResult& r, const ex::NScalingSettings& s, const std::string& png) {
  std::string blocks = datablock("runs", r.runs, {"N", "mismatch", "linear_mismatch"}) +
                       datablock("byn", r.by_n, {"N", "mismatch_geomean", "fitted"});
  const double n0 = r.by_n.rows.front()[0], m0 = r.by_n.rows.front()[1];
  std::ostringstream gp;
  gp << "set multiplot layout 1,2 title 'erf network vs mean-field overlap theory, flip-flop task, η = "
     << s.lr << "'\n"
     << "set logscale xy\nset format y '10^{%L}'\nset xlabel 'N'\nset ylabel 'max |Σ_{network} − Σ_{theory}|'\n"
     << "set key bottom left\nset title 'mismatch after " << s.epochs << " epochs'\n"
     << "plot $runs using 1:2 with points pt 7 ps 0.8 lc '#0072B2' title 'erf, each seed', "
     << "$byn using 1:2 with points pt 5 ps 1.5 lc '#D55E00' title 'erf, geometric mean', "
     << "$byn using 1:3 with lines lw 2 lc '#D55E00' title sprintf('fit: slope %.3f +- %.3f', "
     << r.fit.slope << ", " << r.fit.slope_error << "), "
     << m0 << "*(x/" << n0 << ")**(-0.5) with lines dt 2 lw 2 lc 'black' title 'N^{-1/2}'";
  if (s.linear_control)
    gp << ", $runs using 1:($3 > 0 ? $3 : 1e-17) with points pt 6 lc '#009E73' title 'linear control (exact theory)'";
  gp << "\nset xlabel 'epoch'\nset key bottom right\n"
     << "set title 'mismatch along training (geometric mean over seeds)'\nplot ";
  for (std::size_t k = 0; k < s.neurons.size(); ++k) {
    // Geometric mean over seeds at each recorded epoch (epoch 0, where it is 0, left out).
    std::map<double, std::pair<double, int>> by_epoch;
    for (const auto& row : r.trajectory.rows)
      if (row[0] == s.neurons[k] && row[2] > 0 && row[5] > 0) {
        by_epoch[row[2]].first += std::log(row[5]);
        by_epoch[row[2]].second += 1;
      }
    learndyn::experiments::Table one;
    one.columns = {"epoch", "mismatch"};
    for (const auto& [epoch, acc] : by_epoch) one.rows.push_back({epoch, std::exp(acc.first / acc.second)});
    const std::string name = "n" + std::to_string(k);
    blocks += datablock(name, one, {"epoch", "mismatch"});
    gp << (k ? ", " : "") << "$" << name << " using 1:2 with lines lw 3 lc '" << colour(k) << "' title 'N = "
       << s.neurons[k] << "'";
  }
  gp << "\nunset multiplot\n";
  write_png(blocks + gp.str(), png, 1500, 600);
}

void add_nscaling(CLI::App& group, std::function<void()>& action) {
  struct Options {
    std::string neurons = "100,200,400,800,1600,3200", seeds = "8", epochs = "50", record_every = "10",
                lr = "5e-2", dt = "0.025", t_max = "20", batch = "10", init = "balanced", stepper = "exact",
                seed = "0", threads;
    bool no_control = false;
    Output out;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = group.add_subcommand(
      "nscaling", "erf network vs mean-field overlap theory on the flip-flop task (Fig 4): mismatch vs N, fitted exponent");
  set_example(*cmd, "learndyn overlaps nscaling --N 100,200,400 --seeds 4 -o nscaling.csv --figure nscaling.png");
  add_neurons(*cmd, o->neurons, "comma-separated sizes, each 2..10^7 (default 100,200,400,800,1600,3200)")
      ->type_name("INT[,INT...]");
  cmd->add_option("--seeds", o->seeds, "runs per size (default 8)")->type_name("INT");
  cmd->add_option("--epochs", o->epochs, "epochs E after which the mismatch is measured (default 50; Fig 4 trains 2000)")->type_name("INT");
  cmd->add_option("--record-every", o->record_every, "trajectory: epochs 0..k-1, every k-th and the last (default 10)")->type_name("INT");
  add_decimal(*cmd, "lr", o->lr, "overlap learning rate; network SGD at N lr (default 5e-2, Fig 4)");
  add_decimal(*cmd, "dt", o->dt, "Euler step (default 0.025)");
  add_decimal(*cmd, "t-max", o->t_max, "trial length (default 20)");
  cmd->add_option("--batch", o->batch, "trials per epoch (default 10)")->type_name("INT");
  cmd->add_option("--init", o->init, "balanced (Fig 4; default) | random | gaussian (rows iid N(0, Sigma*), fixed Sigma*) | gaussian-exact (the same rows mapped linearly so that the Gram matrix is Sigma* exactly at every N: every N starts from one Sigma, E30)");
  cmd->add_option("--stepper", o->stepper, "the theory's step: exact (O16, as SGD; default) | euler (Euler step of the flow O17, every overlap at once; the public code's is sequential)");
  cmd->add_flag("--no-linear-control", o->no_control, "skip the linear model's runs");
  add_seed(*cmd, o->seed);
  add_threads(*cmd, o->threads);
  add_output_options(*cmd, o->out, "runs (default) | by-n | trajectory | fits");
  auto shard = std::make_shared<ShardOption>();
  add_shard_option(*cmd, *shard);
  cmd->callback([cmd, o, shard, &action] {
    action = sharded(*cmd, shard, [o, shard] {
      keep_freed_memory();
      check_output(o->out, {"runs", "by-n", "trajectory", "fits"});
      ex::NScalingSettings s;
      s.neurons.clear();
      for (long n : parse_integer_list(o->neurons, "N", 2, kMaxSize)) s.neurons.push_back(static_cast<int>(n));
      s.seeds = static_cast<int>(parse_integer(o->seeds, "seeds", 1, 10000));
      s.epochs = parse_integer(o->epochs, "epochs", 1, 100000000);
      s.record_every = parse_integer(o->record_every, "record-every", 1, 100000000);
      s.lr = parse_double(o->lr, "lr");
      s.task.dt = parse_double(o->dt, "dt");
      s.task.t_max = parse_double(o->t_max, "t-max");
      s.task.batch = static_cast<int>(parse_integer(o->batch, "batch", 1, 1000000));
      // About 260 bytes per trial step (measured): batch 10^6 at the default 800 steps needed
      // ~200 GB, a std::bad_alloc or minutes of paging. A bad dt is refused by the run itself.
      const double trial_steps = s.task.t_max / s.task.dt;
      if (s.task.dt > 0 && std::isfinite(trial_steps))
        require(s.task.batch * trial_steps <= 1e7, "batch", s.task.batch, "batch x t-max/dt <= 1e7 trial steps");
      require(o->init == "balanced" || o->init == "random" || o->init == "gaussian" || o->init == "gaussian-exact",
              "init", "'" + o->init + "'", "balanced, random, gaussian or gaussian-exact");
      s.init = o->init == "balanced" ? ex::NScalingInit::balanced
             : o->init == "random"   ? ex::NScalingInit::random
             : o->init == "gaussian" ? ex::NScalingInit::gaussian
                                     : ex::NScalingInit::gaussian_exact;
      require(o->stepper == "exact" || o->stepper == "euler", "stepper", "'" + o->stepper + "'", "exact or euler");
      s.stepper = o->stepper == "exact" ? learndyn::fast::overlaps::Stepper::exact_map : learndyn::fast::overlaps::Stepper::euler;
      s.linear_control = !o->no_control;
      s.seed = parse_seed(o->seed);
      s.threads = parse_threads(o->threads);
      ex::require_nscaling_memory(s, o->out.format == "json");
      s.sweep = shard->context;
      const ex::NScalingResult r = ex::run_nscaling(s);
      Json report = Json::object();
      require_finite_columns(r.runs, {"mismatch", "loss_network", "loss_theory"}, "lr", render_value(s.lr),
                             "a rate at which the network's and the theory's losses stay finite");
      report["command"] = "overlaps nscaling";
      report["reproduces"] = "Ger & Barak 2026, Fig 4 (network vs theory), here as a function of N";
      report["settings"] = {{"N", s.neurons}, {"seeds", s.seeds}, {"epochs", s.epochs}, {"lr", s.lr},
                            {"dt", s.task.dt}, {"t_max", s.task.t_max}, {"batch", s.task.batch},
                            {"init", o->init}, {"stepper", o->stepper}, {"linear_control", s.linear_control},
                            {"seed", s.seed}};
      report["summary"] = json_of(r.summary);
      deliver(o->out, report, {{"runs", &r.runs}, {"by-n", &r.by_n}, {"trajectory", &r.trajectory}, {"fits", &r.fits}},
              [&](const std::string& png) { nscaling_figure(r, s, png); });
    });
  });
}

// ---- overlaps flipflop -----------------------------------------------------------------

void flipflop_figure(const ex::FlipFlopResult& r, const ex::FlipFlopRunSettings& s, const std::string& png) {
  const bool theory = std::isfinite(r.summary.get("loss_theory_final"));
  std::string blocks = datablock("tr", r.traces, {"t", "input", "target", "y_network", "y_effective_network", "y_effective_theory"}) +
                       datablock("l", r.trajectory, {"epoch", "loss_network", "loss_theory", "loss_direct"}) +
                       datablock("q", r.qq, {"quantile", "m", "u", "v", "z"});
  std::ostringstream gp;
  gp << "set multiplot layout 1,3 title 'flip-flop, erf network N = " << s.neurons << ", "
     << (s.optimizer == ex::FlipFlopOptimizer::sgd ? "SGD at N·lr, lr = " : "Adam, lr = ") << s.lr << "'\n"
     << "set key below font ',10'\nset title 'test trial after training'\nset xlabel 't'\nset ylabel 'output'\n"
     << "plot $tr using 1:2 with lines lw 1 lc '#BBBBBB' title 'input', '' using 1:3 with lines lw 3 lc 'black' title 'target', "
     << "'' using 1:4 with lines lw 2 lc '#0072B2' title 'N-dim. network', "
     << "'' using 1:" << (theory ? 6 : 5) << " with lines lw 2 dt 2 lc '#D55E00' title 'effective RNN ("
     << (theory ? "theory Σ" : "network Σ") << ")'\n"
     << "set title 'training loss'\nset xlabel 'epoch'\nset ylabel 'loss'\nset logscale y\nset format y '10^{%L}'\n"
     << "plot $l using 1:2 with lines lw 3 lc '#0072B2' title 'θ space (network)'";
  if (theory)
    gp << ", '' using 1:3 with lines lw 2 dt 2 lc '#D55E00' title 'σ space, G(θ)', '' using 1:4 with lines lw 2 dt 2 lc 'black' title 'σ space, direct'";
  gp << "\nunset logscale y\nset format y '%g'\nset title 'Q-Q of the trained loadings (entries / √σ_{aa})'\n"
     << "set xlabel 'normal quantile'\nset ylabel 'ordered entries'\n"
     << "plot $q using 1:2 with points pt 7 ps 0.4 title 'm', '' using 1:3 with points pt 7 ps 0.4 title 'u', "
     << "'' using 1:4 with points pt 7 ps 0.4 title 'v', '' using 1:5 with points pt 7 ps 0.4 title 'z', "
     << "x with lines dt 2 lc 'black' title 'N(0, σ_{aa})'\nunset multiplot\n";
  write_png(blocks + gp.str(), png, 1800, 600);
}

void add_flipflop(CLI::App& group, std::function<void()>& action) {
  struct Options {
    std::string neurons = "600", epochs = "2000", record_every = "10", optimizer = "sgd", lr, dt = "0.025",
                t_max = "20", batch = "10", init = "balanced", stepper = "exact", theory = "on", trace_t_max = "80",
                bins = "30", seed = "0", threads;
    Output out;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = group.add_subcommand(
      "flipflop", "erf network on the flip-flop task vs the 10-D overlap theory and its effective RNN (Figs 4a-c, 8)");
  set_example(*cmd, "learndyn overlaps flipflop -o flipflop.csv --figure flipflop.png");
  add_neurons(*cmd, o->neurons, "8..10^7 (default 600, Figs 4, 8)");
  cmd->add_option("--epochs", o->epochs, "epochs (default 2000)")->type_name("INT");
  cmd->add_option("--record-every", o->record_every, "trajectory: epochs 0..k-1, every k-th and the last (default 10)")->type_name("INT");
  cmd->add_option("--optimizer", o->optimizer, "sgd (network at N lr: Fig 4, Fig 8's GF and GD; default) | adam (step lr: Fig 8)");
  add_decimal(*cmd, "lr", o->lr, "sgd: overlap rate, network at N lr (default 5e-2; Fig 8's GD: 0.5); adam: its step (default 5e-3)");
  add_decimal(*cmd, "dt", o->dt, "Euler step (default 0.025)");
  add_decimal(*cmd, "t-max", o->t_max, "training trial length (default 20)");
  cmd->add_option("--batch", o->batch, "trials per epoch (default 10)")->type_name("INT");
  cmd->add_option("--init", o->init, "balanced (Figs 4, 8; default) | random");
  cmd->add_option("--stepper", o->stepper, "the theory's step: exact (O16; default) | euler | rk4 (the flow O17)");
  cmd->add_option("--theory", o->theory, "on (default; sgd only) | off: the theories beside the network");
  add_decimal(*cmd, "trace-t-max", o->trace_t_max, "length of the test trial after training (default 80 = 4 t_max, Fig 4a)");
  cmd->add_option("--bins", o->bins, "histogram bins of the loadings (default 30)")->type_name("INT");
  add_seed(*cmd, o->seed);
  add_threads(*cmd, o->threads);
  add_output_options(*cmd, o->out, "trajectory (default) | traces | loadings | histogram | qq");
  cmd->callback([o, &action] {
    action = [o] {
      keep_freed_memory();
      check_output(o->out, {"trajectory", "traces", "loadings", "histogram", "qq"});
      ex::FlipFlopRunSettings s;
      s.neurons = static_cast<int>(parse_integer(o->neurons, "N", 8, kMaxSize));
      s.epochs = parse_integer(o->epochs, "epochs", 0, 100000000);
      s.record_every = parse_integer(o->record_every, "record-every", 1, 100000000);
      require(o->optimizer == "sgd" || o->optimizer == "adam", "optimizer", "'" + o->optimizer + "'", "sgd or adam");
      s.optimizer = o->optimizer == "sgd" ? ex::FlipFlopOptimizer::sgd : ex::FlipFlopOptimizer::adam;
      s.lr = o->lr.empty() ? (o->optimizer == "sgd" ? 5e-2 : 5e-3) : parse_double(o->lr, "lr");
      s.task.dt = parse_double(o->dt, "dt");
      s.task.t_max = parse_double(o->t_max, "t-max");
      s.task.batch = static_cast<int>(parse_integer(o->batch, "batch", 1, 1000000));
      const double trial_steps = s.task.t_max / s.task.dt;
      if (s.task.dt > 0 && std::isfinite(trial_steps))
        require(s.task.batch * trial_steps <= 1e7, "batch", s.task.batch, "batch x t-max/dt <= 1e7 trial steps");
      require(o->init == "balanced" || o->init == "random", "init", "'" + o->init + "'", "balanced or random");
      s.init = o->init == "balanced" ? ex::FlipFlopInit::balanced : ex::FlipFlopInit::random;
      require(o->stepper == "exact" || o->stepper == "euler" || o->stepper == "rk4", "stepper", "'" + o->stepper + "'",
              "exact, euler or rk4");
      namespace fo = learndyn::fast::overlaps;
      s.stepper = o->stepper == "exact" ? fo::Stepper::exact_map : o->stepper == "euler" ? fo::Stepper::euler : fo::Stepper::rk4;
      require(o->theory == "on" || o->theory == "off", "theory", "'" + o->theory + "'", "on or off");
      s.theory = o->theory == "on";
      s.trace_t_max = parse_double(o->trace_t_max, "trace-t-max");
      s.bins = static_cast<int>(parse_integer(o->bins, "bins", 2, 1000));
      s.seed = parse_seed(o->seed);
      s.threads = parse_threads(o->threads);
      ex::require_flipflop_memory(s);
      const ex::FlipFlopResult r = run_naming_lr(s.lr, [&] { return ex::run_flipflop(s); });
      Json report = Json::object();
      report["command"] = "overlaps flipflop";
      report["reproduces"] = "Ger & Barak 2026, Figs 4a-c (SGD) and 8 (GF, GD, Adam)";
      report["settings"] = {{"N", s.neurons}, {"epochs", s.epochs}, {"optimizer", o->optimizer}, {"lr", s.lr},
                            {"dt", s.task.dt}, {"t_max", s.task.t_max}, {"batch", s.task.batch}, {"init", o->init},
                            {"stepper", o->stepper}, {"theory", s.theory}, {"trace_t_max", s.trace_t_max},
                            {"bins", s.bins}, {"seed", s.seed}};
      report["overlaps"] = r.overlap_names;
      report["visible"] = r.visible;
      report["summary"] = json_of(r.summary);
      deliver(o->out, report,
              {{"trajectory", &r.trajectory}, {"traces", &r.traces}, {"loadings", &r.loadings},
               {"histogram", &r.histogram}, {"qq", &r.qq}},
              [&](const std::string& png) { flipflop_figure(r, s, png); });
    };
  });
}

// ---- overlaps aba ----------------------------------------------------------------------

void aba_figure(const ex::AbaResult& r, const ex::AbaSettings& s, const std::string& png) {
  const learndyn::experiments::Table& t = r.trajectory;
  const bool sgd = s.optimizer == ex::AbaOptimizer::sgd;
  std::vector<std::string> k_cols;
  for (const auto& c : t.columns)
    if (c.rfind("K_", 0) == 0) k_cols.push_back(c);
  std::string blocks = datablock("t", t, {"epoch", "loss_network", "vu", "uu", k_cols[0], k_cols[1], k_cols[2],
                                          "tr_J_sigma", "det_sigma", "zz_minus_mm", "uu_minus_vv", "closure_gap"});
  if (sgd) blocks += datablock("g", t, {"epoch", "gap_exact_map", "gap_euler"});
  std::ostringstream gp;
  // Phase boundaries and names.
  long at = 0;
  for (std::size_t k = 0; k < s.phases.size(); ++k) {
    if (k) gp << "set arrow from " << at << ", graph 0 to " << at << ", graph 1 nohead dt 3 lc 'gray'\n";
    gp << "set label '" << s.phases[k].name << "' at " << at + s.phases[k].epochs / 2 << ", graph 0.95 center font ',9'\n";
    at += s.phases[k].epochs;
  }
  // Fig 3's reference values: the overlaps at the end of the first phase (A1).
  std::size_t a1 = t.rows.size() - 1;
  for (std::size_t i = 0; i < t.rows.size(); ++i)
    if (t.at(i, "phase") >= 1) {
      a1 = i;
      break;
    }
  const double vu0 = t.at(a1, "vu"), uu0 = t.at(a1, "uu");
  const auto k_title = [](std::string c) {
    const auto second = c.rfind('_');
    return "K(" + c.substr(2, second - 2) + "," + c.substr(second + 1) + ")";
  };
  gp << "set multiplot layout 2,3 title 'A-B-A protocol, " << (sgd ? "SGD" : "Adam") << ", N = " << s.neurons
     << ", η = " << s.lr << "'\nset xlabel 'epoch'\nset key bottom right font ',9'\n"
     << "set logscale y\nset format y '10^{%L}'\nset title 'loss'\nplot $t using 1:2 with lines lw 2 lc '#0072B2' notitle\n"
     << "unset logscale y\nset format y '%g'\n"
     << "set title 'visible σ_{vu}'\nplot $t using 1:3 with lines lw 2 lc '#0072B2' notitle, " << vu0
     << " with lines dt 2 lc 'black' title 'end of A1'\n"
     << "set title 'invisible σ_{uu}'\nplot $t using 1:4 with lines lw 2 lc '#D55E00' notitle, " << uu0
     << " with lines dt 2 lc 'black' title 'end of A1'\n"
     << "set title 'invariant K_{ij}'\nplot $t using 1:5 with lines lw 2 lc '#E69F00' title '" << k_title(k_cols[0])
     << "', '' using 1:6 with lines lw 2 lc 'black' title '" << k_title(k_cols[1])
     << "', '' using 1:7 with lines lw 2 lc '#009E73' title '" << k_title(k_cols[2]) << "'\n"
     << "set title 'invariants of the flow (change from the start)'\n"
     << "plot $t using 1:($8-" << t.at(0, "tr_J_sigma") << ") with lines lw 2 title 'tr JΣ', "
     << "'' using 1:($9-" << t.at(0, "det_sigma") << ") with lines lw 2 title 'det Σ', "
     << "'' using 1:($10-" << t.at(0, "zz_minus_mm") << ") with lines lw 2 title 'zz - mm', "
     << "'' using 1:($11-" << t.at(0, "uu_minus_vv") << ") with lines lw 2 title 'uu - vv'\n"
     << "set logscale y\nset format y '10^{%L}'\nset title 'closure: |Σ_{copy} − Σ_{rotated copy}|"
     << (sgd ? "; |Sigma_{network} - Sigma_{theory}|" : "") << "'\n"
     << "plot $t using 1:($12 > 0 ? $12 : 1e-17) with lines lw 2 lc '#CC79A7' title 'probe pair (per phase)'";
  if (sgd)
    gp << ", $g using 1:($2 > 0 ? $2 : 1e-17) with lines lw 2 lc '#0072B2' title 'exact map', "
       << "'' using 1:3 with lines lw 2 lc '#009E73' title 'Euler'";
  gp << "\nunset multiplot\n";
  write_png(blocks + gp.str(), png, 1800, 900);
}

void add_aba(CLI::App& group, std::function<void()>& action) {
  struct Options {
    std::string optimizer = "sgd", neurons, dt = "0.05", steps = "400", decay_a = "0.2", decay_b = "0.4",
                lr, phases, noise = "0.1", noise_lr_factor = "2", start, beta1 = "0.9", beta2 = "0.999",
                eps = "1e-8", record_every = "10", seed = "0", threads, vectors, save_vectors;
    Output out;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = group.add_subcommand(
      "aba", "A-B-A protocol on the filter task (Figs 3, 6; --optimizer adam: Fig 7): invariants, memory, closure");
  set_example(*cmd, "learndyn overlaps aba -o aba.csv --figure aba.png");
  cmd->add_option("--optimizer", o->optimizer, "sgd (network at N lr, with the overlap theory; default) | adam (theta space)");
  add_neurons(*cmd, o->neurons, "4..10^7 (default 500)");
  add_decimal(*cmd, "dt", o->dt, "Euler step (default 0.05)");
  cmd->add_option("--T", o->steps, "time steps T, 1..10^7 (default 400)")->type_name("INT");
  add_decimal(*cmd, "decay-a", o->decay_a, "task A's c* (default 0.2)");
  add_decimal(*cmd, "decay-b", o->decay_b, "task B's c* (default 0.4)");
  add_decimal(*cmd, "lr", o->lr, "sgd: overlap rate, network at N lr (default 5e-3); adam: step size (default 1e-3)");
  cmd->add_option("--phases", o->phases,
                  "TASK:EPOCHS,... with TASK in A, B, A+noise, B+noise (default sgd: A:3000,B:1000,A:1000,B:1000,"
                  "A+noise:4000; adam: A:4000,B:4000,A:4000,B:4000,A:4000)")
      ->check(CLI::Validator([](const std::string& v) { return v.empty() ? std::string("an empty list (omit --phases for the default)") : std::string(); }, ""));
  add_decimal(*cmd, "noise", o->noise, "label noise s.d. of the +noise phases (default 0.1)");
  add_decimal(*cmd, "noise-lr-factor", o->noise_lr_factor, "rate multiplier of the +noise phases (default 2)");
  cmd->add_option("--start", o->start, "theta2 (Fig 2's equivalent network, the paper's start; default) | random");
  add_vector_options(*cmd, o->vectors, o->save_vectors, "rank 1, N is theirs; the network starts from them as they are (no --start)");
  add_decimal(*cmd, "beta1", o->beta1, "Adam beta1 (default 0.9)");
  add_decimal(*cmd, "beta2", o->beta2, "Adam beta2 (default 0.999)");
  add_decimal(*cmd, "eps", o->eps, "Adam epsilon (default 1e-8)");
  cmd->add_option("--record-every", o->record_every, "record epochs 0..k-1, every k-th, each phase start and the last (default 10)")->type_name("INT");
  add_seed(*cmd, o->seed);
  add_threads(*cmd, o->threads);
  add_output_options(*cmd, o->out, "trajectory (default) | phases");
  cmd->callback([o, &action] {
    action = [o] {
      keep_freed_memory();
      check_output(o->out, {"trajectory", "phases"});
      require(o->optimizer == "sgd" || o->optimizer == "adam", "optimizer", "'" + o->optimizer + "'", "sgd or adam");
      const bool sgd = o->optimizer == "sgd";
      ex::AbaSettings s = ex::aba_defaults(sgd ? ex::AbaOptimizer::sgd : ex::AbaOptimizer::adam);
      const int given_neurons = o->neurons.empty() ? 0 : static_cast<int>(parse_integer(o->neurons, "N", 4, kMaxSize));
      s.neurons = given_neurons > 0 ? given_neurons : 500;
      require(o->vectors.empty() || o->start.empty(), "start", o->start,
              "theta2 or random without --vectors (the network starts from the vectors as they are)");
      require_save_destination(o->save_vectors);
      if (!o->vectors.empty()) {
        s.vectors = rank_one_vectors(o->vectors, given_neurons);
        s.neurons = static_cast<int>(s.vectors->z.size());
      }
      s.dt = parse_double(o->dt, "dt");
      s.steps = static_cast<int>(parse_integer(o->steps, "T", 1, kMaxSize));
      s.decay_a = parse_double(o->decay_a, "decay-a");
      s.decay_b = parse_double(o->decay_b, "decay-b");
      if (!o->lr.empty()) s.lr = parse_double(o->lr, "lr");
      const double noise = parse_double(o->noise, "noise");
      require(noise >= 0, "noise", o->noise, ">= 0");
      const double factor = parse_double(o->noise_lr_factor, "noise-lr-factor");
      require(factor > 0, "noise-lr-factor", o->noise_lr_factor, "> 0");
      const std::string phases = !o->phases.empty() ? o->phases
                               : sgd ? "A:3000,B:1000,A:1000,B:1000,A+noise:4000"
                                     : "A:4000,B:4000,A:4000,B:4000,A:4000";
      s.phases = ex::parse_phases(phases, s.decay_a, s.decay_b, noise, factor);
      const std::string start = !o->vectors.empty() ? "vectors" : o->start.empty() ? "theta2" : o->start;
      require(start == "theta2" || start == "random" || start == "vectors", "start", "'" + o->start + "'", "theta2 or random");
      s.start_theta2 = start == "theta2";
      s.adam.beta1 = parse_double(o->beta1, "beta1");
      s.adam.beta2 = parse_double(o->beta2, "beta2");
      s.adam.epsilon = parse_double(o->eps, "eps");
      s.record_every = parse_integer(o->record_every, "record-every", 1, 100000000);
      s.seed = parse_seed(o->seed);
      s.threads = parse_threads(o->threads);
      ex::require_aba_memory(s, o->out.format == "json");
      const ex::AbaResult r = run_naming_lr(s.lr, [&] { return ex::run_aba(s); });
      Json report = Json::object();
      report["command"] = "overlaps aba";
      report["reproduces"] = sgd ? "Ger & Barak 2026, Figs 3 and 6" : "Ger & Barak 2026, Fig 7";
      report["settings"] = {{"optimizer", o->optimizer}, {"N", s.neurons}, {"dt", s.dt}, {"T", s.steps},
                            {"decay_a", s.decay_a}, {"decay_b", s.decay_b}, {"lr", s.lr}, {"phases", phases},
                            {"noise", noise}, {"noise_lr_factor", factor}, {"start", start},
                            {"vectors", o->vectors.empty() ? Json(nullptr) : Json(o->vectors)},
                            {"adam", {{"beta1", s.adam.beta1}, {"beta2", s.adam.beta2}, {"eps", s.adam.epsilon}}},
                            {"seed", s.seed}};
      report["overlaps"] = r.overlap_names;
      report["visible"] = r.visible;
      report["summary"] = json_of(r.summary);
      deliver(o->out, report, {{"trajectory", &r.trajectory}, {"phases", &r.phases}},
              [&](const std::string& png) { aba_figure(r, s, png); });
      if (!o->save_vectors.empty())
        ex::write_run_vectors(o->save_vectors, r.initial, r.final, r.sigma0);
    };
  });
}

// ---- overlaps equivalent ---------------------------------------------------------------

void equivalent_figure(const ex::EquivalentResult& r, const ex::EquivalentSettings& s, const std::string& png) {
  // Overlaps as rows: index, theta1 start, theta2 start (the Fig 2a comparison).
  learndyn::experiments::Table bars;
  bars.columns = {"i", "theta1", "theta2"};
  for (std::size_t i = 0; i < r.overlap_names.size(); ++i)
    bars.add_row({static_cast<double>(i), r.overlaps.at(0, r.overlap_names[i]), r.overlaps.at(1, r.overlap_names[i])});
  std::string blocks = datablock("bars", bars, bars.columns) +
                       datablock("out", r.outputs, {"t", "target", "y1_start", "y2_start", "y1_end", "y2_end", "y1_noisy", "y2_noisy"}) +
                       datablock("loss", r.trajectory, {"epoch", "loss_1", "loss_2", "theory_loss_1", "theory_loss_2"});
  std::ostringstream gp;
  gp << "set multiplot layout 1,4 title 'Functionally equivalent networks (N = " << s.neurons
     << "): same visible overlaps, different invisible ones'\n"
     << "set xtics (";
  for (std::size_t i = 0; i < r.overlap_names.size(); ++i)
    gp << (i ? ", " : "") << "'" << r.overlap_names[i] << "' " << i;
  gp << ") font ',9'\nset title 'overlaps at the start'\nset key top left\nset xrange [-0.5:"
     << r.overlap_names.size() - 0.5 << "]\n"
     << "plot $bars using ($1-0.15):2 with impulses lw 8 lc '#0072B2' title 'theta_1', "
     << "'' using ($1+0.15):3 with impulses lw 8 lc '#D55E00' title 'theta_2'\n"
     << "set xtics auto norotate font ',11'\nset xrange [*:*]\nset xlabel 't'\nset key top right\n"
     << "set title 'start: white-noise input + state noise'\n"
     << "plot $out using 1:7 with lines lw 3 lc '#0072B2' title 'theta_1', '' using 1:8 with lines lw 2 dt 2 lc '#D55E00' title 'theta_2'\n"
     << "set title 'impulse response after " << s.epochs << " epochs'\n"
     << "plot $out using 1:2 with lines lw 2 lc 'black' title 'target', '' using 1:5 with lines lw 3 lc '#0072B2' title 'theta_1', "
     << "'' using 1:6 with lines lw 2 lc '#D55E00' title 'theta_2', '' using 1:3 with lines lw 1 dt 3 lc 'gray' title 'both at the start'\n"
     << "set title 'loss (solid: network; dashed: theory)'\nset xlabel 'epoch'\nset logscale y\nset format y '10^{%L}'\n"
     << "plot $loss using 1:2 with lines lw 3 lc '#0072B2' title 'theta_1', '' using 1:3 with lines lw 3 lc '#D55E00' title 'theta_2', "
     << "'' using 1:4 with lines lw 2 dt 2 lc 'black' notitle, '' using 1:5 with lines lw 2 dt 2 lc 'black' notitle\n"
     << "unset multiplot\n";
  write_png(blocks + gp.str(), png, 1900, 560);
}

void add_equivalent(CLI::App& group, std::function<void()>& action) {
  struct Options {
    std::string neurons, dt = "0.05", steps = "400", decay = "0.2", lr = "5e-3", epochs = "300",
                record_every = "1", uu = "2.048", mu = "0.8", input_std = "1", state_noise = "0.5", seed = "0",
                threads, vectors, save_vectors;
    Output out;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = group.add_subcommand(
      "equivalent", "two functionally equivalent networks (Fig 2): same outputs, different learning");
  set_example(*cmd, "learndyn overlaps equivalent -o equivalent.csv --figure equivalent.png");
  add_neurons(*cmd, o->neurons, "4..10^7 (default 500)");
  add_decimal(*cmd, "dt", o->dt, "Euler step (default 0.05)");
  cmd->add_option("--T", o->steps, "time steps T, 1..10^7 (default 400)")->type_name("INT");
  add_decimal(*cmd, "decay", o->decay, "target decay c* (default 0.2)");
  add_decimal(*cmd, "lr", o->lr, "overlap rate; network SGD at N lr (default 5e-3)");
  cmd->add_option("--epochs", o->epochs, "training epochs (default 300)")->type_name("INT");
  cmd->add_option("--record-every", o->record_every, "record epochs 0..k-1, every k-th and the last (default 1)")->type_name("INT");
  add_decimal(*cmd, "theta2-uu", o->uu, "theta2's sigma_uu = |u|^2/N (default 2.048: |u| = 32 at N = 500)");
  add_decimal(*cmd, "theta2-mu", o->mu, "theta2's sigma_mu = m.u/N (default 0.8: m.u = 400 at N = 500)");
  add_decimal(*cmd, "input-std", o->input_std, "white-noise input s.d. of the perturbation check (default 1)");
  add_decimal(*cmd, "state-noise", o->state_noise, "state noise s.d. per neuron and step (default 0.5)");
  add_vector_options(*cmd, o->vectors, o->save_vectors, "theta1's, rank 1, N is theirs (theta2 is built from them)");
  add_seed(*cmd, o->seed);
  add_threads(*cmd, o->threads);
  add_output_options(*cmd, o->out, "trajectory (default) | overlaps | outputs | hidden");
  cmd->callback([o, &action] {
    action = [o] {
      keep_freed_memory();
      check_output(o->out, {"trajectory", "overlaps", "outputs", "hidden"});
      ex::EquivalentSettings s;
      const int given_neurons = o->neurons.empty() ? 0 : static_cast<int>(parse_integer(o->neurons, "N", 4, kMaxSize));
      s.neurons = given_neurons > 0 ? given_neurons : 500;
      require_save_destination(o->save_vectors);
      if (!o->vectors.empty()) {
        s.vectors = rank_one_vectors(o->vectors, given_neurons);
        s.neurons = static_cast<int>(s.vectors->z.size());
      }
      s.dt = parse_double(o->dt, "dt");
      s.steps = static_cast<int>(parse_integer(o->steps, "T", 1, kMaxSize));
      s.decay = parse_double(o->decay, "decay");
      s.lr = parse_double(o->lr, "lr");
      s.epochs = parse_integer(o->epochs, "epochs", 0, 100000000);
      s.record_every = parse_integer(o->record_every, "record-every", 1, 100000000);
      s.theta2_uu = parse_double(o->uu, "theta2-uu");
      s.theta2_mu = parse_double(o->mu, "theta2-mu");
      s.input_std = parse_double(o->input_std, "input-std");
      s.state_noise_std = parse_double(o->state_noise, "state-noise");
      s.seed = parse_seed(o->seed);
      s.threads = parse_threads(o->threads);
      ex::require_equivalent_memory(s, o->out.format == "json");
      const ex::EquivalentResult r = run_naming_lr(s.lr, [&] { return ex::run_equivalent(s); });
      require_finite_columns(r.outputs, r.outputs.columns, "input-std", render_value(s.input_std) + " (state-noise " +
                             render_value(s.state_noise_std) + ")", "noise levels at which the perturbed outputs stay finite");
      Json report = Json::object();
      report["command"] = "overlaps equivalent";
      report["reproduces"] = "Ger & Barak 2026, Fig 2";
      report["settings"] = {{"N", s.neurons}, {"dt", s.dt}, {"T", s.steps}, {"decay", s.decay}, {"lr", s.lr},
                            {"epochs", s.epochs}, {"theta2_uu", s.theta2_uu}, {"theta2_mu", s.theta2_mu},
                            {"input_std", s.input_std}, {"state_noise", s.state_noise_std}, {"seed", s.seed},
                            {"vectors", o->vectors.empty() ? Json(nullptr) : Json(o->vectors)}};
      report["overlaps"] = r.overlap_names;
      report["visible"] = r.visible;
      report["summary"] = json_of(r.summary);
      deliver(o->out, report, {{"trajectory", &r.trajectory}, {"overlaps", &r.overlaps}, {"outputs", &r.outputs}, {"hidden", &r.hidden}},
              [&](const std::string& png) { equivalent_figure(r, s, png); });
      if (!o->save_vectors.empty())
        ex::write_vectors(o->save_vectors, {{"theta1/initial/", &r.theta1_initial}, {"theta1/final/", &r.theta1_final},
                                            {"theta2/initial/", &r.theta2_initial}, {"theta2/final/", &r.theta2_final}});
    };
  });
}

// ---- overlaps memory -------------------------------------------------------------------

void memory_figure(const ex::MemoryResult& r, const ex::MemorySettings& s, const std::string& png) {
  const learndyn::experiments::Table& t = r.trajectory;
  std::string blocks;
  std::ostringstream loss, vis, inv;
  // One datablock per twin: epoch, loss, vu (visible), vv (invisible).
  int count = 0;
  for (int pair = 0; pair < s.pairs; ++pair)
    for (int twin = 0; twin < 2; ++twin) {
      learndyn::experiments::Table one;
      one.columns = t.columns;
      for (const auto& row : t.rows)
        if (row[0] == pair && row[1] == twin) one.rows.push_back(row);
      const std::string name = "p" + std::to_string(pair) + "t" + std::to_string(twin);
      blocks += datablock(name, one, {"epoch", "loss", "vu", "vv", "zz"});
      const std::string colour_of = twin == 0 ? "'#0072B2'" : "'#D55E00'";
      const std::string title = pair == 0 ? (twin == 0 ? "title 'history A (flip-flop)'" : "title 'history B (decision)'") : "notitle";
      loss << (count ? ", " : "") << "$" << name << " using 1:2 with lines lw 1 lc rgb " << colour_of << " " << title;
      vis << (count ? ", " : "") << "$" << name << " using 1:3 with lines lw 1 lc rgb " << colour_of << " " << title;
      inv << (count ? ", " : "") << "$" << name << " using 1:4 with lines lw 1 lc rgb " << colour_of << " " << title;
      ++count;
    }
  learndyn::experiments::Table bars;
  bars.columns = {"x", "mean", "std"};
  for (const auto& row : r.decoding.rows)
    if (row[5] == 1) bars.add_row({row[0] * 3 + row[1], row[3], row[4]});
  blocks += datablock("bars", bars, bars.columns);
  const double boundary = static_cast<double>(s.epochs_ab);
  std::ostringstream gp;
  gp << "set multiplot layout 1,4 title 'A/B -> C in the 10-D erf overlap theory (" << s.pairs << " twin pairs, batch "
     << s.batch << ")'\nset xlabel 'epoch'\nset key top right font ',9'\n"
     << "set arrow from " << boundary << ", graph 0 to " << boundary << ", graph 1 nohead dt 3 lc 'gray'\n"
     << "set logscale y\nset format y '10^{%L}'\nset title 'loss (A or B, then C)'\nplot " << loss.str() << "\n"
     << "unset logscale y\nset format y '%g'\nset title 'visible σ_{vu}'\nplot " << vis.str() << "\n"
     << "set title 'invisible σ_{vv}'\nplot " << inv.str() << "\n"
     << "unset arrow\nset title 'decoding A vs B history (test accuracy)'\nset xlabel ''\nset yrange [0:1.25]\nset xrange [-0.7:7.7]\n"
     << "set key bottom right\n"
     << "set xtics ('vis.' 0, 'invis.' 1, 'vis.' 3, 'invis.' 4, 'vis.' 6, 'invis.' 7)\n"
     << "set label 'start' at 0.5, 1.17 center\nset label 'after A/B' at 3.5, 1.17 center\nset label 'after C' at 6.5, 1.17 center\n"
     << "set boxwidth 0.8\nset style fill solid 0.6\n"
     << "plot $bars using 1:2 with boxes lc '#009E73' notitle, '' using 1:2:3 with yerrorbars lc 'black' pt 0 notitle, "
     << "0.5 with lines dt 2 lc 'black' title 'chance'\nunset multiplot\n";
  write_png(blocks + gp.str(), png, 1900, 560);
}

void add_memory(CLI::App& group, std::function<void()>& action) {
  struct Options {
    std::string pairs = "10", batch = "32", epochs_ab = "10000", epochs_c = "10000", lr_ab = "0.01", lr_c = "1e-3",
                stepper = "exact", splits = "50", train_pairs = "8", test_pairs = "2", feature_noise = "0.3",
                record_every = "100", seed = "0", threads;
    Output out;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = group.add_subcommand(
      "memory", "A/B -> C protocol in the erf overlap theory (Figs 4d, 9, 10): invisible overlaps keep the history");
  set_example(*cmd, "learndyn overlaps memory -o memory.csv --figure memory.png");
  cmd->add_option("--pairs", o->pairs, "twin pairs (default 10)")->type_name("INT");
  cmd->add_option("--batch", o->batch, "trials per epoch, 1..10^5 (default 32; the paper: 128)")->type_name("INT");
  cmd->add_option("--epochs-ab", o->epochs_ab, "epochs of phase A/B (default 10000; the paper: 30000)")->type_name("INT");
  cmd->add_option("--epochs-c", o->epochs_c, "epochs of phase C (default 10000; the paper: 30000)")->type_name("INT");
  add_decimal(*cmd, "lr-ab", o->lr_ab, "phase A/B rate, divided by 5 once the loss < 0.015 (default 0.01)");
  add_decimal(*cmd, "lr-c", o->lr_c, "phase C rate (default 1e-3)");
  cmd->add_option("--stepper", o->stepper, "exact (O16, default: keeps Sigma PSD) | euler (Euler step of the flow O17, every overlap updated at once; the public code updates them one after another)");
  cmd->add_option("--splits", o->splits, "decoding splits (default 50)")->type_name("INT");
  cmd->add_option("--train-pairs", o->train_pairs, "pairs for training the decoder (default 8)")->type_name("INT");
  cmd->add_option("--test-pairs", o->test_pairs, "pairs for testing it (default 2)")->type_name("INT");
  add_decimal(*cmd, "feature-noise", o->feature_noise, "noise s.d. on the training features (default 0.3)");
  cmd->add_option("--record-every", o->record_every, "trajectory every k-th epoch (default 100)")->type_name("INT");
  add_seed(*cmd, o->seed);
  add_threads(*cmd, o->threads);
  add_output_options(*cmd, o->out, "decoding (default) | pairs | trajectory");
  cmd->callback([o, &action] {
    action = [o] {
      keep_freed_memory();
      check_output(o->out, {"decoding", "pairs", "trajectory"});
      ex::MemorySettings s = ex::memory_defaults();
      s.pairs = static_cast<int>(parse_integer(o->pairs, "pairs", 2, 100000));
      // About 28 kB per trial (measured): the old cap of 10^6 needed ~28 GB per pair in flight.
      s.batch = static_cast<int>(parse_integer(o->batch, "batch", 1, 100000));
      s.task_a.batch = s.task_b.batch = s.task_c.pulses.batch = s.batch;
      s.epochs_ab = parse_integer(o->epochs_ab, "epochs-ab", 0, 100000000);
      s.epochs_c = parse_integer(o->epochs_c, "epochs-c", 0, 100000000);
      s.lr_ab = parse_double(o->lr_ab, "lr-ab");
      s.lr_c = parse_double(o->lr_c, "lr-c");
      require(o->stepper == "exact" || o->stepper == "euler", "stepper", "'" + o->stepper + "'", "euler or exact");
      s.stepper = o->stepper == "exact" ? learndyn::fast::overlaps::Stepper::exact_map : learndyn::fast::overlaps::Stepper::euler;
      s.splits = static_cast<int>(parse_integer(o->splits, "splits", 1, 1000000));
      s.train_pairs = static_cast<int>(parse_integer(o->train_pairs, "train-pairs", 1, 100000));
      s.test_pairs = static_cast<int>(parse_integer(o->test_pairs, "test-pairs", 1, 100000));
      s.feature_noise = parse_double(o->feature_noise, "feature-noise");
      s.record_every = parse_integer(o->record_every, "record-every", 1, 100000000);
      s.seed = parse_seed(o->seed);
      s.threads = parse_threads(o->threads);
      ex::require_memory_run_memory(s, o->out.format == "json");
      const ex::MemoryResult r = ex::run_memory(s);
      Json report = Json::object();
      report["command"] = "overlaps memory";
      report["reproduces"] = "Ger & Barak 2026, Figs 4d, 9 and 10 (10-D overlap theory only)";
      report["settings"] = {{"pairs", s.pairs}, {"batch", s.batch}, {"epochs_ab", s.epochs_ab}, {"epochs_c", s.epochs_c},
                            {"lr_ab", s.lr_ab}, {"lr_c", s.lr_c}, {"stepper", o->stepper}, {"dt", s.dt},
                            {"t_max", s.t_max}, {"splits", s.splits}, {"train_pairs", s.train_pairs},
                            {"test_pairs", s.test_pairs}, {"feature_noise", s.feature_noise}, {"seed", s.seed}};
      report["overlaps"] = r.overlap_names;
      report["visible"] = r.visible;
      report["summary"] = json_of(r.summary);
      deliver(o->out, report, {{"decoding", &r.decoding}, {"pairs", &r.pairs}, {"trajectory", &r.trajectory}},
              [&](const std::string& png) { memory_figure(r, s, png); });
    };
  });
}
}  // namespace

void add_overlaps_commands(CLI::App& app, std::function<void()>& action) {
  auto* group = app.add_subcommand("overlaps",
                                   "learning in overlap space (Ger & Barak 2026): experiments as CSV/JSON and PNG");
  group->require_subcommand(1);
  add_filter(*group, action);
  add_nscaling(*group, action);
  add_flipflop(*group, action);
  add_aba(*group, action);
  add_equivalent(*group, action);
  add_memory(*group, action);
  add_audit(*group, action);
}

}  // namespace learndyn::cli
