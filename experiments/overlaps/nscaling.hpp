// `overlaps nscaling` (Fig 4; proofs/overlaps_experiments.md E16): how far the erf network's
// overlaps drift from the mean-field overlap theory (O9-O17) as a function of N. For each N and
// seed, the rank-1 erf network (readout before the update) is trained by SGD at rate N lr on the
// flip-flop task (a fresh batch per epoch, the same batches for the network and its theory), and
// the theory is integrated from the network's initial Gram matrix; the mismatch max|Sigma_network -
// Sigma_theory| after E epochs is fitted as c N^slope by least squares over every (N, seed) (the
// mean-field fluctuations predict slope -1/2 while the loadings stay Gaussian, proofs/overlaps.md
// §8; a zero mismatch would count as 1e-300). Beside it, the loadings' non-Gaussianity and each
// network's distance to the largest network (E30) separate the finite-N error from the Gaussian
// closure's. The linear model (identity, readout after the update) on the same batches is the
// control: its theory is exact (O16), so its mismatch is rounding at every N.
#pragma once

#include <cstdint>
#include <vector>

#include <learndyn/experiments/overlaps/statistics.hpp>
#include <learndyn/experiments/sweep.hpp>
#include <learndyn/experiments/table.hpp>
#include <learndyn/experiments/overlaps/tasks.hpp>
#include <learndyn/fast/overlaps/overlap_ode.hpp>

namespace learndyn::experiments::overlaps {

// The initial vectors: Fig 4's balanced initialisation (E17); the plain random one (O44)
// (every vector N(0,1) rescaled to |a|^2 = N: overlaps O(N^-1/2) that shrink with N); or rows iid
// N(0, Sigma*) for a fixed N-independent Sigma* (reference gaussian_network), the setting of the
// mean-field assumption (O9), where only the sampling fluctuation changes with N.
// gaussian_exact: the gaussian rows C mapped to C G^{-1/2} Sigma*^{1/2} (G = C^T C / N), so that the
// Gram matrix is Sigma* at every N (to rounding) and the networks of a sweep start from one Sigma:
// their distances to each other are then the dynamics' finite-N part alone (E30).
enum class NScalingInit { balanced, random, gaussian, gaussian_exact };

// A fixed Sigma* (canonical order z, v, m, u) with O(1) overlaps: zm 0.5, zu 0.3, vm 0.4,
// vu 0.6, mu 0.2, zv 0.1, unit norms (positive definite).
Eigen::MatrixXd gaussian_init_sigma();

struct NScalingSettings {
  std::vector<int> neurons{100, 200, 400, 800, 1600, 3200};
  int seeds = 8;
  long epochs = 50;             // Fig 4 trains 2000 epochs at N = 600; see docs/overlaps.md for longer runs
  long record_every = 10;
  double lr = 5e-2;             // Fig 4; the network's SGD runs at N lr
  FlipFlopSettings task{};      // Fig 4: dt 0.025, t_max 20, batch 10, waits U(4, 10), amplitudes 1, 0.5
  NScalingInit init = NScalingInit::balanced;
  Eigen::MatrixXd gaussian_sigma;  // the Sigma* of NScalingInit::gaussian (empty: gaussian_init_sigma())
  bool linear_control = true;
  fo::Stepper stepper = fo::Stepper::exact_map;  // the theory's discrete map (O16) matches SGD's step
  std::uint64_t seed = 0;
  unsigned threads = 0;         // runs in parallel, one thread each (results do not depend on it)
  SweepContext* sweep = nullptr;  // --shard / merge (experiments/sweep.hpp): the items are the (N, seed) runs
};

// Throws ArgumentError naming the setting (every N >= 2, seeds >= 1, epochs >= 1, lr > 0, ...).
void validate(const NScalingSettings& settings);

// Throws ArgumentError naming N, batch or epochs when the estimated peak memory exceeds the
// budget (common/memory_budget.hpp); `json_table`: the tables are rendered as JSON.
void require_nscaling_memory(const NScalingSettings& settings, bool json_table);

struct NScalingResult {
  // One row per (N, seed) run: N, seed, mismatch (max |Sigma_network - Sigma_theory| after E
  // epochs), loss_network, loss_theory (after E epochs), and with the control
  // linear_mismatch.
  Table runs;
  // One row per N: N, mismatch_geomean (over seeds), mismatch_min, mismatch_max,
  // fitted (c N^slope), linear_mismatch_max.
  Table by_n;
  // Every recorded epoch of every run: N, seed, epoch, loss_network, loss_theory, mismatch,
  // linear_mismatch, kurtosis_mardia and kurtosis_marginal (how far the loadings are from
  // Gaussian, statistics.hpp loading_shape), mismatch_to_largest (max |Sigma_network -
  // Sigma_network at the largest N| on the same batches, E30; NaN for the largest N itself).
  Table trajectory;
  // The same fit at every recorded epoch e >= 1: epoch, slope, slope_error, prefactor (how the
  // exponent evolves along training); slope_to_largest and its error, the fit of
  // mismatch_to_largest over the sizes below the largest (NaN with fewer than two); and
  // kurtosis_mardia_largest, the seeds' mean at the largest N.
  Table fits;
  LineFit fit;  // log(mismatch) = intercept + slope log(N) over every run, after E epochs
  Summary summary;
};

NScalingResult run_nscaling(const NScalingSettings& settings);

}  // namespace learndyn::experiments::overlaps
