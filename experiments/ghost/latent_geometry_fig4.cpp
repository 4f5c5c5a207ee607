#include <learndyn/experiments/ghost/latent_geometry_fig4.hpp>

#include <algorithm>

#include <learndyn/common/argument_error.hpp>

namespace learndyn::experiments::ghost {
namespace fg = learndyn::fast::ghost;

LatentGeometryOptions LatentGeometryOptions::paper() { return {}; }

LatentGeometryOptions LatentGeometryOptions::quick() {
  LatentGeometryOptions o;
  o.trials = 8;
  o.epochs = 8001;
  o.at = {0, 2000, 4000, 8000};
  return o;
}

LatentGeometryOptions LatentGeometryOptions::dmts_paper() {
  LatentGeometryOptions o;
  o.task = fg::RnnTask::dmts;
  o.optimizer = fg::Optimizer::adam;
  o.lr = 1e-4;
  o.noise = 0.01;
  o.epochs = 20000;
  o.at = {0, 400, 1600, 3000, 19990};
  return o;
}

LatentGeometryOptions LatentGeometryOptions::dmts_quick() {
  LatentGeometryOptions o = dmts_paper();
  o.trials = 8;
  return o;
}

fg::RunSpec fig4_run(const LatentGeometryOptions& o) {
  // DCD 2/10/10 steps, tanh readout; DMTS 6/16/6/10, sigmoid; both read before the update.
  fg::RunSpec s = fg::default_run(o.task, 2);
  s.neurons = o.neurons;
  s.init = fg::RnnInit::lowrank;
  s.initial_sigma = 0.3;
  s.trials_per_class = static_cast<int>(o.trials);
  s.noise = o.noise;
  s.optimizer = o.optimizer;
  s.lr = o.lr;
  s.epochs = o.epochs;
  s.seed = o.seed;
  fg::validate(s);
  return s;
}

SlowPointResult run_fig4(const LatentGeometryOptions& o) {
  require(!o.at.empty(), "at", "''", "at least one epoch");
  require(o.trials >= 1 && o.trials <= 10000, "trials", o.trials, "1..10000 per class");
  require(*std::max_element(o.at.begin(), o.at.end()) < o.epochs, "at", o.at.back(), "epochs below the trained ones");
  SlowPointSettings settings;
  settings.epochs = o.at;
  std::sort(settings.epochs.begin(), settings.epochs.end());
  settings.record_every = o.record_every;
  settings.outputs = true;
  return run_rnn_slow_points(fig4_run(o), settings);
}

}  // namespace learndyn::experiments::ghost
