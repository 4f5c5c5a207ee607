// `overlaps aba` (Figs 3, 6; with Adam, Fig 7): the A-B-A protocol on the linear filter task. The
// rank-1 network starts from theta2 (Fig 2's equivalent network) and learns A (c* = 0.2), B (c* =
// 0.4), A, B, then A with label noise (iid N(0, 0.1^2) added to the target every epoch) at twice
// the rate (proofs/overlaps_experiments.md E14). With SGD the overlap theory runs beside it on the
// same data (the exact map O16 and a simultaneous Euler step O17, the public code's step without its
// sequential in-place order); with Adam (Fig 7: lr 1e-3,
// phases A B A B A of 4000 epochs) there is no overlap theory to run, and the closure itself is
// tested.
//
// Closure test (both optimisers): at the start of every phase a probe pair is made from the
// network, a copy and a copy rotated by a random orthogonal Q (same Gram matrix, same outputs),
// each with a fresh optimiser state, and both are trained through the phase on the same data.
// Any closed overlap dynamics (a rule Sigma(t0) -> Sigma(t)) predicts the same trajectory for
// both, so max|Sigma_copy - Sigma_rotated| is a lower bound on twice the error of every such
// theory. SGD commutes with Q (rounding only); Adam's elementwise normalisation does not.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <learndyn/experiments/overlaps/networks.hpp>
#include <learndyn/experiments/table.hpp>

namespace learndyn::experiments::overlaps {

enum class AbaOptimizer { sgd, adam };

struct AbaPhase {
  std::string name;         // "A", "B", "A+noise", ... (for the tables)
  double decay;             // the task's c*
  long epochs;
  double noise_std = 0;     // label noise added to the target every epoch
  double lr_factor = 1;     // the phase's rate is lr_factor * lr
};

struct AbaSettings {
  int neurons = 500;
  double dt = 0.05;
  int steps = 400;
  double decay_a = 0.2, decay_b = 0.4;
  AbaOptimizer optimizer = AbaOptimizer::sgd;
  double lr = 5e-3;              // SGD: overlap rate (network at N lr); Adam: its step size
  AdamSettings adam{};           // betas and eps (lr is taken from `lr`)
  std::vector<AbaPhase> phases;  // aba_defaults fills the paper's
  bool start_theta2 = true;      // Fig 2's theta2 (sigma_uu = 2.048, sigma_mu = 0.8) or the random init
  double theta2_uu = 2.048, theta2_mu = 0.8;
  long record_every = 10;
  std::uint64_t seed = 0;
  unsigned threads = 0;
  // The network's initial vectors, used as they are (rank 1, N = neurons; start_theta2 is not
  // applied); none: fo::random_network, then theta2 if start_theta2.
  std::optional<fo::Network> vectors;
};

// The paper's protocols: SGD (Figs 3, 6) A 3000, B 1000, A 1000, B 1000, A+noise 4000 (noise
// 0.1, rate x2), lr 5e-3; Adam (Fig 7) A, B, A, B, A of 4000 epochs each, lr 1e-3, no noise.
AbaSettings aba_defaults(AbaOptimizer optimizer);

// Parses "A:3000,B:1000,A+noise:4000" with the settings' decays, noise_std and noise lr
// factor ("A", "B", "A+noise", "B+noise"); throws ArgumentError naming "phases".
std::vector<AbaPhase> parse_phases(const std::string& text, double decay_a, double decay_b,
                                   double noise_std, double noise_lr_factor);

void validate(const AbaSettings& settings);

// The three charge entries plotted in Fig. 3 at N = 500, (0, 496), (1, 166), (1, 214), scaled
// to N: (0, N - 4), (1, round(0.332 N)), (1, round(0.428 N)).
std::vector<std::pair<int, int>> aba_charge_entries(int neurons);

struct AbaResult {
  // Every recorded epoch: epoch, phase (0-based), loss_network, the 10 overlaps (linear order),
  // K entries (K_i_j), tr_J_sigma, det_sigma, zz_minus_mm, uu_minus_vv, closure_gap (the probe
  // pair, since the phase start); SGD also loss_exact_map, loss_euler, gap_exact_map, gap_euler
  // (theories run from epoch 0 on the same data).
  Table trajectory;
  // One row per phase: phase, decay, epochs, noise_std, lr, loss_start, loss_end,
  // closure_gap_max, theory_gap_max (SGD exact map; NaN for Adam), and the drifts over the
  // phase of K (max over all N^2 entries), tr_J_sigma, det_sigma, zz_minus_mm, uu_minus_vv.
  Table phases;
  std::vector<std::string> overlap_names;
  std::vector<bool> visible;
  Summary summary;
  fo::Network initial, final;  // the network's vectors at the start and the end
  Eigen::MatrixXd sigma0;      // the theory's start, exact_gram(initial) (O45)
};

AbaResult run_aba(const AbaSettings& settings);

// Refuses, before any work, settings whose estimated peak memory exceeds the budget
// (common/memory_budget.hpp), naming the size option of the largest term: N (the N x N charge
// K of O31, two at a time: 16 N^2 bytes, which refuses N above ~22,000; and the network, its
// probe and twin: ~220 bytes a neuron with SGD, ~440 with Adam), T (~500 bytes a step) or
// phases (the trajectory table, ~67 bytes a cell as CSV, ~100 as JSON; `json_table`).
// Measured peak RSS.
void require_aba_memory(const AbaSettings& settings, bool json_table);

}  // namespace learndyn::experiments::overlaps
