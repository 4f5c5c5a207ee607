#include <learndyn/fast/overlaps/model.hpp>

#include <cmath>
#include <string>

#include <learndyn/common/argument_error.hpp>

namespace learndyn::fast::overlaps {

void validate(const Model& model) {
  require(model.rank >= 1, "rank", model.rank, "rank >= 1");
  require(model.dt > 0 && model.dt <= 1, "dt", model.dt, "0 < dt <= 1");
}

void validate(const Task& task) {
  const auto b = task.input.rows(), t = task.input.cols();
  require(b >= 1 && t >= 1, "task", std::to_string(b) + " x " + std::to_string(t),
          "at least one trial of at least one step");
  require(task.target.rows() == b && task.target.cols() == t, "task.target",
          std::to_string(task.target.rows()) + " x " + std::to_string(task.target.cols()),
          "the shape of task.input (" + std::to_string(b) + " x " + std::to_string(t) + ")");
  require(task.weight.rows() == b && task.weight.cols() == t, "task.weight",
          std::to_string(task.weight.rows()) + " x " + std::to_string(task.weight.cols()),
          "the shape of task.input (" + std::to_string(b) + " x " + std::to_string(t) + ")");
  require(task.input.allFinite(), "task.input", "a non-finite entry", "finite entries");
  require(task.target.allFinite(), "task.target", "a non-finite entry", "finite entries");
  require(task.weight.allFinite() && (task.weight.array() >= 0).all(), "task.weight",
          "a negative or non-finite entry", "finite entries >= 0");
}

Task filter_task(double dt, int steps, double decay, double amplitude) {
  require(dt > 0 && dt <= 1, "dt", dt, "0 < dt <= 1");
  require(steps >= 1, "steps", steps, "steps >= 1");
  require(std::isfinite(decay), "decay", decay, "finite");
  require(std::isfinite(amplitude), "amplitude", amplitude, "finite");
  Task task{Eigen::MatrixXd::Zero(1, steps), Eigen::MatrixXd(1, steps),
            Eigen::MatrixXd::Constant(1, steps, dt)};
  task.input(0, 0) = 1 / dt;  // the impulse: kappa_m = 1 after the first step
  for (int k = 0; k < steps; ++k) {
    const double t = steps == 1 ? 0.0 : dt * k * steps / (steps - 1);  // linspace(0, T, T) dt
    task.target(0, k) = amplitude * std::exp(-decay * t);
  }
  return task;
}

}  // namespace learndyn::fast::overlaps
