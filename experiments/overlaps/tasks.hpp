// The training data of the experiments as fast-path tasks (proofs/overlaps.md §10,
// overlaps_experiments.md §5): the rank-1 and rank-2 filter tasks (O25), the flip-flop task drawn
// from a running random stream (O29: one fresh batch per epoch, as the public code draws them), the
// perceptual decision-making task and the teacher task of the A/B -> C protocol.
#pragma once

#include <cstdint>
#include <vector>

#include <Eigen/Core>

#include <learndyn/common/random.hpp>
#include <learndyn/experiments/overlaps/support.hpp>
#include <learndyn/fast/overlaps/model.hpp>
#include <learndyn/reference/overlaps/tasks.hpp>

namespace learndyn::experiments::overlaps {

// The filter task: impulse x_0 = 1/dt, weights dt, target amplitude exp(-decay t_k)
// cos(frequency t_k) on the public code's time axis (O25); frequency 0 is the rank-1 task
// (Figs 1, 5: c* = 0.2), decay 0.3 and frequency 2 the rank-2 task (Fig 12).
fo::Task filter_task(double decay, double frequency, double amplitude, double dt, int steps);

// The flip-flop settings (O29) are the reference's. This generator draws the same batch as
// reference::overlaps::flip_flop_task(settings, seed) when `rng` is Rng(seed) (tested), but
// from a caller's running stream (one batch per epoch) and without the reference's generic
// scalar cost. `mask` (optional) receives the 0/1 mask.
using FlipFlopSettings = reference::overlaps::FlipFlopSettings<double>;
fo::Task flip_flop(const FlipFlopSettings& settings, Rng& rng, Eigen::MatrixXd* mask = nullptr);

// Perceptual decision making (the public code's `decision_making`, Figs 4d, 9, 10;
// proofs/overlaps_experiments.md E18): each trial draws a coherence c from `coherences`; the
// input is noise_std N(0,1) at every step plus c scale/100 during the stimulus; the target is
// amplitude c / coherence_max on the response window, where the mask is 1 (weights
// mask / sum(mask), the masked mean).
struct DecisionSettings {
  double t_max = 20;
  double dt = 0.05;
  int batch = 128;
  std::vector<double> coherences{-16, -8, -2, 2, 8, 16};
  double noise_std = 0.05;
  double scale = 3.2;
  double amplitude = 1;
  double coherence_max = 16;
  double fixation = 1, stimulus = 9, delay = 1, response = 9;  // s
};
fo::Task decision_making(const DecisionSettings& settings, NormalStream& normals);

// The teacher task of phase C: inputs noise N(0,1) * noise_scale + pulse_scale * (a flip-flop
// input with `pulses`' settings), targets the outputs of the erf overlap model with the
// teacher's Sigma (O11, mean field), loss weights dt/B (the code's mean(.) T dt).
struct TeacherSettings {
  Eigen::MatrixXd sigma;      // 4 x 4 canonical order (only V and Sigma_BB are read)
  FlipFlopSettings pulses;    // t_max, dt, batch and the pulse statistics
  double noise_scale = 1.5;
  double pulse_scale = 2;
};
fo::Task teacher_task(const TeacherSettings& settings, NormalStream& normals);

// The teacher of E18 (zm, zu, vm, vu, mu, mm, uu) = (0.5, 2.3, 2.0, 1.5, 1.6, 1.8, 2.2);
// its invisible overlaps (zv, vv, zz), which no output depends on, are set to (0, 1, 1).
Eigen::MatrixXd paper_teacher_sigma();

// Steps of a duration: floor(duration/dt + 1e-9), as the reference counts them (O29).
long duration_steps(double duration, double dt);

}  // namespace learndyn::experiments::overlaps
