// Fast path of the overlap-ODE area (Ger & Barak 2026; proofs/overlaps.md §1-§4,
// proofs/overlaps_fast.md): the model settings and the training data shared by the full
// network (network.hpp) and its overlap theory (overlap_ode.hpp). Double precision, its own
// types (an independent implementation of reference/overlaps).
#pragma once

#include <Eigen/Core>

namespace learndyn::fast::overlaps {

// phi = identity, or phi(x) = erf(sqrt(pi) x / 2) (phi'(0) = 1, closed-form gain).
enum class Activation { linear, erf };

// y_k = z.h_{k+1}/N (after the update: the linear runs) or y_k = z.phi(h_k)/N (before it:
// the nonlinear runs).
enum class Readout { after_update, before_update };

// Rank R >= 1, Euler step 0 < dt <= 1 (tau = 1): h_{k+1} = h_k + dt(-h_k + W phi(h_k) + m x_k),
// W = sum_r u_r v_r^T / N, h_0 = 0.
struct Model {
  int rank = 1;
  double dt = 0.05;
  Activation activation = Activation::linear;
  Readout readout = Readout::after_update;
};

// The public code's two conventions (proofs/overlaps.md O2).
inline Model linear_model(int rank, double dt) {
  return {rank, dt, Activation::linear, Readout::after_update};
}
inline Model erf_model(int rank, double dt) {
  return {rank, dt, Activation::erf, Readout::before_update};
}

// B trials of T steps (rows = trials b, columns = steps k). The loss of one epoch is
// L = sum_{b,k} weight(b,k) (y(b,k) - target(b,k))^2; a batch mean is a weight 1/B.
struct Task {
  Eigen::MatrixXd input;
  Eigen::MatrixXd target;
  Eigen::MatrixXd weight;
};

// Throw ArgumentError unless rank >= 1 and 0 < dt <= 1; unless the task's three matrices
// have one shape with B, T >= 1, finite entries and nonnegative weights.
void validate(const Model& model);
void validate(const Task& task);

// The rank-1 linear filter task (proofs/overlaps.md O25): one trial, impulse x_0 = 1/dt, weights
// dt, target amplitude exp(-decay t_k), t_k = k dt T/(T-1) (t_0 = 0 when T = 1).
Task filter_task(double dt, int steps, double decay = 0.2, double amplitude = 1.0);

}  // namespace learndyn::fast::overlaps
