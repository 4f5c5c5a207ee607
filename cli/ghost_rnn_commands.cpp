#include "cli/ghost_rnn_commands.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <iostream>
#include <limits>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "cli/figure.hpp"
#include "cli/options.hpp"
#include "cli/output.hpp"
#include "cli/shard.hpp"
#include <learndyn/common/argument_error.hpp>
#include <learndyn/experiments/ghost/latent_geometry_fig4.hpp>
#include <learndyn/experiments/ghost/rnn_audit.hpp>
#include <learndyn/experiments/ghost/rnn_options.hpp>
#include <learndyn/experiments/ghost/rnn_sweep.hpp>
#include <learndyn/experiments/ghost/rnn_train.hpp>
#include <learndyn/experiments/ghost/rnn_weights.hpp>
#include <learndyn/experiments/ghost/slow_points.hpp>
#include <learndyn/fast/ghost/rnn.hpp>

namespace learndyn::cli {
namespace fg = learndyn::fast::ghost;
namespace eg = learndyn::experiments::ghost;

namespace {

// ---- options ------------------------------------------------------------------------------

// Every rnn command's network, task and training options, as given (empty: the default): the
// shared text options (experiments/ghost/rnn_options.hpp, also learndyn.ghost.rnn_train's), the
// files and the output.
struct RnnOptions : eg::RnnOptionText {
  std::string weights, save_weights;
  Output out;
};

void add_network_options(CLI::App& cmd, RnnOptions& o) {
  cmd.add_option("--task", o.task, "da | dcd | dmts (default da)");
  add_neurons(cmd, o.neurons, "1..4096 (default 100)");
  cmd.add_option("--rank", o.rank, "rank K of W = M N^T, 0 = full rank (default 1)")->type_name("INT");
  cmd.add_option("--readout", o.readout,
                 "latent (Eq. 36, rank 1) | sigmoid (Eq. 48) | tanh | confidence (Eq. 40); default: "
                 "latent for rank-1 DA, sigmoid for DA and DMTS, tanh for DCD");
  cmd.add_option("--timing", o.timing, "after | before: the state read by output k (default: DA after, else before)");
  cmd.add_option("--alpha", o.alpha, "dt/tau in (0, 1] (default 0.5)")->type_name("DECIMAL");
  cmd.add_option("--beta", o.beta, "latent readout confidence beta > 0 (default 10)")->type_name("DECIMAL");
  cmd.add_option("--learn-beta", o.learn_beta,
                 "off | on: train the latent readout's beta with the network (Fig. 8B's learnable-confidence variant; "
                 "default off)");
  cmd.add_option("--kappa-th", o.kappa_th, "latent readout threshold (default 1)")->type_name("DECIMAL");
  cmd.add_option("--confidence", o.confidence, "c > 0 of the confidence readout (default 1)")->type_name("DECIMAL");
  cmd.add_option("--confidence-readout", o.confidence_readout,
                 "projected | differentiated: the confidence readout's gradient; projected (default): W_out rescaled to "
                 "|W_out|_1 = c before each forward pass, the gradient not flowing through the norm (the public code); "
                 "differentiated: through the norm");
  cmd.add_option("--init", o.init,
                 "gaussian (Figs. 3, 6) | xavier (DCD/DMTS code) | lowrank (Fig. 4 code: M ~ N(0,1), "
                 "N ~ N(0,1/N), b ~ N(0,0.01)); default by task");
  cmd.add_option("--input", o.input, "cue steps (DCD default 2, DMTS 6)")->type_name("INT");
  cmd.add_option("--delay", o.delay, "delay steps (default: DA 20, DCD 10, DMTS 16)")->type_name("INT");
  cmd.add_option("--response", o.response, "response steps (default: DA 20, DCD 10, DMTS 10)")->type_name("INT");
  cmd.add_option("--initial", o.initial, "DA initial rate of every unit in [-1, 1] (default -0.3)")->type_name("DECIMAL");
  cmd.add_option("--initial-sigma", o.initial_sigma, "DCD/DMTS: r0 = tanh(sigma z), sigma >= 0 (default 0.1)")->type_name("DECIMAL");
  cmd.add_option("--trials", o.trials, "DCD/DMTS: trials per class and epoch, 1..10000 (default 1)")->type_name("INT");
  cmd.add_option("--noise", o.noise, "noise s.d. inside tanh, >= 0 (default: DA 0, DCD/DMTS 0.01)")->type_name("DECIMAL");
  add_seed(cmd, o.seed);
  cmd.add_option("--weights", o.weights,
                 "start from these parameters (.npz or folder of .npy; the paper's scripts' names m, n, b, "
                 "W_out, b_out; N, rank and readout from the file; the seed then draws only the batches)")
      ->type_name("FILE")
      ->check(non_empty_path());
  cmd.add_option("--save-weights", o.save_weights,
                 "write the initial and final parameters as initial/... and final/... (.npz if FILE ends in .npz, "
                 "else a folder of .npy)")
      ->type_name("FILE")
      ->check(non_empty_path());
}

// `epochs_help` states the command's default number of epochs.
void add_training_options(CLI::App& cmd, RnnOptions& o, const std::string& epochs_help) {
  cmd.add_option("--lr", o.lr, "learning rate >= 0 (default 0.003 DA, 0.01 DCD/DMTS)")->type_name("DECIMAL");
  cmd.add_option("--optimizer", o.optimizer, "sgd | adam (default sgd)");
  cmd.add_option("--epochs", o.epochs, epochs_help)->type_name("INT");
  cmd.add_option("--learned", o.learned, "loss below which a run counts as learned (default 0.05)")->type_name("DECIMAL");
}

// --weights: the file's network, with N, rank and (rank-one DA) the readout defaulting to the
// file's; options that contradict the file are refused by require_weights_fit after run_spec_of.
std::optional<eg::RnnWeights> weights_of(RnnOptions& o) {
  if (o.weights.empty()) return std::nullopt;
  return eg::weights_with_defaults(o, [&] { return eg::read_rnn_weights(o.weights); });
}

// The run described by the options and, with --weights, checked against the file.
fg::RunSpec spec_with_weights(const RnnOptions& o, long default_epochs, const std::optional<eg::RnnWeights>& w) {
  return eg::run_spec_with_weights(o, default_epochs, w);
}

// --save-weights: the initial and final parameters, then "wrote" on stderr.
void save_weights(const RnnOptions& o, const fg::RunSpec& s, const fg::RnnNet& initial, const fg::RnnNet& final_net) {
  if (o.save_weights.empty()) return;
  eg::write_run_weights(o.save_weights, s, initial, final_net);
  std::cerr << "wrote " << o.save_weights << "\n";
}

double learned_of(const RnnOptions& o) { return eg::learned_of(o); }

using eg::readout_name;

Json inputs_of(const fg::RunSpec& s, const RnnOptions& o) {
  Json inputs{{"task", fg::rnn_task_name(s.task)},
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
  if (s.config.readout == fg::RnnReadout::confidence || s.changed_readout == fg::RnnReadout::confidence)
    inputs["confidence_readout"] = s.config.confidence_readout == fg::ConfidenceReadout::projected ? "projected" : "differentiated";
  if (s.config.learn_beta) inputs["learn_beta"] = "on";
  if (s.changed_readout) {
    inputs["changed_readout"] = readout_name(*s.changed_readout);
    inputs["change_epoch"] = s.change_epoch;
    inputs["changed_confidence"] = s.changed_confidence;
  }
  if (!o.weights.empty()) {  // the file replaces the seeded draw
    inputs.erase("init");
    inputs["weights"] = o.weights;
  }
  return inputs;
}

// ---- output -----------------------------------------------------------------------------------

// The figure first (a gnuplot failure leaves no data behind), then the data to -o or stdout.
void deliver(const RnnOptions& o, const Json& report, const experiments::Table& table,
             const std::function<void(const std::string&)>& figure) {
  cli::deliver(o.out, report, {{"table", &table}}, figure);
}

// ---- ghost rnn-train --------------------------------------------------------------------------

std::string upper(std::string text) {
  for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

void train_figure(const experiments::Table& t, const fg::RunSpec& s, bool tracked, const std::string& png) {
  std::ostringstream gp;
  gp << datablock("curve", t, {"epoch", "loss", "gradient_norm", "ghost_eps", "fixed_points"});
  gp << "set multiplot layout 1," << (tracked ? 2 : 1) << "\n"
     << "set logscale y\nset format y '10^{%L}'\nset xlabel 'epoch'\n"
     << "set xtics " << std::max<long>(1, s.epochs / 4) << "\n"
     << "set key below\nset bmargin 6\n"  // keys off the data, both panels the same height
     << "set title '" << (s.rank == 0 ? std::string("full rank") : "rank " + std::to_string(s.rank)) << " "
     << upper(fg::rnn_task_name(s.task)) << ", η = " << s.lr << "'\n"
     << "plot $curve using 1:2 with lines lw 2 title 'loss', $curve using 1:3 with lines title '|∇L|'";
  if (s.change_epoch >= 0)
    gp << ", '+' using (" << s.change_epoch << "):(1) with impulses lc 'gray' title 'confidence lowered'";
  gp << "\n";
  bool any_ghost = false;
  for (double eps : t.column("ghost_eps")) any_ghost = any_ghost || std::isfinite(eps);
  if (tracked) {
    gp << "set title 'latent flow: ghost scale ε and fixed points'\n"
       << "set ylabel 'ε'\nset y2label 'fixed points'\nset y2tics 1\nset y2range [0:4]\nset ytics nomirror\n"
       << "plot ";
    if (any_ghost) gp << "$curve using 1:4 with points pt 7 ps 0.5 title 'ghost ε (smallest > 0)', ";
    gp << "$curve using 1:5 axes x1y2 with steps lw 2 title 'fixed points'\n";
  }
  gp << "unset multiplot\n";
  write_png(gp.str(), png, tracked ? 1400 : 800, 520);
}

void add_rnn_train(CLI::App& ghost, std::function<void()>& action) {
  auto o = std::make_shared<RnnOptions>();
  auto track = std::make_shared<std::string>("0");
  auto* cmd = ghost.add_subcommand("rnn-train",
      "train one rate RNN (Eq. 24) on DA/DCD/DMTS by BPTT; learning curve, ghost tracking (Figs. 3, 8B)");
  set_example(*cmd, "learndyn ghost rnn-train --N 100 --rank 1 --epochs 2000 --track-every 50 --figure train.png -o train.csv");
  add_network_options(*cmd, *o);
  add_training_options(*cmd, *o, "epochs >= 0 (default 2000)");
  cmd->add_option("--record-every", o->record_every, "rows: every k-th epoch and the last (default 1)")->type_name("INT");
  cmd->add_option("--track-every", *track, "rank 1: fixed points and ghost eps every k epochs (default 0 = off)")->type_name("INT");
  cmd->add_option("--change-epoch", o->change_epoch, "Fig. 8B: epoch at which the readout confidence changes (default: none)")->type_name("INT");
  cmd->add_option("--changed-beta", o->changed_beta, "Fig. 8B: the latent readout's new beta (default: --beta, no change)")->type_name("DECIMAL");
  cmd->add_option("--changed-confidence", o->changed_confidence, "Fig. 8B: the confidence readout's new c (default: --confidence, no change)")->type_name("DECIMAL");
  cmd->add_option("--changed-readout", o->changed_readout, "Fig. 8C: sigmoid | tanh | confidence, the readout from --change-epoch on (default: none, no change)");
  add_output_options(*cmd, o->out);
  cmd->callback([o, track, &action] {
    action = [o, track] {
      check_output(o->out, {});
      const std::optional<eg::RnnWeights> weights = weights_of(*o);
      const fg::RunSpec s = spec_with_weights(*o, 2000, weights);
      eg::TrainSettings settings{learned_of(*o), parse_integer(*track, "track-every", 0, 100000000)};
      if (weights) settings.start = weights->net;
      const eg::TrainResult r = eg::run_rnn_train(s, settings);
      save_weights(*o, s, r.initial_net, r.final_net);
      const experiments::Table& t = r.curve;
      Json report{{"command", "ghost rnn-train"}, {"inputs", inputs_of(s, *o)}};
      Json summary{{"final_loss", json_number(r.final_loss)},
                   {"final_accuracy", json_number(r.final_accuracy)},
                   {"min_loss", json_number(r.min_loss)},
                   {"first_learned_epoch", r.first_learned_epoch},
                   {"learned_threshold", settings.learned}};
      if (s.config.learn_beta) summary["final_beta"] = json_number(r.final_beta);
      if (s.rank == 1) {
        summary["final_fixed_points"] = r.final_state.fixed_points;
        summary["final_ghost_eps"] = json_number(r.final_state.ghost_eps);
        summary["final_ghost_kappa"] = json_number(r.final_state.ghost_kappa);
      }
      report["summary"] = summary;
      const bool tracked = settings.track_every > 0;
      deliver(*o, report, t, [&](const std::string& png) { train_figure(t, s, tracked, png); });
    };
  });
}

// ---- ghost rnn-slow-points ------------------------------------------------------------------

std::vector<long> parse_epoch_list(const std::string& text) {
  std::vector<long> out = parse_integer_list(text, "at", 0, 100000000);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

// The figure: per analysed epoch the latent picture (rank 1: the flow; rank 2: the trials'
// trajectories) with the fixed points, ghosts and slow points found on it.
void slow_points_figure(const eg::SlowPointResult& r, const fg::RunSpec& s, const std::vector<long>& epochs,
                        const std::string& png) {
  require(s.rank >= 1 && s.rank <= 2, "figure", png, "rank 1 or 2 (a latent picture)");
  const experiments::Table& t = r.points;
  std::ostringstream gp;
  for (std::size_t e = 0; e < r.pictures.size(); ++e) {
    const experiments::Table& pic = r.pictures[e];
    const std::string name = "curve" + std::to_string(e);
    gp << (s.rank == 1 ? datablock(name, pic, {"kappa", "flow"}) : datablock(name, pic, {"kappa_1", "kappa_2"}, {}, "trial"));
  }
  const char* styles[] = {"pt 7 ps 1.4 lc rgb '#000000'", "pt 9 ps 1.6 lc rgb '#D55E00'", "pt 5 ps 1.2 lc rgb '#0072B2'"};
  const std::vector<std::string>& labels = *t.labels(t.index("kind"));
  const auto kind_of = [&](const char* name) {
    return static_cast<double>(std::find(labels.begin(), labels.end(), name) - labels.begin());
  };
  const double kinds[] = {kind_of("fixed_point"), kind_of("ghost"), kind_of("slow_point")};
  for (std::size_t e = 0; e < epochs.size(); ++e)
    for (int k = 0; k < 3; ++k) {
      // Rank 1: (kappa, f); rank 2: kappa. A closing NaN row keeps an empty block plottable.
      std::string name = "p";
      name += std::to_string(e);
      name += "_";
      name += std::to_string(k);
      std::string block = datablock(name, t, {"kappa_1", t.columns[5]},
                                    [&](std::size_t row) {
                                      return t.at(row, "epoch") == double(epochs[e]) &&
                                             t.at(row, "kind") == kinds[k];
                                    });
      block.resize(block.size() - std::string("EOD\n").size());
      gp << block << "0 NaN\nEOD\n";
    }
  gp << "set multiplot layout 1," << epochs.size() << "\n"
     << "set xlabel 'κ_1'\nset ylabel '" << (s.rank == 1 ? "dκ/dt" : "κ_2") << "'\n"
     // The key below each panel in a fixed margin: inside, it covered trials and points (a
     // ghost beside the key's own ghost marker); the fixed margin keeps the panels' heights equal.
     << "set bmargin 7\nset key at graph 0.5, graph -0.2 center top horizontal maxrows 2 samplen 2\n";
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
  write_png(gp.str(), png, std::max<int>(500, 420 * static_cast<int>(epochs.size())), 520);
}

void add_rnn_slow_points(CLI::App& ghost, std::function<void()>& action) {
  auto o = std::make_shared<RnnOptions>();
  auto at = std::make_shared<std::string>("0,1000,2000");
  auto points = std::make_shared<std::string>("401");
  auto stride = std::make_shared<std::string>("4");
  auto max_speed = std::make_shared<std::string>();
  auto* cmd = ghost.add_subcommand("rnn-slow-points",
      "train, and at given epochs find fixed points, ghosts and slow points (R26-R29): latent grid for "
      "rank <= 2, Newton on q from visited states otherwise");
  set_example(*cmd, "learndyn ghost rnn-slow-points --rank 2 --at 0,1000,2000 --figure slow_points.png -o points.csv");
  add_network_options(*cmd, *o);
  add_training_options(*cmd, *o, "epochs >= 0 (default: the last --at epoch)");
  cmd->add_option("--at", *at, "comma-separated epochs to analyse (default 0,1000,2000)");
  cmd->add_option("--points", *points, "rank <= 2: grid points per latent axis, 3..4001 (default 401)")->type_name("INT");
  cmd->add_option("--stride", *stride, "full space: every k-th visited state starts Newton (default 4)")->type_name("INT");
  cmd->add_option("--max-speed", *max_speed, "report only points with speed q <= this (default: all)")->type_name("DECIMAL");
  add_output_options(*cmd, o->out);
  cmd->callback([o, at, points, stride, max_speed, &action] {
    action = [o, at, points, stride, max_speed] {
      check_output(o->out, {});
      const std::vector<long> epochs = parse_epoch_list(*at);
      const std::optional<eg::RnnWeights> weights = weights_of(*o);
      const fg::RunSpec s = spec_with_weights(*o, epochs.back(), weights);
      const int grid = static_cast<int>(parse_integer(*points, "points", 3, 4001));
      const int step = static_cast<int>(parse_integer(*stride, "stride", 1, 100000));
      const double q_max = max_speed->empty() ? std::numeric_limits<double>::infinity()
                                              : parse_double(*max_speed, "max-speed");
      require(q_max >= 0, "max-speed", q_max, ">= 0");
      eg::SlowPointSettings settings{epochs, grid, step, q_max};
      if (weights) settings.start = weights->net;
      const eg::SlowPointResult r = eg::run_rnn_slow_points(s, settings);
      save_weights(*o, s, r.initial_net, r.final_net);
      Json counts = Json::array();
      for (const eg::EpochCounts& c : r.counts)
        counts.push_back(Json{{"epoch", c.epoch}, {"fixed_points", c.fixed_points}, {"ghosts", c.ghosts},
                              {"slow_points", c.slow_points}});
      Json report{{"command", "ghost rnn-slow-points"}, {"inputs", inputs_of(s, *o)}};
      report["summary"] = Json{{"search", r.latent_search ? "latent grid" : "full-space Newton"}, {"by_epoch", counts}};
      deliver(*o, report, r.points, [&](const std::string& png) { slow_points_figure(r, s, epochs, png); });
    };
  });
}

// ---- ghost fig4 ---------------------------------------------------------------------------------

// Fig. 4: run_fig4 (the public scripts' rank-two DCD or DMTS run), rendered as rnn-slow-points
// renders; --table curve / outputs: its learning curve (R59) and outputs (R60).
void add_fig4(CLI::App& ghost, std::function<void()>& action) {
  auto o = std::make_shared<RnnOptions>();
  auto protocol = std::make_shared<std::string>("quick");
  auto task = std::make_shared<std::string>("dcd");
  auto at = std::make_shared<std::string>();
  auto* cmd = ghost.add_subcommand(
      "fig4", "Fig. 4: latent fixed points, ghosts and trial trajectories of a rank-two DCD (4A-D) or DMTS (4E-H) network "
              "while it learns, with the public scripts' settings (R54, R61)");
  set_example(*cmd, "learndyn ghost fig4 --figure fig4.png -o fig4.csv");
  cmd->add_option("--task", *task, "dcd (default; Fig. 4A-D) | dmts (Fig. 4E-H)");
  cmd->add_option("--protocol", *protocol,
                  "quick (default: 8 trials per class; DCD epochs 0, 2000, 4000, 8000, about a minute of CPU; DMTS the "
                  "script's epochs) | paper (the script's 500 trials per class; DCD 100,000 epochs, flow maps at 0, 4000, "
                  "8000, 20000, 99000: hours; DMTS Adam 1e-4, 20,000 epochs, flow maps at 0, 400, 1600, 3000, 19990)");
  cmd->add_option("--at", *at, "comma-separated epochs to analyse, trained to the last + 1 (default: the protocol's)");
  add_seed(*cmd, o->seed);
  add_output_options(*cmd, o->out, "table (default: the points found) | curve (loss, gradient norm, accuracy every 10 "
                                   "epochs) | outputs (the mean output of each class at the analysed epochs)");
  cmd->callback([o, protocol, task, at, &action] {
    action = [o, protocol, task, at] {
      check_output(o->out, {"table", "curve", "outputs"});
      require(*protocol == "quick" || *protocol == "paper", "protocol", *protocol, "quick or paper");
      require(*task == "dcd" || *task == "dmts", "task", *task, "dcd or dmts");
      const bool paper = *protocol == "paper";
      eg::LatentGeometryOptions g = *task == "dmts" ? (paper ? eg::LatentGeometryOptions::dmts_paper() : eg::LatentGeometryOptions::dmts_quick())
                                                   : (paper ? eg::LatentGeometryOptions::paper() : eg::LatentGeometryOptions::quick());
      if (!at->empty()) {
        g.at = parse_epoch_list(*at);
        g.epochs = g.at.back() + 1;
      }
      g.seed = parse_seed(o->seed);
      const fg::RunSpec s = eg::fig4_run(g);
      const eg::SlowPointResult r = eg::run_fig4(g);
      Json counts = Json::array();
      for (const eg::EpochCounts& c : r.counts)
        counts.push_back(Json{{"epoch", c.epoch}, {"fixed_points", c.fixed_points}, {"ghosts", c.ghosts},
                              {"slow_points", c.slow_points}});
      Json report{{"command", "ghost fig4"}, {"inputs", inputs_of(s, *o)}};
      report["inputs"]["protocol"] = *protocol;
      report["summary"] = Json{{"search", "latent grid"}, {"by_epoch", counts}};
      cli::deliver(o->out, report, NamedTables{{"table", &r.points}, {"curve", &r.curve}, {"outputs", &r.outputs}},
              [&](const std::string& png) { slow_points_figure(r, s, g.at, png); });
    };
  });
}

// ---- ghost rnn-sweep ------------------------------------------------------------------------

// The sweep's figures: the rows of `t` of each rank as one data set (`columns`: x, y), plotted
// with `style` on log-log axes below `labels`.
void per_rank_figure(const experiments::Table& t, const std::vector<std::string>& columns, const std::vector<int>& ranks,
                     const std::string& style, const std::string& labels, const std::string& png) {
  std::ostringstream gp, plot;
  plot << "plot ";
  for (std::size_t k = 0; k < ranks.size(); ++k) {
    const std::string name = "r" + std::to_string(k);
    gp << datablock(name, t, columns, [&](std::size_t row) { return t.at(row, "rank") == ranks[k]; });
    plot << (k ? ", " : "") << "$r" << k << " " << style << " title 'rank "
         << (ranks[k] == 0 ? std::string("full") : std::to_string(ranks[k])) << "'";
  }
  gp << "set logscale xy\nset format x '10^{%L}'\nset format y '10^{%L}'\nset key below\n" << labels << plot.str()
     << "\n";
  write_png(gp.str(), png, 800, 600);
}

void add_rnn_sweep(CLI::App& ghost, std::function<void()>& action) {
  auto o = std::make_shared<RnnOptions>();
  auto rates = std::make_shared<std::string>("1e-4,1e-1,30");
  auto seeds = std::make_shared<std::string>();
  auto ranks = std::make_shared<std::string>();
  auto threads = std::make_shared<std::string>();
  auto curve_every = std::make_shared<std::string>("0");
  auto* cmd = ghost.add_subcommand("rnn-sweep",
      "final loss against the learning rate over seeds and ranks (Fig. 6A; 6B with several ranks)");
  set_example(*cmd, "learndyn ghost rnn-sweep --ranks 1,2 --seeds 5 --rates 1e-4,1e-1,10 --figure sweep.png -o sweep.csv");
  add_network_options(*cmd, *o);
  add_training_options(*cmd, *o, "epochs >= 0 (default 5000)");
  cmd->add_option("--rates", *rates, "lo,hi,count: count rates log-spaced in [lo, hi] (default 1e-4,1e-1,30)");
  cmd->add_option("--seeds", *seeds, "seeds 0..S-1 per rate (default 10; with --weights 1)")->type_name("INT");
  cmd->add_option("--ranks", *ranks, "comma-separated ranks, 0 = full (default 1; with --weights the file's, alone); each rank reads out by the task default (DA: latent at rank 1, Eq. 48 otherwise)");
  add_threads(*cmd, *threads);
  cmd->add_option("--curve-every", *curve_every,
                  "> 0 (default 0: off): the data are the learning curves (rank, lr, seed, epoch, loss every k epochs; Fig. 6B) "
                  "and the figure shows the mean curve per rank at the first rate")->type_name("INT");
  add_output_options(*cmd, o->out);
  auto shard = std::make_shared<ShardOption>();
  add_shard_option(*cmd, *shard);
  cmd->callback([cmd, o, rates, seeds, ranks, threads, curve_every, shard, &action] {
    action = sharded(*cmd, shard, [o, rates, seeds, ranks, threads, curve_every, shard] {
      check_output(o->out, {});
      eg::SweepSettings settings;
      const std::vector<std::string> parts = split_list(*rates, "rates");
      require(parts.size() == 3, "rates", "'" + *rates + "'", "lo,hi,count");
      settings.lo = parse_double(parts[0], "rates");
      settings.hi = parse_double(parts[1], "rates");
      settings.count = parse_integer(parts[2], "rates", 1, 1000);
      settings.rates_text = *rates;
      // --weights: every run starts from the file, so the file fixes the one rank; the seeds
      // only draw the batches (DA without noise: the same run again), hence one by default.
      const std::optional<eg::RnnWeights> weights = weights_of(*o);
      if (weights) settings.start = weights->net;
      settings.seeds = seeds->empty() ? (weights ? 1 : 10) : parse_integer(*seeds, "seeds", 1, 10000);
      settings.threads = parse_threads(*threads);
      settings.learned = learned_of(*o);
      settings.curve_every = parse_integer(*curve_every, "curve-every", 0, 100000000);
      std::vector<int> rank_list;
      const std::string rank_text = !ranks->empty() ? *ranks : weights ? o->rank : "1";
      for (long rank : parse_integer_list(rank_text, "ranks", 0, 4096)) rank_list.push_back(static_cast<int>(rank));
      // Each rank reads out by its task default (default_run): DA latent at rank 1, sigmoid
      // (Eq. 48) otherwise; DCD tanh (its targets are +-1); DMTS sigmoid.
      for (int rank : rank_list) {
        RnnOptions ro = *o;
        ro.rank = std::to_string(rank);
        settings.ranks.push_back(spec_with_weights(ro, 5000, weights));
      }
      if (!o->save_weights.empty())
        require(settings.count * settings.seeds * static_cast<long>(rank_list.size()) == 1, "save-weights", o->save_weights,
                "a sweep of one run (one rank, rate and seed): the file holds one run's initial/ and final/ parameters");
      settings.sweep = shard->context;
      const eg::SweepResult r = eg::run_rnn_sweep(settings);
      if (r.single_run_nets) save_weights(*o, r.specs.front(), r.single_run_nets->first, r.single_run_nets->second);
      const fg::RunSpec& first = r.specs.front();
      Json critical = Json::object();
      for (const auto& [rank, rate] : r.critical_rate) critical[std::to_string(rank)] = json_number(rate);
      Json report{{"command", "ghost rnn-sweep"}, {"inputs", inputs_of(first, *o)}};
      report["inputs"].erase("rank");
      report["inputs"].erase("lr");
      report["inputs"].erase("seed");
      report["inputs"]["ranks"] = rank_list;
      report["inputs"]["rates"] = *rates;
      report["inputs"]["seeds"] = settings.seeds;
      report["summary"] = Json{{"runs", r.specs.size()},
                               {"learned_threshold", settings.learned},
                               {"largest_rate_learned_by_most_seeds", critical},
                               {"by_rate", records_of(r.by_rate)}};
      if (settings.curve_every > 0) {
        deliver(*o, report, r.curves, [&](const std::string& png) {
          // Fig. 6B: the mean loss over seeds against the epoch, one curve per rank, first rate.
          std::ostringstream labels;
          labels << "set xlabel 'epoch + 1'\nset ylabel 'loss (mean over seeds)'\n"
                 << "set title 'learning curves, η = " << first.lr << "'\n";
          per_rank_figure(r.mean_curves, {"epoch", "mean_loss"}, rank_list, "using ($1 + 1):2 with lines lw 2",
                          labels.str(), png);
        });
        return;
      }
      deliver(*o, report, r.runs, [&](const std::string& png) {
        std::ostringstream labels;
        labels << "set xlabel 'learning rate η'\nset ylabel 'final loss'\n"
               << "set title 'final loss vs learning rate (" << settings.seeds << " seeds each)'\n";
        per_rank_figure(r.runs, {"lr", "final_loss"}, rank_list, "using 1:2 with points pt 7 ps 0.6", labels.str(), png);
      });
    });
  });
}

// ---- ghost rnn-audit ------------------------------------------------------------------------

void add_rnn_audit(CLI::App& ghost, std::function<void()>& action) {
  auto o = std::make_shared<RnnOptions>();
  auto permutation_seed = std::make_shared<std::string>("1");
  auto* cmd = ghost.add_subcommand("rnn-audit",
      "train one run (DA, DCD or DMTS) in float32, float64 and at 50 digits (plus float64 with permuted units): per-epoch "
      "distance from the 50-digit run, predictability horizon, outcome agreement (R42-R44)");
  set_example(*cmd, "learndyn ghost rnn-audit --N 20 --lr 0.02 --epochs 2000 --record-every 10 --json");
  add_network_options(*cmd, *o);
  add_training_options(*cmd, *o, "epochs >= 0 (default 200)");
  cmd->add_option("--record-every", o->record_every, "rows: every k-th epoch and the last (default 1)")->type_name("INT");
  cmd->add_option("--permutation-seed", *permutation_seed, "seed of the control's permutation of the units (default 1)")
      ->type_name("INT");
  add_output_options(*cmd, o->out);
  cmd->callback([o, permutation_seed, &action] {
    action = [o, permutation_seed] {
      check_output(o->out, {});
      require(o->save_weights.empty(), "save-weights", o->save_weights, "none in an audit (four runs, four final networks)");
      const std::optional<eg::RnnWeights> weights = weights_of(*o);
      const fg::RunSpec s = spec_with_weights(*o, 200, weights);
      eg::AuditSettings settings;
      settings.learned = learned_of(*o);
      settings.permutation_seed = parse_seed(*permutation_seed, "permutation-seed");
      settings.record_every = s.record_every;
      if (weights) settings.start = weights->net;
      const eg::AuditResult r = eg::run_rnn_audit(s, settings);
      Json report{{"command", "ghost rnn-audit"}, {"inputs", inputs_of(s, *o)}};
      report["inputs"]["permutation_seed"] = settings.permutation_seed;
      Json runs = Json::object();
      for (const eg::AuditRun& run : r.runs)
        runs[run.name] = audit_run_json(
            run, {{"fixed_points", run.fixed_points < 0 ? Json(nullptr) : Json(run.fixed_points)}}, Json::object());
      report["summary"] = Json{{"reference", "50 digits"},
                               {"float32", "reference at float (R42)"},
                               {"float64", "the fast trainer (the run of ghost rnn-train)"},
                               {"learned_threshold", settings.learned},
                               {"runs", runs}};
      deliver(*o, report, r.table, [&](const std::string& png) {
        std::ostringstream subject;
        subject << (s.rank == 0 ? std::string("full rank") : "rank " + std::to_string(s.rank)) << " "
                << upper(fg::rnn_task_name(s.task)) << ", η = " << s.lr;
        write_audit_figure(r.table, subject.str(), png);
      });
    };
  });
}

}  // namespace

void add_ghost_rnn_commands(CLI::App& app, std::function<void()>& action) {
  CLI::App* ghost = app.get_subcommand("ghost");
  add_rnn_train(*ghost, action);
  add_rnn_slow_points(*ghost, action);
  add_rnn_sweep(*ghost, action);
  add_rnn_audit(*ghost, action);
  add_fig4(*ghost, action);
}

}  // namespace learndyn::cli
