// Paper Fig. 7: the learning-rate sweeps of full-rank networks with the public scripts' settings:
// DMTS (`Figure7/code/dmts/run_multiple_networks_dms.py`, proofs ghost_rnn.md R65; the paper's
// Fig. 7A-B) and DCD (`Figure7/code/dcdt/run_multiple_networks_dcdt.py`, R51; Fig. 7C-D, "the same
// experiment with full-rank RNNs performing DCD tasks"): the loss against the rate over seeds
// (7A, 7C) and the gradient norm over training, whose collapse at high rates is the no-learning
// zone (7B, 7D). A protocol of `ghost rnn-sweep` (run_rnn_sweep).
#pragma once

#include <vector>

#include <learndyn/experiments/ghost/rnn_sweep.hpp>

namespace learndyn::experiments::ghost {

struct LearningRateSweepOptions {
  // dcd (R51, the default: `ghost fig7`'s bytes before the DMTS sweep) or dmts (R65).
  fast::ghost::RnnTask task = fast::ghost::RnnTask::dcd;
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

// The full-rank run of the script, options.task's: DCD (R51) 6/16/10 steps with the tanh readout,
// DMTS (R65) 6/16/6/10 steps with the sigmoid readout; both xavier, the readout before the update,
// r0 = 0, no noise, one trial per class, SGD, mean loss.
fast::ghost::RunSpec fig7_run(const LearningRateSweepOptions& options);

// run_rnn_sweep over options' rates and seeds (its runs, by_rate and curves tables).
SweepResult run_fig7(const LearningRateSweepOptions& options);

// Paper Fig. 6B over the public script's grid (`Figure6/code/B-with-extra-data/run_network_rank.py`,
// R52): rank-one DA networks of rank K = M N^T (every K factorised, K = 100 included) with the
// population sigmoid readout (Eq. 48) after the update, gaussian start, SGD, 10 rates log-spaced
// in [1e-3, 1] x 9 ranks {1, 2, 3, 4, 5, 10, 30, 50, 100} x 10 seeds x 500,000 epochs.
struct RankGridOptions {
  double lo = 1e-3, hi = 1;
  long count = 10;
  std::vector<int> ranks = {1, 2, 3, 4, 5, 10, 30, 50, 100};
  long seeds = 10;
  long epochs = 500000;
  int neurons = 100;
  unsigned threads = 0;

  // The script's (days of CPU: behind --protocol paper) and a quick one: the same grid, 1 seed,
  // 2,000 epochs (about a minute of CPU).
  static RankGridOptions paper();
  static RankGridOptions quick();
};

// run_rnn_sweep over the grid (its by_rate table: rank, lr, mean/sem final loss, learned fraction,
// accuracy).
SweepResult run_fig6b_grid(const RankGridOptions& options);

// Fig. 7A's quantities (R66): per run (lr, seed), the loss and the gradient norm averaged over the
// recorded epochs of its curve (every curve_every-th: the script averages over every epoch), with
// the run's final loss. Requires curves (curve_every > 0).
Table time_averages(const SweepResult& sweep);

// Fig. 7B's curves: lr, epoch, median_gradient_norm, median_loss over the seeds of each rate
// (the median: a few stuck seeds should not hide behind one that learns, nor the reverse).
Table median_curves(const SweepResult& sweep);

}  // namespace learndyn::experiments::ghost
