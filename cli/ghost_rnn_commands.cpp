#include "cli/ghost_rnn_commands.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "cli/experiment_output.hpp"
#include "cli/figure.hpp"
#include "cli/options.hpp"
#include "cli/report.hpp"
#include "cli/tables.hpp"
#include "common/argument_error.hpp"
#include "fast/ghost/rnn.hpp"
#include "reference/ghost/rnn_dynamics.hpp"
#include "reference/ghost/rnn_model.hpp"

namespace learndyn::cli {
namespace fg = learndyn::fast::ghost;
namespace rg = learndyn::reference::ghost;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// ---- options ------------------------------------------------------------------------------

// Every rnn command's network, task and training options, as given (empty: the default).
struct RnnOptions {
  std::string task = "da", neurons, rank = "1", readout, timing, alpha, beta, kappa_th,
              confidence, lr, optimizer = "sgd", epochs, seed = "0", record_every, noise, init,
              input, delay, response, initial, initial_sigma, trials, change_epoch, changed_beta, changed_confidence,
              learned = "0.05";
  std::string format = "csv", output, figure;
};

void add_network_options(CLI::App& cmd, RnnOptions& o) {
  cmd.add_option("--task", o.task, "da | dcd | dmts (default da)");
  cmd.add_option("--N", o.neurons, "neurons, 1..4096 (default 100)");
  cmd.add_option("--rank", o.rank, "rank K of W = M N^T, 0 = full rank (default 1)");
  cmd.add_option("--readout", o.readout,
                 "latent (Eq. 36, rank 1) | sigmoid (Eq. 48) | tanh | confidence (Eq. 40); default: "
                 "latent for rank-1 DA, sigmoid for DA and DMTS, tanh for DCD");
  cmd.add_option("--timing", o.timing, "after | before: the state read by output k (default: DA after, else before)");
  cmd.add_option("--alpha", o.alpha, "dt/tau in (0, 1] (default 0.5)");
  cmd.add_option("--beta", o.beta, "latent readout confidence beta > 0 (default 10)");
  cmd.add_option("--kappa-th", o.kappa_th, "latent readout threshold (default 1)");
  cmd.add_option("--confidence", o.confidence, "c > 0 of the confidence readout (default 1)");
  cmd.add_option("--init", o.init,
                 "gaussian (Figs. 3, 6) | xavier (DCD/DMTS code) | lowrank (Fig. 4 code: M ~ N(0,1), "
                 "N ~ N(0,1/N), b ~ N(0,0.01)); default by task");
  cmd.add_option("--input", o.input, "cue steps (DCD default 2, DMTS 6)");
  cmd.add_option("--delay", o.delay, "delay steps (DA 20, DCD 10, DMTS 16)");
  cmd.add_option("--response", o.response, "response steps (DA 20, DCD 10, DMTS 10)");
  cmd.add_option("--initial", o.initial, "DA initial rate of every unit in [-1, 1] (default -0.3)");
  cmd.add_option("--initial-sigma", o.initial_sigma, "DCD/DMTS: r0 = tanh(sigma z), sigma >= 0 (default 0.1)");
  cmd.add_option("--trials", o.trials, "DCD/DMTS: trials per class and epoch, 1..10000 (default 1)");
  cmd.add_option("--noise", o.noise, "noise s.d. inside tanh, >= 0 (DA 0, DCD/DMTS 0.01)");
  cmd.add_option("--seed", o.seed, "seed of the initial weights, noise and initial states (default 0)");
}

void add_training_options(CLI::App& cmd, RnnOptions& o) {
  cmd.add_option("--lr", o.lr, "learning rate >= 0 (default 0.003 DA, 0.01 DCD/DMTS)");
  cmd.add_option("--optimizer", o.optimizer, "sgd | adam (default sgd)");
  cmd.add_option("--epochs", o.epochs, "epochs >= 0");
  cmd.add_option("--learned", o.learned, "loss below which a run counts as learned (default 0.05)");
}

void add_output_options(CLI::App& cmd, RnnOptions& o) {
  cmd.add_option("--format", o.format, "csv | json (default csv)");
  cmd.add_option("-o,--output", o.output, "data file (default stdout; then the summary goes to stdout)");
  cmd.add_option("--figure", o.figure, "PNG figure to write (gnuplot)");
}

template <class Enum>
Enum parse_choice(const std::string& text, const std::string& parameter,
                  const std::vector<std::pair<std::string, Enum>>& choices) {
  std::string names;
  for (const auto& [name, value] : choices) {
    if (name == text) return value;
    names += (names.empty() ? "" : " | ") + name;
  }
  throw ArgumentError(parameter, "'" + text + "'", names);
}

// The run described by the options: the task's paper defaults, then every given option.
fg::RunSpec spec_of(const RnnOptions& o, long default_epochs) {
  const fg::RnnTask task = parse_choice<fg::RnnTask>(
      o.task, "task", {{"da", fg::RnnTask::da}, {"dcd", fg::RnnTask::dcd}, {"dmts", fg::RnnTask::dmts}});
  const int rank = static_cast<int>(parse_integer(o.rank, "rank", 0, 4096));
  fg::RunSpec s = fg::default_run(task, rank);
  s.epochs = default_epochs;
  if (!o.neurons.empty()) s.neurons = static_cast<int>(parse_integer(o.neurons, "N", 1, 4096));
  if (!o.readout.empty())
    s.config.readout = parse_choice<fg::RnnReadout>(
        o.readout, "readout",
        {{"latent", fg::RnnReadout::latent}, {"sigmoid", fg::RnnReadout::sigmoid},
         {"tanh", fg::RnnReadout::tanh}, {"confidence", fg::RnnReadout::confidence}});
  if (!o.timing.empty())
    s.config.timing = parse_choice<fg::ReadoutTiming>(
        o.timing, "timing", {{"after", fg::ReadoutTiming::after_update}, {"before", fg::ReadoutTiming::before_update}});
  if (!o.alpha.empty()) s.config.alpha = parse_double(o.alpha, "alpha");
  if (!o.beta.empty()) s.config.beta = parse_double(o.beta, "beta");
  if (!o.kappa_th.empty()) s.config.kappa_th = parse_double(o.kappa_th, "kappa-th");
  if (!o.confidence.empty()) s.config.confidence = parse_double(o.confidence, "confidence");
  if (!o.init.empty())
    s.init = parse_choice<fg::RnnInit>(o.init, "init", {{"gaussian", fg::RnnInit::gaussian}, {"xavier", fg::RnnInit::xavier},
                                                         {"lowrank", fg::RnnInit::lowrank}});
  if (!o.input.empty()) s.input_steps = static_cast<int>(parse_integer(o.input, "input", 0, 100000));
  if (!o.delay.empty()) s.delay_steps = static_cast<int>(parse_integer(o.delay, "delay", 1, 100000));
  if (!o.response.empty()) s.response_steps = static_cast<int>(parse_integer(o.response, "response", 1, 100000));
  if (!o.initial.empty()) s.initial_value = parse_double(o.initial, "initial");
  if (!o.noise.empty()) s.noise = parse_double(o.noise, "noise");
  if (!o.initial_sigma.empty()) s.initial_sigma = parse_double(o.initial_sigma, "initial-sigma");
  if (!o.trials.empty()) s.trials_per_class = static_cast<int>(parse_integer(o.trials, "trials", 1, 10000));
  s.seed = static_cast<std::uint64_t>(parse_integer(o.seed, "seed", 0, std::numeric_limits<long>::max()));
  if (!o.lr.empty()) s.lr = parse_double(o.lr, "lr");
  s.optimizer = parse_choice<fg::Optimizer>(o.optimizer, "optimizer", {{"sgd", fg::Optimizer::sgd}, {"adam", fg::Optimizer::adam}});
  if (!o.epochs.empty()) s.epochs = parse_integer(o.epochs, "epochs", 0, 100000000);
  if (!o.record_every.empty()) s.record_every = parse_integer(o.record_every, "record-every", 1, 100000000);
  if (!o.change_epoch.empty()) s.change_epoch = parse_integer(o.change_epoch, "change-epoch", 0, 100000000);
  s.changed_beta = s.config.beta;
  s.changed_confidence = s.config.confidence;
  if (!o.changed_beta.empty()) s.changed_beta = parse_double(o.changed_beta, "changed-beta");
  if (!o.changed_confidence.empty()) s.changed_confidence = parse_double(o.changed_confidence, "changed-confidence");
  fg::validate(s);
  return s;
}

double learned_of(const RnnOptions& o) {
  const double x = parse_double(o.learned, "learned");
  require(x > 0 && std::isfinite(x), "learned", x, "> 0 (finite)");
  return x;
}

void check_output(const RnnOptions& o) {
  require(o.format == "csv" || o.format == "json", "format", "'" + o.format + "'", "csv or json");
}

const char* readout_name(fg::RnnReadout r) {
  switch (r) {
    case fg::RnnReadout::latent: return "latent";
    case fg::RnnReadout::sigmoid: return "sigmoid";
    case fg::RnnReadout::tanh: return "tanh";
    case fg::RnnReadout::confidence: return "confidence";
  }
  return "?";
}

Json inputs_of(const fg::RunSpec& s) {
  return Json{{"task", fg::rnn_task_name(s.task)},
              {"N", s.neurons},
              {"rank", s.rank},
              {"readout", readout_name(s.config.readout)},
              {"timing", s.config.timing == fg::ReadoutTiming::after_update ? "after" : "before"},
              {"alpha", s.config.alpha},
              {"beta", s.config.beta},
              {"kappa_th", s.config.kappa_th},
              {"confidence", s.config.confidence},
              {"input", s.input_steps},
              {"delay", s.delay_steps},
              {"response", s.response_steps},
              {"noise", s.noise},
              {"init", s.init == fg::RnnInit::gaussian ? "gaussian" : s.init == fg::RnnInit::xavier ? "xavier" : "lowrank"},
              {"initial_sigma", s.initial_sigma},
              {"trials", s.trials_per_class},
              {"optimizer", s.optimizer == fg::Optimizer::sgd ? "sgd" : "adam"},
              {"lr", s.lr},
              {"epochs", s.epochs},
              {"seed", s.seed}};
}

// ---- tables and output ----------------------------------------------------------------------

struct RnnTable {
  std::vector<std::string> columns;
  std::vector<std::vector<Json>> rows;
};

std::string cell(const Json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "";
  if (v.is_number_integer()) return std::to_string(v.get<long>());
  return number_text(v.get<double>());
}

Json number(double x) { return json_number(x); }

std::string csv_of(const RnnTable& t) { return csv_text(t.columns, t.rows, cell); }



// A gnuplot datablock of the given numeric columns (missing values as NaN).
std::string rnn_datablock(const std::string& name, const RnnTable& t, const std::vector<std::string>& columns) {
  std::vector<std::size_t> idx;
  for (const auto& c : columns)
    idx.push_back(static_cast<std::size_t>(std::find(t.columns.begin(), t.columns.end(), c) - t.columns.begin()));
  std::ostringstream out;
  out << "$" << name << " << EOD\n";
  for (const auto& row : t.rows) {
    for (std::size_t k = 0; k < idx.size(); ++k) {
      const std::string text = cell(row[idx[k]]);
      out << (k ? " " : "") << (text.empty() ? "NaN" : text);
    }
    out << "\n";
  }
  return out.str() + "EOD\n";
}


// The figure first (a gnuplot failure leaves no data behind), then the data to -o or stdout.
void deliver(const RnnOptions& o, Json report, const RnnTable& table,
             const std::function<void(const std::string&)>& figure) {
  std::string data;
  if (o.format == "csv") {
    data = csv_of(table);
  } else {
    Json rows = Json::array();
    for (const auto& r : table.rows) rows.push_back(r);
    report["table"] = Json{{"columns", table.columns}, {"rows", rows}};
    data = report.dump(1) + "\n";
  }
  if (!o.figure.empty()) figure(o.figure);
  emit_data(o.output, o.figure, data, report["command"], report["summary"]);
}

// ---- analysis -------------------------------------------------------------------------------

rg::RnnParams<double> to_reference(const fg::RnnNet& n) {
  rg::RnnParams<double> p;
  p.rank = n.rank;
  p.W = n.W;
  p.M = n.M;
  p.Nm = n.Nm;
  p.b = n.b;
  p.W_in = n.W_in;
  p.w_out = n.w_out;
  p.b_out = n.b_out;
  return p;
}

// Rank one (R30-R33): fixed points and the slowest ghost (the critical point with the smallest
// positive eps) of the latent flow.
struct RankOneState {
  long fixed_points = 0;
  double ghost_eps = kNaN, ghost_kappa = kNaN;
};

RankOneState rank_one_state(const fg::RnnNet& net) {
  const rg::RnnParams<double> p = to_reference(net);
  RankOneState s;
  s.fixed_points = static_cast<long>(rg::rank_one_fixed_points(p, 0.0, 4001).size());
  for (const auto& c : rg::rank_one_critical_points(p, 0.0, 4001))
    if (c.eps > 0 && !(c.eps >= s.ghost_eps)) {
      s.ghost_eps = c.eps;
      s.ghost_kappa = c.kappa;
    }
  return s;
}

// A diverged run (its loss NaN or inf) is refused, naming the rate option: it was printed as
// empty cells (CSV) or null (JSON), indistinguishable from "not measured".
ArgumentError diverged(const std::string& parameter, const std::string& value, double lr, long epoch) {
  return ArgumentError(parameter, value,
                       "learning rates at which the loss stays finite (at lr = " + render_value(lr) + " it was not, by epoch " +
                           std::to_string(epoch) + ")");
}

void require_finite_losses(const fg::RunResult& r, double lr, const std::string& parameter, const std::string& value) {
  if (!std::isfinite(r.final_loss)) throw diverged(parameter, value, lr, r.epochs.empty() ? 0 : r.epochs.back());
  for (std::size_t k = 0; k < r.loss.size(); ++k)
    if (!std::isfinite(r.loss[k])) throw diverged(parameter, value, lr, r.epochs[k]);
}

// ---- ghost rnn-train --------------------------------------------------------------------------

void train_figure(const RnnTable& t, const fg::RunSpec& s, bool tracked, const std::string& png) {
  std::ostringstream gp;
  gp << rnn_datablock("curve", t, {"epoch", "loss", "gradient_norm", "ghost_eps", "fixed_points"});
  gp << "set multiplot layout 1," << (tracked ? 2 : 1) << "\n"
     << "set logscale y\nset format y '10^{%L}'\nset xlabel 'epoch'\n"
     << "set xtics " << std::max<long>(1, s.epochs / 4) << "\n"
     << "set title 'rank " << s.rank << " " << fg::rnn_task_name(s.task) << ", lr " << s.lr << "'\n"
     << "plot $curve using 1:2 with lines lw 2 title 'loss', $curve using 1:3 with lines title '|grad L|'";
  if (s.change_epoch >= 0)
    gp << ", '+' using (" << s.change_epoch << "):(1) with impulses lc 'gray' title 'confidence lowered'";
  gp << "\n";
  bool any_ghost = false;
  for (const auto& row : t.rows) any_ghost = any_ghost || row[4].is_number();
  if (tracked) {
    gp << "set title 'latent flow: ghost scale eps = f(k_g) f2(k_g)/2 (R32) and fixed points'\n"
       << "set ylabel 'eps'\nset y2label 'fixed points'\nset y2tics 1\nset y2range [0:4]\nset ytics nomirror\n"
       << "plot ";
    if (any_ghost) gp << "$curve using 1:4 with points pt 7 ps 0.5 title 'eps (smallest > 0)', ";
    gp << "$curve using 1:5 axes x1y2 with steps lw 2 title 'fixed points'\n";
  }
  gp << "unset multiplot\n";
  write_png(gp.str(), png, tracked ? 1400 : 800, 520);
}

void add_train(CLI::App& ghost, std::function<void()>& action) {
  auto o = std::make_shared<RnnOptions>();
  auto track = std::make_shared<std::string>("0");
  auto* cmd = ghost.add_subcommand("rnn-train",
      "train one rate RNN (Eq. 24) on DA/DCD/DMTS by BPTT; learning curve, ghost tracking (Figs. 3, 8B)");
  add_network_options(*cmd, *o);
  add_training_options(*cmd, *o);
  cmd->add_option("--record-every", o->record_every, "rows: every k-th epoch and the last (default 1)");
  cmd->add_option("--track-every", *track, "rank 1: fixed points and ghost eps every k epochs (default 0 = off)");
  cmd->add_option("--change-epoch", o->change_epoch, "Fig. 8B: epoch at which the readout confidence changes");
  cmd->add_option("--changed-beta", o->changed_beta, "Fig. 8B: the latent readout's new beta");
  cmd->add_option("--changed-confidence", o->changed_confidence, "the confidence readout's new c");
  add_output_options(*cmd, *o);
  cmd->callback([o, track, &action] {
    action = [o, track] {
      check_output(*o);
      const fg::RunSpec s = spec_of(*o, 2000);
      const double learned = learned_of(*o);
      const long track_every = parse_integer(*track, "track-every", 0, 100000000);
      require(track_every == 0 || s.rank == 1, "track-every", track_every, "0 unless rank 1");
      fg::RnnTrainer trainer(s);
      RnnTable t{{"epoch", "loss", "gradient_norm", "fixed_points", "ghost_eps", "ghost_kappa"}, {}};
      double min_loss = std::numeric_limits<double>::infinity();
      long first_learned = -1;
      for (long e = 0; e < s.epochs; ++e) {
        if (e == s.change_epoch) {
          trainer.config().beta = s.changed_beta;
          trainer.config().confidence = s.changed_confidence;
        }
        const bool tracked = track_every > 0 && e % track_every == 0;
        RankOneState rs;
        if (tracked) rs = rank_one_state(trainer.net());  // before the update, like the loss
        const double loss = trainer.epoch();
        if (!std::isfinite(loss)) throw diverged("lr", render_value(s.lr), s.lr, e);
        min_loss = std::min(min_loss, loss);
        if (first_learned < 0 && loss < learned) first_learned = e;
        if (e % s.record_every == 0 || e + 1 == s.epochs || tracked)
          t.rows.push_back({e, number(loss), number(trainer.last_gradient_norm()),
                            tracked ? Json(rs.fixed_points) : Json(nullptr), number(rs.ghost_eps),
                            number(rs.ghost_kappa)});
      }
      if (!std::isfinite(trainer.loss())) throw diverged("lr", render_value(s.lr), s.lr, s.epochs);
      Json report{{"command", "ghost rnn-train"}, {"inputs", inputs_of(s)}};
      Json summary{{"final_loss", number(trainer.loss())},
                   {"min_loss", number(min_loss)},
                   {"first_learned_epoch", first_learned},
                   {"learned_threshold", learned}};
      if (s.rank == 1) {
        const RankOneState end = rank_one_state(trainer.net());
        summary["final_fixed_points"] = end.fixed_points;
        summary["final_ghost_eps"] = number(end.ghost_eps);
        summary["final_ghost_kappa"] = number(end.ghost_kappa);
      }
      report["summary"] = summary;
      deliver(*o, report, t, [&](const std::string& png) { train_figure(t, s, track_every > 0, png); });
    };
  });
}

// ---- ghost rnn-slow-points ------------------------------------------------------------------

std::vector<long> parse_epoch_list(const std::string& text) {
  std::vector<long> out;
  for (const std::string& item : split_list(text, "at")) out.push_back(parse_integer(item, "at", 0, 100000000));
  require(!out.empty(), "at", "''", "a comma-separated list of epochs");
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

// Visited states of every trial (inputs on), every `stride`-th step: the starts of (R26).
Eigen::MatrixXd visited_states(const fg::RunSpec& s, const fg::RnnNet& net, int stride) {
  const rg::RnnParams<double> p = to_reference(net);
  const fg::RnnBatch fb = fg::make_batch(s, s.seed + 1);
  rg::RnnBatch<double> batch{fb.input, fb.target, fb.initial, fb.noise, fb.scale};
  rg::RnnConfig<double> c;
  c.alpha = s.config.alpha;
  c.readout = rg::RnnReadout::sigmoid;
  rg::RnnParams<double> q = p;
  q.w_out = Eigen::VectorXd::Ones(p.b.size());  // the readout is irrelevant for the states
  std::vector<Eigen::VectorXd> starts;
  for (int b = 0; b < fb.target.rows(); ++b) {
    const Eigen::MatrixXd r = rg::rnn_states(c, q, batch, b);
    for (Eigen::Index k = 0; k < r.cols(); k += stride) starts.push_back(r.col(k));
  }
  Eigen::MatrixXd out(p.b.size(), static_cast<Eigen::Index>(starts.size()));
  for (std::size_t j = 0; j < starts.size(); ++j) out.col(static_cast<Eigen::Index>(j)) = starts[j];
  return out;
}

// The latent picture of one analysed epoch (the figure's data): rank 1, the flow f(kappa) on
// the search box (paper Fig. 3A); rank 2, the trials' latent trajectories (Fig. 4B).
std::string latent_picture(const fg::RunSpec& s, const fg::RnnNet& net, std::size_t panel) {
  const rg::RnnParams<double> p = to_reference(net);
  std::ostringstream out;
  out << "$curve" << panel << " << EOD\n";
  if (s.rank == 1) {
    const double w = p.Nm.col(0).lpNorm<1>() + 1;  // the search box (R30)
    for (int j = 0; j <= 400; ++j) {
      const double k = -w + 2 * w * j / 400.0;
      out << cell(k) << " " << cell(rg::latent_derivatives(p, k).f) << "\n";
    }
  } else {
    const fg::RnnBatch fb = fg::make_batch(s, s.seed + 1);
    rg::RnnBatch<double> batch{fb.input, fb.target, fb.initial, fb.noise, fb.scale};
    rg::RnnConfig<double> c;
    c.alpha = s.config.alpha;
    c.readout = rg::RnnReadout::sigmoid;
    rg::RnnParams<double> q = p;
    q.w_out = Eigen::VectorXd::Ones(p.b.size());
    for (int b = 0; b < fb.target.rows(); ++b) {
      const Eigen::MatrixXd kappa = rg::latent_trajectory(c, q, batch, b);
      for (Eigen::Index k = 0; k < kappa.cols(); ++k) out << cell(kappa(0, k)) << " " << cell(kappa(1, k)) << "\n";
      out << "\n";
    }
  }
  return out.str() + "EOD\n";
}

void slow_points_figure(const RnnTable& t, const fg::RunSpec& s, const std::vector<long>& epochs,
                        const std::vector<std::string>& pictures, const std::string& png) {
  require(s.rank >= 1 && s.rank <= 2, "figure", png, "rank 1 or 2 (a latent picture)");
  std::ostringstream gp;
  for (const std::string& pic : pictures) gp << pic;
  const char* kinds[] = {"fixed_point", "ghost", "slow_point"};
  const char* styles[] = {"pt 7 ps 1.4 lc rgb '#000000'", "pt 9 ps 1.6 lc rgb '#D55E00'", "pt 5 ps 1.2 lc rgb '#0072B2'"};
  for (std::size_t e = 0; e < epochs.size(); ++e)
    for (int k = 0; k < 3; ++k) {
      gp << "$p" << e << "_" << k << " << EOD\n";
      for (const auto& row : t.rows)
        if (row[0].get<long>() == epochs[e] && row[1].get<std::string>() == kinds[k]) {
          gp << cell(row[4]) << " " << cell(row[5]) << "\n";  // rank 1: (kappa, f); rank 2: kappa
        }
      gp << "0 NaN\nEOD\n";
    }
  gp << "set multiplot layout 1," << epochs.size() << "\n"
     << "set xlabel 'kappa_1'\nset ylabel '" << (s.rank == 1 ? "dkappa/dt = f(kappa)" : "kappa_2") << "'\n"
     << "set key bottom left\n";
  for (std::size_t e = 0; e < epochs.size(); ++e) {
    gp << "set title 'epoch " << epochs[e] << "'\n";
    if (s.rank == 1) gp << "set xzeroaxis lt -1\n";
    gp << "plot $curve" << e << " using 1:2 with lines lc rgb '#999999' title '"
       << (s.rank == 1 ? "latent flow" : "trials") << "'";
    for (int k = 0; k < 3; ++k)
      gp << ", $p" << e << "_" << k << " using 1:2 with points " << styles[k] << " title '"
         << (k == 0 ? "fixed point" : k == 1 ? "ghost" : "slow point") << "'";
    gp << "\n";
  }
  gp << "unset multiplot\n";
  write_png(gp.str(), png, std::max<int>(500, 420 * static_cast<int>(epochs.size())), 460);
}

void add_slow_points(CLI::App& ghost, std::function<void()>& action) {
  auto o = std::make_shared<RnnOptions>();
  auto at = std::make_shared<std::string>("0,1000,2000");
  auto points = std::make_shared<std::string>("401");
  auto stride = std::make_shared<std::string>("4");
  auto max_speed = std::make_shared<std::string>();
  auto* cmd = ghost.add_subcommand("rnn-slow-points",
      "train, and at given epochs find fixed points, ghosts and slow points (R26-R29): latent grid for "
      "rank <= 2, Newton on q from visited states otherwise");
  add_network_options(*cmd, *o);
  add_training_options(*cmd, *o);
  cmd->add_option("--at", *at, "comma-separated epochs to analyse (default 0,1000,2000)");
  cmd->add_option("--points", *points, "rank <= 2: grid points per latent axis, 3..4001 (default 401)");
  cmd->add_option("--stride", *stride, "full space: every k-th visited state starts Newton (default 4)");
  cmd->add_option("--max-speed", *max_speed, "report only points with speed q <= this (default: all)");
  add_output_options(*cmd, *o);
  cmd->callback([o, at, points, stride, max_speed, &action] {
    action = [o, at, points, stride, max_speed] {
      check_output(*o);
      const std::vector<long> epochs = parse_epoch_list(*at);
      const fg::RunSpec s = spec_of(*o, epochs.back());
      const int grid = static_cast<int>(parse_integer(*points, "points", 3, 4001));
      const int step = static_cast<int>(parse_integer(*stride, "stride", 1, 100000));
      const double q_max = max_speed->empty() ? std::numeric_limits<double>::infinity()
                                              : parse_double(*max_speed, "max-speed");
      require(q_max >= 0, "max-speed", q_max, ">= 0");
      fg::RnnTrainer trainer(s);
      RnnTable t{{"epoch", "kind", "speed", "flow_norm", "kappa_1", "kappa_2", "lambda_1_re",
               "lambda_1_im", "lambda_2_re", "lambda_2_im", "max_re_other", "stable", "eps"}, {}};
      Json counts = Json::array();
      std::vector<std::string> pictures;
      for (long e : epochs) {
        while (trainer.epochs_done() < e)  // a diverged net (NaN) silently had no objects
          if (!std::isfinite(trainer.epoch())) throw diverged("lr", render_value(s.lr), s.lr, trainer.epochs_done());
        const rg::RnnParams<double> p = to_reference(trainer.net());
        const auto options = rg::default_search_options<double>();
        const bool latent = s.rank >= 1 && s.rank <= 2;
        const std::vector<rg::DynamicalObject<double>> found =
            latent ? rg::find_latent_objects(p, Eigen::VectorXd(), grid, options)
                   : rg::find_objects(p, visited_states(s, trainer.net(), step), options);
        if (latent) pictures.push_back(latent_picture(s, trainer.net(), pictures.size()));
        long n_fixed = 0, n_ghost = 0, n_slow = 0;
        for (const auto& obj : found) {
          if (!(obj.speed <= q_max)) continue;
          n_fixed += obj.kind == rg::PointKind::fixed_point;
          n_ghost += obj.kind == rg::PointKind::ghost;
          n_slow += obj.kind == rg::PointKind::slow_point;
          double eps = kNaN;
          if (s.rank == 1 && obj.kind != rg::PointKind::fixed_point) {
            const auto d = rg::latent_derivatives(p, obj.latent(0));
            eps = d.f * d.f2 / 2;  // (R32)
          }
          const auto lam = [&](std::size_t i, bool im) {
            return i < obj.eigenvalues.size() ? number(im ? obj.eigenvalues[i].imag() : obj.eigenvalues[i].real()) : Json(nullptr);
          };
          // Rank 1: kappa_2 carries f(kappa) (the flow at the point) for the figure and users.
          const Json second = obj.latent.size() > 1  ? number(obj.latent(1))
                              : s.rank == 1 ? number(rg::latent_derivatives(p, obj.latent(0)).f)
                                            : Json(nullptr);
          // The largest real part of the eigenvalues other than the smallest in modulus: < 0 is
          // the transverse stability that separates a ghost from a slow point (R28).
          double max_re_other = -std::numeric_limits<double>::infinity();
          for (std::size_t i = 1; i < obj.eigenvalues.size(); ++i)
            max_re_other = std::max(max_re_other, obj.eigenvalues[i].real());
          t.rows.push_back({e, rg::point_kind_name(obj.kind), number(obj.speed), number(obj.flow_norm),
                            obj.latent.size() > 0 ? number(obj.latent(0)) : Json(nullptr), second,
                            lam(0, false), lam(0, true), lam(1, false), lam(1, true), number(max_re_other),
                            obj.kind == rg::PointKind::fixed_point ? Json(obj.stable ? 1 : 0) : Json(nullptr),
                            number(eps)});
        }
        counts.push_back(Json{{"epoch", e}, {"fixed_points", n_fixed}, {"ghosts", n_ghost}, {"slow_points", n_slow}});
      }
      if (s.rank == 1) t.columns[5] = "flow";
      Json report{{"command", "ghost rnn-slow-points"}, {"inputs", inputs_of(s)}};
      report["summary"] = Json{{"search", s.rank >= 1 && s.rank <= 2 ? "latent grid" : "full-space Newton"},
                               {"by_epoch", counts}};
      deliver(*o, report, t, [&](const std::string& png) { slow_points_figure(t, s, epochs, pictures, png); });
    };
  });
}

// ---- ghost rnn-sweep ------------------------------------------------------------------------

void add_sweep(CLI::App& ghost, std::function<void()>& action) {
  auto o = std::make_shared<RnnOptions>();
  auto rates = std::make_shared<std::string>("1e-4,1e-1,30");
  auto seeds = std::make_shared<std::string>("10");
  auto ranks = std::make_shared<std::string>("1");
  auto threads = std::make_shared<std::string>("0");
  auto curve_every = std::make_shared<std::string>("0");
  auto* cmd = ghost.add_subcommand("rnn-sweep",
      "final loss against the learning rate over seeds and ranks (Fig. 6A; 6B with several ranks)");
  add_network_options(*cmd, *o);
  add_training_options(*cmd, *o);
  cmd->add_option("--rates", *rates, "lo,hi,count: count rates log-spaced in [lo, hi] (default 1e-4,1e-1,30)");
  cmd->add_option("--seeds", *seeds, "seeds 0..S-1 per rate (default 10)");
  cmd->add_option("--ranks", *ranks, "comma-separated ranks, 0 = full (default 1); each rank reads out by the task default (DA: latent at rank 1, Eq. 48 otherwise)");
  cmd->add_option("--threads", *threads, "parallel runs, 0 = every core (results do not depend on it)");
  cmd->add_option("--curve-every", *curve_every,
                  "> 0: the data are the learning curves (rank, lr, seed, epoch, loss every k epochs; Fig. 6B) "
                  "and the figure shows the mean curve per rank at the first rate");
  add_output_options(*cmd, *o);
  cmd->callback([o, rates, seeds, ranks, threads, curve_every, &action] {
    action = [o, rates, seeds, ranks, threads, curve_every] {
      check_output(*o);
      const std::vector<std::string> parts = split_list(*rates, "rates");
      require(parts.size() == 3, "rates", "'" + *rates + "'", "lo,hi,count");
      const double lo = parse_double(parts[0], "rates"), hi = parse_double(parts[1], "rates");
      const long count = parse_integer(parts[2], "rates", 1, 1000);
      require(lo > 0 && hi >= lo && std::isfinite(hi), "rates", *rates, "0 < lo <= hi");
      // The log spacing takes hi / lo: at 1e-3,1e308 or 1e-320,1e-3 it overflowed and the
      // error named an lr = inf the user never gave.
      require(std::isnormal(lo) && std::isfinite(hi / lo), "rates", *rates, "normal doubles with hi / lo finite");
      const long n_seeds = parse_integer(*seeds, "seeds", 1, 10000);
      const unsigned n_threads = static_cast<unsigned>(parse_integer(*threads, "threads", 0, 256));
      const double learned = learned_of(*o);
      const long every = parse_integer(*curve_every, "curve-every", 0, 100000000);
      std::vector<int> rank_list;
      for (const std::string& item : split_list(*ranks, "ranks"))
        rank_list.push_back(static_cast<int>(parse_integer(item, "ranks", 0, 4096)));
      require(!rank_list.empty(), "ranks", "''", "a comma-separated list");
      std::vector<fg::RunSpec> specs;
      for (int rank : rank_list) {
        RnnOptions ro = *o;
        ro.rank = std::to_string(rank);
        // The readout stays the task's default (default_run): DA latent at rank 1, sigmoid (Eq. 48)
        // otherwise; DCD tanh; DMTS sigmoid. (Forcing sigmoid here made DCD's +-1 targets
        // unreachable.)
        for (long i = 0; i < count; ++i) {
          const double lr = count == 1 ? lo : lo * std::pow(hi / lo, double(i) / double(count - 1));
          for (long seed = 0; seed < n_seeds; ++seed) {
            fg::RunSpec s = spec_of(ro, 5000);
            s.lr = lr;
            s.seed = static_cast<std::uint64_t>(seed);
            s.record_every = every > 0 ? every : std::max<long>(1, s.epochs);
            specs.push_back(s);
          }
        }
      }
      const std::vector<fg::RunResult> results = fg::train_runs(specs, n_threads);
      for (std::size_t r = 0; r < results.size(); ++r) require_finite_losses(results[r], specs[r].lr, "rates", *rates);
      RnnTable t{{"rank", "lr", "seed", "final_loss", "min_loss", "learned"}, {}};
      Json critical = Json::object();
      Json by_rate = Json::array();  // statistics over seeds: mean and SEM of the final loss
      std::size_t j = 0;
      for (int rank : rank_list) {
        double best = kNaN;
        for (long i = 0; i < count; ++i) {
          long ok = 0;
          double lr = 0, sum = 0, sum_sq = 0;
          for (long seed = 0; seed < n_seeds; ++seed, ++j) {
            sum += results[j].final_loss;
            sum_sq += results[j].final_loss * results[j].final_loss;
            const fg::RunResult& r = results[j];
            lr = specs[j].lr;
            double min_loss = r.final_loss;
            for (double x : r.loss) min_loss = std::min(min_loss, x);
            const bool good = r.final_loss < learned;
            ok += good;
            t.rows.push_back({rank, lr, seed, number(r.final_loss), number(min_loss), good ? 1 : 0});
          }
          if (2 * ok >= n_seeds) best = lr;  // the largest rate at which most seeds learn
          const double mean = sum / n_seeds;
          const double var = n_seeds > 1 ? std::max(0.0, (sum_sq - n_seeds * mean * mean) / (n_seeds - 1)) : kNaN;
          by_rate.push_back(Json{{"rank", rank}, {"lr", lr}, {"mean_final_loss", number(mean)},
                                 {"sem_final_loss", number(std::sqrt(var / n_seeds))},
                                 {"learned_fraction", double(ok) / n_seeds}});
        }
        critical[std::to_string(rank)] = number(best);
      }
      RnnTable curves{{"rank", "lr", "seed", "epoch", "loss"}, {}};
      for (std::size_t r = 0; every > 0 && r < results.size(); ++r)
        for (std::size_t k = 0; k < results[r].epochs.size(); ++k)
          curves.rows.push_back({specs[r].rank, specs[r].lr, static_cast<long>(specs[r].seed),
                                 results[r].epochs[k], number(results[r].loss[k])});
      Json report{{"command", "ghost rnn-sweep"}, {"inputs", inputs_of(specs.front())}};
      report["inputs"].erase("rank");
      report["inputs"].erase("lr");
      report["inputs"].erase("seed");
      report["inputs"]["ranks"] = rank_list;
      report["inputs"]["rates"] = *rates;
      report["inputs"]["seeds"] = n_seeds;
      report["summary"] = Json{{"runs", specs.size()},
                               {"learned_threshold", learned},
                               {"largest_rate_learned_by_most_seeds", critical},
                               {"by_rate", by_rate}};
      if (every > 0) {
        deliver(*o, report, curves, [&](const std::string& png) {
          // Fig. 6B: the mean loss over seeds against the epoch, one curve per rank, first rate.
          std::ostringstream gp;
          std::string plot = "plot ";
          for (std::size_t k = 0; k < rank_list.size(); ++k) {
            std::map<long, std::pair<double, long>> mean;
            for (const auto& row : curves.rows)
              if (row[0].get<int>() == rank_list[k] && row[1].get<double>() == specs.front().lr && row[4].is_number()) {
                auto& m = mean[row[3].get<long>()];
                m.first += row[4].get<double>();
                ++m.second;
              }
            gp << "$c" << k << " << EOD\n";
            for (const auto& [epoch, m] : mean) gp << epoch + 1 << " " << cell(m.first / m.second) << "\n";
            gp << "EOD\n";
            plot += (k ? ", " : "") + std::string("$c") + std::to_string(k) + " using 1:2 with lines lw 2 title 'rank " +
                    (rank_list[k] == 0 ? std::string("full") : std::to_string(rank_list[k])) + "'";
          }
          gp << "set logscale xy\nset format x '10^{%L}'\nset format y '10^{%L}'\n"
             << "set xlabel 'epoch + 1'\nset ylabel 'loss (mean over seeds)'\n"
             << "set title 'learning curves, lr " << specs.front().lr << "'\n" << plot << "\n";
          write_png(gp.str(), png, 800, 560);
        });
        return;
      }
      deliver(*o, report, t, [&](const std::string& png) {
        std::ostringstream gp;
        std::string plot = "plot ";
        for (std::size_t k = 0; k < rank_list.size(); ++k) {
          RnnTable sub{t.columns, {}};
          for (const auto& row : t.rows)
            if (row[0].get<int>() == rank_list[k]) sub.rows.push_back(row);
          gp << rnn_datablock("r" + std::to_string(k), sub, {"lr", "final_loss"});
          plot += (k ? ", " : "") + std::string("$r") + std::to_string(k) +
                  " using 1:2 with points pt 7 ps 0.6 title 'rank " +
                  (rank_list[k] == 0 ? std::string("full") : std::to_string(rank_list[k])) + "'";
        }
        gp << "set logscale xy\nset format x '10^{%L}'\nset format y '10^{%L}'\n"
           << "set xlabel 'learning rate'\nset ylabel 'final loss'\n"
           << "set title 'final loss vs learning rate (" << n_seeds << " seeds each)'\n" << plot << "\n";
        write_png(gp.str(), png, 800, 560);
      });
    };
  });
}

}  // namespace

void add_ghost_rnn_commands(CLI::App& app, std::function<void()>& action) {
  CLI::App* ghost = app.get_subcommand("ghost");
  add_train(*ghost, action);
  add_slow_points(*ghost, action);
  add_sweep(*ghost, action);
}

}  // namespace learndyn::cli
