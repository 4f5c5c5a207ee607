// Tasks of the overlap-learning area (proofs/overlaps.md §1 O4, §10 O25-O29): a batch of
// trials with inputs, targets and loss weights; the linear filter tasks (rank 1 and rank 2)
// with the rank-1 closed-form loss; the flip-flop task with its mask.
//
// Reference implementation: templated on the scalar, instantiated for double, real (50
// digits) and real_hi (100 digits) in tasks.cpp (validate and task_loss also at float, for
// the float32 run of `overlaps audit`).
#pragma once

#include <cstdint>

#include <Eigen/Core>

#include <learndyn/common/eigen_scalar.hpp>
#include <learndyn/common/scalar.hpp>  // learndyn::real, the 50-digit scalar this is instantiated for

namespace learndyn::reference::overlaps {

template <class Real>
using Matrix = Eigen::Matrix<Real, Eigen::Dynamic, Eigen::Dynamic>;
template <class Real>
using Vector = Eigen::Matrix<Real, Eigen::Dynamic, 1>;

// B trials of T steps (rows = trials, columns = steps k = 0..T-1). The loss is
// L = sum_{b,k} weight(b,k) (y(b,k) - target(b,k))^2 (O4).
template <class Real>
struct Task {
  Matrix<Real> input;
  Matrix<Real> target;
  Matrix<Real> weight;
};

// Throws ArgumentError unless the three matrices have the same shape with B >= 1, T >= 1,
// finite entries and nonnegative weights.
template <class Real>
void validate(const Task<Real>& task);

// The weighted squared error (O4) of `output` (B x T) against the task.
template <class Real>
Real task_loss(const Task<Real>& task, const Matrix<Real>& output);

// t_k = k dt T/(T-1), the public code's linspace(0, T, T)*dt (O25); t_0 = 0 when T = 1.
template <class Real>
Vector<Real> filter_time_axis(const Real& dt, int steps);

// Linear filter task (O25): one trial, impulse x_0 = 1/dt, weights dt, target
// amplitude * exp(-decay t_k) * cos(frequency t_k) (frequency 0: the rank-1 task, E13:
// a* = 1, c* = 0.2; the rank-2 task has c* = 0.3, w* = 2). Requires 0 < dt <= 1, T >= 1,
// finite decay, frequency and amplitude.
template <class Real>
struct FilterTarget {
  Real decay;
  Real frequency = 0;
  Real amplitude = 1;
};
template <class Real>
Task<Real> filter_task(const FilterTarget<Real>& target, const Real& dt, int steps);

// Closed-form loss (O26, O26a) of the linear rank-1 after-update network on the rank-1
// filter task (frequency 0), from the visible overlaps; requires sigma_vu != 0.
template <class Real>
struct RankOneVisible {
  Real zm, zu, vm, vu;
};
template <class Real>
Real filter_loss_closed_form(const RankOneVisible<Real>& s, const FilterTarget<Real>& target,
                             const Real& dt, int steps);

// Its continuous-time, T -> infinity limit (O27); requires lambda = 1 - vu > 0, decay > 0.
template <class Real>
Real filter_loss_continuous(const RankOneVisible<Real>& s, const FilterTarget<Real>& target);

// The discrete zero-loss value of sigma_vu (O28): 1 - (1 - exp(-c dt'))/dt.
template <class Real>
Real filter_zero_loss_vu(const FilterTarget<Real>& target, const Real& dt, int steps);

// Flip-flop task of the public code (O29): `batch` trials of floor(t_max/dt) steps.
template <class Real>
struct FlipFlopSettings {
  Real t_max = 20;
  Real dt = Real(1) / 40;
  int batch = 10;
  Real wait_min = 4;   // s, U(wait_min, wait_max) between a delay end and the next pulse
  Real wait_max = 10;
  Real input_amplitude = 1;
  Real target_amplitude = Real(1) / 2;
  Real stimulus_duration = Real(1) / 2;  // s
  Real delay_duration = 2;               // s, masked after each pulse
  Real first_pulse = Real(1) / 2;        // s
};

// The task (weights mask / sum(mask)) and the 0/1 mask itself.
template <class Real>
struct FlipFlop {
  Task<Real> task;
  Matrix<Real> mask;
};
template <class Real>
FlipFlop<Real> flip_flop_task(const FlipFlopSettings<Real>& settings, std::uint64_t seed);

}  // namespace learndyn::reference::overlaps
