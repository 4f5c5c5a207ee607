// Paper Figs. 2B-D: plain gradient descent on the canonical model's analytical loss (proofs/ghost.md
// G11, G14, G27, G34), many runs at once on the fast path (fast/ghost/gradient_descent.hpp), over a
// grid of rates with the same starts at every rate, and the summary Fig. 2D plots: the mean and
// the standard error of the loss over the runs, per rate and recorded epoch (G35). `ghost train`
// renders it (--eta: one rate; --etas lo,hi,count: the grid).
#pragma once

#include <cstdint>
#include <vector>

#include <learndyn/experiments/table.hpp>
#include <learndyn/fast/ghost/analytic.hpp>

namespace learndyn::experiments::ghost {

struct CanonicalTrainingOptions {
  fast::ghost::DelayTask task{100, 100};
  double scale = 1;             // the loss rescaling c (G16): 1, 1/T or 1/(T + T_r)
  std::vector<double> rates;    // one block of runs per rate, in this order
  std::vector<double> starts;   // eps_0 of each run, the same at every rate
  long epochs = 3000;
  long record_every = 1;        // epochs 0, r, 2r, ... and the last
  unsigned threads = 0;         // 0: every core (no result depends on it)
};

struct CanonicalTrainingResult {
  // eta, run, epoch, eps, loss (c L): rate-major, then run, then epoch.
  Table runs;
  // eta, epoch, mean_loss, sem_loss (sample s.d. / sqrt(runs); 0 for one run), stuck_fraction
  // (runs below eps_nr at that epoch): one row per rate and recorded epoch (G35).
  Table by_rate;
  // Per rate and run (rate-major): the first epoch below eps_nr, -1 if none.
  std::vector<long> stuck_epoch;
};

// `count` rates log-spaced in [lo, hi]: lo (hi / lo)^(i / (count - 1)) (count = 1: lo), as
// `ghost rnn-sweep --rates` spaces them.
std::vector<double> log_spaced_rates(double lo, double hi, long count);

// Throws ArgumentError naming the parameter: rates empty or not positive and finite, starts
// empty, epochs or record_every out of range, a run whose eps leaves the doubles (naming eta).
CanonicalTrainingResult run_canonical_training(const CanonicalTrainingOptions& options);

}  // namespace learndyn::experiments::ghost
