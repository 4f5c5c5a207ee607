#include <learndyn/experiments/overlaps/tasks.hpp>

#include <algorithm>
#include <cmath>

#include <learndyn/common/argument_error.hpp>
#include <learndyn/fast/overlaps/overlap_ode.hpp>

namespace learndyn::experiments::overlaps {
namespace ro = learndyn::reference::overlaps;

long duration_steps(double duration, double dt) {
  return static_cast<long>(std::floor(duration / dt + 1e-9));
}

fo::Task filter_task(double decay, double frequency, double amplitude, double dt, int steps) {
  // The impulse 1/dt and the target amplitude e^{-decay t} cos(...) up to t_max = dt T must be
  // finite doubles; the task's own check would name its internal input/target, not the option.
  require(std::isnormal(dt), "dt", dt, "0 < dt <= 1 with 1/dt finite");
  const double growth = -decay * dt * steps;  // log of the largest e^{-decay t}
  require(growth < 340, "decay", decay, "decay > -340 / (dt T): e^{-2 decay t} finite up to t = dt T");
  // The loss sums the squared target over T steps: amplitude 1e308 is a finite target whose
  // loss overflows, and the diverging overlaps would then blame the rate.
  const double peak = std::fabs(amplitude) * std::exp(std::max(0.0, growth));
  require(peak * peak * static_cast<double>(steps) < 1e300, "amplitude", amplitude,
          "amplitude^2 e^{-2 decay t} T < 1e300 up to t = dt T (the target's squared sum finite)");
  return to_fast(ro::filter_task<double>(ro::FilterTarget<double>{decay, frequency, amplitude}, dt, steps));
}

namespace {

// Tasks are filled trial by trial (rows), so they are built row-major and converted once.
using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

}  // namespace

fo::Task flip_flop(const FlipFlopSettings& s, Rng& rng, Eigen::MatrixXd* mask_out) {
  require(s.dt > 0 && s.dt <= 1, "dt", s.dt, "0 < dt <= 1");
  require(s.batch >= 1, "batch", s.batch, "batch >= 1");
  require(s.wait_min > 0 && s.wait_max >= s.wait_min, "wait range", s.wait_min,
          "0 < wait_min <= wait_max");
  require(s.stimulus_duration >= s.dt, "stimulus_duration", s.stimulus_duration, ">= dt");
  const long steps = duration_steps(s.t_max, s.dt);
  require(steps >= 1 && steps <= 100000000, "t_max", s.t_max, "dt <= t_max <= 1e8 dt");
  const long stim = duration_steps(s.stimulus_duration, s.dt);
  const long delay = duration_steps(s.delay_duration, s.dt);
  const long first = duration_steps(s.first_pulse, s.dt);
  RowMatrix input = RowMatrix::Zero(s.batch, steps), target = RowMatrix::Zero(s.batch, steps),
            mask = RowMatrix::Zero(s.batch, steps);
  for (int b = 0; b < s.batch; ++b) {
    double* x = input.row(b).data();
    double* y = target.row(b).data();
    double* w = mask.row(b).data();
    long delay_end = 0;
    bool had_pulse = false;
    for (;;) {
      // The same draws in the same order as the reference (O29): the wait, then the sign.
      const long wait = had_pulse
          ? duration_steps(s.wait_min + (s.wait_max - s.wait_min) * rng.uniform(), s.dt)
          : first;
      const long start = delay_end + wait;
      if (start >= steps) break;
      if (had_pulse) std::fill(w + delay_end, w + start, 1.0);
      const long end = std::min(start + stim, steps);
      const long masked_end = std::min(end + delay, steps);
      const double sign = rng.uniform() < 0.5 ? -1.0 : 1.0;
      std::fill(x + start, x + end, sign * s.input_amplitude);
      std::fill(y + start, y + steps, sign * s.target_amplitude);
      std::fill(w + std::max(0L, start - 1), w + masked_end, 0.0);
      had_pulse = true;
      delay_end = masked_end;
    }
    if (had_pulse) std::fill(w + delay_end, w + steps, 1.0);
  }
  if (mask_out) *mask_out = mask;
  const double total = mask.sum();
  if (total > 0) mask /= total;
  return fo::Task{input, target, mask};
}

fo::Task decision_making(const DecisionSettings& s, NormalStream& normals) {
  require(s.dt > 0 && s.dt <= 1, "dt", s.dt, "0 < dt <= 1");
  require(s.batch >= 1, "batch", s.batch, "batch >= 1");
  require(!s.coherences.empty(), "coherences", "(none)", "at least one coherence");
  require(s.coherence_max > 0, "coherence_max", s.coherence_max, "> 0");
  const long steps = duration_steps(s.t_max, s.dt);
  require(steps >= 1 && steps <= 100000000, "t_max", s.t_max, "dt <= t_max <= 1e8 dt");
  const long fix = std::min(steps, duration_steps(s.fixation, s.dt));
  const long stim_end = std::min(steps, fix + duration_steps(s.stimulus, s.dt));
  const long response_begin = std::min(steps, fix + duration_steps(s.stimulus, s.dt) +
                                                  duration_steps(s.delay, s.dt));
  const long response_end = std::min(steps, response_begin + duration_steps(s.response, s.dt));
  RowMatrix input(s.batch, steps), target = RowMatrix::Zero(s.batch, steps), weight = RowMatrix::Zero(s.batch, steps);
  for (int b = 0; b < s.batch; ++b) {
    const auto pick = static_cast<std::size_t>(normals.rng().uniform() * s.coherences.size());
    const double coherence = s.coherences[std::min(pick, s.coherences.size() - 1)];
    double* x = input.row(b).data();
    for (long k = 0; k < steps; ++k) x[k] = s.noise_std * normals.next();
    for (long k = fix; k < stim_end; ++k) x[k] += coherence * s.scale / 100;
    std::fill(target.row(b).data() + response_begin, target.row(b).data() + response_end,
              s.amplitude * coherence / s.coherence_max);
    std::fill(weight.row(b).data() + response_begin, weight.row(b).data() + response_end, 1.0);
  }
  const double total = weight.sum();
  if (total > 0) weight /= total;
  return fo::Task{input, target, weight};
}

fo::Task teacher_task(const TeacherSettings& s, NormalStream& normals) {
  fo::Task task = flip_flop(s.pulses, normals.rng());
  RowMatrix input = s.pulse_scale * task.input;
  for (Eigen::Index b = 0; b < input.rows(); ++b) {
    double* x = input.row(b).data();
    for (Eigen::Index k = 0; k < input.cols(); ++k) x[k] += s.noise_scale * normals.next();
  }
  task.input = input;
  task.weight.setConstant(s.pulses.dt / static_cast<double>(task.input.rows()));
  task.target.setZero();
  task.target = fo::OverlapSolver(fo::erf_model(1, s.pulses.dt), task).outputs(s.sigma);
  return task;
}

Eigen::MatrixXd paper_teacher_sigma() {
  // Canonical order z, v, m, u (O5).
  Eigen::MatrixXd sigma(4, 4);
  const double zm = 0.5, zu = 2.3, vm = 2.0, vu = 1.5, mu = 1.6, mm = 1.8, uu = 2.2;
  sigma << 1, 0, zm, zu,
           0, 1, vm, vu,
           zm, vm, mm, mu,
           zu, vu, mu, uu;
  return sigma;
}

}  // namespace learndyn::experiments::overlaps
