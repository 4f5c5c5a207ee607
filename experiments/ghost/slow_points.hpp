// `ghost rnn-slow-points`: train a rate RNN and, at given epochs, find its fixed points, ghosts
// and slow points (proofs/ghost_rnn.md R26-R29): on a latent grid for rank 1 or 2 (R29-R30),
// by Newton on the speed q from visited states otherwise (R26), each classified by (R28).
#pragma once

#include <limits>
#include <optional>
#include <vector>

#include <learndyn/experiments/table.hpp>
#include <learndyn/fast/ghost/rnn.hpp>

namespace learndyn::experiments::ghost {

struct SlowPointSettings {
  std::vector<long> epochs{0, 1000, 2000};  // sorted, distinct
  int grid = 401;                           // rank <= 2: points per latent axis
  int stride = 4;                           // full space: every k-th visited state starts Newton
  double max_speed = std::numeric_limits<double>::infinity();  // report points with q <= this
  // The user's parameters (--weights) instead of the seeded draw (as TrainSettings::start).
  std::optional<fast::ghost::RnnNet> start = std::nullopt;
  // > 0: the learning curve of the run, every k-th epoch (R59); 0: none.
  long record_every = 0;
  // The outputs, averaged over each class's trials, at each analysed epoch (R60).
  bool outputs = false;
};

struct EpochCounts {
  long epoch, fixed_points, ghosts, slow_points;
};

struct SlowPointResult {
  // One row per point: epoch, kind (labels: reference::ghost::point_kind_name), speed,
  // flow_norm, kappa_1, kappa_2 (rank 1: `flow`, f(kappa_1)), the two smallest-modulus
  // eigenvalues lambda_1/2 (re, im), max_re_other (the largest real part of the others: < 0 is
  // the transverse stability of a ghost, R28), stable (fixed points: 0/1) and, rank 1, eps = f
  // f''/2 (R32).
  Table points;
  std::vector<EpochCounts> counts;
  bool latent_search = false;
  // Rank 1 or 2, one per analysed epoch, the figure's background: rank 1 the latent flow
  // (kappa, flow) on the search box (Fig. 3A); rank 2 every trial's latent trajectory (trial,
  // kappa_1, kappa_2; Fig. 4B).
  std::vector<Table> pictures;
  // record_every > 0: epoch, loss, gradient_norm, accuracy of every k-th epoch's forward pass
  // (before its update; R59).
  Table curve;
  // outputs: epoch, class, step, output (the mean over the class's trials of the analysis batch),
  // target, key (= 10 epoch + class) at each analysed epoch (R60).
  Table outputs;
  // The parameters at epoch 0 and at the last analysed epoch.
  fast::ghost::RnnNet initial_net, final_net;
};

// Throws ArgumentError naming the parameter on bad settings, and naming lr when the loss diverges.
SlowPointResult run_rnn_slow_points(const fast::ghost::RunSpec& spec, const SlowPointSettings& settings);

// The states of every trial of the analysis batch (inputs on), every `stride`-th step as
// columns: the starts of the full-space search (R26).
Eigen::MatrixXd visited_states(const fast::ghost::RunSpec& spec, const fast::ghost::RnnNet& net, int stride);

}  // namespace learndyn::experiments::ghost
