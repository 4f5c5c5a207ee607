// What a trained linear network does with an input, for the reproduce panels (Figs 2c, 5a-b,
// 12a; proofs/overlaps_experiments.md E31-E33): the hidden activity of chosen neurons and the
// output under any input sequence, the filter task's white-noise target (the public code's
// exponential filter), and the white-noise error the impulse-response loss predicts (E32).
#pragma once

#include <cstdint>
#include <vector>

#include <Eigen/Core>

#include <learndyn/fast/overlaps/network.hpp>

namespace learndyn::experiments::overlaps {

// The linear network (O1, readout after the update) driven by x from h_0 = 0:
// h_{k+1} = h_k + dt(-h_k + U V^T h_k / N + m x_k), y_k = z.h_{k+1}/N. `hidden` holds
// h_{k+1} of the chosen neurons (T x neurons.size()). W is never formed.
struct Rollout {
  Eigen::VectorXd y;
  Eigen::MatrixXd hidden;
};
Rollout linear_rollout(const fast::overlaps::Network& net, double dt, const Eigen::VectorXd& x,
                       const std::vector<int>& neurons = {});

// The public code's `exponential_filter` (Fig. 5a's target): y_k = exp(-decay dt) y_{k-1} + dt x_k,
// y_{-1} = 0.
Eigen::VectorXd exponential_filter(const Eigen::VectorXd& x, double decay, double dt);

// (E32) The steady-state mean squared error between the network and the exponential filter
// under white noise of standard deviation s: s^2 sum_j (r_j - r*_j)^2, where r and r* are the
// responses to a unit input at step 0 (the network's: its outputs for x_0 = 1, over `horizon`
// steps; the filter's: dt exp(-decay dt j)).
double white_noise_error(const fast::overlaps::Network& net, double dt, double decay, double noise_std, int horizon);

}  // namespace learndyn::experiments::overlaps
