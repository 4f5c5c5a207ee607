// `ghost rnn-sweep`: the final loss against the learning rate over seeds and ranks (Fig. 6A;
// 6B with several ranks), its statistics over seeds and the critical rate of each rank: the
// largest rate at which most seeds learn.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <learndyn/experiments/sweep.hpp>
#include <learndyn/experiments/table.hpp>
#include <learndyn/fast/ghost/rnn.hpp>

namespace learndyn::experiments::ghost {

struct SweepSettings {
  // One run per rank, with that rank's task defaults; the sweep sets lr, seed and record_every.
  std::vector<fast::ghost::RunSpec> ranks;
  double lo = 1e-4, hi = 1e-1;  // rates log-spaced in [lo, hi]
  long count = 30;
  long seeds = 10;              // seeds 0..seeds-1 per rate
  unsigned threads = 0;         // 0: every core (results do not depend on it)
  double learned = 0.05;        // final loss below which a run counts as learned
  long curve_every = 0;         // > 0: record every k-th epoch's loss (the learning curves)
  std::string rates_text;       // how the user gave the rates: named when a run diverges
  // The user's parameters (--weights): every run starts from them, so `ranks` must be their
  // one rank; the seeds then draw only the DCD/DMTS batches.
  std::optional<fast::ghost::RnnNet> start = std::nullopt;
  // --shard / merge (experiments/sweep.hpp): the items are the runs, in the order of `specs`.
  SweepContext* sweep = nullptr;
};

struct SweepResult {
  std::vector<fast::ghost::RunSpec> specs;  // every run, rank-major, then rate, then seed
  Table runs;      // rank, lr, seed, final_loss, min_loss, learned (0/1), final_accuracy (R47)
  // rank, lr, mean_final_loss, sem_final_loss, learned_fraction, mean_final_accuracy,
  // sem_final_accuracy (over seeds)
  Table by_rate;
  Table curves;    // curve_every > 0: rank, lr, seed, epoch, loss, gradient_norm (|grad L|, every block)
  Table mean_curves;  // curve_every > 0: rank, epoch, mean_loss over seeds at the first rate
  // Per rank, the largest rate at which at least half the seeds learn (NaN: none).
  std::vector<std::pair<int, double>> critical_rate;
  // A sweep of one run: its parameters before the first and after the last epoch (the
  // --save-weights file holds one run).
  std::optional<std::pair<fast::ghost::RnnNet, fast::ghost::RnnNet>> single_run_nets;
};

// Throws ArgumentError naming the parameter on bad settings, and naming the rates when a run diverges.
SweepResult run_rnn_sweep(const SweepSettings& settings);

}  // namespace learndyn::experiments::ghost
