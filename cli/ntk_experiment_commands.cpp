#include "cli/ntk_experiment_commands.hpp"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "cli/figure.hpp"
#include "cli/options.hpp"
#include "cli/output.hpp"
#include "cli/shard.hpp"
#include <learndyn/common/argument_error.hpp>
#include <learndyn/experiments/ntk/gain_sweep.hpp>
#include <learndyn/experiments/ntk/fixed_points.hpp>
#include <learndyn/experiments/ntk/memory_pro.hpp>

namespace learndyn::cli {
namespace {
namespace ex = learndyn::experiments::ntk;
namespace fn = learndyn::fast::ntk;

// ---- ntk memory-pro ---------------------------------------------------------------------

// The rank estimator's options, shared by memory-pro and gain-sweep (experiments::ntk::RankOptions).
struct EstimatorOptions {
  std::string sketch = "12", residual = "12", seed = "1";
};

void add_estimator_options(CLI::App& cmd, EstimatorOptions& o) {
  add_integer(cmd, "sketch", o.sketch, "Hutch++ range probes of the overall PR, 1..4096 (default 12)");
  add_integer(cmd, "residual", o.residual, "Hutch++ residual probes, 0..4096 (default 12)");
  add_integer(cmd, "estimator-seed", o.seed, "seed of the probes (default 1)");
}

void parse_estimator(const EstimatorOptions& o, ex::RankOptions& ranks) {
  ranks.sketch = static_cast<int>(parse_integer(o.sketch, "sketch", 1, 4096));
  ranks.residual = static_cast<int>(parse_integer(o.residual, "residual", 0, 4096));
  ranks.seed = parse_seed(o.seed, "estimator-seed");
}

struct MemoryProOptions {
  Output out;
  std::string model = "gru", hidden = "32", period = "15", noise = "0.1414213562373095", batch = "32",
              iterations = "300", record_every = "50", eval_batch = "8", lr = "0.05", clip = "1", alpha = "0.7",
              gain_collapse, gain_learn, probes = "16", seed = "0", threads, fixed_points = "0", rule = "simultaneous";
  EstimatorOptions estimator;
};

ex::MemoryProConfig memory_pro_config(const MemoryProOptions& o) {
  ex::MemoryProConfig c;
  if (o.model == "gru") c.kind = fn::ModelKind::gru;
  else if (o.model == "rnn") c.kind = fn::ModelKind::rnn_rate;
  else throw ArgumentError("model", "'" + o.model + "'", "gru or rnn");
  c.hidden = static_cast<int>(parse_integer(o.hidden, "hidden", 1, 1024));
  const int period = static_cast<int>(parse_integer(o.period, "period", 1, 600));
  c.task = {period, period, period, parse_double(o.noise, "noise")};
  c.batch = static_cast<int>(parse_integer(o.batch, "batch", 1, 10000));
  c.iterations = static_cast<int>(parse_integer(o.iterations, "iterations", 0, 1000000));
  c.record_every = static_cast<int>(parse_integer(o.record_every, "record-every", 1, 1000000));
  c.eval_batch = static_cast<int>(parse_integer(o.eval_batch, "eval-batch", 2, 512));
  c.learning_rate = parse_double(o.lr, "lr");
  c.clip = parse_double(o.clip, "clip");
  c.alpha = parse_double(o.alpha, "alpha");
  // (X6) default recurrent scales: the GRU's h = 0 loses stability near g = 2 (J = z + g_nh W_hn
  // = 0.5 + 0.25 W_hn at h = 0), the leaky RNN's (J = 1 - a + a W) near g = 1.
  c.gain_learn = o.gain_learn.empty() ? (c.kind == fn::ModelKind::gru ? 4.0 : 1.3) : parse_double(o.gain_learn, "gain-learn");
  c.gain_collapse = o.gain_collapse.empty() ? (c.kind == fn::ModelKind::gru ? 1.0 : 0.5)
                                           : parse_double(o.gain_collapse, "gain-collapse");
  c.fixed_points = static_cast<int>(parse_integer(o.fixed_points, "fixed-points", 0, 1024));
  c.fixed_point_rule = ex::parse_fixed_point_rule(o.rule) == ex::FixedPointRule::simultaneous ? 0 : 1;
  parse_estimator(o.estimator, c.ranks);
  c.ranks.cosine_probes = static_cast<int>(parse_integer(o.probes, "probes", 2, 4096));
  c.seed = parse_seed(o.seed, "seed");
  c.threads = parse_threads(o.threads);
  ex::validate(c);
  return c;
}

void memory_pro_figure(const ex::MemoryProConfig& c, const ex::MemoryProResult& r, const std::string& png) {
  const auto net = [&](const learndyn::experiments::Table& t, int k) {
    return [&t, k](std::size_t row) { return t.at(row, "network") == k; };
  };
  const std::vector<std::string> cols = {"iteration", "loss", "response_loss", "core_cosine", "temporal", "spatial",
                                         "overall", "end_dispersion"};
  std::ostringstream gp;
  gp << datablock("n1", r.history, cols, net(r.history, 1)) << datablock("n2", r.history, cols, net(r.history, 2));
  const auto trace = [&](int network, int stage) {
    return [&r, network, stage](std::size_t row) {
      return r.outputs.at(row, "network") == network && r.outputs.at(row, "stage") == stage && r.outputs.at(row, "trial") < 4;
    };
  };
  const std::vector<std::string> tcols = {"trial", "t", "y_cos", "target_cos"};
  gp << datablock("o1", r.outputs, tcols, trace(1, 1), "trial") << datablock("o2", r.outputs, tcols, trace(2, 1), "trial");
  const char* model = c.kind == fn::ModelKind::gru ? "GRU" : "RNN";
  gp << "set multiplot layout 2,3 title '" << model << " n = " << c.hidden << ", Memory-Pro T = " << c.task.steps()
     << ": network 1 (recurrent gain " << c.gain_collapse << ") vs network 2 (gain " << c.gain_learn
     << (c.fixed_points > 0 ? ", + " + std::to_string(c.fixed_points) + " added fixed points" : std::string()) << ")'\n"
     << "set xlabel 'SGD iteration'\nset key top right\n"
     << "set ylabel 'loss (eval)'\nset logscale y\n"
     << "plot $n1 using 1:2 w lp lw 2 t 'net 1 all', $n2 using 1:2 w lp lw 2 t 'net 2 all', "
     << "$n1 using 1:3 w lp dt 2 lw 2 t 'net 1 response', $n2 using 1:3 w lp dt 2 lw 2 t 'net 2 response'\n"
     << "unset logscale y\nset ylabel 'cos(NTK_S, VV^T ⊗ I_n)'\n"
     << "plot $n1 using 1:4 w lp lw 2 t 'net 1', $n2 using 1:4 w lp lw 2 t 'net 2'\n"
     << "set ylabel 'participation ratio'\n"
     << "plot $n1 using 1:5 w lp lw 2 lc 1 t 'temporal 1', $n2 using 1:5 w lp lw 2 lc 2 t 'temporal 2', "
     << "$n1 using 1:6 w lp dt 2 lw 2 lc 1 t 'spatial 1', $n2 using 1:6 w lp dt 2 lw 2 lc 2 t 'spatial 2'\n"
     << "set ylabel 'overall PR (Hutch++)'\n"
     << "plot $n1 using 1:7 w lp lw 2 t 'net 1', $n2 using 1:7 w lp lw 2 t 'net 2'\n"
     << "set xlabel 't'\nset ylabel 'cos output after training (4 trials)'\nset key off\n"
     << "set title 'network 1'\nplot $o1 using 2:3 w l lw 2 lc 1, $o1 using 2:4 w l dt 2 lc 'black'\n"
     << "set title 'network 2'\nplot $o2 using 2:3 w l lw 2 lc 2, $o2 using 2:4 w l dt 2 lc 'black'\n"
     << "unset multiplot\n";
  write_png(gp.str(), png, 1500, 900);
}

// A run whose weights or inputs overflow is refused by the model's own checks, under internal
// names ("invalid theta = non-finite", "invalid x = ..."); the user's levers are lr and noise.
template <class Run>
auto run_naming_options(const ex::MemoryProConfig& c, Run&& run) {
  try {
    return run();
  } catch (const ArgumentError& e) {
    if (e.parameter() == "theta")
      throw ArgumentError("lr", render_value(c.learning_rate), "a rate at which the weights stay finite (they overflowed)");
    if (e.parameter() == "x")
      throw ArgumentError("noise", render_value(c.task.noise), "a noise level at which the inputs stay finite");
    throw;
  }
}

// Every history cell is measured; a NaN means a network saturated (--gain-learn 1e308: its NTK
// was 0 and the ranks 0/0), printed as empty cells and JSON null. Named by the network's gain.
void require_measured(const learndyn::experiments::Table& history, const ex::MemoryProConfig& c) {
  for (std::size_t row = 0; row < history.rows.size(); ++row)
    for (double x : history.rows[row]) {
      if (std::isfinite(x)) continue;
      const bool learn = history.at(row, "network") == 2;
      throw ArgumentError(learn ? "gain-learn" : "gain-collapse", render_value(learn ? c.gain_learn : c.gain_collapse),
                          "a recurrent gain at which the network's ranks are measurable (they came out NaN)");
    }
}

void run_memory_pro_command(const MemoryProOptions& o, learndyn::experiments::SweepContext* sweep) {
  check_output(o.out, {"history", "outputs"});
  ex::MemoryProConfig c = memory_pro_config(o);
  c.sweep = sweep;
  const ex::MemoryProResult r = run_naming_options(c, [&] { return ex::run_memory_pro(c); });
  require_measured(r.history, c);
  Json report = Json::object();
  report["command"] = "ntk memory-pro";
  report["config"] = {{"model", o.model}, {"hidden", c.hidden}, {"period", c.task.stimulus}, {"steps", c.task.steps()},
                      {"noise", c.task.noise}, {"batch", c.batch}, {"iterations", c.iterations},
                      {"eval_batch", c.eval_batch}, {"lr", c.learning_rate}, {"clip", c.clip}, {"alpha", c.alpha},
                      {"gain_collapse", c.gain_collapse}, {"gain_learn", c.gain_learn},
                      {"fixed_points", c.fixed_points}, {"rule", o.rule}, {"sketch", c.ranks.sketch},
                      {"residual", c.ranks.residual}, {"probes", c.ranks.cosine_probes}, {"seed", c.seed}};
  report["participation_ratio_of"] = "the operator itself: (tr A)^2 / tr(A^2) (proofs/ntk.md N25)";
  report["summary"] = json_of(r.summary);
  deliver(o.out, report, {{"history", &r.history}, {"outputs", &r.outputs}},
          [&](const std::string& png) { memory_pro_figure(c, r, png); });
}

// ---- ntk gain-sweep ---------------------------------------------------------------------

struct GainSweepOptions {
  Output out;
  std::string hidden = "32", steps = "40", inputs = "16", batch = "32", eval_batch = "8", train_steps = "50",
              gains = "0.25,0.75,1.25,1.75,2.25,2.75", input_ranks = "1,2,4,8,16", lr = "0.05", clip = "1", seed = "0",
              threads;
  EstimatorOptions estimator;
};

ex::GainSweepConfig gain_sweep_config(const GainSweepOptions& o) {
  ex::GainSweepConfig c;
  c.hidden = static_cast<int>(parse_integer(o.hidden, "hidden", 1, 1024));
  c.steps = static_cast<int>(parse_integer(o.steps, "steps", 1, 2000));
  c.inputs = static_cast<int>(parse_integer(o.inputs, "inputs", 1, 1024));
  c.batch = static_cast<int>(parse_integer(o.batch, "batch", 1, 10000));
  c.eval_batch = static_cast<int>(parse_integer(o.eval_batch, "eval-batch", 1, 512));
  c.train_steps = static_cast<int>(parse_integer(o.train_steps, "train-steps", 0, 1000000));
  c.gains.clear();
  for (const auto& g : split_list(o.gains, "gains")) c.gains.push_back(parse_double(g, "gains"));
  c.input_ranks.clear();
  for (long r : parse_integer_list(o.input_ranks, "input-ranks", 1, 2000)) c.input_ranks.push_back(static_cast<int>(r));
  c.learning_rate = parse_double(o.lr, "lr");
  c.clip = parse_double(o.clip, "clip");
  parse_estimator(o.estimator, c.ranks);
  c.seed = parse_seed(o.seed, "seed");
  c.threads = parse_threads(o.threads);
  ex::validate(c);
  return c;
}

}  // namespace

void gain_sweep_figure(const experiments::ntk::GainSweepConfig& c, const experiments::ntk::GainSweepResult& r, const std::string& png) {
  // Heatmaps on the grid's indices (the gains and ranks need not be evenly spaced).
  learndyn::experiments::Table idx;
  idx.columns = {"gi", "ri", "temporal", "spatial", "loss_ratio", "core_temporal", "activity_spatial", "input_core"};
  for (std::size_t k = 0; k < r.grid.rows.size(); ++k) {
    const std::size_t gi = k % c.gains.size(), ri = k / c.gains.size();
    idx.add_row({double(gi), double(ri), r.grid.at(k, "temporal"), r.grid.at(k, "spatial"),
                 r.grid.at(k, "loss_final") / r.grid.at(k, "loss_initial"), r.grid.at(k, "core_temporal"),
                 r.grid.at(k, "activity_spatial"), r.grid.at(k, "input_core_temporal")});
  }
  std::ostringstream xt, yt;
  xt << "set xtics (";
  for (std::size_t g = 0; g < c.gains.size(); ++g) xt << (g ? ", " : "") << "'" << c.gains[g] << "' " << g;
  xt << ")\n";
  yt << "set ytics (";
  for (std::size_t k = 0; k < c.input_ranks.size(); ++k) yt << (k ? ", " : "") << "'" << c.input_ranks[k] << "' " << k;
  yt << ")\n";
  std::ostringstream gp;
  gp << datablock("d", idx, idx.columns);
  gp << "set multiplot layout 2,3 title 'Student-teacher tanh RNN, H = " << c.hidden << ", T = " << c.steps
     << ", d_{in} = " << c.inputs << ": NTK of the recurrent weights at initialisation'\n"
     << xt.str() << yt.str() << "set xlabel 'recurrent gain g'\nset ylabel 'input rank r_x'\nunset grid\n"
     << "set view map\n"  // the viridis palette of every figure (write_figure); values in white boxes, readable on any colour
     << "set style textbox opaque fillcolor 'white' noborder\n"
     << "set xrange [-0.5:" << c.gains.size() - 0.5 << "]\nset yrange [-0.5:" << c.input_ranks.size() - 0.5 << "]\n"
     << "set title 'NTK temporal PR'\nplot $d using 1:2:3 with image notitle, '' using 1:2:(sprintf('%.1f',$3)) with labels boxed notitle\n"
     << "set title 'NTK spatial PR'\nplot $d using 1:2:4 with image notitle, '' using 1:2:(sprintf('%.1f',$4)) with labels boxed notitle\n"
     << "set title 'loss after / before " << c.train_steps << " GD steps on W'\n"
     << "plot $d using 1:2:5 with image notitle, '' using 1:2:(sprintf('%.2f',$5)) with labels boxed notitle\n"
     << "set title 'core K_W temporal PR'\nplot $d using 1:2:6 with image notitle, '' using 1:2:(sprintf('%.1f',$6)) with labels boxed notitle\n"
     << "set title 'hidden activity spatial PR, PR(H^T H)'\nplot $d using 1:2:7 with image notitle, '' using 1:2:(sprintf('%.1f',$7)) with labels boxed notitle\n"
     << "set title 'input core XX^T ⊗ I temporal PR (≤ r_x)'\nplot $d using 1:2:8 with image notitle, '' using 1:2:(sprintf('%.1f',$8)) with labels boxed notitle\n"
     << "unset multiplot\n";
  write_png(gp.str(), png, 1650, 1050);
}

namespace {

void run_gain_sweep_command(const GainSweepOptions& o, learndyn::experiments::SweepContext* sweep) {
  check_output(o.out, {"grid"});
  ex::GainSweepConfig c = gain_sweep_config(o);
  c.sweep = sweep;
  const ex::GainSweepResult r = ex::run_gain_sweep(c);
  // Every cell is measured; a NaN means training blew the weights up (--lr 1e308 saturated
  // the network and the final ranks came out 0/0), printed as empty cells and JSON null.
  for (const auto& row : r.grid.rows)
    for (double x : row)
      require(std::isfinite(x), "lr", c.learning_rate, "a rate at which every measured rank and loss stays finite");
  Json report = Json::object();
  report["command"] = "ntk gain-sweep";
  report["config"] = {{"hidden", c.hidden}, {"steps", c.steps}, {"inputs", c.inputs}, {"batch", c.batch},
                      {"eval_batch", c.eval_batch}, {"train_steps", c.train_steps}, {"gains", c.gains},
                      {"input_ranks", c.input_ranks}, {"lr", c.learning_rate}, {"seed", c.seed}};
  report["summary"] = json_of(r.summary);
  deliver(o.out, report, {{"grid", &r.grid}}, [&](const std::string& png) { gain_sweep_figure(c, r, png); });
}

// ---- ntk fixed-points ---------------------------------------------------------------------

struct FixedPointOptions {
  Output out;
  std::string hidden = "64", count = "5", trials = "8", steps = "100", gains = "1,1.5,2", alpha = "0.7",
              rule = "simultaneous", seed = "0";
};

ex::FixedPointDynamicsConfig fixed_point_config(const FixedPointOptions& o) {
  ex::FixedPointDynamicsConfig c;
  c.hidden = static_cast<int>(parse_integer(o.hidden, "hidden", 2, 1024));
  c.count = static_cast<int>(parse_integer(o.count, "fixed-points", 1, 1024));
  c.trials = static_cast<int>(parse_integer(o.trials, "trials", 1, 1000));
  c.steps = static_cast<int>(parse_integer(o.steps, "steps", 1, 100000));
  c.gains.clear();
  for (const auto& g : split_list(o.gains, "gains")) c.gains.push_back(parse_double(g, "gains"));
  c.alpha = parse_double(o.alpha, "alpha");
  c.rule = ex::parse_fixed_point_rule(o.rule);
  c.seed = parse_seed(o.seed, "seed");
  ex::validate(c);
  return c;
}

// One panel per gain: the trajectories on the two leading PCs, the added points (+- d_j) marked.
void fixed_point_figure(const ex::FixedPointDynamicsConfig& c, const ex::FixedPointDynamicsResult& r,
                        const std::string& png) {
  std::ostringstream gp;
  const std::size_t k = c.gains.size();
  const std::size_t cols = std::min<std::size_t>(k, 3), rows = (k + cols - 1) / cols;
  gp << "set multiplot layout " << rows << "," << cols << " title 'leaky tanh RNN, n = " << c.hidden << ", α = " << c.alpha
     << ", " << c.count << " added fixed points (± d_j): " << c.trials << " random initial conditions, zero input'\n"
     << "set xlabel 'PC 1'\nset ylabel 'PC 2'\nset key off\nset cblabel 'time step t'\n";
  for (std::size_t g = 0; g < k; ++g) {
    const auto of = [&](const learndyn::experiments::Table& t) {
      return [&t, g](std::size_t row) { return t.at(row, "key") >= 10000.0 * g && t.at(row, "key") < 10000.0 * (g + 1); };
    };
    const auto point_of = [&](std::size_t row) { return r.points.at(row, "key") == double(g); };
    gp << datablock("t" + std::to_string(g), r.trajectories, {"pc1", "pc2", "t"}, of(r.trajectories), "trial")
       << datablock("p" + std::to_string(g), r.points, {"pc1", "pc2"}, point_of)
       << "set title 'g = " << c.gains[g] << "'\n"
       << "plot $t" << g << " using 1:2:3 with lines lw 1.5 palette, $p" << g
       << " using 1:2 with points pt 7 ps 1.6 lc rgb 'black'\n";
  }
  gp << "unset multiplot\n";
  write_png(gp.str(), png, static_cast<int>(450 * cols), static_cast<int>(430 * rows));
}

void run_fixed_points_command(const FixedPointOptions& o) {
  check_output(o.out, {"per-gain", "trajectories", "points"});
  const ex::FixedPointDynamicsConfig c = fixed_point_config(o);
  const ex::FixedPointDynamicsResult r = ex::run_fixed_point_dynamics(c);
  Json report = Json::object();
  report["command"] = "ntk fixed-points";
  report["config"] = {{"hidden", c.hidden}, {"fixed_points", c.count}, {"trials", c.trials}, {"steps", c.steps},
                      {"gains", c.gains}, {"alpha", c.alpha}, {"rule", o.rule}, {"seed", c.seed}};
  learndyn::experiments::Summary summary;
  for (std::size_t g = 0; g < r.per_gain.rows.size(); ++g)
    summary.add("max_residual_g" + std::to_string(g), r.per_gain.at(g, "max_residual"));
  report["summary"] = json_of(summary);
  deliver(o.out, report, {{"per-gain", &r.per_gain}, {"trajectories", &r.trajectories}, {"points", &r.points}},
          [&](const std::string& png) { fixed_point_figure(c, r, png); });
}

}  // namespace

void add_ntk_experiment_commands(CLI::App& app, std::function<void()>& action) {
  CLI::App* group = app.get_subcommand("ntk");

  auto mo = std::make_shared<MemoryProOptions>();
  auto* mp = group->add_subcommand("memory-pro", "Memory-Pro (Figs. 3-4): two initialisations of an RNN or GRU trained "
                                                 "by SGD, NTK ranks and core cosine over training");
  set_example(*mp, "learndyn ntk memory-pro --model gru -o memory_pro.csv --figure memory_pro.png");
  mp->add_option("--model", mo->model, "gru | rnn (leaky tanh RNN, rnn_rate) (default gru)");
  add_hidden(*mp, mo->hidden, "1..1024 (default 32; paper 256)");
  mp->add_option("--period", mo->period, "steps of each of stimulus, memory, response, 1..600 (default 15; paper 30)")->type_name("INT");
  add_decimal(*mp, "noise", mo->noise, "input noise sd >= 0 (default 0.1 sqrt 2)");
  mp->add_option("--batch", mo->batch, "SGD batch, 1..10000 (default 32; paper 500)")->type_name("INT");
  mp->add_option("--iterations", mo->iterations, "SGD iterations (default 300; paper up to 10000)")->type_name("INT");
  mp->add_option("--record-every", mo->record_every, "record every k-th iteration, k >= 1 (default 50)")->type_name("INT");
  mp->add_option("--eval-batch", mo->eval_batch, "noise-free trials at evenly spaced angles for the metrics, 2..512 (default 8)")->type_name("INT");
  add_decimal(*mp, "lr", mo->lr, "SGD learning rate > 0 (default 0.05)");
  add_decimal(*mp, "clip", mo->clip, "global gradient-norm clip >= 0, 0 = none (default 1)");
  add_decimal(*mp, "alpha", mo->alpha, "leak dt of the RNN, 0 < alpha <= 1 (default 0.7)");
  add_decimal(*mp, "gain-collapse", mo->gain_collapse, "recurrent gain of network 1 (default 1 GRU, 0.5 RNN)");
  add_decimal(*mp, "gain-learn", mo->gain_learn, "recurrent gain of network 2 (default 4 GRU, 1.3 RNN)");
  mp->add_option("--fixed-points", mo->fixed_points,
                 "non-trivial fixed points added to network 2, 0..hidden, --model rnn only (default 0; paper 5)")
      ->type_name("INT");
  mp->add_option("--rule", mo->rule, "how they are added: simultaneous (every point fixed) | sequential (the "
                                     "authors' rank-one steps) (default simultaneous)");
  add_estimator_options(*mp, mo->estimator);
  mp->add_option("--probes", mo->probes, "probes of the core cosine, 2..4096 (default 16)")->type_name("INT");
  add_seed(*mp, mo->seed);
  add_threads(*mp, mo->threads);
  add_output_options(*mp, mo->out, "history (default) | outputs");
  auto mshard = std::make_shared<ShardOption>();
  add_shard_option(*mp, *mshard);
  mp->callback([mp, mo, mshard, &action] {
    action = sharded(*mp, mshard, [mo, mshard] { run_memory_pro_command(*mo, mshard->context); });
  });

  auto go = std::make_shared<GainSweepOptions>();
  auto* gs = group->add_subcommand("gain-sweep", "student-teacher gain x input-rank sweep (Fig. 5): temporal and spatial "
                                                 "ranks of the recurrent-weight NTK");
  set_example(*gs, "learndyn ntk gain-sweep -o gain_sweep.csv --figure gain_sweep.png");
  add_hidden(*gs, go->hidden, "1..1024 (default 32; paper 64)");
  gs->add_option("--steps", go->steps, "time steps T, 1..2000 (default 40)")->type_name("INT");
  gs->add_option("--inputs", go->inputs, "input dimension d_in, 1..1024 (default 16)")->type_name("INT");
  gs->add_option("--batch", go->batch, "GD batch (default 32; paper 128)")->type_name("INT");
  gs->add_option("--eval-batch", go->eval_batch, "trials of the NTK measurement, 1..512 (default 8)")->type_name("INT");
  gs->add_option("--train-steps", go->train_steps, "GD steps on W per cell (default 50; paper 9000)")->type_name("INT");
  gs->add_option("--gains", go->gains, "comma-separated gains g, each 0..100 (default 0.25,0.75,...,2.75)");
  gs->add_option("--input-ranks", go->input_ranks, "comma-separated input ranks r_x, each 1..T (default 1,2,4,8,16)");
  add_decimal(*gs, "lr", go->lr, "GD learning rate > 0 (default 0.05)");
  add_decimal(*gs, "clip", go->clip, "global gradient-norm clip >= 0, 0 = none (default 1)");
  add_estimator_options(*gs, go->estimator);
  add_seed(*gs, go->seed);
  add_threads(*gs, go->threads);
  add_output_options(*gs, go->out, "grid (the only one; default)");
  auto gshard = std::make_shared<ShardOption>();
  add_shard_option(*gs, *gshard);
  gs->callback([gs, go, gshard, &action] {
    action = sharded(*gs, gshard, [go, gshard] { run_gain_sweep_command(*go, gshard->context); });
  });
  auto fo = std::make_shared<FixedPointOptions>();
  auto* fp = group->add_subcommand("fixed-points", "a leaky tanh RNN with added non-trivial fixed points (Fig. 8): the "
                                                   "points' residuals and stability, trajectories from random states");
  set_example(*fp, "learndyn ntk fixed-points --hidden 256 --gains 1,1.5,2 -o fixed_points.csv --figure fixed_points.png");
  add_hidden(*fp, fo->hidden, "2..1024 (default 64; paper 256)");
  fp->add_option("--fixed-points", fo->count, "points added, 1..hidden (default 5)")->type_name("INT");
  fp->add_option("--trials", fo->trials, "random initial conditions h_0 ~ N(0, I), 1..1000 (default 8)")->type_name("INT");
  fp->add_option("--steps", fo->steps, "time steps under zero input, 1..100000 (default 100)")->type_name("INT");
  fp->add_option("--gains", fo->gains, "comma-separated recurrent gains g, each in (0, 100] (default 1,1.5,2; paper 1..2)");
  add_decimal(*fp, "alpha", fo->alpha, "leak dt, 0 < alpha <= 1 (default 0.7)");
  fp->add_option("--rule", fo->rule, "simultaneous (every point fixed) | sequential (the authors' rank-one steps) "
                                     "(default simultaneous)");
  add_seed(*fp, fo->seed);
  add_output_options(*fp, fo->out, "per-gain (default) | trajectories | points");
  fp->callback([fo, &action] { action = [fo] { run_fixed_points_command(*fo); }; });
}

}  // namespace learndyn::cli
