// The parameter side of the NTK (proofs/ntk.md N8, N10, N11, N49): G = df/dtheta maps a
// parameter direction (Model::theta layout: [weight_ih, weight_hh, bias_ih, bias_hh], PyTorch
// rows) to the forcing of the constraint at every (b, t), G^T maps a state-shaped vector back,
// both through the Kronecker core's site variables (never a dense N x p matrix). With them:
// the parameter gradient G^T P* dL/dh (N8) and the state Fisher F = G^T P* P G (N10).
#pragma once

#include <vector>

#include <learndyn/fast/ntk/model.hpp>
#include <learndyn/fast/ntk/operators.hpp>

namespace learndyn::fast::ntk {

// Where site k's parameter block Theta_k (n x d_k, N11) lives in theta (N49): the gate rows
// [row0, row0 + n) of weight_hh (V's columns [h_col, h_col + n)) and of weight_ih (V's columns
// [x_col, x_col + n_in)), -1 when the site has no such part, and which PyTorch biases add into
// its last column (whose V entry is sqrt(copies), so that K = G G^T, N13-N15).
struct SiteBlock {
  int row0, h_col, x_col;
  bool b_ih, b_hh;
};
SiteBlock site_block(const Shape& shape, int site);

// (N49) G v: the state-shaped forcing (index (b*T + t)*n + i) of the parameter direction v.
std::vector<double> apply_g(const Ntk& ntk, const Shape& shape, const std::vector<double>& direction);

// (N49) G^T q for a state-shaped q, in the theta layout.
std::vector<double> apply_g_adjoint(const Ntk& ntk, const Shape& shape, const double* q);

// (N10) F v = G^T P* P G v, the state Fisher on parameters: symmetric positive semidefinite,
// with the nonzero eigenvalues of NTK_S (so the same trace, Frobenius norm and PR).
std::vector<double> apply_fisher(const Ntk& ntk, const Shape& shape, const std::vector<double>& direction);

}  // namespace learndyn::fast::ntk
