#include "cli/ghost_figure_commands.hpp"

#include <cmath>
#include <limits>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "cli/options.hpp"
#include "cli/output.hpp"
#include <learndyn/common/argument_error.hpp>
#include <learndyn/experiments/ghost/confidence_intervention.hpp>

namespace learndyn::cli {
namespace fg = learndyn::fast::ghost;
namespace eg = learndyn::experiments::ghost;

namespace {

// Sequential viridis stops (perceptually uniform), dark to light.
const char* viridis(std::size_t k, std::size_t n) {
  static const char* stops[] = {"#440154", "#414487", "#2a788e", "#22a884", "#7ad151", "#fde725"};
  const std::size_t i = n <= 1 ? 0 : k * 5 / (n - 1);
  return stops[std::min<std::size_t>(i, 5)];
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

}  // namespace

void add_ghost_figure_commands(CLI::App& app, std::function<void()>& action) {
  CLI::App* ghost = app.get_subcommand("ghost");
  add_fig8c(*ghost, action);
}

}  // namespace learndyn::cli
