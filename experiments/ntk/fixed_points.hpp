// Non-trivial fixed points added to a random leaky tanh RNN (paper Fig. 8 and Fig. 4's network 2;
// proofs/ntk_experiments.md X13-X16): W <- W (I - Pi) + D S^+ makes every target d_j (and -d_j)
// a fixed point of h -> (1 - a) h + a W tanh(h) under zero input, and the dynamics of the
// resulting network from random initial conditions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <learndyn/experiments/ntk/gradient.hpp>
#include <learndyn/experiments/table.hpp>

namespace learndyn::experiments::ntk {

// simultaneous: every point exactly fixed (X13); sequential: the authors' rank-one steps in
// turn, only the last point exactly fixed (X14).
enum class FixedPointRule { simultaneous, sequential };
const char* fixed_point_rule_name(FixedPointRule rule);
FixedPointRule parse_fixed_point_rule(const std::string& name);  // ArgumentError naming "rule"

// k targets d_j ~ N(0, I_n), row j = d_j (k x n row-major), drawn from `seed`.
std::vector<double> fixed_point_targets(int hidden, int count, std::uint64_t seed);

// (X13/X14) Rewrites the recurrent weights (weight_hh) of an rnn_rate model so that each row of
// `points` is a fixed point under zero input and zero biases. ArgumentError for another model
// kind, a size mismatch, more points than units, or targets whose tanh's are linearly dependent.
void add_fixed_points(fn::Model& model, const std::vector<double>& points, FixedPointRule rule);

// (X15) ||f(d) - d||_inf / ||d||_inf by the model's forward pass: one step from h_0 = d, zero input.
double fixed_point_residual(const fn::Model& model, const std::vector<double>& point);

// (X16) Spectral radius of J = (1 - a) I + a W diag(1 - tanh(d)^2) at a point d.
double fixed_point_spectral_radius(const fn::Model& model, const std::vector<double>& point);

struct FixedPointDynamicsConfig {
  int hidden = 64, count = 5, trials = 8, steps = 100;
  std::vector<double> gains{1.0, 1.5, 2.0};
  double alpha = 0.7;
  FixedPointRule rule = FixedPointRule::simultaneous;
  std::uint64_t seed = 0;
};

void validate(const FixedPointDynamicsConfig& config);  // ArgumentError naming the parameter

struct FixedPointDynamicsResult {
  // gain, trial, t, key (= gain index * 10000 + trial), pc1, pc2
  Table trajectories;
  // gain, key (= gain index), point (j, sign), pc1, pc2: the added points, projected
  Table points;
  // gain, max_residual, min_radius, max_radius, attracting (points with radius < 1), at_added
  // (fraction of trials ending at an added point), distinct_ends, end_norm (mean ||h_T|| / sqrt n)
  Table per_gain;
};

FixedPointDynamicsResult run_fixed_point_dynamics(const FixedPointDynamicsConfig& config);

}  // namespace learndyn::experiments::ntk
