#include "cli/ghost_figure_commands.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "cli/options.hpp"
#include "cli/output.hpp"
#include <learndyn/common/argument_error.hpp>
#include <learndyn/experiments/ghost/confidence_ablation.hpp>
#include <learndyn/experiments/ghost/confidence_intervention.hpp>
#include <learndyn/experiments/ghost/learning_rate_fig7.hpp>

namespace learndyn::cli {
namespace fg = learndyn::fast::ghost;
namespace eg = learndyn::experiments::ghost;

namespace {

// viridis (perceptually uniform), dark to light: k of n, interpolated between 9 stops.
std::string viridis(std::size_t k, std::size_t n) {
  static const int stops[9][3] = {{68, 1, 84},    {71, 44, 122},  {59, 81, 139},  {44, 113, 142}, {33, 144, 141},
                                  {39, 173, 129}, {92, 200, 99},  {170, 220, 50}, {253, 231, 37}};
  const double t = n <= 1 ? 0.0 : 8.0 * double(k) / double(n - 1);
  const int i = std::min(7, static_cast<int>(t));
  const double f = t - i;
  char hex[8];
  std::snprintf(hex, sizeof hex, "#%02x%02x%02x", static_cast<int>(std::lround(stops[i][0] + f * (stops[i + 1][0] - stops[i][0]))),
                static_cast<int>(std::lround(stops[i][1] + f * (stops[i + 1][1] - stops[i][1]))),
                static_cast<int>(std::lround(stops[i][2] + f * (stops[i + 1][2] - stops[i][2]))));
  return hex;
}

std::string c_label(double c) {
  if (!std::isfinite(c)) return "no intervention";
  std::ostringstream s;
  s << "c = " << c;
  return s.str();
}

void fig8c_figure(const eg::ConfidenceInterventionResult& r, const eg::ConfidenceInterventionOptions& o,
                  const std::string& png) {
  std::ostringstream gp, plot;
  plot << "plot ";
  for (std::size_t k = 0; k < o.confidences.size(); ++k) {
    const double c = o.confidences[k];
    const std::string name = "c" + std::to_string(k);
    gp << datablock(name, r.curves, {"epoch", "mean_accuracy", "sem_accuracy"},
                    [&](std::size_t row) { return r.curves.at(row, "confidence") == double(k); });
    const std::string colour = std::isfinite(c) ? viridis(k, o.confidences.size()) : "#000000";
    plot << (k ? ", " : "") << "$" << name << " using 1:($2-$3):($2+$3) with filledcurves fc rgb '" << colour
         << "' fs transparent solid 0.25 notitle, $" << name << " using 1:2 with lines lw 2 lc rgb '" << colour
         << "' title '" << c_label(c) << "'";
  }
  gp << "set key outside right top\nset yrange [0:1]\nset xlabel 'epoch'\nset ylabel 'accuracy (mean ± s.e.m.)'\n"
     << "set arrow from " << o.epochs_before << ", graph 0 to " << o.epochs_before
     << ", graph 1 nohead dt 2 lc rgb '#777777'\n"
     << "set title 'Full-rank DCD, Adam η = " << o.lr << ", " << o.seeds << " seeds: readout confidence fixed to c at epoch "
     << o.epochs_before << (o.readout == fg::ConfidenceReadout::projected ? " (projected readout)" : " (gradient through the norm)")
     << "'\n"
     << plot.str() << "\n";
  write_png(gp.str(), png, 1000, 520);
}

std::vector<double> parse_confidences(const std::string& text) {
  std::vector<double> out;
  for (const std::string& item : split_list(text, "confidences")) {
    if (item == "inf") {
      out.push_back(std::numeric_limits<double>::infinity());
      continue;
    }
    const double c = parse_double(item, "confidences");
    require(c > 0 && std::isfinite(c), "confidences", item, "c > 0 (finite) or inf (no intervention)");
    out.push_back(c);
  }
  require(!out.empty(), "confidences", "'" + text + "'", "at least one c");
  return out;
}

void add_fig8c(CLI::App& ghost, std::function<void()>& action) {
  struct Text {
    std::string protocol = "quick", seeds, epochs, confidences, lr, readout = "projected", threads, record_every;
    Output out;
  };
  auto t = std::make_shared<Text>();
  auto* cmd = ghost.add_subcommand(
      "fig8c", "Fig. 8C: full-rank DCD (Adam, high rate) stuck in a no-learning zone, then the readout's confidence "
               "fixed to c (Eq. 40); accuracy over epochs per c (R49)");
  set_example(*cmd, "learndyn ghost fig8c --protocol quick --figure fig8c.png -o fig8c.csv");
  cmd->add_option("--protocol", t->protocol,
                  "quick (default: 4 seeds, 600 + 600 epochs, ~1 min on 2 cores) | paper (the public code: 100 seeds, "
                  "10,000 + 10,000 epochs, hours)");
  add_integer(*cmd, "seeds", t->seeds, "seeds 0..S-1 per c, 1..100000 (default: the protocol's, 4 or 100)");
  add_integer(*cmd, "epochs", t->epochs, "epochs before and after the intervention, each >= 1 (default: 600 quick, 10000 paper)");
  cmd->add_option("--confidences", t->confidences,
                  "comma-separated c > 0 after the intervention, inf = none (default 0.1,0.5,1,3,inf)");
  cmd->add_option("--lr", t->lr, "Adam learning rate > 0 (default 0.1)")->type_name("DECIMAL");
  cmd->add_option("--confidence-readout", t->readout,
                  "projected (default: the public code's in-place rescaling of W_out, R45) | differentiated (R8a)");
  add_integer(*cmd, "record-every", t->record_every, "accuracy every k-th epoch, >= 1 (default: 25 quick, 200 paper)");
  add_threads(*cmd, t->threads);
  add_output_options(*cmd, t->out, "curves,by_confidence");
  cmd->callback([t, &action] {
    action = [t] {
      check_output(t->out, {"curves", "by_confidence"});
      require(t->protocol == "quick" || t->protocol == "paper", "protocol", t->protocol, "quick or paper");
      eg::ConfidenceInterventionOptions o = t->protocol == "paper" ? eg::ConfidenceInterventionOptions::paper()
                                                                   : eg::ConfidenceInterventionOptions::quick();
      if (!t->seeds.empty()) o.seeds = parse_integer(t->seeds, "seeds", 1, 100000);
      if (!t->epochs.empty()) o.epochs_before = o.epochs_after = parse_integer(t->epochs, "epochs", 1, 100000000);
      if (!t->confidences.empty()) o.confidences = parse_confidences(t->confidences);
      if (!t->lr.empty()) o.lr = parse_double(t->lr, "lr");
      require(o.lr > 0 && std::isfinite(o.lr), "lr", t->lr, "> 0 (finite)");
      if (!t->record_every.empty()) o.record_every = parse_integer(t->record_every, "record-every", 1, 100000000);
      require(t->readout == "projected" || t->readout == "differentiated", "confidence-readout", t->readout,
              "projected or differentiated");
      o.readout = t->readout == "projected" ? fg::ConfidenceReadout::projected : fg::ConfidenceReadout::differentiated;
      o.threads = parse_threads(t->threads);
      const eg::ConfidenceInterventionResult r = eg::run_fig8c(o);
      Json confidences = Json::array();
      for (double c : o.confidences) confidences.push_back(eg::confidence_label(c));
      Json report{{"command", "ghost fig8c"},
                  {"inputs",
                   {{"protocol", t->protocol},
                    {"task", "dcd"},
                    {"N", o.neurons},
                    {"rank", 0},
                    {"trials", o.trials},
                    {"noise", o.noise},
                    {"optimizer", "adam"},
                    {"lr", o.lr},
                    {"epochs_before", o.epochs_before},
                    {"epochs_after", o.epochs_after},
                    {"seeds", o.seeds},
                    {"confidences", confidences},
                    {"confidence_readout", t->readout}}}};
      Json rows = Json::array();
      for (std::size_t i = 0; i < r.summary.rows.size(); ++i) {
        Json row = Json::object();
        for (const std::string& col : r.summary.columns) {
          const double v = r.summary.at(i, col);
          row[col] = col == "confidence" ? Json(eg::confidence_label(o.confidences[static_cast<std::size_t>(v)])) : json_number(v);
        }
        rows.push_back(row);
      }
      report["summary"] = Json{{"by_confidence", rows}};
      deliver(t->out, report, {{"curves", &r.curves}, {"by_confidence", &r.summary}},
              [&](const std::string& png) { fig8c_figure(r, o, png); });
    };
  });
}

// ---- ghost fig8b ----------------------------------------------------------------------------

void fig8b_figure(const eg::ConfidenceAblationResult& r, const eg::ConfidenceAblationOptions& o,
                  const std::string& png) {
  // As the script: the first phase in black, then every third beta (from the third) in viridis.
  std::ostringstream gp, plot;
  std::vector<long> shown;
  for (long k = 0; k < o.betas; ++k)
    if (o.betas < 10 || k % 3 == 2) shown.push_back(k);
  const std::size_t per_beta = r.curves.rows.size() / static_cast<std::size_t>(o.betas);
  gp << datablock("before", r.curves, {"epoch", "mean_accuracy", "sem_accuracy"},
                  [&](std::size_t row) { return row < per_beta && r.curves.at(row, "epoch") < double(o.epochs); });
  plot << "plot $before using 1:($2-$3):($2+$3) with filledcurves fc rgb '#000000' fs transparent solid 0.2 notitle, "
       << "$before using 1:2 with lines lw 2 lc rgb '#000000' title 'β = 10 (training)'";
  for (std::size_t i = 0; i < shown.size(); ++i) {
    const std::size_t k = static_cast<std::size_t>(shown[i]);
    const std::string name = "b" + std::to_string(k);
    gp << datablock(name, r.curves, {"epoch", "mean_accuracy", "sem_accuracy"}, [&](std::size_t row) {
      return row >= k * per_beta && row < (k + 1) * per_beta && r.curves.at(row, "epoch") >= double(o.epochs);
    });
    const std::string colour = viridis(shown.size() - 1 - i, shown.size());  // low beta light, as viridis_r
    std::ostringstream label;
    label.precision(2);
    label << "β = " << r.curves.at(k * per_beta, "beta") << (k + 1 == std::size_t(o.betas) ? " (unchanged)" : "");
    plot << ", $" << name << " using 1:($2-$3):($2+$3) with filledcurves fc rgb '" << colour
         << "' fs transparent solid 0.2 notitle, $" << name << " using 1:2 with lines lw 2 lc rgb '" << colour
         << "' title '" << label.str() << "'";
  }
  gp << "set key outside right top\nset yrange [0:1.05]\nset xlabel 'epoch'\nset ylabel 'accuracy (mean ± s.e.m.)'\n"
     << "set arrow from " << o.epochs << ", graph 0 to " << o.epochs << ", graph 1 nohead dt 2 lc rgb '#CC0000'\n"
     << "set title 'Rank-one DA, SGD η = " << o.lr << ": " << r.stuck_seeds.size() << " of " << o.seeds
     << " seeds learned and then got stuck; β lowered at epoch " << o.epochs << "'\n"
     << plot.str() << "\n";
  write_png(gp.str(), png, 1000, 520);
}

void add_fig8b(CLI::App& ghost, std::function<void()>& action) {
  struct Text {
    std::string protocol = "quick", seeds, threads;
    Output out;
  };
  auto t = std::make_shared<Text>();
  auto* cmd = ghost.add_subcommand(
      "fig8b", "Fig. 8B with the public script's protocol: rank-one DA, SGD 0.02, 6,000 epochs at beta = 10, then 100 "
               "epochs at each of 30 beta in [1e-3, 10]; accuracy of the seeds that learned and got stuck (R50)");
  set_example(*cmd, "learndyn ghost fig8b --figure fig8b.png -o fig8b.csv");
  cmd->add_option("--protocol", t->protocol, "quick (default: 30 seeds) | paper (the script's 100 seeds)");
  add_integer(*cmd, "seeds", t->seeds, "seeds 0..S-1, 1..100000 (default: the protocol's, 30 or 100)");
  add_threads(*cmd, t->threads);
  add_output_options(*cmd, t->out, "curves,by_beta");
  cmd->callback([t, &action] {
    action = [t] {
      check_output(t->out, {"curves", "by_beta"});
      require(t->protocol == "quick" || t->protocol == "paper", "protocol", t->protocol, "quick or paper");
      eg::ConfidenceAblationOptions o =
          t->protocol == "paper" ? eg::ConfidenceAblationOptions::paper() : eg::ConfidenceAblationOptions::quick();
      if (!t->seeds.empty()) o.seeds = parse_integer(t->seeds, "seeds", 1, 100000);
      o.threads = parse_threads(t->threads);
      const eg::ConfidenceAblationResult r = eg::run_fig8b_ablation(o);
      Json report{{"command", "ghost fig8b"},
                  {"inputs",
                   {{"protocol", t->protocol},
                    {"task", "da"},
                    {"N", o.neurons},
                    {"rank", 1},
                    {"optimizer", "sgd"},
                    {"lr", o.lr},
                    {"epochs", o.epochs},
                    {"epochs_after", o.epochs_after},
                    {"betas", std::to_string(o.betas) + " log-spaced in [" + std::to_string(o.beta_lo) + ", " +
                                  std::to_string(o.beta_hi) + "]"},
                    {"seeds", o.seeds}}}};
      report["summary"] = Json{{"stuck_seeds", r.stuck_seeds}, {"by_beta", records_of(r.by_beta)}};
      deliver(t->out, report, {{"curves", &r.curves}, {"by_beta", &r.by_beta}},
              [&](const std::string& png) { fig8b_figure(r, o, png); });
    };
  });
}

// ---- ghost fig7 -----------------------------------------------------------------------------

void fig7_figure(const eg::SweepResult& r, const experiments::Table& med, const eg::LearningRateSweepOptions& o,
                 const std::string& png) {
  std::ostringstream gp, plot;
  gp << datablock("rate", r.by_rate, {"lr", "mean_final_loss", "sem_final_loss", "learned_fraction"});
  std::vector<double> rates;
  for (std::size_t i = 0; i < r.by_rate.rows.size(); ++i) rates.push_back(r.by_rate.at(i, "lr"));
  plot << "plot ";
  for (std::size_t k = 0; k < rates.size(); ++k) {
    const std::string name = "g" + std::to_string(k);
    gp << datablock(name, med, {"epoch", "median_gradient_norm"}, [&](std::size_t row) { return med.at(row, "lr") == rates[k]; });
    std::ostringstream label;
    label.precision(2);
    label << "η = " << rates[k];
    plot << (k ? ", " : "") << "$" << name << " using ($1+1):2 with lines lw 1.5 lc rgb '" << viridis(k, rates.size())
         << "' title '" << label.str() << "'";
  }
  gp << "set multiplot layout 1,2\n"
     << "set logscale xy\nset format x '10^{%L}'\nset format y '10^{%L}'\nset xlabel 'learning rate η'\n"
     << "set ylabel 'final loss (mean ± s.e.m.)'\nset y2label 'learned fraction'\nset y2range [0:1.05]\nset y2tics 0.25\n"
     << "set ytics nomirror\nset key outside top center horizontal\n"
     << "set title 'Full-rank " << (o.task == fg::RnnTask::dmts ? "DMTS" : "DCD") << ", SGD, " << o.seeds << " seeds, " << o.epochs << " epochs'\n"
     << "plot $rate using 1:2:3 with yerrorlines pt 7 lc rgb '#440154' title 'final loss', "
     << "$rate using 1:4 axes x1y2 with linespoints pt 6 dt 2 lc rgb '#22a884' title 'learned (loss < 0.05)'\n"
     << "unset y2label\nunset y2tics\nset ytics mirror\nset key outside right top\n"
     << "set xlabel 'epoch + 1'\nset ylabel '|∇L| (median over seeds)'\nset xrange [1:" << o.epochs + 1 << "]\n"
     << "set title 'gradient norm: collapse = no-learning zone'\n"
     << plot.str() << "\nunset multiplot\n";
  write_png(gp.str(), png, 1500, 560);
}

void add_fig7(CLI::App& ghost, std::function<void()>& action) {
  struct Text {
    std::string protocol = "quick", task = "dcd", seeds, threads;
    Output out;
  };
  auto t = std::make_shared<Text>();
  auto* cmd = ghost.add_subcommand(
      "fig7", "Fig. 7: full-rank SGD learning-rate sweep (final loss, learned fraction, time averages) and the gradient "
              "norm over training, whose collapse is the no-learning zone; DCD (Fig. 7C-D, R51) or DMTS (Fig. 7A-B, R65)");
  set_example(*cmd, "learndyn ghost fig7 --figure fig7.png -o fig7.csv");
  cmd->add_option("--protocol", t->protocol,
                  "quick (default: 9 rates in [1e-3, 10] x 4 seeds x 2,000 epochs; CPU: DCD ~35 s, DMTS ~52 s) | paper (the "
                  "script's 20 rates x 20 seeds x 20,000 epochs; 111x the quick grid: DCD ~35 CPU-min, DMTS ~1.6 CPU-hours)");
  cmd->add_option("--task", t->task,
                  "dcd (default: Fig. 7C-D, the script Figure7/code/dcdt) | dmts (Fig. 7A-B, the script Figure7/code/dmts)");
  add_integer(*cmd, "seeds", t->seeds, "seeds 0..S-1 per rate, 1..10000 (default: the protocol's, 4 or 20)");
  add_threads(*cmd, t->threads);
  add_output_options(*cmd, t->out, "by_rate,runs,curves,median_curves,time_averages");
  cmd->callback([t, &action] {
    action = [t] {
      check_output(t->out, {"by_rate", "runs", "curves", "median_curves", "time_averages"});
      require(t->task == "dcd" || t->task == "dmts", "task", t->task, "dcd or dmts");
      require(t->protocol == "quick" || t->protocol == "paper", "protocol", t->protocol, "quick or paper");
      eg::LearningRateSweepOptions o =
          t->protocol == "paper" ? eg::LearningRateSweepOptions::paper() : eg::LearningRateSweepOptions::quick();
      if (!t->seeds.empty()) o.seeds = parse_integer(t->seeds, "seeds", 1, 10000);
      o.task = t->task == "dmts" ? fg::RnnTask::dmts : fg::RnnTask::dcd;
      o.threads = parse_threads(t->threads);
      const eg::SweepResult r = eg::run_fig7(o);
      const experiments::Table med = eg::median_curves(r);
      const experiments::Table averages = eg::time_averages(r);
      Json report{{"command", "ghost fig7"},
                  {"inputs",
                   {{"protocol", t->protocol},
                    {"task", t->task},
                    {"N", o.neurons},
                    {"rank", 0},
                    {"timings", t->task == "dmts" ? "6/16/6/10" : "6/16/10"},
                    {"optimizer", "sgd"},
                    {"rates", std::to_string(o.count) + " log-spaced in [" + render_value(o.lo) + ", " + render_value(o.hi) + "]"},
                    {"seeds", o.seeds},
                    {"epochs", o.epochs}}}};
      report["summary"] = Json{{"largest_rate_learned_by_most_seeds", json_number(r.critical_rate.front().second)},
                               {"by_rate", records_of(r.by_rate)}};
      deliver(t->out, report, {{"by_rate", &r.by_rate}, {"runs", &r.runs}, {"curves", &r.curves}, {"median_curves", &med},
                                 {"time_averages", &averages}},
              [&](const std::string& png) { fig7_figure(r, med, o, png); });
    };
  });
}

// ---- ghost fig6b ----------------------------------------------------------------------------

void fig6b_figure(const eg::SweepResult& r, const eg::RankGridOptions& o, const std::string& png) {
  // A heatmap: rate (columns) x rank (rows, in grid order), colour log10 of the mean final loss.
  std::ostringstream gp;
  gp << "$grid << EOD\n";
  for (std::size_t k = 0; k < o.ranks.size(); ++k) {
    for (std::size_t i = 0; i < r.by_rate.rows.size(); ++i)
      if (r.by_rate.at(i, "rank") == o.ranks[k])
        gp << std::log10(r.by_rate.at(i, "lr")) << " " << k << " " << std::log10(r.by_rate.at(i, "mean_final_loss")) << " "
           << r.by_rate.at(i, "learned_fraction") << "\n";
    gp << "\n";
  }
  gp << "EOD\n";
  // The middle of the colour range (gnuplot autoscales cb to the data): below it the palette is dark.
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (std::size_t i = 0; i < r.by_rate.rows.size(); ++i) {
    const double v = std::log10(r.by_rate.at(i, "mean_final_loss"));
    if (std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
  }
  const double dark_below = std::isfinite(lo) ? lo + 0.55 * (hi - lo) : 0.0;
  std::ostringstream ytics;
  for (std::size_t k = 0; k < o.ranks.size(); ++k) ytics << (k ? ", " : "") << "'" << o.ranks[k] << "' " << k;
  gp << "set palette defined (0 '#440154', 1 '#3b528b', 2 '#21918c', 3 '#5ec962', 4 '#fde725')\n"
     << "set xlabel 'learning rate η (log_{10})'\nset ylabel 'rank K'\nset ytics (" << ytics.str() << ")\n"
     << "set cblabel 'log_{10} final loss (mean over seeds)'\nset view map\nset key off\n"
     << "set xrange [" << std::log10(o.lo) - 0.2 << ":" << std::log10(o.hi) + 0.2 << "]\n"
     << "set yrange [-0.5:" << o.ranks.size() - 0.5 << "]\n"
     << "set title 'Rank-K DA, population readout, SGD: " << o.seeds << (o.seeds == 1 ? " seed" : " seeds")
     << " × " << o.epochs << " epochs'\n"
     // Each cell's learned fraction in white on the dark (low-loss) half of the palette and in
     // black on the light half, so that it stays readable on yellow and green.
     << "plot $grid using 1:2:3 with points pt 5 ps 5.5 lc palette, "
     << "$grid using 1:2:($3 < " << dark_below << " ? sprintf('%.0f%%', 100*$4) : '') with labels tc rgb '#ffffff' font ',8', "
     << "$grid using 1:2:($3 < " << dark_below << " ? '' : sprintf('%.0f%%', 100*$4)) with labels tc rgb '#000000' font ',8'\n";
  write_png(gp.str(), png, 900, 620);
}

void add_fig6b(CLI::App& ghost, std::function<void()>& action) {
  struct Text {
    std::string protocol = "quick", seeds, threads;
    Output out;
  };
  auto t = std::make_shared<Text>();
  auto* cmd = ghost.add_subcommand(
      "fig6b", "Fig. 6B over the public script's grid: rank-K DA (K = 1, 2, 3, 4, 5, 10, 30, 50, 100), Eq. 48 readout, "
               "SGD at 10 rates in [1e-3, 1]; final loss and learned fraction per (rank, rate) (R52)");
  set_example(*cmd, "learndyn ghost fig6b --figure fig6b.png -o fig6b.csv");
  cmd->add_option("--protocol", t->protocol,
                  "quick (default: 1 seed x 2,000 epochs, about a minute of CPU) | paper (the script's 10 seeds x 500,000 "
                  "epochs: days)");
  add_integer(*cmd, "seeds", t->seeds, "seeds 0..S-1 per cell, 1..10000 (default: the protocol's, 1 or 10)");
  add_threads(*cmd, t->threads);
  add_output_options(*cmd, t->out, "by_rate,runs");
  cmd->callback([t, &action] {
    action = [t] {
      check_output(t->out, {"by_rate", "runs"});
      require(t->protocol == "quick" || t->protocol == "paper", "protocol", t->protocol, "quick or paper");
      eg::RankGridOptions o = t->protocol == "paper" ? eg::RankGridOptions::paper() : eg::RankGridOptions::quick();
      if (!t->seeds.empty()) o.seeds = parse_integer(t->seeds, "seeds", 1, 10000);
      o.threads = parse_threads(t->threads);
      const eg::SweepResult r = eg::run_fig6b_grid(o);
      Json critical = Json::object();
      for (const auto& [rank, rate] : r.critical_rate) critical[std::to_string(rank)] = json_number(rate);
      Json report{{"command", "ghost fig6b"},
                  {"inputs",
                   {{"protocol", t->protocol},
                    {"task", "da"},
                    {"N", o.neurons},
                    {"ranks", o.ranks},
                    {"readout", "sigmoid"},
                    {"optimizer", "sgd"},
                    {"rates", std::to_string(o.count) + " log-spaced in [" + render_value(o.lo) + ", " + render_value(o.hi) + "]"},
                    {"seeds", o.seeds},
                    {"epochs", o.epochs}}}};
      report["summary"] = Json{{"largest_rate_learned_by_most_seeds", critical}};
      deliver(t->out, report, {{"by_rate", &r.by_rate}, {"runs", &r.runs}},
              [&](const std::string& png) { fig6b_figure(r, o, png); });
    };
  });
}

}  // namespace

void add_ghost_figure_commands(CLI::App& app, std::function<void()>& action) {
  CLI::App* ghost = app.get_subcommand("ghost");
  add_fig6b(*ghost, action);
  add_fig7(*ghost, action);
  add_fig8b(*ghost, action);
  add_fig8c(*ghost, action);
}

}  // namespace learndyn::cli
