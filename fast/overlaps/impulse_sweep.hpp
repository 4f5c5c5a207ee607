// The overlap ODE of the rank-1 linear network on an impulse task (proofs/overlaps_fast.md §5a,
// OF27-OF30): when R = 1, phi is linear, the readout is after the update and every trial's input
// is zero after its first step (the filter task, for one), the latent state is
// kappa_{k+1} = (P_k, sigma_vm dt s_k) with P_k = (1-dt)^k dt x_0 and
// s_{k+1} = mu s_k + P_k, mu = 1 - dt + dt sigma_vu, and the gradient needs, besides the
// residuals, only q_k = ds_k/dmu (forward mode: no adjoint sweep, nothing stored). The T steps
// are cut into kImpulseLanes contiguous segments run side by side (one SIMD lane each), whose
// starts are joined by a scalar recursion of kImpulseLanes steps: the sweep is throughput-bound
// instead of latency-bound. The loss and gradient are sums of residual-weighted terms, as in the
// T-step recursion of OF12-OF13 (bound OF29); used by OverlapSolver automatically (OF30).
#pragma once

#include <vector>

#include <Eigen/Core>

#include <learndyn/fast/overlaps/model.hpp>

namespace learndyn::fast::overlaps {

// The number of segments (lanes) of the impulse sweep.
inline constexpr int kImpulseLanes = 16;

// True when the sweep computes this (model, task) as OF12-OF13 define it: rank 1, linear phi,
// readout after the update, input(b, k) == 0 for every k >= 1 (checked on the matrices).
bool impulse_sweep_applies(const Model& model, const Task& task);

class ImpulseSweep {
 public:
  // Requires impulse_sweep_applies(model, task) and a validated model and task.
  ImpulseSweep(const Model& model, const Task& task);

  // V = Sigma_AB row-major (2 x 2). Returns L; writes y (B x T) when y is not null; when F is
  // not null, adds dL/dV to it (row-major; H = 0 for linear phi).
  double run(const double* v, Eigen::MatrixXd* y, double* F);

 private:
  int steps_, segment_;  // T, L = ceil(T / lanes)
  double dt_;
  Eigen::Index trials_;
  // Per trial, [j][lane] (k = lane L + j) with zero padding for k >= T: P_k, target, weight.
  std::vector<double> p_, target_, weight_;
  std::vector<double> rho_seg_;  // (1-dt)^(lane L)
  std::vector<double> y_;        // [j][lane]
};

}  // namespace learndyn::fast::overlaps
