// `overlaps flipflop` (Figs 4a-c and 8; proofs/overlaps.md O56-O62, overlaps_experiments.md
// E37-E45): the rank-1 erf network (readout before the update) trained on the flip-flop task
// (O29) from the balanced initialisation (E17), with SGD at rate N lr (the paper's "GF"; "GD" is
// the same at lr 0.5) or Adam at step lr. Beside an SGD run, on the same batch every epoch and
// from the network's own initial Gram matrix (O45), two overlap theories: the 10-D erf theory
// (the exact map O16, or Euler/RK4 on the flow O17) and the direct baseline in sigma space (O22,
// Gbar = I). After training: one long test trial through the network and through the effective
// 2-D RNN (O57) at the theory's and at the network's own Gram matrix; the trained loadings with
// their histograms against the closure's N(0, sigma_aa) (O60) and their Q-Q correlations against
// the Gaussian null (O59).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <learndyn/experiments/table.hpp>
#include <learndyn/experiments/overlaps/tasks.hpp>
#include <learndyn/fast/overlaps/overlap_ode.hpp>

namespace learndyn::experiments::overlaps {

enum class FlipFlopOptimizer { sgd, adam };
enum class FlipFlopInit { balanced, random };

struct FlipFlopRunSettings {
  int neurons = 600;               // Figs 4, 8 (the notebook demo: 1000)
  long epochs = 2000;
  long record_every = 10;
  FlipFlopOptimizer optimizer = FlipFlopOptimizer::sgd;
  double lr = 5e-2;                // SGD: the overlap rate (network at N lr; Fig 8's GD: 0.5); Adam: its step (Fig 8: 5e-3)
  FlipFlopSettings task{};         // dt 0.025, t_max 20, batch 10, waits U(4, 10), amplitudes 1 and 0.5
  FlipFlopInit init = FlipFlopInit::balanced;
  fo::Stepper stepper = fo::Stepper::exact_map;  // the theory's step: the exact map is SGD's own discrete step (O16)
  bool theory = true;              // the theories beside an SGD run (never beside Adam: O61)
  double trace_t_max = 80;         // s: the test trial (Fig 4a: 4 t_max; Fig 8: 3 t_max)
  int bins = 30;                   // histogram bins (Fig 4c)
  int null_samples = 1000;         // Monte Carlo draws of the Q-Q null (O59)
  std::uint64_t seed = 0;
  unsigned threads = 0;            // the network's sweeps (results do not depend on it)
};

// Throws ArgumentError naming the setting (N >= 8, epochs >= 0, lr > 0, bins 2..1000, ...).
void validate(const FlipFlopRunSettings& settings);

// Throws ArgumentError naming N, batch, trace-t-max or epochs when the estimated peak memory
// exceeds the budget (common/memory_budget.hpp).
void require_flipflop_memory(const FlipFlopRunSettings& settings);

struct FlipFlopResult {
  std::vector<std::string> overlap_names;  // the nonlinear order (O6)
  std::vector<bool> visible;               // (O12)
  // Recorded epochs: epoch, loss_network, loss_theory, loss_direct (each on that epoch's batch,
  // before its update; the last row: the final vectors on a last batch), gap_theory and
  // gap_direct (max |Sigma_network - Sigma_theory|), gap_theory_visible, gap_theory_invisible,
  // the network's overlaps by name, theory_<name>, direct_<name>. Theory columns NaN without it.
  Table trajectory;
  // The test trial after training: t, input, target, mask, y_network, y_effective_network (O57 at
  // the network's Gram matrix), y_effective_theory (at the theory's), y_effective_direct.
  Table traces;
  // The trained vectors: unit, m, u, v, z.
  Table loadings;
  // Histogram densities (O60): x (bin centre), m, u, v, z, and normal_m .. normal_z, the density
  // of N(0, sigma_aa) at x.
  Table histogram;
  // Q-Q plot (O59): rank i, quantile q_i, and each vector's i-th smallest entry over sqrt(sigma_aa).
  Table qq;
  Summary summary;
};

FlipFlopResult run_flipflop(const FlipFlopRunSettings& settings);

// (O59) Filliben's normal quantiles q_1..q_n (n >= 2) and the Q-Q correlation of a sample.
std::vector<double> normal_order_quantiles(int n);
double qq_correlation(std::vector<double> sample);

// The `level` quantile of the Q-Q correlation of `draws` standard normal samples of size n
// (Monte Carlo, deterministic for a seed).
double qq_null_quantile(int n, int draws, double level, std::uint64_t seed);

}  // namespace learndyn::experiments::overlaps
