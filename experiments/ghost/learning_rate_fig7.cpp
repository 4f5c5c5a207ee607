#include <learndyn/experiments/ghost/learning_rate_fig7.hpp>

#include <algorithm>
#include <map>
#include <utility>
#include <vector>

#include <learndyn/common/argument_error.hpp>

namespace learndyn::experiments::ghost {
namespace fg = learndyn::fast::ghost;

LearningRateSweepOptions LearningRateSweepOptions::paper() { return {}; }

LearningRateSweepOptions LearningRateSweepOptions::quick() {
  LearningRateSweepOptions o;
  o.count = 9;
  o.seeds = 4;
  o.epochs = 2000;
  o.curve_every = 20;
  return o;
}

fg::RunSpec fig7_run(const LearningRateSweepOptions& o) {
  require(o.task == fg::RnnTask::dcd || o.task == fg::RnnTask::dmts, "task", "da", "dcd or dmts");
  // xavier, the readout before the update (tanh for DCD, sigmoid for DMTS), mean loss
  fg::RunSpec s = fg::default_run(o.task, 0);
  s.neurons = o.neurons;
  s.input_steps = 6;     // 30 ms at dt = 5 ms (DMTS: the second cue as long, R65)
  s.delay_steps = 16;    // 80 ms
  s.response_steps = 10; // 50 ms
  s.initial_sigma = 0;   // firing_rate_sigma = 0: r0 = 0
  s.noise = 0;
  s.trials_per_class = 1;
  s.optimizer = fg::Optimizer::sgd;
  s.epochs = o.epochs;
  fg::validate(s);
  return s;
}

SweepResult run_fig7(const LearningRateSweepOptions& o) {
  require(o.epochs >= 1, "epochs", o.epochs, ">= 1");
  SweepSettings settings;
  settings.ranks = {fig7_run(o)};
  settings.lo = o.lo;
  settings.hi = o.hi;
  settings.count = o.count;
  settings.seeds = o.seeds;
  settings.threads = o.threads;
  settings.curve_every = o.curve_every;
  settings.rates_text = render_value(o.lo) + "," + render_value(o.hi) + "," + render_value(o.count);
  return run_rnn_sweep(settings);
}

RankGridOptions RankGridOptions::paper() { return {}; }

RankGridOptions RankGridOptions::quick() {
  RankGridOptions o;
  o.seeds = 1;
  o.epochs = 2000;
  return o;
}

SweepResult run_fig6b_grid(const RankGridOptions& o) {
  require(o.epochs >= 1, "epochs", o.epochs, ">= 1");
  require(!o.ranks.empty(), "ranks", "''", "at least one rank");
  SweepSettings settings;
  for (int rank : o.ranks) {
    require(rank >= 1 && rank <= o.neurons, "ranks", rank, "1..N (the script factorises every rank)");
    fg::RunSpec s = fg::default_run(fg::RnnTask::da, rank);
    s.neurons = o.neurons;
    s.config.readout = fg::RnnReadout::sigmoid;  // Eq. 48 at every rank, rank one included (R52)
    s.epochs = o.epochs;
    fg::validate(s);
    settings.ranks.push_back(s);
  }
  settings.lo = o.lo;
  settings.hi = o.hi;
  settings.count = o.count;
  settings.seeds = o.seeds;
  settings.threads = o.threads;
  settings.rates_text = render_value(o.lo) + "," + render_value(o.hi) + "," + render_value(o.count);
  return run_rnn_sweep(settings);
}

Table time_averages(const SweepResult& sweep) {
  require(!sweep.curves.rows.empty(), "curve-every", 0, "> 0 (time averages need the curves)");
  std::map<std::pair<double, double>, std::pair<double, double>> sum;  // (lr, seed) -> (loss, gradient norm)
  std::map<std::pair<double, double>, long> count;
  const Table& c = sweep.curves;
  for (std::size_t r = 0; r < c.rows.size(); ++r) {
    const std::pair<double, double> key{c.at(r, "lr"), c.at(r, "seed")};
    sum[key].first += c.at(r, "loss");
    sum[key].second += c.at(r, "gradient_norm");
    ++count[key];
  }
  std::map<std::pair<double, double>, double> final_loss;
  for (std::size_t r = 0; r < sweep.runs.rows.size(); ++r)
    final_loss[{sweep.runs.at(r, "lr"), sweep.runs.at(r, "seed")}] = sweep.runs.at(r, "final_loss");
  Table out;
  out.columns = {"lr", "seed", "mean_loss", "mean_gradient_norm", "final_loss"};
  out.integer_columns = {"seed"};
  for (const auto& [key, s] : sum) {
    const double n = static_cast<double>(count[key]);
    out.add_row({key.first, key.second, s.first / n, s.second / n, final_loss[key]});
  }
  return out;
}

Table median_curves(const SweepResult& sweep) {
  const auto median = [](std::vector<double> x) {
    std::sort(x.begin(), x.end());
    const std::size_t n = x.size();
    return n % 2 ? x[n / 2] : (x[n / 2 - 1] + x[n / 2]) / 2;
  };
  std::map<std::pair<double, double>, std::pair<std::vector<double>, std::vector<double>>> by;  // (lr, epoch)
  const Table& c = sweep.curves;
  for (std::size_t r = 0; r < c.rows.size(); ++r) {
    auto& cell = by[{c.at(r, "lr"), c.at(r, "epoch")}];
    cell.first.push_back(c.at(r, "gradient_norm"));
    cell.second.push_back(c.at(r, "loss"));
  }
  Table out;
  out.columns = {"lr", "epoch", "median_gradient_norm", "median_loss"};
  out.integer_columns = {"epoch"};
  for (const auto& [key, cell] : by) out.add_row({key.first, key.second, median(cell.first), median(cell.second)});
  return out;
}

}  // namespace learndyn::experiments::ghost
