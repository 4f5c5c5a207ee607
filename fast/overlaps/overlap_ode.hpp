// Fast overlap ODE (proofs/overlaps_fast.md §4, after O9-O17): the loss from the overlaps alone
// through the latent recursion (exact for linear phi; mean field with the gain
// g(Delta) = 1/sqrt(1 + pi Delta/2), computed once per step from the pre-update kappa, for
// erf), dL/dsigma by one adjoint sweep (OF12-OF14), G, and one epoch of learning: the exact
// discrete map, Euler or RK4 on the flow (OF15). Cost O(B T R^2) per gradient, independent
// of N; 1 <= R <= 15. Sigma is (2R+2) x (2R+2) in the canonical order [z, v_1..v_R, m, u_1..u_R]
// (A = (z, v), B = (m, u)); only V = Sigma_AB and, for erf, Sigma_BB are read.
#pragma once

#include <memory>

#include <Eigen/Core>

#include <learndyn/fast/overlaps/model.hpp>

namespace learndyn::fast::overlaps {

// F = dL/dV ((R+1) x (R+1): rows z, v_r; columns m, u_r) and H = 2 dL/dSigma_BB with its
// entries treated as independent (zero for linear phi).
struct OverlapGradient {
  double loss = 0;
  Eigen::MatrixXd F;
  Eigen::MatrixXd H;
};

// G = [[0, F], [F^T, H]]: G_ab = dL/dsigma_ab off the diagonal, 2 dL/dsigma_aa on it, so that
// dL/dC = C G / N for C = [z v m u] (OF14).
Eigen::MatrixXd gradient_matrix(const OverlapGradient& grad);

enum class Stepper {
  exact_map,  // Sigma' = (I - lr G) Sigma (I - lr G): one full-network SGD step, exactly (linear)
  euler,      // Sigma' = Sigma - lr (G Sigma + Sigma G): Euler on the flow, every overlap at once (the
              // public code's update is sequential, in place: proofs/overlaps.md §15, item 2)
  rk4         // classical RK4 on dSigma/dt = -lr (G Sigma + Sigma G), one step of one epoch
};

// The largest rank of the fast overlap ODE (the paper's runs use R = 1 and 2).
inline constexpr int kMaxOverlapRank = 15;

// Throws ArgumentError unless Sigma is (2R+2) x (2R+2), finite and symmetric to within
// 64 eps max|Sigma|.
void validate_overlaps(const Eigen::MatrixXd& sigma, int rank);

// automatic: the segmented impulse sweep (impulse_sweep.hpp, OF27-OF30) wherever it applies
// (linear phi, readout after the update, inputs zero after the first step: the filter task),
// the T-step recursion (OF12-OF13) elsewhere; recursion: always the T-step recursion.
enum class OverlapMethod { automatic, recursion };

// Reusable workspace for one (model, task): a training loop allocates nothing per epoch.
class OverlapSolver {
 public:
  OverlapSolver(const Model& model, const Task& task,
                OverlapMethod method = OverlapMethod::automatic);
  ~OverlapSolver();
  OverlapSolver(OverlapSolver&&) noexcept;
  OverlapSolver& operator=(OverlapSolver&&) noexcept;

  // y (B x T) of the latent recursion.
  Eigen::MatrixXd outputs(const Eigen::MatrixXd& sigma);
  double loss(const Eigen::MatrixXd& sigma);
  // L, and G (resized to (2R+2) x (2R+2)) by the adjoint sweep.
  double gradient(const Eigen::MatrixXd& sigma, Eigen::MatrixXd& G);
  OverlapGradient blocks(const Eigen::MatrixXd& sigma);
  // One epoch in place; returns the loss before it. Requires lr >= 0 finite.
  double epoch(double lr, Stepper stepper, Eigen::MatrixXd& sigma);
  // True when the impulse sweep serves this solver.
  bool uses_impulse_sweep() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// One-shot forms of the solver's methods.
Eigen::MatrixXd overlap_outputs(const Model& model, const Eigen::MatrixXd& sigma, const Task& task);
double overlap_loss(const Model& model, const Eigen::MatrixXd& sigma, const Task& task);
OverlapGradient overlap_gradient(const Model& model, const Eigen::MatrixXd& sigma,
                                 const Task& task);
double overlap_epoch(const Model& model, const Task& task, double lr, Stepper stepper,
                     Eigen::MatrixXd& sigma);

}  // namespace learndyn::fast::overlaps
