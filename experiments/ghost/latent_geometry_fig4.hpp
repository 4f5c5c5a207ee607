// Paper Fig. 4: the latent geometry of a rank-two network learning DCD (Fig. 4A-D) or DMTS (Fig.
// 4E-H), with the public scripts' settings (`Figure4/code/A-D - DCDT/run_dcdt.py`, `E-H -
// DMTS/run_dmts.py`; proofs ghost_rnn.md R54, R61): fixed points, ghosts and slow points of the
// latent flow and the trials' latent trajectories at chosen epochs, the learning curve (R59) and
// one trial's outputs per class at those epochs (R60). A protocol of `ghost rnn-slow-points`
// (run_rnn_slow_points).
#pragma once

#include <vector>

#include <learndyn/experiments/ghost/slow_points.hpp>

namespace learndyn::experiments::ghost {

struct LatentGeometryOptions {
  fast::ghost::RnnTask task = fast::ghost::RnnTask::dcd;  // dcd (Fig. 4A-D) or dmts (Fig. 4E-H, R61)
  fast::ghost::Optimizer optimizer = fast::ghost::Optimizer::sgd;
  double noise = 0;                               // s.d. of the noise inside tanh (DMTS: 0.01)
  long record_every = 10;                         // the learning curve (R59); 0: none
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
  // The DMTS script's (R61): Adam 1e-4, noise 0.01, 500 trials per class, 20,000 epochs, flow
  // maps at 0, 400, 1,600, 3,000, 19,990; quick: 8 trials per class, the same epochs (about a
  // minute of CPU).
  static LatentGeometryOptions dmts_paper();
  static LatentGeometryOptions dmts_quick();
};

// The script's run (R54): DCD 2/10/10 steps, rank 2, the lowrank start (M ~ N(0, 1), N ~ N(0, 1/N),
// b ~ N(0, 0.1^2)), r0 = tanh(0.3 z) fresh per trial, no noise, SGD; the population tanh readout.
// DMTS (R61): 6/16/6/10 steps, the same start, noise and Adam as the options say; the population
// sigmoid readout.
fast::ghost::RunSpec fig4_run(const LatentGeometryOptions& options);

SlowPointResult run_fig4(const LatentGeometryOptions& options);

}  // namespace learndyn::experiments::ghost
