// The rank-1 linear filter task in closed form (proofs/overlaps.md O26; overlaps_fast.md §5,
// OF16-OF18): the loss of the linear after-update network on the impulse-response task from its
// four visible overlaps, and its gradient, in O(1) operations (independent of T and N).
#pragma once

#include <Eigen/Core>

#include <learndyn/fast/overlaps/overlap_ode.hpp>

namespace learndyn::fast::overlaps {

// The task of filter_task(dt, steps, decay, amplitude).
struct FilterSettings {
  double dt = 0.05;
  int steps = 400;
  double decay = 0.2;
  double amplitude = 1.0;
};

// L and dL/d(sigma_zm, sigma_zu, sigma_vm, sigma_vu).
struct FilterLoss {
  double loss = 0;
  double d_zm = 0, d_zu = 0, d_vm = 0, d_vu = 0;
};

// (OF16-OF17). Where the closed form is ill-conditioned (|sigma_vu| < 1/16, or a ratio r of a
// geometric sum with |1 - r| < 1/64: OF18) the sums are taken term by term instead (O(T)).
// Throws ArgumentError on invalid settings or non-finite overlaps.
FilterLoss filter_loss_closed_form(const FilterSettings& task, double zm, double zu, double vm,
                                   double vu);

// G (4 x 4, canonical order z, v, m, u) from the closed-form gradient.
Eigen::MatrixXd filter_gradient_matrix(const FilterLoss& loss);

// One epoch of the rank-1 linear filter task from the closed form (exact map, Euler or RK4);
// returns the loss before it. Sigma is 4 x 4 (canonical order).
double filter_epoch_closed_form(const FilterSettings& task, double lr, Stepper stepper,
                                Eigen::MatrixXd& sigma);

}  // namespace learndyn::fast::overlaps
