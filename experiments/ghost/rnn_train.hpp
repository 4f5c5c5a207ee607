// `ghost rnn-train`: one rate RNN (proofs/ghost_rnn.md R1-R8) trained by BPTT (R13-R16) on
// DA, DCD or DMTS; its learning curve and, at rank one, the ghost tracked through training
// (Figs. 3, 8B: the confidence change at `change_epoch` moves the ghost).
#pragma once

#include <optional>

#include <learndyn/experiments/ghost/rank_one_tracking.hpp>
#include <learndyn/experiments/table.hpp>
#include <learndyn/fast/ghost/rnn.hpp>

namespace learndyn::experiments::ghost {

struct TrainSettings {
  double learned = 0.05;  // loss below which the run counts as learned
  long track_every = 0;   // rank 1: fixed points and ghost every k epochs (0: off)
  // The user's parameters (--weights; experiments/ghost/rnn_weights.hpp) instead of the seeded
  // draw; the seed then draws only the DCD/DMTS batches.
  std::optional<fast::ghost::RnnNet> start = std::nullopt;
};

struct TrainResult {
  // epoch, loss, gradient_norm, fixed_points, ghost_eps, ghost_kappa, accuracy: every
  // record_every-th epoch, the last and every tracked one; the loss and the accuracy (R47) are
  // those of the epoch's forward pass, before its update.
  Table curve;
  double final_loss = 0, min_loss = 0;
  double final_accuracy = 0;      // (R47) on the batch final_loss is taken on
  double final_beta = 0;          // the latent readout's beta at the end (learned with --learn-beta, R53)  // min_loss: the least of every epoch's loss and the final one
  long first_learned_epoch = -1;  // -1: never below `learned`
  RankOneState final_state;       // rank 1 only
  fast::ghost::RnnNet initial_net, final_net;  // the parameters before the first and after the last epoch
};

// Refuses up front (ArgumentError naming --threads, --trials, --N or --seeds, whichever term
// dominates) when `concurrent` runs of `spec` at once, plus `kept_results` finished runs, need
// more memory than the budget (common/memory_budget.hpp); fast::ghost::run_memory_bytes.
void require_run_memory(const fast::ghost::RunSpec& spec, double concurrent, double kept_results = 0);

// Throws ArgumentError naming the parameter on bad settings, and naming lr when the loss diverges.
TrainResult run_rnn_train(const fast::ghost::RunSpec& spec, const TrainSettings& settings);

}  // namespace learndyn::experiments::ghost
