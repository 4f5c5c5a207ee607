#include <learndyn/experiments/ghost/confidence_intervention.hpp>

#include <algorithm>
#include <cmath>
#include <sstream>
#include <string>

#include <learndyn/common/argument_error.hpp>
#include <learndyn/experiments/ghost/divergence.hpp>
#include <learndyn/common/parallel.hpp>
#include <learndyn/experiments/ghost/rnn_train.hpp>

namespace learndyn::experiments::ghost {
namespace fg = learndyn::fast::ghost;

ConfidenceInterventionOptions ConfidenceInterventionOptions::paper() { return {}; }

ConfidenceInterventionOptions ConfidenceInterventionOptions::quick() {
  ConfidenceInterventionOptions o;
  o.seeds = 4;
  o.epochs_before = 600;
  o.epochs_after = 600;
  o.record_every = 25;
  return o;
}

namespace {

struct MeanSem {
  double mean, sem;
};

MeanSem mean_sem(const std::vector<double>& x) {
  const double n = static_cast<double>(x.size());
  double sum = 0, sq = 0;
  for (double v : x) sum += v;
  const double mean = sum / n;
  for (double v : x) sq += (v - mean) * (v - mean);
  return {mean, x.size() > 1 ? std::sqrt(sq / (n - 1) / n) : std::numeric_limits<double>::quiet_NaN()};
}

}  // namespace

std::string confidence_label(double c) {
  if (std::isinf(c)) return "inf";
  std::ostringstream s;
  s << c;  // shortest form at 6 significant digits: 0.1, 0.5, 3
  return s.str();
}

ConfidenceInterventionResult run_fig8c(const ConfidenceInterventionOptions& o) {
  require(!o.confidences.empty(), "confidences", "''", "a comma-separated list of c > 0 (inf: no intervention)");
  for (double c : o.confidences) require(c > 0 && !std::isnan(c), "confidences", c, "c > 0 (inf: no intervention)");
  require(o.seeds >= 1 && o.seeds <= 100000, "seeds", o.seeds, "1..100000");
  require(o.epochs_before >= 1, "epochs", o.epochs_before, ">= 1 before the intervention");
  require(o.epochs_after >= 1, "epochs", o.epochs_after, ">= 1 after the intervention");
  require(o.lr > 0 && std::isfinite(o.lr), "lr", o.lr, "> 0 (finite)");
  require(o.record_every >= 1, "record-every", o.record_every, ">= 1");
  ConfidenceInterventionResult out;
  for (double c : o.confidences)
    for (long seed = 0; seed < o.seeds; ++seed) {
      // (R49): the public code's DCD network: full rank, xavier, tanh readout before the update,
      // batch of `trials` per class, noise, fresh r0 = tanh(0.1 z), Adam, nn.MSELoss.
      fg::RunSpec s = fg::default_run(fg::RnnTask::dcd, 0);
      s.neurons = o.neurons;
      s.trials_per_class = o.trials;
      s.noise = o.noise;
      s.optimizer = fg::Optimizer::adam;
      s.lr = o.lr;
      s.epochs = o.epochs_before + o.epochs_after;
      s.record_every = o.record_every;
      s.seed = static_cast<std::uint64_t>(seed);
      s.config.confidence_readout = o.readout;
      if (std::isfinite(c)) {  // c = inf: the public code keeps the tanh readout (normalize off)
        s.change_epoch = o.epochs_before;
        s.changed_readout = fg::RnnReadout::confidence;
        s.changed_confidence = c;
      }
      fg::validate(s);
      out.specs.push_back(s);
    }
  require_run_memory(out.specs.front(), parallel_workers(out.specs.size(), o.threads));
  const std::vector<fg::RunResult> runs = fg::train_runs(out.specs, o.threads);
  for (std::size_t r = 0; r < runs.size(); ++r) require_finite_losses(runs[r], "lr", render_value(o.lr), o.lr);

  out.curves.columns = {"confidence", "epoch", "mean_accuracy", "sem_accuracy", "mean_loss", "sem_loss"};
  out.curves.integer_columns = {"epoch"};
  out.summary.columns = {"confidence",          "accuracy_before",    "peak_mean_accuracy",
                         "final_mean_accuracy", "sem_final_accuracy", "perfect_fraction"};
  // c as a label ("0.5", "inf"): an infinite value would render as a missing one.
  std::vector<std::string> labels;
  for (double c : o.confidences) labels.push_back(confidence_label(c));
  out.curves.label_columns = {{"confidence", labels}};
  out.summary.label_columns = {{"confidence", labels}};
  const std::size_t seeds = static_cast<std::size_t>(o.seeds);
  for (std::size_t j = 0; j < o.confidences.size(); ++j) {
    const std::vector<long>& epochs = runs[j * seeds].epochs;  // the same for every run
    double before = std::numeric_limits<double>::quiet_NaN(), peak = 0;
    MeanSem last{0, 0};
    for (std::size_t k = 0; k < epochs.size(); ++k) {
      std::vector<double> acc, loss;
      for (std::size_t s = 0; s < seeds; ++s) {
        acc.push_back(runs[j * seeds + s].accuracy[k]);
        loss.push_back(runs[j * seeds + s].loss[k]);
      }
      const MeanSem a = mean_sem(acc), l = mean_sem(loss);
      out.curves.add_row({double(j), double(epochs[k]), a.mean, a.sem, l.mean, l.sem});
      if (epochs[k] < o.epochs_before) before = a.mean;
      else peak = std::max(peak, a.mean);
      last = a;
    }
    long perfect = 0;
    for (std::size_t s = 0; s < seeds; ++s) {
      const fg::RunResult& r = runs[j * seeds + s];
      bool hit = false;
      for (std::size_t k = 0; k < r.epochs.size(); ++k) hit = hit || (r.epochs[k] >= o.epochs_before && r.accuracy[k] == 1);
      perfect += hit;
    }
    out.summary.add_row({double(j), before, peak, last.mean, last.sem, double(perfect) / double(seeds)});
  }
  return out;
}

}  // namespace learndyn::experiments::ghost
