// `overlaps equivalent` (Fig 2): two functionally equivalent linear networks. theta2 is built from
// theta1 by replacing u so that sigma_uu = 2.048 and sigma_mu = 0.8 (|u| = 32, m.u = 400 at N =
// 500; proofs/overlaps_experiments.md E15) while z.m, z.u, v.m, v.u, and z, v, m themselves, are
// unchanged (networks.hpp, equivalent_network). The visible overlaps agree, so the networks compute
// the same function: the same impulse response, and the same output under white-noise input with
// noise injected into the state (z and v, the only vectors that read the state, are shared). The
// invisible overlaps differ, and with them the metric of learning: after training both with SGD at
// rate N lr on the filter task, the outputs and the loss curves differ.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <learndyn/experiments/table.hpp>
#include <learndyn/fast/overlaps/network.hpp>

namespace learndyn::experiments::overlaps {

struct EquivalentSettings {
  int neurons = 500;
  double dt = 0.05;
  int steps = 400;
  double decay = 0.2;
  double lr = 5e-3;               // network SGD at N lr
  long epochs = 300;              // Fig 2 compares the outputs after 300 epochs
  long record_every = 1;
  double theta2_uu = 2.048;       // |u'|^2 / N
  double theta2_mu = 0.8;         // m.u' / N
  double input_std = 1.0;         // white-noise input of the perturbation check
  double state_noise_std = 0.5;   // N(0, s^2) added to every neuron's state every step (Fig 2)
  std::uint64_t seed = 0;
  unsigned threads = 0;
  // theta1's vectors (rank 1, N = neurons); none: fo::random_network.
  std::optional<fast::overlaps::Network> vectors;
};

void validate(const EquivalentSettings& settings);

// Throws ArgumentError naming N, T or epochs when the estimated peak memory exceeds the budget
// (common/memory_budget.hpp); `json_table`: the trajectory is rendered as JSON.
void require_equivalent_memory(const EquivalentSettings& settings, bool json_table);

struct EquivalentResult {
  // Every recorded epoch: epoch, loss_1, loss_2 (networks), theory_loss_1, theory_loss_2 (exact
  // map from each start), gap_1, gap_2 (max |Sigma_network - Sigma_theory|), output_gap
  // (max_k |y1_k - y2_k| of the impulse response).
  Table trajectory;
  // One row per state: state (0: theta1 start, 1: theta2 start, 2: theta1 end, 3: theta2 end),
  // then the 10 overlaps (linear order).
  Table overlaps;
  // One row per time step: k, t, target, y1_start, y2_start, y1_end, y2_end (impulse
  // responses), x, y1_noisy, y2_noisy (white-noise input and state noise, at the start).
  Table outputs;
  // Fig 2c (E31): one row per time step of the same white-noise input x, without state noise:
  // k, t, x, then the hidden activity h_i of four neurons of each network at the start (the
  // public code shows neurons 10-13; 0-3 when N < 14): h1_<i>, h2_<i>, and the outputs y1, y2.
  Table hidden;
  std::vector<int> hidden_neurons;
  std::vector<std::string> overlap_names;
  std::vector<bool> visible;
  Summary summary;
  // theta1 and theta2 at the start and the end.
  fast::overlaps::Network theta1_initial, theta2_initial, theta1_final, theta2_final;
};

EquivalentResult run_equivalent(const EquivalentSettings& settings);

}  // namespace learndyn::experiments::overlaps
