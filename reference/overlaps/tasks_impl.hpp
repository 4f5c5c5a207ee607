// The definitions of tasks.hpp's templates, included by the translation units that
// instantiate them: tasks.cpp (double, real, real_hi) and, when the enclosures are built,
// reference/overlaps/enclosures.cpp (learndyn::interval; proofs/overlaps.md §17).
#pragma once

#include <learndyn/reference/overlaps/tasks.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

#include <learndyn/common/argument_error.hpp>
#include <learndyn/common/random.hpp>
#include <learndyn/common/scalar.hpp>

namespace learndyn::reference::overlaps {
namespace {

template <class Real>
bool is_finite(const Real& x) {
  using std::abs;
  return abs(x) < std::numeric_limits<Real>::infinity();
}

template <class Real>
void validate_dt_steps(const Real& dt, int steps) {
  require(dt > 0 && dt <= 1, "dt", dt, "0 < dt <= 1");
  require(steps >= 1, "T", steps, "T >= 1");
}

// r^k by repeated squaring: exact sign for negative r, no pow() of a negative base.
template <class Real>
Real integer_power(Real r, long k) {
  Real out = 1;
  while (k > 0) {
    if (k & 1) out *= r;
    r *= r;
    k >>= 1;
  }
  return out;
}

// S(r) = sum_{k<T} r^k (O26a).
template <class Real>
Real geometric_sum(const Real& r, int steps) {
  if (r == 1) return Real(steps);
  return (1 - integer_power(r, steps)) / (1 - r);
}

// Whole number of steps in `duration` (O29): floor(duration/dt), guarded so that a duration
// meant as an exact multiple of dt (0.5 / 0.025) is not lost to binary rounding of dt.
template <class Real>
long duration_steps(const Real& duration, const Real& dt) {
  return static_cast<long>(std::floor(static_cast<double>(duration / dt) + 1e-9));
}

}  // namespace

template <class Real>
void validate(const Task<Real>& task) {
  const auto rows = task.input.rows(), cols = task.input.cols();
  require(rows >= 1, "task.batch", static_cast<long>(rows), "at least one trial");
  require(cols >= 1, "T", static_cast<long>(cols), "T >= 1");
  require(task.target.rows() == rows && task.target.cols() == cols, "task.target",
          static_cast<long>(task.target.size()), "the shape of task.input (B x T)");
  require(task.weight.rows() == rows && task.weight.cols() == cols, "task.weight",
          static_cast<long>(task.weight.size()), "the shape of task.input (B x T)");
  for (Eigen::Index b = 0; b < rows; ++b)
    for (Eigen::Index k = 0; k < cols; ++k) {
      require(is_finite(task.input(b, k)), "task.input", task.input(b, k), "finite");
      require(is_finite(task.target(b, k)), "task.target", task.target(b, k), "finite");
      require(task.weight(b, k) >= 0 && is_finite(task.weight(b, k)), "task.weight",
              task.weight(b, k), "finite and >= 0");
    }
}

template <class Real>
Real task_loss(const Task<Real>& task, const Matrix<Real>& output) {
  Real loss = 0;
  for (Eigen::Index b = 0; b < output.rows(); ++b)
    for (Eigen::Index k = 0; k < output.cols(); ++k) {
      const Real e = output(b, k) - task.target(b, k);
      loss += task.weight(b, k) * e * e;  // (O4)
    }
  return loss;
}

template <class Real>
Vector<Real> filter_time_axis(const Real& dt, int steps) {
  validate_dt_steps(dt, steps);
  Vector<Real> t(steps);
  for (int k = 0; k < steps; ++k) t(k) = steps == 1 ? Real(0) : dt * k * steps / (steps - 1);  // (O25)
  return t;
}

template <class Real>
Task<Real> filter_task(const FilterTarget<Real>& target, const Real& dt, int steps) {
  validate_dt_steps(dt, steps);
  require(is_finite(target.decay), "decay", target.decay, "finite");
  require(is_finite(target.frequency), "frequency", target.frequency, "finite");
  require(is_finite(target.amplitude), "amplitude", target.amplitude, "finite");
  using std::cos;
  using std::exp;
  const Vector<Real> t = filter_time_axis(dt, steps);
  Task<Real> task{Matrix<Real>::Zero(1, steps), Matrix<Real>(1, steps),
                  Matrix<Real>::Constant(1, steps, dt)};
  task.input(0, 0) = 1 / dt;  // the impulse: kappa_m(1) = 1
  for (int k = 0; k < steps; ++k)
    task.target(0, k) = target.amplitude * exp(-target.decay * t(k)) *
                        (target.frequency == 0 ? Real(1) : cos(target.frequency * t(k)));
  return task;
}

template <class Real>
Real filter_loss_closed_form(const RankOneVisible<Real>& s, const FilterTarget<Real>& target,
                             const Real& dt, int steps) {
  validate_dt_steps(dt, steps);
  require(s.vu != 0, "sigma_vu", s.vu, "nonzero (the closed form divides by it)");
  require(target.frequency == 0, "frequency", target.frequency, "0 (rank-1 target)");
  using std::exp;
  const Vector<Real> t = filter_time_axis(dt, steps);
  const Real rho = 1 - dt;               // input mode kappa_m
  const Real mu = 1 - dt * (1 - s.vu);   // recurrent mode
  const Real q = steps == 1 ? Real(1) : exp(-target.decay * t(1));  // e^{-c dt'}
  const Real a2 = s.zu * s.vm / s.vu;    // (O26)
  const Real a1 = s.zm - a2;
  const Real a = target.amplitude;
  return dt * (a1 * a1 * geometric_sum(Real(rho * rho), steps) +
               a2 * a2 * geometric_sum(Real(mu * mu), steps) +
               a * a * geometric_sum(Real(q * q), steps) +
               2 * a1 * a2 * geometric_sum(Real(rho * mu), steps) -
               2 * a * a1 * geometric_sum(Real(rho * q), steps) -
               2 * a * a2 * geometric_sum(Real(mu * q), steps));  // (O26a)
}

template <class Real>
Real filter_loss_continuous(const RankOneVisible<Real>& s, const FilterTarget<Real>& target) {
  const Real lambda = 1 - s.vu;
  require(lambda > 0, "sigma_vu", s.vu, "sigma_vu < 1 (a decaying recurrent mode)");
  require(target.decay > 0, "decay", target.decay, "decay > 0");
  require(s.vu != 0, "sigma_vu", s.vu, "nonzero");
  const Real a2 = s.zu * s.vm / s.vu, a1 = s.zm - a2, a = target.amplitude, c = target.decay;
  return a1 * a1 / 2 + a2 * a2 / (2 * lambda) + a * a / (2 * c) + 2 * a1 * a2 / (1 + lambda) -
         2 * a * a1 / (1 + c) - 2 * a * a2 / (lambda + c);  // (O27)
}

template <class Real>
Real filter_zero_loss_vu(const FilterTarget<Real>& target, const Real& dt, int steps) {
  validate_dt_steps(dt, steps);
  require(steps >= 2, "T", steps, "T >= 2");
  using std::exp;
  const Real q = exp(-target.decay * filter_time_axis(dt, steps)(1));
  return 1 - (1 - q) / dt;  // (O28)
}

template <class Real>
FlipFlop<Real> flip_flop_task(const FlipFlopSettings<Real>& s, std::uint64_t seed) {
  require(s.dt > 0 && s.dt <= 1, "dt", s.dt, "0 < dt <= 1");
  require(s.batch >= 1, "batch", s.batch, "batch >= 1");
  require(s.wait_min > 0 && s.wait_max >= s.wait_min, "wait range", s.wait_min,
          "0 < wait_min <= wait_max");
  require(s.stimulus_duration >= s.dt, "stimulus_duration", s.stimulus_duration,
          "at least one step (>= dt)");
  require(s.delay_duration >= 0, "delay_duration", s.delay_duration, ">= 0");
  require(s.first_pulse >= 0, "first_pulse", s.first_pulse, ">= 0");
  const long steps = duration_steps(s.t_max, s.dt);
  require(steps >= 1, "t_max", s.t_max, "t_max >= dt (at least one step)");
  require(steps <= 100000000, "t_max", s.t_max, "t_max / dt <= 1e8");
  const long stim = duration_steps(s.stimulus_duration, s.dt);
  const long delay = duration_steps(s.delay_duration, s.dt);
  const long first = duration_steps(s.first_pulse, s.dt);
  const double wait_lo = static_cast<double>(s.wait_min), wait_hi = static_cast<double>(s.wait_max);

  FlipFlop<Real> out;
  out.task.input = Matrix<Real>::Zero(s.batch, steps);
  out.task.target = Matrix<Real>::Zero(s.batch, steps);
  out.mask = Matrix<Real>::Zero(s.batch, steps);
  Rng rng(seed);
  for (int b = 0; b < s.batch; ++b) {
    long delay_end = 0;
    bool had_pulse = false;
    for (;;) {
      const long wait = had_pulse ? duration_steps(Real(wait_lo + (wait_hi - wait_lo) * rng.uniform()), s.dt)
                                  : first;
      const long start = delay_end + wait;
      if (start >= steps) break;
      if (had_pulse)
        for (long k = delay_end; k < start; ++k) out.mask(b, k) = 1;  // between pulses
      const long end = std::min(start + stim, steps);
      const long masked_end = std::min(end + delay, steps);
      const Real sign = rng.uniform() < 0.5 ? Real(-1) : Real(1);
      for (long k = start; k < end; ++k) out.task.input(b, k) = sign * s.input_amplitude;
      for (long k = start; k < steps; ++k) out.task.target(b, k) = sign * s.target_amplitude;
      for (long k = std::max(0L, start - 1); k < masked_end; ++k) out.mask(b, k) = 0;
      had_pulse = true;
      delay_end = masked_end;
    }
    if (had_pulse)
      for (long k = delay_end; k < steps; ++k) out.mask(b, k) = 1;
  }
  const Real total = out.mask.sum();
  out.task.weight = total > 0 ? Matrix<Real>(out.mask / total) : Matrix<Real>(out.mask);  // (O29)
  return out;
}

}  // namespace learndyn::reference::overlaps
