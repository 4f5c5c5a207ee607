// Paper Fig. 7A-B: the learning-rate sweep of full-rank networks on DCD with the public script's
// settings (`Figure7/code/dcdt/run_multiple_networks_dcdt.py`, proofs ghost_rnn.md R51): final loss
// against the rate over seeds (7A) and the gradient norm over training, whose collapse at high
// rates is the no-learning zone (7B). A protocol of `ghost rnn-sweep` (run_rnn_sweep).
#pragma once

#include <learndyn/experiments/ghost/rnn_sweep.hpp>

namespace learndyn::experiments::ghost {

struct LearningRateSweepOptions {
  double lo = 1e-3, hi = 10;  // rates log-spaced in [lo, hi]
  long count = 20;
  long seeds = 20;
  long epochs = 20000;
  long curve_every = 100;     // loss and gradient norm every k epochs
  int neurons = 100;
  unsigned threads = 0;       // 0: every core (results do not depend on it)

  // The script's: 20 rates x 20 seeds x 20,000 epochs (~35 CPU-min); quick: 9 rates x 4 seeds x
  // 2,000 epochs (~35 s CPU).
  static LearningRateSweepOptions paper();
  static LearningRateSweepOptions quick();
};

// The full-rank DCD run of the script (R51): 6/16/10 steps, xavier, tanh readout before the
// update, r0 = 0, no noise, one trial per class, SGD, mean loss.
fast::ghost::RunSpec fig7_run(const LearningRateSweepOptions& options);

// run_rnn_sweep over options' rates and seeds (its runs, by_rate and curves tables).
SweepResult run_fig7(const LearningRateSweepOptions& options);

// Fig. 7B's curves: lr, epoch, median_gradient_norm, median_loss over the seeds of each rate
// (the median: a few stuck seeds should not hide behind one that learns, nor the reverse).
Table median_curves(const SweepResult& sweep);

}  // namespace learndyn::experiments::ghost
