// Paper Fig. 4A-D: the latent geometry of a rank-two network learning DCD, with the public script's
// settings (`Figure4/code/A-D - DCDT/run_dcdt.py`, proofs ghost_rnn.md R54): fixed points, ghosts and
// slow points of the latent flow and the trials' latent trajectories at chosen epochs. A protocol of
// `ghost rnn-slow-points` (run_rnn_slow_points).
#pragma once

#include <vector>

#include <learndyn/experiments/ghost/slow_points.hpp>

namespace learndyn::experiments::ghost {

struct LatentGeometryOptions {
  long trials = 500;                              // per class
  long epochs = 100000;                           // trained
  std::vector<long> at = {0, 4000, 8000, 20000, 99000};  // analysed epochs (the script's flow maps)
  double lr = 1e-3;                               // SGD
  int neurons = 100;
  std::uint64_t seed = 0;

  // The script's (500 trials per class, 100,000 epochs: hours) and a quick one (8 trials per
  // class, the epochs up to 8,000: about a minute of CPU).
  static LatentGeometryOptions paper();
  static LatentGeometryOptions quick();
};

// The script's run (R54): DCD 2/10/10 steps, rank 2, the lowrank start (M ~ N(0, 1), N ~ N(0, 1/N),
// b ~ N(0, 0.1^2)), r0 = tanh(0.3 z) fresh per trial, no noise, SGD; the population tanh readout.
fast::ghost::RunSpec fig4_run(const LatentGeometryOptions& options);

SlowPointResult run_fig4(const LatentGeometryOptions& options);

}  // namespace learndyn::experiments::ghost
