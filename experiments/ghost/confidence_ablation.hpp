// Paper Fig. 8B with the public code's protocol (`Figure8/code/B/test_ablation.py`, proofs
// ghost_rnn.md R50): rank-one DA networks trained by SGD at 0.02 with the latent readout's
// confidence beta = 10, then, from each network, 100 epochs at each of 30 values of beta
// (log-spaced in [1e-3, 10]); scored by the DA accuracy (R47) of every epoch, over the seeds that
// learned and then fell into a no-learning zone. (learndyn's other Fig. 8B protocol is one long
// run with beta lowered once: `ghost rnn-train --change-epoch`.)
#pragma once

#include <vector>

#include <learndyn/experiments/table.hpp>

namespace learndyn::experiments::ghost {

struct ConfidenceAblationOptions {
  long seeds = 100;          // seeds 0..seeds-1
  long epochs = 6000;        // the first phase, beta = 10
  long epochs_after = 100;   // per beta, from the first phase's network
  long betas = 30;           // log-spaced in [beta_lo, beta_hi]
  double beta_lo = 1e-3, beta_hi = 10;
  double lr = 0.02;          // SGD
  int neurons = 100;
  long window = 200;         // the curves' epochs before the change (the script plots 5800-6100)
  unsigned threads = 0;      // 0: every core (results do not depend on it)

  static ConfidenceAblationOptions paper();  // the script's: 100 seeds (about 10 s CPU)
  static ConfidenceAblationOptions quick();  // 30 seeds
};

struct ConfidenceAblationResult {
  // The seeds the script averages (R50): accuracy > 1/2 at some epoch of the first phase and
  // <= 1/2 at every one of its last 50 epochs (learned, then stuck).
  std::vector<long> stuck_seeds;
  // beta, epoch, mean_accuracy, sem_accuracy, mean_gradient_norm over the stuck seeds: epochs
  // epochs - window .. epochs + epochs_after - 1 (before the change every beta is the same run).
  Table curves;
  // beta, stuck_runs, accuracy_before (mean at the first phase's last epoch), final_mean_accuracy,
  // sem_final_accuracy (the last epoch after the change), recovered_fraction (final accuracy 1),
  // all_final_mean_accuracy (over every seed).
  Table by_beta;
};

// Throws ArgumentError naming the parameter on bad settings.
ConfidenceAblationResult run_fig8b_ablation(const ConfidenceAblationOptions& options);

}  // namespace learndyn::experiments::ghost
