// `overlaps memory` (Figs 4d, 9, 10; proofs/overlaps_experiments.md E18-E19): the A/B -> C protocol
// in the 10-D nonlinear (erf, readout before the update) overlap theory only. Each of `pairs` twin
// pairs starts from one random Sigma; twin A learns the flip-flop task (waits U(1, 2) s, input 2,
// target 1), twin B perceptual decision making (coherences +-2, +-8, +-16), at lr 0.01 divided by 5
// once the loss falls below 0.015; then both learn task C, matching an erf teacher (E18's overlaps)
// driven by white noise plus flip-flop pulses, at lr 1e-3. The visible overlaps (V and Sigma_BB)
// converge to the teacher's solution; the invisible ones (Sigma_AA: zv, vv, zz) keep the history. A
// logistic regression decodes A vs B history from the visible or the invisible overlaps at the
// start, after A/B and after C.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <learndyn/experiments/table.hpp>
#include <learndyn/experiments/overlaps/tasks.hpp>
#include <learndyn/fast/overlaps/overlap_ode.hpp>

namespace learndyn::experiments::overlaps {

struct MemorySettings {
  int pairs = 10;
  double dt = 0.05;
  double t_max = 20;
  int batch = 128;
  long epochs_ab = 30000;        // per phase, as the public code
  long epochs_c = 30000;
  double lr_ab = 0.01, lr_drop = 5, drop_below = 0.015;
  double lr_c = 1e-3;
  // The exact map (O16) keeps Sigma positive semidefinite (a Gram matrix) at every step. The
  // Euler update (simultaneous here, O38; the public code's is sequential) can leave the cone: at the defaults it
  // drove sigma_uu of one twin below 0 in phase C (pair 9, epoch 13462, after the loss rose from
  // 0.03 to 10 within 1000 epochs), where the gain's Delta turns negative and Sigma non-finite.
  fo::Stepper stepper = fo::Stepper::exact_map;
  // Initial overlaps: off-diagonal |N(0, init_offdiagonal_sd^2)|, norms U(init_norm_min, max),
  // redrawn until Sigma is positive definite (realisable by a network; the public code does not
  // redraw, and a Sigma_BB that is not PSD makes the gain's Delta negative).
  double init_offdiagonal_sd = 0.4, init_norm_min = 0.5, init_norm_max = 2.0;
  FlipFlopSettings task_a;       // set by memory_defaults
  DecisionSettings task_b;
  TeacherSettings task_c;
  // Decoding: `splits` random splits, train_pairs pairs for training and test_pairs for testing,
  // N(0, feature_noise^2) added to the training features, C of the L2 penalty.
  int splits = 50, train_pairs = 8, test_pairs = 2;
  double feature_noise = 0.3, penalty_c = 1.0;
  long record_every = 100;
  std::uint64_t seed = 0;
  unsigned threads = 0;
};

// The paper's settings (proofs/overlaps_experiments.md E18): 10 pairs, dt 0.05, t_max 20, batch
// 128, 30,000 epochs per phase, the tasks and teacher above.
MemorySettings memory_defaults();

// Throws ArgumentError naming the setting.
void validate(const MemorySettings& settings);

struct MemoryResult {
  // Every record_every-th epoch (and C's first and last) of every twin: pair, twin (0: A history, 1: B history), epoch (0 ..
  // epochs_ab + epochs_c), phase (0: A/B, 1: C), loss, lr, then the 10 overlaps (nonlinear
  // order: visible first).
  Table trajectory;
  // One row per pair: pair, visible_distance_ab, invisible_distance_ab, visible_distance_c,
  // invisible_distance_c (max |twin A - twin B| over the group's overlaps after A/B and after
  // C), loss_a_end, loss_b_end, loss_c_twin_a, loss_c_twin_b, drop_epoch_a, drop_epoch_b (the
  // epoch of the lr drop; -1 if never).
  Table pairs;
  // One row per (time, features, split): time (0: start, 1: after A/B, 2: after C), features
  // (0: visible, 1: invisible), split (0: pairs kept together, the public code's choice at
  // time 0; 1: stratified random split of the samples, its choice at times 1, 2),
  // accuracy_mean, accuracy_std (over the splits), paper (1 for the public code's choice).
  Table decoding;
  std::vector<std::string> overlap_names;  // nonlinear order
  std::vector<bool> visible;
  Summary summary;
};

// Throws ArgumentError naming record-every (or epochs-ab) or batch when the estimated peak
// memory exceeds the budget (common/memory_budget.hpp); `json_table`: rendered as JSON.
void require_memory_run_memory(const MemorySettings& settings, bool json_table);

MemoryResult run_memory(const MemorySettings& settings);

// The decoding protocol on given samples (rows of A and B are the twins of each pair):
// mean and standard deviation of the test accuracy over `splits` splits.
struct Decoding {
  double mean = 0, std = 0;
};
Decoding decode_history(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b, bool keep_pairs,
                        const MemorySettings& settings, std::uint64_t seed);

}  // namespace learndyn::experiments::overlaps
